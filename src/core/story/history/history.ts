// Story history: one JSON file per story in a directory (the extension's global storage).
// Saved while it streams (throttled) with atomic writes (temp file + rename), so a crash keeps
// what was generated and never leaves a half-written file; a story still marked 'streaming'
// that no one in this process is writing was cut off by a crash and is listed as 'stopped',
// unless its lease is still fresh: another window is writing it (it renews the lease while it
// streams), and it is shown as such, not offered for Continue or Delete.
// Listing reads an index of summaries beside the directory (historyIndex.ts), not the stories:
// the directory's names say which stories exist, and only those the index does not know, or
// knows as streaming, are read. A mark beside the index says which directory state it was last
// found to match, so a new window whose directory has not changed since skips the names. The
// index hears that a story streams with its second save (the first must not hold up the
// stream) and how it ended after the file: it is exact, says
// 'streaming' (checked against the file), or, after a crash in the first half second, is
// corrected when the story is opened.
// Only story data is stored: never tokens, credentials or the user's email.
import { randomUUID } from 'node:crypto';
import type { Stats } from 'node:fs';
import { mkdir, rm, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { HistoryIndexFile, sameStamp } from './historyIndex';
import type { DirMark } from './historyIndex';
import { IndexView, newestFirst, searchTerms } from './indexView';
import type { HistoryQuery } from '../protocol/wire';
import { writeAtomically } from '../../files/atomicWrite';
import { QUIET_MS, StoryDirectory } from './storyDirectory';
import type { Listing } from './storyDirectory';
import { STORY_ID, parseStory, readRetrying } from './storyFile';
import type { StoredStory } from './storyFile';
import { clipTitle, entryOf } from './summary';
import { estimateUsage, requestText } from '../usage/usage';
import type { IndexEntry, StorySummary } from './summary';
import { sameEntry } from './summary';
import { buildConverseRequest } from '../prompt';
import type { Usage } from '../protocol/wire';
import { StoryWriter } from './storyWriter';
import type { LeaseOwner } from './storyWriter';
import { processRunning } from './storyWriter';

/** What a list is made from: see HistoryStore.snapshot. */
interface Snapshot {
  readonly view: IndexView;
  readonly shown: number[] | undefined;
  readonly problems: HistoryProblem[];
  readonly leases: Map<string, number>;
}

export interface HistoryProblem {
  readonly file: string;
  readonly message: string;
}

export interface HistoryList {
  readonly items: readonly StorySummary[];
  /** Files that could not be read; skipped, never deleted. */
  readonly problems: readonly HistoryProblem[];
}

export interface HistoryOptions {
  /** Minimum time between saves while streaming. */
  readonly saveIntervalMs?: number;
  /** How long a streaming story's lease lasts; the writer renews it every third of that. */
  readonly leaseMs?: number;
  /** Files read at once by list(); far below any descriptor limit (macOS defaults to 256). */
  readonly concurrency?: number;
  readonly now?: () => number;
  /** Whether a process of this machine still runs (tests stand in); a signal-0 probe by default. */
  readonly isRunning?: (pid: number) => boolean;
  /** The index file; by default beside the directory (`<dir>.index`), so the directory holds only stories. */
  readonly indexPath?: string;
}

export interface HistoryListPage extends HistoryList {
  /** How many stories match in all. */
  readonly total: number;
  readonly offset: number;
}

export const LEASE_MS = 15_000;
const EMPTY = IndexView.fromEntries([]);
/** A temp file older than this was left by a crash mid-write (a write takes milliseconds). */
const STALE_TMP_MS = 60_000;

export class HistoryStore {
  /** Stories being written by this process; everything else marked streaming was cut off. */
  private readonly active = new Set<string>();
  private readonly queues = new Map<string, Promise<void>>();
  private readonly saveIntervalMs: number;
  private readonly concurrency: number;
  readonly leaseMs: number;
  readonly now: () => number;
  readonly owner: LeaseOwner = { host: hostname(), pid: process.pid };
  private readonly isRunning: (pid: number) => boolean;
  readonly index: HistoryIndexFile;
  private readonly names: StoryDirectory;

  constructor(
    readonly dir: string,
    options: HistoryOptions = {},
  ) {
    this.saveIntervalMs = options.saveIntervalMs ?? 500;
    this.leaseMs = options.leaseMs ?? LEASE_MS;
    this.concurrency = Math.max(1, options.concurrency ?? 32);
    this.now = options.now ?? Date.now;
    this.isRunning = options.isRunning ?? processRunning;
    this.index = new HistoryIndexFile(options.indexPath ?? `${dir.replace(/[\\/]+$/, '')}.index`);
    this.names = new StoryDirectory(dir, this.index);
  }

  newId(): string {
    return randomUUID();
  }

  /**
   * Writes the story atomically and durably; writes of one story happen in call order. The
   * index learns of a streaming story before its file does, and of every other state after.
   */
  save(story: StoredStory): Promise<void> {
    return this.write(story, false);
  }

  /**
   * A story starting to stream: as save(), but the index hears of it with the next save (the
   * writer's, within saveIntervalMs, or the final one), so its first token never waits for it.
   */
  saveStarting(story: StoredStory): Promise<void> {
    return this.write(story, true);
  }

  private write(story: StoredStory, starting: boolean): Promise<void> {
    const path = this.pathOf(story.id);
    const data = JSON.stringify(story, null, 1);
    const previous = this.queues.get(story.id) ?? Promise.resolve();
    const next = previous.then(async () => {
      await mkdir(this.dir, { recursive: true });
      const streaming = story.status === 'streaming';
      if (streaming && !starting) await this.markStreaming(story);
      await writeAtomically(path, data);
      if (!streaming) await this.indexPut(story);
    });
    const settled = next.catch(() => undefined);
    this.queues.set(story.id, settled);
    void settled.then(() => {
      if (this.queues.get(story.id) === settled) this.queues.delete(story.id);
    });
    return next;
  }

  /**
   * Starts saving a story as it streams: `update` at most every saveIntervalMs, `finish` at
   * the end. Save errors are reported to `onError` and never stop the stream.
   */
  track(initial: StoredStory, onError: (e: unknown) => void = () => undefined): StoryWriter {
    this.active.add(initial.id);
    return new StoryWriter(this, initial, this.saveIntervalMs, this.now, onError, () => this.active.delete(initial.id));
  }

  async get(id: string): Promise<StoredStory | undefined> {
    if (!STORY_ID.test(id)) return undefined;
    let raw: string;
    try {
      raw = await readRetrying(this.pathOf(id));
    } catch (e) {
      if ((e as { code?: string }).code === 'ENOENT') return undefined;
      throw e;
    }
    const story = parseStory(raw);
    if (typeof story === 'string') throw new Error(`Story ${id} could not be read: ${story}`);
    const shown = this.reported(story);
    // A crash right after a story started may have kept the index from hearing it: tell it what the list should show.
    const known = this.index.cached(id);
    if (known && known.status !== 'streaming' && known.status !== shown.status) void this.indexPut(shown);
    return shown;
  }

  /**
   * Newest first; corrupt files are skipped and reported. Reads the index and the directory's
   * names; only story files the index does not know (or knows as streaming) are read, at most
   * `concurrency` at once, and running out of descriptors (EMFILE) is waited out, never a
   * skipped story. Temp files a crash left behind are removed.
   */
  async list(): Promise<HistoryList> {
    const { view, shown, problems, leases } = await this.snapshot();
    const items: StorySummary[] = [];
    if (shown) for (const i of shown) items.push(this.summary(view, i, leases));
    else for (let i = 0; i < view.size; i++) items.push(this.summary(view, i, leases));
    return { items, problems };
  }

  /** One page of list(), or of the stories whose title or premise has every word of the query (any case). */
  async page(q: HistoryQuery = {}): Promise<HistoryListPage> {
    const { view, shown, problems, leases } = await this.snapshot();
    const terms = searchTerms(q.query ?? '');
    let matching: readonly number[] | undefined = shown;
    if (terms.length) {
      const found = view.search(terms);
      if (shown) {
        const show = new Set(shown);
        matching = found.filter((i) => show.has(i));
      } else matching = found;
    }
    const total = matching ? matching.length : view.size;
    const offset = Math.max(0, Math.floor(q.offset ?? 0));
    const limit = Math.max(0, Math.floor(q.limit ?? total));
    const items: StorySummary[] = [];
    for (let k = offset; k < Math.min(total, offset + limit); k++)
      items.push(this.summary(view, matching ? matching[k]! : k, leases));
    return { items, problems, total, offset };
  }

  /**
   * The index, and which of its positions to show (undefined: every one, the usual case), after
   * reconciling it with the directory's names: read both, read the story files the index cannot
   * vouch for, write what changed, and leave out what this listing did not see.
   */
  private async snapshot(): Promise<Snapshot> {
    const state = await this.readIndexAndNames();
    if (!state) return { view: EMPTY, shown: undefined, problems: [], leases: new Map() };
    const { listing, same } = state;
    let { known } = state;
    if (!same && known?.hasDuplicates()) known = undefined;
    if (listing.temps.length) await eachLimited(listing.temps, this.concurrency, (file) => this.removeIfStale(file));
    const { toRead, found } = this.filesToRead(known, listing, same);
    const { changed, leases, problems } = await this.readStories(toRead, known);
    // Known but without a file: deleted (or renamed away). Every known id was among the names when as many were found
    // as the index holds.
    const absent: IndexEntry[] = [];
    if (known && found !== known.size) {
      const present = listing.present();
      for (let i = 0; i < known.size; i++) if (!present.has(known.id(i))) absent.push(known.entry(i));
    }
    // A streaming entry may be a story whose file is being written right now (the index hears of it first): kept for
    // a minute.
    const gone = absent
      .filter((e) => e.status !== 'streaming' || this.now() - e.updatedAt > STALE_TMP_MS)
      .map((e) => e.id);
    const view = await this.updateIndex(known, changed, gone);
    const shown = view !== known || absent.length ? seenPositions(view, listing.present()) : undefined;
    problems.sort((a, b) => a.file.localeCompare(b.file));
    if (!listing.fromIndex && shown === undefined && !problems.length)
      await this.names.markIfQuiet(listing, view, same && view === known);
    return { view, shown, problems, leases };
  }

  /**
   * The index and the directory's names, read together; the names are skipped when the mark vouches
   * for this directory and this index. Undefined when there is no directory yet.
   */
  private async readIndexAndNames(): Promise<{ known?: IndexView; listing: Listing; same: boolean } | undefined> {
    // The index at once, whatever the mark says: every list needs it (settled, so an early return leaves nothing
    // unhandled).
    const index = Promise.allSettled([this.index.read()]).then(([r]) => r);
    let dir: Stats;
    let mark: DirMark | undefined;
    try {
      [dir, mark] = await Promise.all([stat(this.dir), this.index.readMark()]);
    } catch (e) {
      if ((e as { code?: string }).code === 'ENOENT') return undefined;
      throw e;
    }
    // The mark can vouch only for the directory as it is now, and only for the index version read (checked below).
    const markedDir =
      mark !== undefined &&
      mark.dir.ino === dir.ino &&
      mark.dir.mtimeMs === dir.mtimeMs &&
      dir.mtimeMs < mark.readAt - QUIET_MS;
    // Otherwise the names while the index is read: neither needs the other.
    const readNames = () => Promise.allSettled([this.names.read(dir)]).then(([r]) => r);
    const names = markedDir ? undefined : readNames();
    const read = await index;
    // An index that cannot be read is rebuilt, like a missing one.
    const known = read.status === 'fulfilled' ? read.value : undefined;
    const readStamp = known && this.index.stampOf(known);
    const vouched = markedDir && readStamp !== undefined && sameStamp(mark!.index, readStamp);
    // The index read is not the one the mark names (another window wrote it since): the names after all.
    const listed = vouched ? undefined : await (names ?? readNames());
    if (listed?.status === 'rejected') {
      if ((listed.reason as { code?: string }).code === 'ENOENT') return undefined;
      throw listed.reason;
    }
    const listing = listed ? listed.value : this.names.fromIndex(known!, dir, mark!.readAt);
    // The names are exactly the index's ids (the usual case): one comparison, no lookup of 10,000 names built. Equal
    // to the names, the index has no duplicate.
    const same = listing.fromIndex || (known !== undefined && (listing.sameAs === known || known.sameIds(listing.ids)));
    if (same && known) listing.sameAs = known;
    return { ...(known ? { known } : {}), listing, same };
  }

  /** The story files to read: those the index does not know, knows as streaming, or this window writes. */
  private filesToRead(
    known: IndexView | undefined,
    listing: Listing,
    same: boolean,
  ): { toRead: string[]; found: number } {
    const toRead: string[] = [];
    let found = 0;
    const active = this.active.size > 0;
    if (same) {
      // Every name is the index's: only the streaming stories, and those written here, are read.
      found = known!.size;
      for (let i = 0; i < known!.size; i++) {
        const id = known!.id(i);
        if (known!.status(i) === 'streaming' || (active && this.active.has(id))) toRead.push(`${id}.json`);
      }
    } else {
      for (const id of listing.ids) {
        const i = known ? known.position(id) : -1;
        if (i >= 0) found++;
        // Unknown, streaming, or being written here (another window may have called it stopped).
        if (i < 0 || known!.status(i) === 'streaming' || (active && this.active.has(id))) toRead.push(`${id}.json`);
      }
    }
    return { toRead, found };
  }

  /** Reads story files: the entries that differ from the index, the leases of stories written elsewhere, problems. */
  private async readStories(
    files: readonly string[],
    known: IndexView | undefined,
  ): Promise<{ changed: Map<string, IndexEntry>; leases: Map<string, number>; problems: HistoryProblem[] }> {
    const changed = new Map<string, IndexEntry>();
    const leases = new Map<string, number>();
    const problems: HistoryProblem[] = [];
    await eachLimited(files, this.concurrency, async (file) => {
      try {
        const story = parseStory(await readRetrying(join(this.dir, file)));
        if (typeof story === 'string') {
          problems.push({ file, message: story });
          return;
        }
        const shown = this.reported(story);
        if (shown.status === 'streaming' && !this.active.has(story.id)) leases.set(story.id, story.leaseUntil ?? 0);
        // A story cut off by a crash is indexed as it is shown (stopped): no need to read it again.
        const entry = entryOf(shown);
        const before = known?.get(story.id);
        if (!before || !sameEntry(before, entry)) changed.set(story.id, entry);
      } catch (e) {
        problems.push({ file, message: (e as Error).message });
      }
    });
    return { changed, leases, problems };
  }

  /** Writes what the files said into the index (rebuilt when there was none); the index as it is now. */
  private async updateIndex(
    known: IndexView | undefined,
    changed: ReadonlyMap<string, IndexEntry>,
    gone: readonly string[],
  ): Promise<IndexView> {
    const rebuild = known === undefined;
    if (!rebuild && !changed.size && !gone.length && !known.legacy) return known;
    if (rebuild) await this.index.removeStaleTemps(this.now(), STALE_TMP_MS);
    const merge = (map: Map<string, IndexEntry>) => {
      for (const id of gone) map.delete(id);
      for (const [id, entry] of changed) {
        const other = map.get(id);
        const seen = known?.get(id);
        // The file wins over what this listing read from the index; a newer entry another window wrote since, over
        // the file.
        if (!other || (seen && sameEntry(other, seen)) || other.updatedAt <= entry.updatedAt) map.set(id, entry);
      }
    };
    try {
      return await this.index.update((map) => merge(map));
    } catch {
      // The index could not be written (another window held it too long): list from what was read.
      const map = known?.toMap() ?? new Map<string, IndexEntry>();
      merge(map);
      return IndexView.fromEntries([...map.values()].sort(newestFirst));
    }
  }

  private summary(view: IndexView, i: number, leases: Map<string, number>): StorySummary {
    if (view.status(i) === 'streaming') {
      const id = view.id(i);
      const lease = leases.get(id);
      if (lease !== undefined && lease > this.now() && !this.active.has(id)) return view.summary(i, true);
    }
    return view.summary(i);
  }

  private async markStreaming(story: StoredStory): Promise<void> {
    if (!(await this.indexSaysStreaming(story))) await this.indexPut(story);
  }

  /** One stat while the index is unchanged; another window may have marked the story stopped. */
  private async indexSaysStreaming(story: StoredStory): Promise<boolean> {
    const known = (await this.index.read().catch(() => undefined))?.get(story.id);
    return known?.status === 'streaming' && known.title === clipTitle(story.title);
  }

  /** Puts the story's summary in the index; a failure drops the index, so the next list rebuilds it. */
  private async indexPut(story: StoredStory): Promise<void> {
    const entry = entryOf(story);
    try {
      await this.index.update((map) => {
        map.set(story.id, entry);
      });
    } catch {
      await this.index.remove().catch(() => undefined);
    }
  }

  async delete(id: string): Promise<boolean> {
    if (!STORY_ID.test(id)) return false;
    await this.queues.get(id);
    try {
      await unlink(this.pathOf(id));
    } catch (e) {
      if ((e as { code?: string }).code === 'ENOENT') return false;
      throw e;
    }
    await this.index
      .update((map) => {
        map.delete(id);
      })
      .catch(() => this.index.remove().catch(() => undefined));
    return true;
  }

  isActive(id: string): boolean {
    return this.active.has(id);
  }

  /**
   * Streaming in another window (or process) whose lease has not run out, and which still runs:
   * the lease of a window reloaded or closed on this machine ends with its process (#24).
   */
  writtenElsewhere(story: StoredStory): boolean {
    return (
      story.status === 'streaming' &&
      !this.active.has(story.id) &&
      typeof story.leaseUntil === 'number' &&
      story.leaseUntil > this.now() &&
      !this.ownerGone(story.leaseOwner)
    );
  }

  /** The writing process ran on this machine and no longer does (not this process: its stories are active). */
  private ownerGone(owner: LeaseOwner | undefined): boolean {
    return owner !== undefined && owner.host === this.owner.host && !this.isRunning(owner.pid);
  }

  private reported(story: StoredStory): StoredStory {
    if (story.status !== 'streaming' || this.active.has(story.id) || this.writtenElsewhere(story)) return story;
    const { leaseUntil: _lease, leaseOwner: _owner, ...rest } = story;
    return { ...rest, status: 'stopped', usage: story.usage ?? cutUsage(story) };
  }

  private async removeIfStale(file: string): Promise<void> {
    const path = join(this.dir, file);
    try {
      if (this.now() - (await stat(path)).mtimeMs > STALE_TMP_MS) await rm(path, { force: true });
    } catch {
      // Gone already, or another window is cleaning up too.
    }
  }

  private pathOf(id: string): string {
    if (!STORY_ID.test(id)) throw new Error(`Not a story id: ${id.slice(0, 40)}`);
    return join(this.dir, `${id}.json`);
  }
}

/** Runs `task` over the items, at most `limit` at a time. */
async function eachLimited<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Positions of the stories whose file this listing saw (another window may add some meanwhile); undefined: all. */
function seenPositions(view: IndexView, present: ReadonlySet<string>): number[] | undefined {
  let all = true;
  for (let i = 0; i < view.size && all; i++) all = present.has(view.id(i));
  if (all) return undefined;
  const shown: number[] = [];
  for (let i = 0; i < view.size; i++) if (present.has(view.id(i))) shown.push(i);
  return shown;
}

/**
 * A new story cut off with its window: Bedrock never counted it, but its saved text was written
 * and paid for, so it shows an estimate (marked), not 0 tokens (#24).
 */
function cutUsage(story: StoredStory): Usage | null {
  if (story.text.trim() === '') return null;
  try {
    return estimateUsage(requestText(buildConverseRequest(story.modelId, story.controls)), story.text);
  } catch {
    return estimateUsage('', story.text);
  }
}
