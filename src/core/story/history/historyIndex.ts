// The history's index: one summary per story (what the list and its search need, never the
// story text) in a file beside the story directory, so listing costs one small read whatever
// the stories' length. The story files stay the truth: the index is rebuilt from them when it is
// missing or corrupt, and a story file it does not know is read and added (found by name).
// Two windows share it: every change is re-read, merged and written under a lock, atomically.
// `<index>.dir` (the mark) records a directory state the index was found to match.
import { mkdir, open, readFile, readdir, rm, stat } from 'node:fs/promises';
import { writeAtomically } from '../../files/atomicWrite';
import { basename, dirname } from 'node:path';
import { numbers, parseIndexView, serializeIndex } from './indexFormat';
import { IndexView, newestFirst } from './indexView';
import type { IndexEntry } from './summary';
import { acquireFileLock } from '../../files/fileLock';
import type { FileLockOptions } from '../../files/fileLock';

/** What the index keeps of one story. */
export type IndexFileOptions = FileLockOptions;

/** What identifies one version of the file: a rename always gives a new inode. */
export interface Stamp {
  readonly ino: number;
  readonly mtimeMs: number;
  readonly size: number;
}

/**
 * "This version of the index names exactly the story files of the directory as it was then": a
 * new window that finds both unchanged lists without reading 10,000 names. A directory's mtime
 * changes with every file added, removed or renamed in it; `readAt` keeps a change in the same
 * second as the reading from hiding behind a coarse timestamp.
 */
export interface DirMark {
  readonly dir: { readonly ino: number; readonly mtimeMs: number };
  /** Date.now() just before the names were read. */
  readonly readAt: number;
  readonly index: Stamp;
}

