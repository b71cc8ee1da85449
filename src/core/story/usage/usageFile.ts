// The daily usage totals in one file per user, shared by every VS Code window. Each window adds
// its request under a lock (re-read, add, write atomically), so two windows never overwrite each
// other's counts (a per-window copy saved last would win and lose the other's requests).
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { EMPTY_LEDGER, parseLedger } from './usage';
import type { UsageLedgerState } from './usage';
import { writeAtomically } from '../../files/atomicWrite';
import { acquireFileLock } from '../../files/fileLock';
import type { FileLockOptions } from '../../files/fileLock';

export interface UsageFileOptions extends FileLockOptions {
  /** The totals to start from when the file does not exist yet (e.g. what an older version kept elsewhere). */
  readonly seed?: () => unknown;
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
      if ((e as { code?: string }).code === 'ENOENT')
        return this.options.seed ? parseLedger(this.options.seed()) : EMPTY_LEDGER;
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
      await writeAtomically(this.path, JSON.stringify(next));
      return next;
    } finally {
      await release();
    }
  }

  private lock(): Promise<() => Promise<void>> {
    return acquireFileLock(this.lockPath, 'the usage totals', this.options);
  }
}
