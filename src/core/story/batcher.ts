// Coalesces streamed deltas so the webview gets at most one message per interval (one 60 Hz
// frame): a model can emit hundreds of tiny deltas a second and each postMessage costs a
// structured clone and a render. The first delta after a quiet interval goes out at once, so
// batching adds no first-token latency. flush() on end, stop or error so nothing is lost.

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
  ) {}

  push(text: string): void {
    if (this.closed || text === '') return;
    this.pending += text;
    if (this.timer !== undefined) return;
    const wait = this.lastEmit + this.intervalMs - this.clock.now();
    if (wait <= 0) this.send();
    else this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.send();
    }, wait);
  }

  /** Sends whatever is pending now (end of stream, stop, error). */
  flush(): void {
    if (this.timer !== undefined) {
      this.clock.clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.send();
  }

  /** Flushes, then ignores later pushes. */
  close(): void {
    this.flush();
    this.closed = true;
  }

  private send(): void {
    if (this.pending === '') return;
    const text = this.pending;
    this.pending = '';
    this.lastEmit = this.clock.now();
    this.emit(text);
  }
}
