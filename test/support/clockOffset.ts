// `STORYTELLER_CLOCK_OFFSET_MS`: moves this process's clock (and, through pageClockScript, a test
// page's) by that many milliseconds. `npm test` runs the pure and webview suites once more with
// the clock a year ahead, so a test that only passes before some date fails today, not then.
// Required by .mocharc.json and test/webview/.mocharc.json; without the variable it does nothing.

/** Milliseconds to move the clock by; 0 when the variable is unset. */
export const CLOCK_OFFSET_MS = Number(process.env.STORYTELLER_CLOCK_OFFSET_MS ?? 0) || 0;

/** A script that replaces `Date` with one `offset` ms ahead (run in Node here, and in test pages). */
export function shiftClock(offset: number): void {
  if (!offset) return;
  const RealDate = Date;
  const realNow = RealDate.now.bind(RealDate);
  class ShiftedDate extends RealDate {
    constructor(...args: ConstructorParameters<DateConstructor> | []) {
      if (args.length === 0) super(realNow() + offset);
      else super(...(args as ConstructorParameters<DateConstructor>));
    }
    static override now(): number {
      return realNow() + offset;
    }
  }
  globalThis.Date = ShiftedDate as DateConstructor;
}

shiftClock(CLOCK_OFFSET_MS);
