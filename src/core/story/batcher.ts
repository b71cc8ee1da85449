// Coalesces streamed deltas so the webview gets at most one message per interval (one 60 Hz
// frame): a model can emit hundreds of tiny deltas a second and each postMessage costs a
// structured clone and a render. The first delta after a quiet interval goes out at once, so
// batching adds no first-token latency. flush() on end, stop or error so nothing is lost.
// No message is longer than the protocol's delta limit (the webview drops a longer one, and the
// screen would then differ from the saved story): a bigger backlog goes out over several frames,
// or in several messages at once on flush.
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

export class DeltaBatcher {
  private pending = '';
  private lastEmit = Number.NEGATIVE_INFINITY;
  private timer: unknown;
  private closed = false;

  constructor(
    private readonly emit: (text: string) => void,
    private readonly intervalMs = FRAME_MS,
    private readonly clock: BatchClock = systemBatchClock,
    private readonly maxChars: number = LIMITS.deltaMax,
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
  }

  private schedule(): void {
    if (this.timer !== undefined || this.pending === '') return;
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
    this.emit(text);
  }
}