export class HistoryIndexFile {
  readonly lockPath: string;
  /** Beside the index, not in the story directory, whose mtime it records. */
  readonly markPath: string;
  private cache: { stamp: Stamp; view: IndexView } | undefined;
  /** One update at a time in this process; the lock file orders processes. */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    readonly path: string,
    private readonly options: IndexFileOptions = {},
  ) {
    this.lockPath = `${path}.lock`;
    this.markPath = `${path}.dir`;
  }

  /** The stamp of the file `view` was read from or written to, while it is the one this process last saw. */
  stampOf(view: IndexView): Stamp | undefined {
    return this.cache?.view === view ? this.cache.stamp : undefined;
  }

  /** The directory mark, undefined when missing or unreadable (the names are then read). */
  async readMark(): Promise<DirMark | undefined> {
    try {
      return parseMark(await readFile(this.markPath, 'latin1'));
    } catch {
      return undefined;
    }
  }

  /** Best effort: without a mark the next window reads the names, as it always could. */
  async writeMark(mark: DirMark): Promise<void> {
    const data = JSON.stringify({
      dir: [mark.dir.ino, mark.dir.mtimeMs],
      readAt: mark.readAt,
      index: [mark.index.ino, mark.index.mtimeMs, mark.index.size],
    });
    await writeAtomically(this.markPath, data, { durable: false }).catch(() => undefined);
  }

  /**
   * The entries on disk: from memory when the file has not changed since this process last read
   * or wrote it (one stat). Undefined when there is no usable index (missing, corrupt, unknown
   * version): the caller rebuilds it from the story files.
   */
  async read(): Promise<IndexView | undefined> {
    // Nothing in memory (a new window): straight to the read, no stat first.
    if (this.cache) {
      let stamp: Stamp;
      try {
        stamp = stampOf(await stat(this.path));
      } catch (e) {
        if ((e as { code?: string }).code === 'ENOENT') {
          this.cache = undefined;
          return undefined;
        }
        throw e;
      }
      if (this.cache && sameStamp(this.cache.stamp, stamp)) return this.cache.view;
    }
    let read: { data: Buffer; stamp: Stamp };
    try {
      read = await readWhole(this.path);
    } catch (e) {
      if ((e as { code?: string }).code === 'ENOENT') {
        this.cache = undefined;
        return undefined;
      }
      throw e;
    }
    const view = parseIndexView(read.data);
    // The stamp of the file read (fstat of its descriptor), not of the path, which may name a newer one by now.
    this.cache = view ? { stamp: read.stamp, view } : undefined;
    return view;
  }

  /**
   * Applies `change` to the latest entries on disk (none when there is no usable index) and
   * writes the result atomically, under the lock: another window's entries are never lost.
   */
  update(change: (entries: Map<string, IndexEntry>, existed: boolean) => void): Promise<IndexView> {
    const run = this.chain.then(async () => {
      await mkdir(dirname(this.path), { recursive: true });
      const release = await this.lock();
      try {
        const current = await this.read();
        const entries = current?.toMap() ?? new Map<string, IndexEntry>();
        change(entries, current !== undefined);
        return await this.write(entries);
      } finally {
        await release();
      }
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** What this process last read or wrote for one story (no I/O). */
  cached(id: string): IndexEntry | undefined {
    return this.cache?.view.get(id);
  }

  /** Forgets the index (the next list rebuilds it from the story files). */
  async remove(): Promise<void> {
    this.cache = undefined;
    await rm(this.path, { force: true });
  }

  /** Temp files of this index that a crash left behind (older than `olderThanMs`). */
  async removeStaleTemps(now: number, olderThanMs: number): Promise<void> {
    const dir = dirname(this.path);
    const prefix = `${basename(this.path)}.`;
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return;
    }
    for (const name of names) {
      if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
      const path = `${dir}/${name}`;
      try {
        if (now - (await stat(path)).mtimeMs > olderThanMs) await rm(path, { force: true });
      } catch {
        // Gone already.
      }
    }
  }

  /** Returns the entries as written (newest first). */
  private async write(entries: Map<string, IndexEntry>): Promise<IndexView> {
    // Written newest first, so a reader keeps the file's order and need not sort.
    const view = IndexView.fromEntries([...entries.values()].sort(newestFirst));
    const data = serializeIndex(view);
    // Not synced: the index can always be rebuilt from the stories, which are.
    const stamp = stampOf(await writeAtomically(this.path, data, { durable: false }));
    this.cache = { stamp, view };
    return view;
  }

  private lock(): Promise<() => Promise<void>> {
    return acquireFileLock(this.lockPath, 'the history index', this.options);
  }
}

function stampOf(s: { ino: number; mtimeMs: number; size: number }): Stamp {
  return { ino: s.ino, mtimeMs: s.mtimeMs, size: s.size };
}

export function sameStamp(a: Stamp, b: Stamp): boolean {
  return a.ino === b.ino && a.mtimeMs === b.mtimeMs && a.size === b.size;
}

function parseMark(raw: string): DirMark | undefined {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  const m = value as { dir?: unknown; readAt?: unknown; index?: unknown } | null;
  if (typeof m !== 'object' || m === null || !numbers(m.dir, 2) || !numbers(m.index, 3)) return undefined;
  if (typeof m.readAt !== 'number') return undefined;
  const [ino, mtimeMs] = m.dir;
  const [iIno, iMtime, size] = m.index;
  return {
    dir: { ino: ino!, mtimeMs: mtimeMs! },
    readAt: m.readAt,
    index: { ino: iIno!, mtimeMs: iMtime!, size: size! },
  };
}

/** The whole file in one read (readFile reads 512 KB at a time, each a trip through the thread pool). */
async function readWhole(path: string): Promise<{ data: Buffer; stamp: Stamp }> {
  const file = await open(path, 'r');
  try {
    const s = await file.stat();
    // Room past the size, so one read says it reached the end (a short read of a file is its end).
    let data = Buffer.allocUnsafe(s.size + 4096);
    let length = 0;
    for (;;) {
      const { bytesRead } = await file.read(data, length, data.length - length, length);
      length += bytesRead;
      if (length < data.length) break;
      data = Buffer.concat([data, Buffer.allocUnsafe(data.length)]);
    }
    return { data: data.subarray(0, length), stamp: stampOf(s) };
  } finally {
    await file.close();
  }
}
