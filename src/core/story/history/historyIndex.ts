// The history's index: one summary per story (what the list and its search need, never the
// story text) in a file beside the story directory, so listing costs one small read whatever
// the stories' length. The story files stay the truth: the index is rebuilt from them when it is
// missing or corrupt, and a story file it does not know is read and added (found by name).
// Two windows share it: every change is re-read, merged and written under a lock, atomically.
// `<index>.dir` (the mark) records a directory state the index was found to match.
import { isAscii } from 'node:buffer';
import { endianness } from 'node:os';
import { mkdir, open, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { StoryStatus } from '../protocol/wire';
import { STORY_STATUSES } from '../protocol/wire';
import { summaryOfFields } from './storyFormats';
import type { StorySummary } from './storyFormats';
import { acquireFileLock } from '../../files/fileLock';
import type { FileLockOptions } from '../../files/fileLock';

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

/**
 * On disk (version 3): a line of JSON with the numbers (one array per field, not per story; the
 * model ids and statuses as positions in short tables), then the ids, titles and premises as UTF-8,
 * each field's texts joined by spaces, where the JSON says each ends. A new window parses only the
 * line: no string per story (making and collecting 40,000 of them was most of a list's time at
 * 10,000), and a story's texts are decoded when it is shown or searched. The ids are in code-unit
 * order (each story says where its id is), so the directory's names, as read, are compared with
 * them in one string comparison, no lookup built. Version 2 (one JSON array per story) is still
 * read, and written again as 3.
 */
/** Texts joined by spaces (which a text may hold too: `ends` says where each ends), for the search. */
interface Joined {
  readonly text: string;
  readonly ends: ArrayLike<number>;
}

/**
 * One field's text for every story: strings (a view made here), or the UTF-8 bytes read from the
 * file, joined by spaces, each decoded when asked (a first page decodes 50, not 10,000).
 */
class Texts {
  /** The whole bytes as one string, once many are asked for and they are ASCII (offsets then agree). */
  private whole: string | undefined;
  private ascii: boolean | undefined;
  private asked = 0;

  private constructor(
    private readonly strings: readonly string[] | undefined,
    private readonly bytes: Buffer,
    /** Where story i's bytes end; the next one's start one past it. */
    private readonly ends: ArrayLike<number>,
  ) {}

  static of(strings: readonly string[]): Texts {
    return new Texts(strings, Buffer.alloc(0), []);
  }

  /** Checked: n texts, each ending where `ends` says, the last at the end. */
  static read(bytes: Buffer, ends: ArrayLike<number>): Texts | undefined {
    const n = ends.length;
    if (n === 0) return bytes.length === 0 ? new Texts(undefined, bytes, ends) : undefined;
    let start = 0;
    for (let i = 0; i < n; i++) {
      const end = ends[i]!;
      if (end < start || (i < n - 1 ? bytes[end] !== 32 : end !== bytes.length)) return undefined;
      start = end + 1;
    }
    return new Texts(undefined, bytes, ends);
  }

  at(i: number): string {
    if (this.strings) return this.strings[i]!;
    const start = i === 0 ? 0 : this.ends[i - 1]! + 1;
    const end = this.ends[i]!;
    if (this.whole === undefined && ++this.asked > 256 && this.isAscii()) this.whole = this.bytes.toString('latin1');
    return this.whole !== undefined ? this.whole.slice(start, end) : this.bytes.toString('utf8', start, end);
  }

  /** For writing: the bytes and where each text ends. */
  encode(): { bytes: Buffer; ends: ArrayLike<number> } {
    if (!this.strings) return { bytes: this.bytes, ends: this.ends };
    const ends = new Array<number>(this.strings.length);
    let end = -1;
    for (let i = 0; i < this.strings.length; i++) ends[i] = end += Buffer.byteLength(this.strings[i]!, 'utf8') + 1;
    return { bytes: Buffer.from(this.strings.join(' '), 'utf8'), ends };
  }

  /** Lower case, joined: in one call when that keeps every offset (ASCII's is a copy), else story by story. */
  lowered(size: number): Joined {
    if (!this.strings && this.isAscii()) {
      this.whole ??= this.bytes.toString('latin1');
      const text = this.whole.toLowerCase();
      if (text.length === this.whole.length) return { text, ends: this.ends };
    }
    return join(Array.from({ length: size }, (_, i) => this.at(i).toLowerCase()));
  }

  private isAscii(): boolean {
    this.ascii ??= isAscii(this.bytes);
    return this.ascii;
  }
}

interface Columns {
  /** In code-unit order when `idAt` is there (read from a file), else in the stories' order. */
  readonly ids: Texts;
  /** Where story i's id is in `ids` (a permutation, checked when read). */
  readonly idAt?: ArrayLike<number>;
  readonly titles: Texts;
  readonly premises: Texts;
  readonly models: readonly string[];
  readonly model: ArrayLike<number>;
  readonly statuses: readonly StoryStatus[];
  readonly status: ArrayLike<number>;
  readonly created: ArrayLike<number>;
  readonly updated: ArrayLike<number>;
  readonly output: ArrayLike<number>;
  readonly total: ArrayLike<number>;
  /** 1 when the tokens were estimated, else 0. */
  readonly estimated: ArrayLike<number>;
}
const VERSION = 3;
/** Version 2's row: IndexEntry's fields in its order, premise before total tokens. */
type LegacyRow = [string, string, string, number, number, StoryStatus, number, string, number, boolean];

/**
 * The index as read or written: newest first, by position. Entries, summaries and strings are
 * made only for the stories asked for (a first page: 50), and a search scans the joined texts.
 */
export class IndexView {
  readonly size: number;
  private positions: Map<string, number> | undefined;
  private readonly made: (IndexEntry | undefined)[];
  private lowered: { titles: Joined; premises: Joined } | undefined;
  private sorted: SortedIds | undefined;

  private constructor(
    private readonly c: Columns,
    /** Read from an older version's file: the next list writes it again in this one. */
    readonly legacy: boolean,
    made?: IndexEntry[],
  ) {
    this.size = c.created.length;
    this.made = made ?? new Array<IndexEntry | undefined>(this.size);
  }

  /** `entries` newest first (written by write(), or sorted). */
  static fromEntries(entries: readonly IndexEntry[], legacy = false): IndexView {
    const models: string[] = [];
    const modelAt = new Map<string, number>();
    const statuses: StoryStatus[] = [];
    const statusAt = new Map<StoryStatus, number>();
    const c: Columns = {
      ids: Texts.of(entries.map((e) => e.id)),
      titles: Texts.of(entries.map((e) => e.title)),
      premises: Texts.of(entries.map((e) => e.premise)),
      models,
      model: entries.map((e) => tableIndex(modelAt, models, e.modelId)),
      statuses,
      status: entries.map((e) => tableIndex(statusAt, statuses, e.status)),
      created: entries.map((e) => e.createdAt),
      updated: entries.map((e) => e.updatedAt),
      output: entries.map((e) => e.outputTokens),
      total: entries.map((e) => e.totalTokens),
      estimated: entries.map((e) => (e.estimated ? 1 : 0)),
    };
    return new IndexView(c, legacy, [...entries]);
  }

  /** Columns as parsed (and checked); sorted here when out of order. */
  static fromColumns(c: Columns): IndexView {
    const view = new IndexView(c, false);
    for (let i = 1; i < view.size; i++) {
      if (c.created[i - 1]! < c.created[i]! || (c.created[i - 1] === c.created[i] && c.updated[i - 1]! < c.updated[i]!))
        return IndexView.fromEntries([...view.values()].sort(newestFirst));
    }
    return view;
  }

  /** For writing: the columns as they are. */
  columns(): Columns {
    return this.c;
  }

  /** The story's position, or -1. */
  position(id: string): number {
    return this.positionsMap().get(id) ?? -1;
  }

  id(i: number): string {
    return this.made[i]?.id ?? this.idOf(i);
  }

  /**
   * Whether `ids` (a directory's story names, in any order) are exactly this index's ids: when they
   * are in code-unit order, as read from most file systems, one comparison of joined strings.
   */
  sameIds(ids: readonly string[]): boolean {
    if (ids.length !== this.size) return false;
    const text = this.sortedIds().text;
    if (text === undefined) return false;
    // Equal texts and counts, and no id here holds a space: so no name there does, and each name is an id.
    if (ids.join(' ') === text) return true;
    for (let k = 1; k < ids.length; k++) if (!(ids[k - 1]! < ids[k]!)) return [...ids].sort().join(' ') === text;
    return false;
  }

  /** For writing: the ids in code-unit order and where each story's id is among them. */
  sortedIds(): SortedIds {
    if (this.sorted) return this.sorted;
    const c = this.c;
    if (c.idAt) {
      const { bytes } = c.ids.encode();
      const text = isAscii(bytes) ? bytes.toString('latin1') : undefined;
      this.sorted = {
        texts: c.ids,
        idAt: c.idAt,
        text: text !== undefined && spaces(text) === this.size - 1 ? text : undefined,
      };
    } else {
      const ids = Array.from({ length: this.size }, (_, i) => this.id(i));
      const order = Array.from({ length: this.size }, (_, i) => i).sort((a, b) =>
        ids[a]! < ids[b]! ? -1 : ids[a]! > ids[b]! ? 1 : 0,
      );
      const idAt = new Uint32Array(this.size);
      const sortedIds = new Array<string>(this.size);
      for (let k = 0; k < order.length; k++) {
        idAt[order[k]!] = k;
        sortedIds[k] = ids[order[k]!]!;
      }
      const text = sortedIds.join(' ');
      this.sorted = {
        texts: Texts.of(sortedIds),
        idAt,
        text: isAsciiText(text) && spaces(text) === this.size - 1 ? text : undefined,
      };
    }
    return this.sorted;
  }

  private idOf(i: number): string {
    const c = this.c;
    return c.ids.at(c.idAt ? c.idAt[i]! : i);
  }

  status(i: number): StoryStatus {
    return this.c.statuses[this.c.status[i]!]!;
  }

  entry(i: number): IndexEntry {
    let e = this.made[i];
    if (e === undefined) {
      const c = this.c;
      e = {
        id: this.idOf(i),
        title: c.titles.at(i),
        modelId: c.models[c.model[i]!]!,
        createdAt: c.created[i]!,
        updatedAt: c.updated[i]!,
        status: c.statuses[c.status[i]!]!,
        outputTokens: c.output[i]!,
        totalTokens: c.total[i]!,
        estimated: c.estimated[i] === 1,
        premise: c.premises.at(i),
      };
      this.made[i] = e;
    }
    return e;
  }

  /** The list's line for the story at `i`, with no entry made. */
  summary(i: number, elsewhere = false): StorySummary {
    const c = this.c;
    const e = this.made[i];
    return summaryOfFields(
      e?.id ?? this.idOf(i),
      e?.title ?? c.titles.at(i),
      c.models[c.model[i]!]!,
      c.created[i]!,
      c.updated[i]!,
      c.statuses[c.status[i]!]!,
      c.output[i]!,
      c.total[i]!,
      c.estimated[i] === 1,
      elsewhere,
    );
  }

  get(id: string): IndexEntry | undefined {
    const i = this.position(id);
    return i < 0 ? undefined : this.entry(i);
  }

  *values(): IterableIterator<IndexEntry> {
    for (let i = 0; i < this.size; i++) yield this.entry(i);
  }

  /** A copy to change (update()). */
  toMap(): Map<string, IndexEntry> {
    const map = new Map<string, IndexEntry>();
    for (let i = 0; i < this.size; i++) {
      const e = this.entry(i);
      map.set(e.id, e);
    }
    return map;
  }

  /**
   * Two stories with one id: a file this version did not write (checked when the names are read; a
   * view with a duplicate never matches the directory's names, so never gets a mark).
   */
  hasDuplicates(): boolean {
    return this.positionsMap().size !== this.size;
  }

  /**
   * The positions (newest first) of the stories whose title or premise holds every term (lower
   * case, no white space: so no term spans two stories' texts, joined by spaces).
   */
  search(terms: readonly string[]): number[] {
    const unique = [...new Set(terms)];
    const { titles, premises } = this.lowerCase();
    const hits = new Uint16Array(this.size);
    const lastTerm = new Int32Array(this.size).fill(-1);
    for (let t = 0; t < unique.length; t++) {
      const term = unique[t]!;
      const hit = (i: number) => {
        if (lastTerm[i] !== t) {
          lastTerm[i] = t;
          hits[i]!++;
        }
      };
      scan(titles, term, hit);
      scan(premises, term, hit);
    }
    const found: number[] = [];
    for (let i = 0; i < this.size; i++) if (hits[i] === unique.length) found.push(i);
    return found;
  }

  /** Lower case in one call per column (ASCII's is a copy); per story when that changes a text's length. */
  private lowerCase(): { titles: Joined; premises: Joined } {
    this.lowered ??= { titles: this.c.titles.lowered(this.size), premises: this.c.premises.lowered(this.size) };
    return this.lowered;
  }

  private positionsMap(): Map<string, number> {
    if (this.positions === undefined) {
      const positions = new Map<string, number>();
      for (let i = 0; i < this.size; i++) positions.set(this.id(i), i);
      this.positions = positions;
    }
    return this.positions;
  }
}

/** The ids in code-unit order and where each story's is; `text`: them joined by spaces, when ASCII and space-free. */
interface SortedIds {
  readonly texts: Texts;
  readonly idAt: ArrayLike<number>;
  readonly text: string | undefined;
}

function spaces(text: string): number {
  let n = 0;
  for (let at = text.indexOf(' '); at >= 0; at = text.indexOf(' ', at + 1)) n++;
  return n;
}

function isAsciiText(text: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(text);
}

function join(texts: readonly string[]): Joined {
  const ends = new Array<number>(texts.length);
  let end = -1;
  for (let i = 0; i < texts.length; i++) ends[i] = end += texts[i]!.length + 1;
  return { text: texts.join(' '), ends };
}

function tableIndex<T>(positions: Map<T, number>, table: T[], value: T): number {
  let i = positions.get(value);
  if (i === undefined) positions.set(value, (i = table.push(value) - 1));
  return i;
}

/** Calls `hit` with each story whose text holds `term`, in order. */
function scan(p: Joined, term: string, hit: (i: number) => void): void {
  const { text, ends } = p;
  let i = 0;
  let found = text.indexOf(term);
  while (found >= 0) {
    while (ends[i]! < found + term.length) i++;
    hit(i);
    // On to the next story: this one is counted.
    found = text.indexOf(term, ends[i]! + 1);
  }
}

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
  private tmpCounter = 0;

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
    const tmp = `${this.path}.${process.pid}.${this.tmpCounter++}.tmp`;
    const data = JSON.stringify({
      dir: [mark.dir.ino, mark.dir.mtimeMs],
      readAt: mark.readAt,
      index: [mark.index.ino, mark.index.mtimeMs, mark.index.size],
    });
    try {
      await writeFile(tmp, data, { mode: 0o600 });
      await rename(tmp, this.markPath);
    } catch {
      await rm(tmp, { force: true }).catch(() => undefined);
    }
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
    const tmp = `${this.path}.${process.pid}.${this.tmpCounter++}.tmp`;
    let stamp: Stamp;
    try {
      const file = await open(tmp, 'w', 0o600);
      try {
        // No fsync: the index can always be rebuilt from the stories, which are synced.
        await file.writeFile(data);
        stamp = stampOf(await file.stat());
      } finally {
        await file.close();
      }
      await rename(tmp, this.path);
    } catch (e) {
      await rm(tmp, { force: true }).catch(() => undefined);
      throw e;
    }
    // The renamed file keeps its inode, size and mtime.
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

/** Version 3: the header line (ASCII, padded to a multiple of 8 bytes), the numbers, then the three texts. */
export function serializeIndex(view: IndexView): Buffer {
  const c = view.columns();
  const n = view.size;
  const sorted = view.sortedIds();
  const [ids, titles, premises] = [sorted.texts.encode(), c.titles.encode(), c.premises.encode()];
  const header: IndexHeader = {
    version: VERSION,
    count: n,
    littleEndian: LITTLE_ENDIAN,
    bytes: [ids.bytes.length, titles.bytes.length, premises.bytes.length],
    models: [...c.models],
    statuses: [...c.statuses],
  };
  const json = JSON.stringify(header).replace(
    /[\u0080-\uffff]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  const numbers = Buffer.alloc(BYTES_PER_STORY * n);
  const a = arraysOver(numbers, 0, n);
  a.created.set(c.created);
  a.updated.set(c.updated);
  a.idEnd.set(ids.ends);
  a.idAt.set(sorted.idAt);
  a.titleEnd.set(titles.ends);
  a.premiseEnd.set(premises.ends);
  a.output.set(c.output);
  a.total.set(c.total);
  a.model.set(c.model);
  a.status.set(c.status);
  a.estimated.set(c.estimated);
  return Buffer.concat([
    Buffer.from(`${json.padEnd(align8(json.length + 1) - 1)}\n`, 'latin1'),
    numbers,
    ids.bytes,
    titles.bytes,
    premises.bytes,
  ]);
}

/** The header line of version 3. */
interface IndexHeader {
  readonly version: 3;
  readonly count: number;
  /** The numbers' byte order (the machine's); another machine's index is rebuilt. */
  readonly littleEndian: boolean;
  /** UTF-8 bytes of the ids, titles and premises after the numbers. */
  readonly bytes: readonly number[];
  readonly models: readonly string[];
  readonly statuses: readonly string[];
}

const LITTLE_ENDIAN = endianness() === 'LE';
/** Created, updated, output and total tokens (8 bytes each, exact); where the id (in code-unit order), title and
 * premise end, and where the story's id is (4 each); the model (2); the status and the estimate mark (1 each). */
const BYTES_PER_STORY = 4 * 8 + 4 * 4 + 2 + 1 + 1;

/** A copy at the start of its own memory (Buffer.alloc never hands out a slice of a shared pool). */
function aligned(data: Buffer): Buffer {
  const copy = Buffer.alloc(data.length);
  data.copy(copy);
  return copy;
}

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}

/** The number arrays of n stories at `offset` (a multiple of 8) in `data`, no copy. */
function arraysOver(data: Buffer, offset: number, n: number) {
  const b = data.buffer;
  let at = data.byteOffset + offset;
  const next = <T>(make: (buffer: ArrayBufferLike, at: number, n: number) => T, size: number): T => {
    const array = make(b, at, n);
    at += size * n;
    return array;
  };
  return {
    created: next((x, o, l) => new Float64Array(x, o, l), 8),
    updated: next((x, o, l) => new Float64Array(x, o, l), 8),
    output: next((x, o, l) => new Float64Array(x, o, l), 8),
    total: next((x, o, l) => new Float64Array(x, o, l), 8),
    idEnd: next((x, o, l) => new Uint32Array(x, o, l), 4),
    titleEnd: next((x, o, l) => new Uint32Array(x, o, l), 4),
    premiseEnd: next((x, o, l) => new Uint32Array(x, o, l), 4),
    idAt: next((x, o, l) => new Uint32Array(x, o, l), 4),
    model: next((x, o, l) => new Uint16Array(x, o, l), 2),
    status: next((x, o, l) => new Uint8Array(x, o, l), 1),
    estimated: next((x, o, l) => new Uint8Array(x, o, l), 1),
  };
}

const STATUSES: ReadonlySet<string> = new Set(STORY_STATUSES);

/** The entries, or undefined when the file is not an index this version can trust (version 2 or 3). */
export function parseIndex(data: Buffer): Map<string, IndexEntry> | undefined {
  return parseIndexView(data)?.toMap();
}

export function parseIndexView(data: Buffer): IndexView | undefined {
  const line = data.indexOf(10);
  // Version 2 is one line of JSON (JSON.stringify writes no newline).
  if (line < 0) return parseV2(data.toString('utf8'));
  let header: unknown;
  try {
    header = JSON.parse(data.toString('latin1', 0, line));
  } catch {
    return undefined;
  }
  if (typeof header !== 'object' || header === null) return undefined;
  return parseV3(header as Record<string, unknown>, data, line + 1);
}

const V3_KEYS = Object.keys({
  version: 0,
  count: 0,
  littleEndian: 0,
  bytes: 0,
  models: 0,
  statuses: 0,
} satisfies Record<keyof IndexHeader, 0>);

// Plain loops over typed arrays, not a schema: this runs on every new window's first list.
function parseV3(file: Record<string, unknown>, data: Buffer, start: number): IndexView | undefined {
  const keys = Object.keys(file);
  if (file.version !== VERSION || keys.length !== V3_KEYS.length || !V3_KEYS.every((k) => k in file)) return undefined;
  const f = file as unknown as IndexHeader;
  if (f.littleEndian !== LITTLE_ENDIAN || !strings(f.models) || !strings(f.statuses)) return undefined;
  if (!f.statuses.every((s) => STATUSES.has(s)) || start % 8 !== 0) return undefined;
  const n = f.count;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || !numbers(f.bytes, 3)) return undefined;
  const [idBytes, titleBytes, premiseBytes] = f.bytes as [number, number, number];
  const textsAt = start + BYTES_PER_STORY * n;
  if (![idBytes, titleBytes, premiseBytes].every((b) => Number.isInteger(b) && b >= 0)) return undefined;
  if (textsAt + idBytes + titleBytes + premiseBytes !== data.length) return undefined;
  // Typed arrays over the file's bytes need their alignment: a copy in the rare buffer that starts off it.
  const own = data.byteOffset % 8 === 0 ? data : aligned(data);
  const a = arraysOver(own, start, n);
  const ids = Texts.read(own.subarray(textsAt, textsAt + idBytes), a.idEnd);
  const titles = Texts.read(own.subarray(textsAt + idBytes, textsAt + idBytes + titleBytes), a.titleEnd);
  const premises = Texts.read(own.subarray(textsAt + idBytes + titleBytes), a.premiseEnd);
  if (!ids || !titles || !premises) return undefined;
  const models = f.models.length;
  const statuses = f.statuses.length;
  // Each id belongs to one story: a damaged permutation would show one twice and hide another.
  const taken = new Uint8Array(n);
  const idAt = a.idAt;
  for (let i = 0; i < n; i++) {
    const at = idAt[i]!;
    if (at >= n || taken[at] === 1) return undefined;
    taken[at] = 1;
    if (!Number.isFinite(a.created[i]) || !Number.isFinite(a.updated[i])) return undefined;
    if (a.model[i]! >= models || a.status[i]! >= statuses || a.estimated[i]! > 1) return undefined;
  }
  return IndexView.fromColumns({
    ids,
    idAt: a.idAt,
    titles,
    premises,
    models: f.models,
    model: a.model,
    statuses: f.statuses as StoryStatus[],
    status: a.status,
    created: a.created,
    updated: a.updated,
    output: a.output,
    total: a.total,
    estimated: a.estimated,
  });
}

