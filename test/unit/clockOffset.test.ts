// The year-ahead run of `npm test` (test/support/clockOffset.ts) really moves the clock.
import * as assert from 'node:assert/strict';
import { CLOCK_OFFSET_MS } from '../support/clockOffset';

describe('test clock', () => {
  it('Date is the real time plus STORYTELLER_CLOCK_OFFSET_MS, for now() and new Date()', () => {
    const real = performance.timeOrigin + performance.now();
    assert.ok(Math.abs(Date.now() - real - CLOCK_OFFSET_MS) < 5_000, `${Date.now() - real} ≠ ${CLOCK_OFFSET_MS}`);
    assert.ok(Math.abs(new Date().getTime() - real - CLOCK_OFFSET_MS) < 5_000);
    assert.equal(new Date(0).getTime(), 0, 'an explicit time is kept');
    assert.ok(new Date() instanceof Date);
  });
});
