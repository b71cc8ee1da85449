// The history's index: one summary per story (what the list and its search need, never the
// story text) in a file beside the story directory, so listing costs one small read whatever
// the stories' length. The story files stay the truth: the index is rebuilt from them when it is
// missing or corrupt, and a story file it does not know is read and added (found by name).
// Two windows share it: every change is re-read, merged and written under a lock, atomically.
import { mkdir, open, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import * as v from 'valibot';
import type { StoryStatus } from './protocol/wire';
import { STORY_STATUSES } from './protocol/wire';
import { acquireFileLock } from './fileLock';
import type { FileLockOptions } from './fileLock';

/** What the index keeps of one story. */
export interface IndexEntry {
  readonly id: string;
  /** Already clipped to the protocol's limit. */
  readonly title: string;
  readonly modelId: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** As saved; 'streaming' entries are checked against their file when listed. */
  readonly status: StoryStatus;
  readonly outputTokens: number;
  /** Input and output together: the unit the panel shows. */
  readonly totalTokens: number;
  /** The tokens were counted from the text (a stream stopped or cut before Bedrock counted). */
  readonly estimated: boolean;
  /** For the search box. */
  readonly premise: string;
}

/** On disk: a version and one array per story, in IndexEntry's field order (half the size of objects). */
type Row = [string, string, string, number, number, StoryStatus, number, string, number, boolean];
// 2: total tokens and the estimate mark; an index of another version is rebuilt from the stories.
const VERSION = 2;

export type IndexFileOptions = FileLockOptions;

/** What identifies one version of the file: a rename always gives a new inode. */
interface Stamp {
  readonly ino: number;
  readonly mtimeMs: number;
  readonly size: number;
}

export class HistoryIndexFile {
  readonly lockPath: string;
  private cache: { stamp: Stamp; entries: Map<string, IndexEntry> } | undefined;
  /** One update at a time in this process; the lock file orders processes. */
  private chain: Promise<unknown> = Promise.resolve();
  private tmpCounter = 0;

  constructor(
    readonly path: string,
    private readonly options: IndexFileOptions = {},
  ) {
    this.lockPath = `${path}.lock`;
  }

  /**
   * The entries on disk: from memory when the file has not changed since this process last read
   * or wrote it (one stat). Undefined when there is no usable index (missing, corrupt, unknown
   * version): the caller rebuilds it from the story files.
   */
  async read(): Promise<Map<string, IndexEntry> | undefined> {
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
    if (this.cache && sameStamp(this.cache.stamp, stamp)) return this.cache.entries;
    let raw: string;
    try {
      // As a buffer, then one conversion: readFile's own decoding goes chunk by chunk (slower at 2 MB).
      raw = (await readFile(this.path)).toString('utf8');
    } catch (e) {
      if ((e as { code?: string }).code === 'ENOENT') return undefined;
      throw e;
    }
    const entries = parseIndex(raw);
    // A stat after the read could name a newer file than we read; the one before is the safe stamp.
    this.cache = entries ? { stamp, entries } : undefined;
    return entries;
  }

  /**
   * Applies `change` to the latest entries on disk (none when there is no usable index) and
   * writes the result atomically, under the lock: another window's entries are never lost.
   */
  update(change: (entries: Map<string, IndexEntry>, existed: boolean) => void): Promise<Map<string, IndexEntry>> {
    const run = this.chain.then(async () => {
      await mkdir(dirname(this.path), { recursive: true });
      const release = await this.lock();
      try {
        const current = await this.read();
        const entries = new Map(current ?? []);
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
    return this.cache?.entries.get(id);
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
  private async write(entries: Map<string, IndexEntry>): Promise<Map<string, IndexEntry>> {
    // Written newest first, so a reader keeps the file's order and need not sort.
    const sorted = [...entries.values()].sort(newestFirst);
    const rows: Row[] = sorted.map((e) => [
      e.id,
      e.title,
      e.modelId,
      e.createdAt,
      e.updatedAt,
      e.status,
      e.outputTokens,
      e.premise,
      e.totalTokens,
      e.estimated,
    ]);
    const data = JSON.stringify({ version: VERSION, stories: rows });
    const tmp = `${this.path}.${process.pid}.${this.tmpCounter++}.tmp`;
    try {
      const file = await open(tmp, 'w', 0o600);
      try {
        // No fsync: the index can always be rebuilt from the stories, which are synced.
        await file.writeFile(data, 'utf8');
      } finally {
        await file.close();
      }
      await rename(tmp, this.path);
    } catch (e) {
      await rm(tmp, { force: true }).catch(() => undefined);
      throw e;
    }
    this.cache = { stamp: stampOf(await stat(this.path)), entries: new Map(sorted.map((e) => [e.id, e])) };
    return this.cache.entries;
  }

  private lock(): Promise<() => Promise<void>> {
    return acquireFileLock(this.lockPath, 'the history index', this.options);
  }
}

function stampOf(s: { ino: number; mtimeMs: number; size: number }): Stamp {
  return { ino: s.ino, mtimeMs: s.mtimeMs, size: s.size };
}

function sameStamp(a: Stamp, b: Stamp): boolean {
  return a.ino === b.ino && a.mtimeMs === b.mtimeMs && a.size === b.size;
}

/** The file's frame; `stories` is not copied, since its rows are checked below. */
const IndexFileSchema = v.strictObject({ version: v.literal(VERSION), stories: v.custom<unknown[]>(Array.isArray) });

/** The entries, or undefined when the file is not an index this version can trust. */
export function parseIndex(raw: string): Map<string, IndexEntry> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  const file = v.safeParse(IndexFileSchema, value);
  if (!file.success) return undefined;
  const stories = file.output.stories;
  const entries = new Map<string, IndexEntry>();
  // A plain indexed loop, not a schema: at 10,000 stories this runs on every new window's first list, and a
  // valibot tuple per row measured 40-60 ms there against under 5 ms for this loop.
  for (let i = 0; i < stories.length; i++) {
    const row = stories[i] as unknown[];
    if (!Array.isArray(row) || row.length !== 10) return undefined;
    const id = row[0];
    const title = row[1];
    const modelId = row[2];
    const createdAt = row[3];
    const updatedAt = row[4];
    const status = row[5];
    const outputTokens = row[6];
    const premise = row[7];
    const totalTokens = row[8];
    const estimated = row[9];
    if (
      typeof id !== 'string' ||
      typeof title !== 'string' ||
      typeof modelId !== 'string' ||
      typeof premise !== 'string'
    )
      return undefined;
    if (
      typeof createdAt !== 'number' ||
      typeof updatedAt !== 'number' ||
      typeof outputTokens !== 'number' ||
      typeof totalTokens !== 'number' ||
      typeof estimated !== 'boolean'
    )
      return undefined;
    if (typeof status !== 'string' || !STATUSES.has(status)) return undefined;
    entries.set(id, {
      id,
      title,
      modelId,
      createdAt,
      updatedAt,
      status: status as StoryStatus,
      outputTokens,
      totalTokens,
      estimated,
      premise,
    });
  }
  return entries;
}

const STATUSES: ReadonlySet<string> = new Set(STORY_STATUSES);

/** Newest first, the order the list shows (and the index is written in). */
export function newestFirst(a: IndexEntry, b: IndexEntry): number {
  return b.createdAt - a.createdAt || b.updatedAt - a.updatedAt;
}

/** Lower-case words of a search; a story matches when its title or premise holds every one. */
export function searchTerms(query: string): string[] {
  return query.toLowerCase().split(/\s+/).filter(Boolean);
}

export function matches(haystack: string, terms: readonly string[]): boolean {
  for (const term of terms) if (!haystack.includes(term)) return false;
  return true;
}
