import * as assert from 'node:assert/strict';
import { EditPacer } from '../../../src/core/project/editPacer';
import type { BatchClock } from '../../../src/core/story/batcher';

/** A manual clock: timers fire only when the test advances time. */
class FakeClock implements BatchClock {
  t = 1000;
  private timers = new Map<number, { at: number; fn: () => void }>();
  private next = 1;
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.timers.set(id, { at: this.t + ms, fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  /** Moves time on, firing due timers and letting promise callbacks run after each. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    await settle();
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.t = due[1].at;
      due[1].fn();
      await settle();
    }
    this.t = end;
  }
}

const settle = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

/** An editor whose edits complete when the test says so (or at once). */
class FakeEditor {
  readonly edits: { text: string; last: boolean; at: number }[] = [];
  inFlight = 0;
  maxInFlight = 0;
  auto = true;
  fail = false;
  private waiting: ((ok: boolean) => void)[] = [];
  constructor(private readonly clock: FakeClock) {}
  apply = (text: string, last: boolean): Promise<boolean> => {
    this.edits.push({ text, last, at: this.clock.now() });
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    return new Promise<boolean>((resolve) => {
      const done = (ok: boolean) => {
        this.inFlight--;
        resolve(ok);
      };
      if (this.auto) done(!this.fail);
      else this.waiting.push(done);
    });
  };
  complete(ok = true): void {
    this.waiting.shift()?.(ok);
  }
}

describe('EditPacer', () => {
  let clock: FakeClock;
  let editor: FakeEditor;
  beforeEach(() => {
    clock = new FakeClock();
    editor = new FakeEditor(clock);
  });

  it('sends the first push at once, then at most one edit a frame with everything pushed since', async () => {
    const pacer = new EditPacer(editor.apply, 60, clock);
    pacer.push('a');
    await settle();
    assert.deepEqual(
      editor.edits.map((e) => e.text),
      ['a'],
    );
    for (const t of ['b', 'c', 'd']) pacer.push(t);
    await clock.advance(10);
    assert.equal(editor.edits.length, 1, 'no second edit within the frame');
    await clock.advance(7);
    assert.deepEqual(
      editor.edits.map((e) => e.text),
      ['a', 'bcd'],
    );
    assert.equal(pacer.inserted, 'abcd');
  });

  it('2,400 tokens a second for 3 s: never more edits in a second than the limit, nothing lost', async () => {
    for (const limit of [60, 20]) {
      editor = new FakeEditor(clock);
      const pacer = new EditPacer(editor.apply, limit, clock);
      let all = '';
      for (let i = 0; i < 7200; i++) {
        const token = `t${i % 10}. `;
        all += token;
        pacer.push(token);
        await clock.advance(1000 / 2400);
      }
      const done = pacer.finish();
      await clock.advance(100);
      await done;
      assert.equal(pacer.inserted, all);
      assert.equal(editor.edits.map((e) => e.text).join(''), all);
      const starts = editor.edits.map((e) => e.at);
      for (let i = 0; i < starts.length; i++) {
        const inWindow = starts.filter((t) => t >= starts[i]! && t < starts[i]! + 1000).length;
        assert.ok(inWindow <= limit, `${inWindow} edits in the second from ${starts[i]} (limit ${limit})`);
      }
      assert.ok(editor.edits.length >= limit * 3 - 1, `${editor.edits.length} edits: the pace is used`);
    }
  });

  it('never has two edits in flight: a slow editor gets fewer, larger edits', async () => {
    editor.auto = false;
    const pacer = new EditPacer(editor.apply, 60, clock);
    pacer.push('a');
    await settle();
    for (let i = 0; i < 50; i++) {
      pacer.push('x');
      await clock.advance(5);
    }
    assert.equal(editor.edits.length, 1);
    editor.complete();
    await settle();
    assert.deepEqual(
      editor.edits.map((e) => e.text),
      ['a', 'x'.repeat(50)],
    );
    editor.complete();
    await settle();
    assert.equal(editor.maxInFlight, 1);
    assert.equal(pacer.inserted, `a${'x'.repeat(50)}`);
  });

  it('finish() waits for the edit in flight, applies the rest as the last edit, and resolves', async () => {
    editor.auto = false;
    const pacer = new EditPacer(editor.apply, 60, clock);
    pacer.push('one ');
    await settle();
    pacer.push('two');
    let finished = false;
    const done = pacer.finish().then(() => (finished = true));
    await settle();
    assert.equal(finished, false);
    editor.complete();
    await clock.advance(20);
    assert.deepEqual(
      editor.edits.map((e) => [e.text, e.last]),
      [
        ['one ', false],
        ['two', true],
      ],
    );
    assert.equal(finished, false, 'the last edit is still in flight');
    editor.complete();
    await done;
    assert.equal(pacer.inserted, 'one two');
    assert.equal(pacer.notInserted, '');
    assert.equal(pacer.state, 'running');
  });

  it('a failed edit keeps its text and everything after it, and edits stop', async () => {
    const pacer = new EditPacer(editor.apply, 60, clock);
    pacer.push('kept ');
    await settle();
    editor.fail = true;
    pacer.push('lost? ');
    await clock.advance(20);
    pacer.push('no.');
    await clock.advance(20);
    await pacer.finish();
    assert.equal(editor.edits.length, 2, 'no edit after the failure');
    assert.equal(pacer.inserted, 'kept ');
    assert.equal(pacer.notInserted, 'lost? no.');
    assert.equal(pacer.state, 'failed');
  });

  it('an edit that throws counts as failed', async () => {
    const pacer = new EditPacer(() => Promise.reject(new Error('closed editor')), 60, clock);
    pacer.push('abc');
    await pacer.finish();
    assert.equal(pacer.notInserted, 'abc');
    assert.equal(pacer.state, 'failed');
  });

  it('stop() lets the edit in flight finish and starts no other; later pushes are kept, not inserted', async () => {
    editor.auto = false;
    const pacer = new EditPacer(editor.apply, 60, clock);
    pacer.push('a');
    await settle();
    pacer.push('b');
    pacer.stop();
    pacer.push('c');
    editor.complete();
    await pacer.finish();
    await clock.advance(100);
    assert.equal(editor.edits.length, 1);
    assert.equal(pacer.inserted, 'a');
    assert.equal(pacer.notInserted, 'bc');
    assert.equal(pacer.state, 'stopped');
  });

  it('finish() with nothing pushed resolves at once; a bad limit is refused', async () => {
    await new EditPacer(editor.apply, 60, clock).finish();
    assert.equal(editor.edits.length, 0);
    assert.throws(() => new EditPacer(editor.apply, 0, clock), RangeError);
  });
});
