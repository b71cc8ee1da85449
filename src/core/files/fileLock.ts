// A lock between VS Code windows: a file created exclusively beside what it guards. A lock older
// than `staleLockMs` was left by a crashed window and is taken over.
import { open, rm, stat } from 'node:fs/promises';

export interface FileLockOptions {
  /** How long to wait for another window's lock before giving up. */
  readonly lockWaitMs?: number;
  /** A lock older than this was left by a crashed window. */
  readonly staleLockMs?: number;
}

/** Waits for the lock at `lockPath`; resolves to its release. `what` names the guarded data in the error. */
export async function acquireFileLock(
  lockPath: string,
  what: string,
  options: FileLockOptions = {},
): Promise<() => Promise<void>> {
  const waitMs = options.lockWaitMs ?? 5000;
  const staleMs = options.staleLockMs ?? 10_000;
  const deadline = Date.now() + waitMs;
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(lockPath, 'wx', 0o600);
      await handle.close();
      return () => rm(lockPath, { force: true });
    } catch (e) {
      if ((e as { code?: string }).code !== 'EEXIST') throw e;
    }
    const age = await stat(lockPath).then(
      (s) => Date.now() - s.mtimeMs,
      () => 0,
    );
    if (age > staleMs) {
      await rm(lockPath, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`another window held ${what} for too long`);
    await new Promise((r) => setTimeout(r, Math.min(5 + attempt * 5, 50)));
  }
}