function strings(xs: unknown): xs is string[] {
  if (!Array.isArray(xs)) return false;
  for (let i = 0; i < xs.length; i++) if (typeof xs[i] !== 'string') return false;
  return true;
}

function numbers(xs: unknown, length: number): xs is number[] {
  if (!Array.isArray(xs) || xs.length !== length) return false;
  for (let i = 0; i < xs.length; i++) if (typeof xs[i] !== 'number') return false;
  return true;
}

/** Version 2: `{ version: 2, stories: LegacyRow[] }`. */
function parseV2(raw: string): IndexView | undefined {
  let file: unknown;
  try {
    file = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof file !== 'object' || file === null || (file as { version?: unknown }).version !== 2) return undefined;
  const stories = (file as { stories?: unknown }).stories;
  if (Object.keys(file).length !== 2 || !Array.isArray(stories)) return undefined;
  const entries: IndexEntry[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < stories.length; i++) {
    const row = stories[i] as unknown[];
    if (!Array.isArray(row) || row.length !== 10) return undefined;
    const [id, title, modelId, createdAt, updatedAt, status, outputTokens, premise, totalTokens, estimated] =
      row as LegacyRow;
    if (
      typeof id !== 'string' ||
      typeof title !== 'string' ||
      typeof modelId !== 'string' ||
      typeof premise !== 'string' ||
      typeof createdAt !== 'number' ||
      typeof updatedAt !== 'number' ||
      typeof outputTokens !== 'number' ||
      typeof totalTokens !== 'number' ||
      typeof estimated !== 'boolean' ||
      typeof status !== 'string' ||
      !STATUSES.has(status) ||
      seen.has(id)
    )
      return undefined;
    seen.add(id);
    entries.push({ id, title, modelId, createdAt, updatedAt, status, outputTokens, totalTokens, estimated, premise });
  }
  return IndexView.fromEntries(entries.sort(newestFirst), true);
}

/** Newest first, the order the list shows (and the index is written in). */
export function newestFirst(a: IndexEntry, b: IndexEntry): number {
  return b.createdAt - a.createdAt || b.updatedAt - a.updatedAt;
}

/** Lower-case words of a search; a story matches when its title or premise holds every one. */
export function searchTerms(query: string): string[] {
  return query.toLowerCase().split(/\s+/).filter(Boolean);
}
