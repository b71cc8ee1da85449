import * as assert from 'node:assert/strict';
import { extendRegion, isOwnInsertion, mapOffset, shiftRegion, withEol } from '../../../src/core/project/streamAnchor';
import type { StreamRegion, TextChange } from '../../../src/core/project/streamAnchor';

/** Applies a change to a string, as the document does. */
const applyTo = (s: string, c: TextChange) => s.slice(0, c.offset) + c.text + s.slice(c.offset + c.length);
const slice = (s: string, r: StreamRegion) => s.slice(r.start, r.end);

describe('stream anchor', () => {
  // Document "Hello STREAMED world": the streamed text is "STREAMED" at [6, 14).
  const doc = 'Hello STREAMED world';
  const region: StreamRegion = { start: 6, end: 14 };
  const table: [string, TextChange, StreamRegion, string][] = [
    ['insert before the start', { offset: 0, length: 0, text: 'Oh, ' }, { start: 10, end: 18 }, 'STREAMED'],
    ['insert at the start goes before it', { offset: 6, length: 0, text: 'my ' }, { start: 9, end: 17 }, 'STREAMED'],
    ['insert inside grows it', { offset: 9, length: 0, text: '-' }, { start: 6, end: 15 }, 'STR-EAMED'],
    ['insert at the anchor stays after it', { offset: 14, length: 0, text: '!!' }, { start: 6, end: 14 }, 'STREAMED'],
    ['insert after the anchor', { offset: 20, length: 0, text: '.' }, { start: 6, end: 14 }, 'STREAMED'],
    ['delete before', { offset: 0, length: 6, text: '' }, { start: 0, end: 8 }, 'STREAMED'],
    ['delete across the start', { offset: 4, length: 4, text: '' }, { start: 4, end: 10 }, 'REAMED'],
    ['delete across the anchor', { offset: 12, length: 4, text: '' }, { start: 6, end: 12 }, 'STREAM'],
    ['replace across the anchor', { offset: 12, length: 4, text: 'XY' }, { start: 6, end: 12 }, 'STREAM'],
    ['replace all of it', { offset: 6, length: 8, text: 'new' }, { start: 6, end: 9 }, 'new'],
    ['replace ending at the start', { offset: 0, length: 6, text: 'Bye ' }, { start: 4, end: 12 }, 'STREAMED'],
    ['CRLF typed before', { offset: 0, length: 0, text: '\r\n' }, { start: 8, end: 16 }, 'STREAMED'],
  ];
  for (const [name, change, expected, text] of table) {
    it(name, () => {
      const moved = shiftRegion(region, change);
      assert.deepEqual(moved, expected);
      assert.equal(slice(applyTo(doc, change), moved), text);
    });
  }

  it('an empty region (nothing streamed yet) stays before text typed at it', () => {
    assert.deepEqual(shiftRegion({ start: 5, end: 5 }, { offset: 5, length: 0, text: 'abc' }), { start: 5, end: 5 });
    assert.deepEqual(shiftRegion({ start: 5, end: 5 }, { offset: 1, length: 0, text: 'abc' }), { start: 8, end: 8 });
  });

  it('maps offsets with and without moving on an insertion at them', () => {
    const c = { offset: 3, length: 0, text: 'xx' };
    assert.equal(mapOffset(3, c, false), 3);
    assert.equal(mapOffset(3, c, true), 5);
    assert.equal(mapOffset(2, c, true), 2);
  });

  it('extends by the own insertion and recognises it', () => {
    const r = { start: 2, end: 4 };
    assert.ok(isOwnInsertion(r, { offset: 4, length: 0, text: 'abc' }, 'abc'));
    assert.ok(!isOwnInsertion(r, { offset: 3, length: 0, text: 'abc' }, 'abc'));
    assert.ok(!isOwnInsertion(r, { offset: 4, length: 1, text: 'abc' }, 'abc'));
    assert.ok(!isOwnInsertion(r, { offset: 4, length: 0, text: 'ab' }, 'abc'));
    assert.deepEqual(extendRegion(r, 3), { start: 2, end: 7 });
  });

  it('many random user edits around a stream keep every streamed character in its region', () => {
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    let text = 'The quick brown fox.';
    let r: StreamRegion = { start: 10, end: 10 };
    let streamed = '';
    for (let i = 0; i < 2000; i++) {
      if (rand(2) === 0) {
        const piece = `<${i}>`;
        text = applyTo(text, { offset: r.end, length: 0, text: piece });
        r = extendRegion(r, piece.length);
        streamed += piece;
      } else {
        // The user types only outside the streamed text here, so it must stay intact.
        const before = rand(2) === 0;
        const outside = before ? rand(r.start + 1) : r.end + rand(text.length - r.end + 1);
        const length = before ? Math.min(rand(3), r.start - outside) : Math.min(rand(3), text.length - outside);
        const change = { offset: outside, length, text: 'u'.repeat(rand(3)) };
        text = applyTo(text, change);
        r = shiftRegion(r, change);
      }
      assert.equal(slice(text, r), streamed);
    }
  });

  it('writes line breaks as the document has them', () => {
    assert.equal(withEol('a\nb\r\nc\rd', '\r\n'), 'a\r\nb\r\nc\r\nd');
    assert.equal(withEol('a\r\nb', '\n'), 'a\nb');
  });
});
