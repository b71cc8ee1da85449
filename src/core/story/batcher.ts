// Coalesces streamed deltas so the webview gets at most one message per interval (one 60 Hz
// frame): a model can emit hundreds of tiny deltas a second and each postMessage costs a
// structured clone and a render. The first delta after a quiet interval goes out at once, so
// batching adds no first-token latency. flush() on end, stop or error so nothing is lost.
// No message is longer than the protocol's delta limit (the webview drops a longer one, and the
// screen would then differ from the saved story): a bigger backlog goes out over several frames,
// or in several messages at once on flush.
// At most one message is in flight: when `emit` returns a promise (webview.postMessage's delivery),
// the next message waits for it. A renderer that falls behind (the workbench and the webview share
// its main thread) then gets fewer, larger messages instead of a queue, so the last one never waits
// behind hundreds of stale ones. flush() does not wait: the end of a stream goes out at once.
import { LIMITS } from './protocol/limits';

export interface BatchClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemBatchClock: BatchClock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** One frame at 60 Hz: at most 60 messages a second (16 ms would allow 62.5). */
export const FRAME_MS = 1000 / 60;

/** A delivery that never settles (a dropped connection) holds text back no longer than this. */
export const DELIVERY_TIMEOUT_MS = 1000;

export class DeltaBatcher {
  private pending = '';
  private lastEmit = Number.NEGATIVE_INFINITY;
  private timer: unknown;
  private closed = false;
  /** The message being delivered (its number), and the timer that gives up waiting for it. */
  private inFlight = 0;
  private sent = 0;
  private deliveryTimer: unknown;

  constructor(
    /** Sends one message; a returned promise (then-able) settles once it was delivered. */
    private readonly emit: (text: string) => unknown,
    private readonly intervalMs = FRAME_MS,
    private readonly clock: BatchClock = systemBatchClock,
    private readonly maxChars: number = LIMITS.deltaMax,
    private readonly deliveryTimeoutMs = DELIVERY_TIMEOUT_MS,
  ) {}

  push(text: string): void {
    if (this.closed || text === '') return;
    this.pending += text;
    this.schedule();
  }

  /** Sends whatever is pending now (end of stream, stop, error), in as many messages as it takes. */
  flush(): void {
    if (this.timer !== undefined) {
      this.clock.clearTimeout(this.timer);
      this.timer = undefined;
    }
    while (this.pending !== '') this.send();
  }

  /** Flushes, then ignores later pushes. */
  close(): void {
    this.flush();
    this.closed = true;
    this.delivered(this.inFlight);
  }

  private schedule(): void {
    if (this.timer !== undefined || this.inFlight !== 0 || this.pending === '') return;
    const wait = this.lastEmit + this.intervalMs - this.clock.now();
    if (wait <= 0) {
      this.send();
      if (this.pending !== '') this.schedule();
    } else {
      this.timer = this.clock.setTimeout(() => {
        this.timer = undefined;
        this.send();
        this.schedule();
      }, wait);
    }
  }

  /** Sends the next piece of at most maxChars, never splitting a surrogate pair. */
  private send(): void {
    if (this.pending === '') return;
    let end = Math.min(this.pending.length, this.maxChars);
    if (end < this.pending.length && end > 1 && /[\uD800-\uDBFF]/.test(this.pending[end - 1]!)) end--;
    const text = this.pending.slice(0, end);
    this.pending = this.pending.slice(end);
    this.lastEmit = this.clock.now();
    const delivery = this.emit(text);
    if (typeof (delivery as PromiseLike<unknown> | undefined)?.then !== 'function') return;
    const n = ++this.sent;
    this.inFlight = n;
    if (this.deliveryTimer !== undefined) this.clock.clearTimeout(this.deliveryTimer);
    this.deliveryTimer = this.clock.setTimeout(() => this.delivered(n), this.deliveryTimeoutMs);
    const done = (): void => this.delivered(n);
    (delivery as PromiseLike<unknown>).then(done, done);
  }

  /** Message `n` arrived (or was given up on): the next may go, unless a later one is in flight. */
  private delivered(n: number): void {
    if (n === 0 || this.inFlight !== n) return;
    this.inFlight = 0;
    if (this.deliveryTimer !== undefined) this.clock.clearTimeout(this.deliveryTimer);
    this.deliveryTimer = undefined;
    this.schedule();
  }
}
