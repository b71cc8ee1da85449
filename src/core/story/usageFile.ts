// The daily usage totals in one file per user, shared by every VS Code window. Each window adds
// its request under a lock (re-read, add, write atomically), so two windows never overwrite each
// other's counts (a per-window copy saved last would win and lose the other's requests).
import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { EMPTY_LEDGER, parseLedger } from './usage';
import type { UsageLedgerState } from './usage';

export interface UsageFileOptions {
  /** The totals to start from when the file does not exist yet (e.g. what an older version kept elsewhere). */
  readonly seed?: () => unknown;
  /** How long to wait for another window's lock before giving up. */
  readonly lockWaitMs?: number;
  /** A lock older than this was left by a crashed window. */
  readonly staleLockMs?: number;
}

export class UsageLedgerFile {
  private readonly lockPath: string;

  constructor(
    readonly path: string,
    private readonly options: UsageFileOptions = {},
  ) {
    this.lockPath = `${path}.lock`;
  }

  async read(): Promise<UsageLedgerState> {
    try {
      return parseLedger(JSON.parse(await readFile(this.path, 'utf8')));
    } catch (e) {
      if ((e as { code?: string }).code === 'ENOENT') return this.options.seed ? parseLedger(this.options.seed()) : EMPTY_LEDGER;
      if (e instanceof SyntaxError) return EMPTY_LEDGER;
      throw e;
    }
  }

  /** Applies `change` to the latest totals on disk and writes the result; returns it. */
  async update(change: (state: UsageLedgerState) => UsageLedgerState): Promise<UsageLedgerState> {
    await mkdir(dirname(this.path), { recursive: true });
    const release = await this.lock();
    try {
      const next = change(await this.read());
      const tmp = `${this.path}.${randomUUID()}.tmp`;
      try {
        const file = await open(tmp, 'w', 0o600);
        try {
          await file.writeFile(JSON.stringify(next), 'utf8');
          await file.sync();
        } finally {
          await file.close();
        }
        await rename(tmp, this.path);
      } catch (e) {
        await rm(tmp, { force: true }).catch(() => undefined);
        throw e;
      }
      return next;
    } finally {
      await release();
    }
  }

  private async lock(): Promise<() => Promise<void>> {
    const waitMs = this.options.lockWaitMs ?? 5000;
    const staleMs = this.options.staleLockMs ?? 10_000;
    const deadline = Date.now() + waitMs;
    for (let attempt = 0; ; attempt++) {
      try {
        const handle = await open(this.lockPath, 'wx', 0o600);
        await handle.close();
        return () => rm(this.lockPath, { force: true });
      } catch (e) {
        if ((e as { code?: string }).code !== 'EEXIST') throw e;
      }
      const age = await stat(this.lockPath).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (age > staleMs) {
        await rm(this.lockPath, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error('another window held the usage totals for too long');
      await new Promise((r) => setTimeout(r, Math.min(5 + attempt * 5, 50)));
    }
  }
}
