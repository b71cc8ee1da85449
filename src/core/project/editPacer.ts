// Paces streamed text into editor edits: at most `maxPerSecond` edits start in any second, never
// two at once, each taking everything pushed since the last. A model can stream thousands of
// tokens a second; every editor edit is a round trip to the renderer and an undo-stack entry, so
// the editor gets at most one a frame, and a slow renderer gets fewer, larger edits instead of a
// queue. The first push after a quiet interval goes at once (no added latency). Nothing pushed is
// ever dropped: what an edit failed to insert, and whatever came after, stays in `notInserted`.
import type { BatchClock } from '../story/batcher';
import { systemBatchClock } from '../story/batcher';

/** Applies one edit; resolves whether it was applied. `last` is set on the edit that `finish()` waits for. */
export type ApplyEdit = (text: string, last: boolean) => PromiseLike<boolean>;

export const DEFAULT_MAX_EDITS_PER_SECOND = 60;

export class EditPacer {
  private pending = '';
  private sending = '';
  private applied = '';
  private busy = false;
  private lastStart = Number.NEGATIVE_INFINITY;
  private timer: unknown;
  private finishing = false;
  private halted: 'failed' | 'stopped' | undefined;
  private readonly idle: (() => void)[] = [];
  private readonly intervalMs: number;

  constructor(
    private readonly apply: ApplyEdit,
    maxPerSecond = DEFAULT_MAX_EDITS_PER_SECOND,
    private readonly clock: BatchClock = systemBatchClock,
  ) {
    if (!(maxPerSecond > 0)) throw new RangeError(`maxEditsPerSecond must be positive, not ${maxPerSecond}.`);
    // A nanosecond more, so that rounding never fits one edit too many into a second.
    this.intervalMs = 1000 / maxPerSecond + 1e-6;
  }

  /** The text that edits applied, in order. */
  get inserted(): string {
    return this.applied;
  }

  /** Pushed but not (yet) applied: the edit in flight and what waits behind it. */
  get notInserted(): string {
    return this.sending + this.pending;
  }

  /** Why edits stopped before everything was applied, if they did. */
  get state(): 'running' | 'failed' | 'stopped' {
    return this.halted ?? 'running';
  }

  push(text: string): void {
    if (text === '') return;
    this.pending += text;
    this.schedule();
  }

  /** Applies what is pending (at the same pace) and resolves once nothing is in flight. */
  finish(): Promise<void> {
    this.finishing = true;
    const done = new Promise<void>((resolve) => this.idle.push(resolve));
    this.schedule();
    return done;
  }

  /** No further edits start; the one in flight completes; pending text stays in `notInserted`. */
  stop(): void {
    this.halted ??= 'stopped';
    this.cancelTimer();
    this.schedule();
  }

  private schedule(): void {
    if (this.busy || this.timer !== undefined) return;
    if (this.pending === '' || this.halted) {
      if (this.finishing || this.halted) this.settle();
      return;
    }
    const wait = this.lastStart + this.intervalMs - this.clock.now();
    if (wait > 0) {
      this.timer = this.clock.setTimeout(
        () => {
          this.timer = undefined;
          this.schedule();
        },
        Math.max(wait, 0.01),
      ); // at least a step the clock can take (t + 1e-13 === t)
      return;
    }
    this.start();
  }

  private start(): void {
    const text = this.pending;
    this.pending = '';
    this.sending = text;
    this.busy = true;
    this.lastStart = this.clock.now();
    const settled = (ok: boolean): void => {
      this.busy = false;
      this.sending = '';
      if (ok) this.applied += text;
      else {
        this.pending = text + this.pending;
        this.halted ??= 'failed';
      }
      this.schedule();
    };
    Promise.resolve()
      .then(() => this.apply(text, this.finishing))
      .then(
        (ok) => settled(ok === true),
        () => settled(false),
      );
  }

  private settle(): void {
    for (const resolve of this.idle.splice(0)) resolve();
  }

  private cancelTimer(): void {
    if (this.timer === undefined) return;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
