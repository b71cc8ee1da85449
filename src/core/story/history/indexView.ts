// The history index in memory: newest first, by position, with each story's strings made only
// when asked for (a first page: 50 of 10,000) and a search that scans the joined texts.
import { isAscii } from 'node:buffer';
import type { StoryStatus } from '../protocol/wire';
import { originOfText, originText } from './originText';
import { summaryOfFields } from './summary';
import type { IndexEntry, StorySummary } from './summary';

/** Texts joined by spaces (which a text may hold too: `ends` says where each ends), for the search. */
interface Joined {
  readonly text: string;
  readonly ends: ArrayLike<number>;
}

/**
 * One field's text for every story: strings (a view made here), or the UTF-8 bytes read from the
 * file, joined by spaces, each decoded when asked (a first page decodes 50, not 10,000).
 */
export class Texts {
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

export interface Columns {
  /** In code-unit order when `idAt` is there (read from a file), else in the stories' order. */
  readonly ids: Texts;
  /** Where story i's id is in `ids` (a permutation, checked when read). */
  readonly idAt?: ArrayLike<number>;
  readonly titles: Texts;
  readonly premises: Texts;
  /** Story projects' origins (originText.ts, '' for a quick story); absent when no story has one (version 3). */
  readonly origins?: Texts;
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
/**
 * The index as read or written: newest first, by position. Entries, summaries and strings are
 * made only for the stories asked for (a first page: 50), and a search scans the joined texts.
 */
export class IndexView {
  readonly size: number;
  private positions: Map<string, number> | undefined;
  private readonly made: (IndexEntry | undefined)[];
  private lowered: { titles: Joined; premises: Joined; origins: Joined | undefined } | undefined;
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
      ...(entries.some((e) => e.origin) ? { origins: Texts.of(entries.map((e) => originText(e.origin))) } : {}),
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
      const origin = this.origin(i);
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
        ...(origin ? { origin } : {}),
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
      e ? e.origin : this.origin(i),
    );
  }

  private origin(i: number) {
    const text = this.c.origins?.at(i);
    return text ? originOfText(text) : undefined;
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
   * The positions (newest first) of the stories whose title, premise or origin holds every term (lower
   * case, no white space: so no term spans two stories' texts, joined by spaces).
   */
  search(terms: readonly string[]): number[] {
    const unique = [...new Set(terms)];
    const { titles, premises, origins } = this.lowerCase();
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
      if (origins) scan(origins, term, hit);
    }
    const found: number[] = [];
    for (let i = 0; i < this.size; i++) if (hits[i] === unique.length) found.push(i);
    return found;
  }

  /** Lower case in one call per column (ASCII's is a copy); per story when that changes a text's length. */
  private lowerCase(): { titles: Joined; premises: Joined; origins: Joined | undefined } {
    this.lowered ??= {
      titles: this.c.titles.lowered(this.size),
      premises: this.c.premises.lowered(this.size),
      origins: this.c.origins?.lowered(this.size),
    };
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

/** Newest first, the order the list shows (and the index is written in). */
export function newestFirst(a: IndexEntry, b: IndexEntry): number {
  return b.createdAt - a.createdAt || b.updatedAt - a.updatedAt;
}

/** Lower-case words of a search; a story matches when its title, premise or origin holds every one. */
export function searchTerms(query: string): string[] {
  return query.toLowerCase().split(/\s+/).filter(Boolean);
}
