// The history index on disk: versions 4 and 3 written and read, version 2 still read.
import { endianness } from 'node:os';
import type { StoryStatus } from '../protocol/wire';
import { STORY_STATUSES } from '../protocol/wire';
import { IndexView, Texts, newestFirst } from './indexView';
import type { IndexEntry } from './summary';

/**
 * On disk (version 3): a line of JSON with the numbers (one array per field, not per story; the
 * model ids and statuses as positions in short tables), then the ids, titles and premises as UTF-8,
 * each field's texts joined by spaces, where the JSON says each ends. A new window parses only the
 * line: no string per story (making and collecting 40,000 of them was most of a list's time at
 * 10,000), and a story's texts are decoded when it is shown or searched. The ids are in code-unit
 * order (each story says where its id is), so the directory's names, as read, are compared with
 * them in one string comparison, no lookup built. Version 2 (one JSON array per story) is still
 * read, and written again as 3. Version 4 is 3 with a fourth text, the story projects' origins
 * (originText.ts), and where each ends: written only while some story has one, so a history
 * without story projects stays in version 3, which earlier releases read too.
 */
const VERSION = 3;
const WITH_ORIGINS = 4;
/** Version 2's row: IndexEntry's fields in its order, premise before total tokens. */
type LegacyRow = [string, string, string, number, number, StoryStatus, number, string, number, boolean];

/** Version 3 (4): the header line (ASCII, padded to a multiple of 8 bytes), the numbers, then three (four) texts. */
export function serializeIndex(view: IndexView): Buffer {
  const c = view.columns();
  const n = view.size;
  const sorted = view.sortedIds();
  const [ids, titles, premises] = [sorted.texts.encode(), c.titles.encode(), c.premises.encode()];
  const origins = c.origins?.encode();
  const texts = [ids, titles, premises, ...(origins ? [origins] : [])];
  const header: IndexHeader = {
    version: origins ? WITH_ORIGINS : VERSION,
    count: n,
    littleEndian: LITTLE_ENDIAN,
    bytes: texts.map((t) => t.bytes.length),
    models: [...c.models],
    statuses: [...c.statuses],
  };
  const json = JSON.stringify(header).replace(
    /[\u0080-\uffff]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  const numbers = Buffer.alloc(bytesPerStory(origins !== undefined) * n);
  const a = arraysOver(numbers, 0, n, origins !== undefined);
  a.created.set(c.created);
  a.updated.set(c.updated);
  a.idEnd.set(ids.ends);
  a.idAt.set(sorted.idAt);
  a.titleEnd.set(titles.ends);
  a.premiseEnd.set(premises.ends);
  if (origins) a.originEnd!.set(origins.ends);
  a.output.set(c.output);
  a.total.set(c.total);
  a.model.set(c.model);
  a.status.set(c.status);
  a.estimated.set(c.estimated);
  return Buffer.concat([
    Buffer.from(`${json.padEnd(align8(json.length + 1) - 1)}\n`, 'latin1'),
    numbers,
    ...texts.map((t) => t.bytes),
  ]);
}

/** The header line of version 3 (and 4). */
interface IndexHeader {
  readonly version: 3 | 4;
  readonly count: number;
  /** The numbers' byte order (the machine's); another machine's index is rebuilt. */
  readonly littleEndian: boolean;
  /** UTF-8 bytes of the ids, titles, premises (and origins, version 4) after the numbers. */
  readonly bytes: readonly number[];
  readonly models: readonly string[];
  readonly statuses: readonly string[];
}

const LITTLE_ENDIAN = endianness() === 'LE';
/** Created, updated, output and total tokens (8 bytes each, exact); where the id (in code-unit order), title and
 * premise end, and where the story's id is (4 each); the model (2); the status and the estimate mark (1 each). */
const BYTES_PER_STORY = 4 * 8 + 4 * 4 + 2 + 1 + 1;
/** Version 4 adds where the origin ends (4). */
const bytesPerStory = (origins: boolean): number => BYTES_PER_STORY + (origins ? 4 : 0);

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
function arraysOver(data: Buffer, offset: number, n: number, origins: boolean) {
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
    originEnd: origins ? next((x, o, l) => new Uint32Array(x, o, l), 4) : undefined,
    model: next((x, o, l) => new Uint16Array(x, o, l), 2),
    status: next((x, o, l) => new Uint8Array(x, o, l), 1),
    estimated: next((x, o, l) => new Uint8Array(x, o, l), 1),
  };
}

const STATUSES: ReadonlySet<string> = new Set(STORY_STATUSES);

/** The entries, or undefined when the file is not an index this version can trust (version 2, 3 or 4). */
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
  const withOrigins = file.version === WITH_ORIGINS;
  if (file.version !== VERSION && !withOrigins) return undefined;
  if (keys.length !== V3_KEYS.length || !V3_KEYS.every((k) => k in file)) return undefined;
  const f = file as unknown as IndexHeader;
  if (f.littleEndian !== LITTLE_ENDIAN || !strings(f.models) || !strings(f.statuses)) return undefined;
  if (!f.statuses.every((s) => STATUSES.has(s)) || start % 8 !== 0) return undefined;
  const n = f.count;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || !numbers(f.bytes, withOrigins ? 4 : 3))
    return undefined;
  const [idBytes, titleBytes, premiseBytes, originBytes = 0] = f.bytes as number[] as [number, number, number, number];
  const textsAt = start + bytesPerStory(withOrigins) * n;
  if (!f.bytes.every((b) => Number.isInteger(b) && b >= 0)) return undefined;
  if (textsAt + idBytes + titleBytes + premiseBytes + originBytes !== data.length) return undefined;
  // Typed arrays over the file's bytes need their alignment: a copy in the rare buffer that starts off it.
  const own = data.byteOffset % 8 === 0 ? data : aligned(data);
  const a = arraysOver(own, start, n, withOrigins);
  const premisesAt = textsAt + idBytes + titleBytes;
  const ids = Texts.read(own.subarray(textsAt, textsAt + idBytes), a.idEnd);
  const titles = Texts.read(own.subarray(textsAt + idBytes, premisesAt), a.titleEnd);
  const premises = Texts.read(own.subarray(premisesAt, premisesAt + premiseBytes), a.premiseEnd);
  // Null in version 3, which has none.
  const origins = a.originEnd ? Texts.read(own.subarray(premisesAt + premiseBytes), a.originEnd) : null;
  if (!ids || !titles || !premises || origins === undefined) return undefined;
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
    ...(origins ? { origins } : {}),
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

export function numbers(xs: unknown, length: number): xs is number[] {
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
