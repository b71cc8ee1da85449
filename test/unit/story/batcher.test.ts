import * as assert from 'node:assert/strict';
import { DELIVERY_TIMEOUT_MS, DeltaBatcher, FRAME_MS } from '../../../src/core/story/batcher';
import type { BatchClock } from '../../../src/core/story/batcher';
import { LIMITS } from '../../../src/core/story/protocol/limits';
import { hostEvent, parseHostMessage } from '../../../src/core/story/protocol/messages';

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
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.t = due[1].at;
      due[1].fn();
    }
    this.t = end;
  }
  get pending(): number {
    return this.timers.size;
  }
}

describe('DeltaBatcher', () => {
  let clock: FakeClock;
  let sent: { at: number; text: string }[];
  let batcher: DeltaBatcher;
  beforeEach(() => {
    clock = new FakeClock();
    sent = [];
    batcher = new DeltaBatcher((text) => sent.push({ at: clock.now(), text }), 16, clock);
  });

  it('sends the first delta at once (no added first-token latency)', () => {
    batcher.push('Once');
    assert.deepEqual(sent, [{ at: 1000, text: 'Once' }]);
  });

  it('by default sends at most 60 messages a second (one per 60 Hz frame)', () => {
    const sentAt: number[] = [];
    const b = new DeltaBatcher(() => sentAt.push(clock.now()), undefined, clock);
    // A delta every millisecond for 3 s: the most a fast model could push.
    for (let t = 0; t < 3000; t++) {
      b.push('x');
      clock.advance(1);
    }
    b.flush();
    assert.equal(FRAME_MS, 1000 / 60);
    assert.ok(sentAt.length <= 3 * 60 + 1, `${sentAt.length} messages in 3 s`);
    assert.ok(sentAt.length >= 3 * 60 - 3, `${sentAt.length} messages in 3 s: batching must not starve the panel`);
  });

  it('coalesces a burst into one message per 16 ms, in order, losing nothing', () => {
    const tokens = Array.from({ length: 100 }, (_, i) => `t${i} `);
    for (const t of tokens) {
      batcher.push(t);
      clock.advance(1); // a token every millisecond
    }
    const beforeFlush = sent.length;
    batcher.flush();
    assert.equal(sent.map((s) => s.text).join(''), tokens.join(''));
    // The end-of-stream flush may follow closely; every message before it is ≥ 16 ms apart.
    for (let i = 1; i < beforeFlush; i++)
      assert.ok(
        sent[i]!.at - sent[i - 1]!.at >= 16,
        `messages ${i - 1} and ${i} are ${sent[i]!.at - sent[i - 1]!.at} ms apart`,
      );
    assert.ok(sent.length <= Math.ceil(100 / 16) + 1, `${sent.length} messages for 100 ms`);
  });

  it('flush sends what is pending at once and cancels the timer; close ignores later pushes', () => {
    batcher.push('a');
    batcher.push('b');
    batcher.push('c');
    assert.equal(sent.length, 1);
    assert.equal(clock.pending, 1);
    batcher.flush();
    assert.deepEqual(
      sent.map((s) => s.text),
      ['a', 'bc'],
    );
    assert.equal(clock.pending, 0);
    batcher.close();
    batcher.push('late');
    clock.advance(100);
    assert.deepEqual(
      sent.map((s) => s.text),
      ['a', 'bc'],
    );
  });

  it('a delta after a quiet gap goes out immediately again; empty deltas and flushes send nothing', () => {
    batcher.push('a');
    clock.advance(50);
    batcher.push('');
    batcher.flush();
    batcher.push('b');
    assert.deepEqual(sent, [
      { at: 1000, text: 'a' },
      { at: 1050, text: 'b' },
    ]);
  });

  it('never sends a delta over the protocol limit, so the webview drops nothing (600 KB in one frame)', () => {
    const b = new DeltaBatcher((text) => sent.push({ at: clock.now(), text }), 16, clock);
    // Emoji (surrogate pairs) straddle the cut points: a split pair would be two broken characters.
    const big = `${'word '.repeat(52_428)}${'🐉'.repeat(100_000)}${'end'.repeat(1000)}`;
    b.push('x');
    b.push(big);
    clock.advance(16);
    assert.ok(sent.length >= 2 && sent.length < 5, `${sent.length} messages after one frame`);
    clock.advance(1000);
    assert.equal(sent.map((s) => s.text).join(''), `x${big}`);
    for (const { text } of sent) {
      assert.ok(text.length <= LIMITS.deltaMax, `${text.length} chars`);
      assert.ok(parseHostMessage(hostEvent('story.delta', { storyId: 's1', text })), 'the webview accepts it');
      assert.doesNotMatch(text, /^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/, 'no surrogate pair split');
    }
    for (let i = 1; i < sent.length; i++) assert.ok(sent[i]!.at - sent[i - 1]!.at >= 16, 'still one message per frame');
  });

  it('flush sends a big backlog at once, in pieces within the limit', () => {
    const b = new DeltaBatcher((text) => sent.push({ at: clock.now(), text }), 16, clock);
    b.push('a');
    b.push('b'.repeat(LIMITS.deltaMax * 2 + 5));
    b.close();
    assert.deepEqual(
      sent.map((s) => s.text.length),
      [1, LIMITS.deltaMax, LIMITS.deltaMax, 5],
    );
    assert.equal(clock.pending, 0);
  });

  describe('one message in flight (the delivery emit returns)', () => {
    /** Each message's delivery, settled by the test. */
    let deliveries: { resolve: () => void; reject: (e: Error) => void }[];
    let b: DeltaBatcher;
    const settle = () => new Promise<void>((r) => setImmediate(r));
    beforeEach(() => {
      deliveries = [];
      b = new DeltaBatcher(
        (text) => {
          sent.push({ at: clock.now(), text });
          return new Promise<void>((resolve, reject) => deliveries.push({ resolve, reject }));
        },
        16,
        clock,
      );
    });

    it('a panel that falls behind gets fewer, larger messages instead of a queue, in order, losing nothing', async () => {
      const tokens = Array.from({ length: 200 }, (_, i) => `t${i} `);
      // A token every millisecond; the panel takes 50 ms to take each message.
      for (let i = 0; i < tokens.length; i++) {
        b.push(tokens[i]!);
        if (i % 50 === 49) {
          deliveries.at(-1)!.resolve();
          await settle();
        }
        clock.advance(1);
      }
      assert.equal(sent.length, 5, 'one message per delivery (the first, then one per 50 ms), not one per 16 ms');
      b.close();
      assert.equal(sent.map((s) => s.text).join(''), tokens.join(''));
      assert.equal(clock.pending, 0);
    });

    it('the next message waits for the delivery and the frame, whichever is later', async () => {
      b.push('a');
      b.push('b');
      clock.advance(100);
      assert.deepEqual(
        sent.map((s) => s.text),
        ['a'],
      );
      deliveries[0]!.resolve();
      await settle();
      assert.deepEqual(sent.at(-1), { at: 1100, text: 'b' });
      // Delivered at once: the 16 ms frame still applies.
      deliveries[1]!.resolve();
      await settle();
      b.push('c');
      assert.equal(sent.length, 2);
      clock.advance(16);
      assert.deepEqual(sent.at(-1), { at: 1116, text: 'c' });
    });

    it('the end of the stream goes out at once, even while a message is in flight', () => {
      b.push('a');
      b.push('b');
      b.close();
      assert.deepEqual(
        sent.map((s) => s.text),
        ['a', 'b'],
      );
      assert.equal(clock.pending, 0, 'no timer left behind');
    });

    it('a failed delivery lets the next go; one that never settles holds text back at most DELIVERY_TIMEOUT_MS', async () => {
      b.push('a');
      b.push('b');
      deliveries[0]!.reject(new Error('Webview is disposed'));
      await settle();
      clock.advance(16);
      assert.deepEqual(sent.at(-1), { at: 1016, text: 'b' });
      b.push('c');
      clock.advance(DELIVERY_TIMEOUT_MS - 1);
      assert.equal(sent.length, 2);
      clock.advance(1);
      assert.deepEqual(sent.at(-1), { at: 1016 + DELIVERY_TIMEOUT_MS, text: 'c' });
      // The late delivery of 'b' must not let a fourth message overtake the one now in flight.
      deliveries[1]!.resolve();
      await settle();
      b.push('d');
      clock.advance(100);
      assert.equal(sent.length, 3);
      b.close();
      assert.equal(sent.at(-1)!.text, 'd');
    });
  });
});
