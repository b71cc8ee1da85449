// Saving a story while it streams: throttled saves, a lease renewed while it is written, and one
// last save when it ends.
import { titleFromStory } from '../protocol/titles';
import type { StoredStory } from './storyFile';

export type LeaseOwner = NonNullable<StoredStory['leaseOwner']>;

/** What the writer needs of the history store. */
export interface StorySaver {
  /** How long a streaming story's lease lasts; renewed every third of that. */
  readonly leaseMs: number;
  /** This process, written with the lease. */
  readonly owner: LeaseOwner;
  save(story: StoredStory): Promise<void>;
  /** The first save: the index hears of the story with the next one. */
  saveStarting(story: StoredStory): Promise<void>;
}

/**
 * Saves a streaming story at most every interval, then once more at the end. While it streams the
 * file carries a lease, renewed every third of its length even when no text arrives, so another
 * window knows the story is being written and does not offer to continue or delete it.
 */
export class StoryWriter {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private lastSave = Number.NEGATIVE_INFINITY;
  private finished = false;

  constructor(
    private readonly store: StorySaver,
    private current: StoredStory,
    private readonly intervalMs: number,
    private readonly now: () => number,
    private readonly onError: (e: unknown) => void,
    private readonly release: () => void,
  ) {}

  get story(): StoredStory {
    return this.current;
  }

  /** Saves now (the first save, when the story starts). */
  async start(): Promise<void> {
    this.lastSave = this.now();
    this.heartbeat = setInterval(() => {
      if (this.now() - this.lastSave >= this.store.leaseMs / 3) this.saveNow();
    }, this.store.leaseMs / 3);
    this.heartbeat.unref?.();
    await this.store.saveStarting(this.leased());
  }

  update(patch: Partial<StoredStory>): void {
    if (this.finished) return;
    this.current = { ...this.current, ...patch, updatedAt: this.now() };
    if (this.timer) return;
    const wait = this.lastSave + this.intervalMs - this.now();
    if (wait <= 0) this.saveNow();
    else {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.saveNow();
      }, wait);
    }
  }

  /** The final state; saved at once. */
  async finish(patch: Partial<StoredStory>): Promise<StoredStory> {
    const { leaseUntil: _lease, leaseOwner: _owner, ...rest } = { ...this.current, ...patch, updatedAt: this.now() };
    this.current = rest;
    const title = titleFromStory(this.current.text);
    if (title && this.current.turns.length <= 1) this.current = { ...this.current, title };
    return this.end();
  }

  /** Saves `story` exactly as it was before this write began (a request refused before any text). */
  async restore(story: StoredStory): Promise<StoredStory> {
    const { leaseUntil: _lease, leaseOwner: _owner, ...rest } = story;
    this.current = rest;
    return this.end();
  }

  private async end(): Promise<StoredStory> {
    if (this.timer) clearTimeout(this.timer);
    clearInterval(this.heartbeat);
    this.timer = undefined;
    this.finished = true;
    try {
      await this.store.save(this.current);
    } catch (e) {
      this.onError(e);
    } finally {
      this.release();
    }
    return this.current;
  }

  private saveNow(): void {
    if (this.finished) return;
    this.lastSave = this.now();
    this.store.save(this.leased()).catch(this.onError);
  }

  private leased(): StoredStory {
    return { ...this.current, leaseUntil: this.now() + this.store.leaseMs, leaseOwner: this.store.owner };
  }
}

export /** Signal 0 tests for a process without touching it: ESRCH means none; EPERM, one of another user. */
function processRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
