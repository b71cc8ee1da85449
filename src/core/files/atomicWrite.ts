// The one way the extension replaces a file: write a temp file beside it, then rename it into
// place, so a crash or a reader in another window sees the old file or the new, never half of one.
import type { Stats } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface AtomicWriteOptions {
  /**
   * Synced to disk before the rename, and the rename synced after (default): a power cut leaves
   * the old file or the new. Off for a file that can be rebuilt from others (the history index).
   */
  readonly durable?: boolean;
}

let counter = 0;

/** `${path}.<pid>.<n>.tmp`: the temp name every writer uses, so a scan can recognise (and clear) leftovers. */
export function tempPathFor(path: string): string {
  return `${path}.${process.pid}.${counter++}.tmp`;
}

/**
 * Replaces `path` with `data` (mode 0600). Returns the written file's stats: a rename keeps the
 * inode, size and modification time, so they describe the file now at `path`.
 */
export async function writeAtomically(
  path: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<Stats> {
  const durable = options.durable ?? true;
  const tmp = tempPathFor(path);
  try {
    const file = await open(tmp, 'w', 0o600);
    let stats: Stats;
    try {
      await file.writeFile(data);
      if (durable) await file.sync();
      stats = await file.stat();
    } finally {
      await file.close();
    }
    await rename(tmp, path);
    if (durable) await syncDir(dirname(path));
    return stats;
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
}

/** Makes a rename durable; not every platform can open a directory (Windows), which is fine. */
async function syncDir(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Best effort.
  }
}
