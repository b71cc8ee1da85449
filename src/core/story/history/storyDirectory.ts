// The story directory's names, as a list needs them: read once while the directory is unchanged,
// and a mark beside the index when the index was found to name exactly its story files, so the
// next window lists from the index alone.
import type { Stats } from 'node:fs';
import { readdir } from 'node:fs/promises';
import type { HistoryIndexFile } from './historyIndex';
import type { IndexView } from './indexView';

/** A directory unchanged for this long before its names were read: no coarse timestamp can hide a change. */
export const QUIET_MS = 2000;

/** One reading of the story directory. */
export interface Listing {
  readonly ino: number;
  readonly mtimeMs: number;
  /** Date.now() just before the names were read. */
  readonly readAt: number;
  readonly ids: readonly string[];
  readonly present: () => ReadonlySet<string>;
  readonly temps: readonly string[];
  /** Not read: the index's names, which its mark says are the directory's. */
  readonly fromIndex: boolean;
  /** The index these names were last found to be exactly (the same window lists again without comparing). */
  sameAs?: IndexView;
}

export class StoryDirectory {
  private last: Listing | undefined;
  /** The last directory mark this window wrote. */
  private marked: string | undefined;

  constructor(
    private readonly dir: string,
    private readonly index: HistoryIndexFile,
  ) {}

  /**
   * Leaves a mark that the index on disk names exactly the directory's story files, when the
   * names were read from a directory that had not changed for a while: the next window then
   * lists from the index alone.
   */
  async markIfQuiet(listing: Listing, view: IndexView, same: boolean): Promise<void> {
    if (listing.temps.length || listing.mtimeMs >= listing.readAt - QUIET_MS) return;
    const index = this.index.stampOf(view);
    if (!index || view.size !== listing.ids.length) return;
    const key = `${listing.ino}:${listing.mtimeMs}:${index.ino}:${index.mtimeMs}:${index.size}`;
    if (this.marked === key) return;
    if (!same && !view.sameIds(listing.ids)) return;
    this.marked = key;
    await this.index.writeMark({ dir: { ino: listing.ino, mtimeMs: listing.mtimeMs }, readAt: listing.readAt, index });
  }

  /** The index's names, as the mark vouches. */
  fromIndex(view: IndexView, dir: Stats, readAt: number): Listing {
    let present: Set<string> | undefined;
    return {
      ino: dir.ino,
      mtimeMs: dir.mtimeMs,
      readAt,
      // Not needed: every name is the index's.
      ids: [],
      present: () => (present ??= new Set(Array.from({ length: view.size }, (_, i) => view.id(i)))),
      temps: [],
      fromIndex: true,
    };
  }

  /**
   * The directory's story files. A directory's mtime changes whenever a file is added, removed or
   * renamed in it, so an unchanged one is not read again (one stat instead of 10,000 names) while
   * the search box asks page after page; only when its mtime is well before the last read, so a
   * file system with coarse timestamps cannot hide a change made in the same second.
   */
  async read(dir: Stats): Promise<Listing> {
    const last = this.last;
    if (last && last.ino === dir.ino && last.mtimeMs === dir.mtimeMs && dir.mtimeMs < last.readAt - QUIET_MS)
      return last;
    const readAt = Date.now();
    const names = await readdir(this.dir);
    const ids: string[] = [];
    const temps: string[] = [];
    for (const name of names) {
      if (name.endsWith('.json')) ids.push(name.slice(0, -5));
      else if (name.endsWith('.tmp')) temps.push(name);
    }
    let present: Set<string> | undefined;
    const listing: Listing = {
      ino: dir.ino,
      mtimeMs: dir.mtimeMs,
      readAt,
      ids,
      // Made when a list needs it: usually every name is in the index, and the count says so.
      present: () => (present ??= new Set(ids)),
      temps,
      fromIndex: false,
    };
    this.last = temps.length ? undefined : listing;
    return listing;
  }
}
