import * as assert from 'node:assert/strict';
import { DEFAULT_MODEL_PRICES } from '../../../../src/core/config';
import {
  EMPTY_LEDGER,
  daySummary,
  estimateCost,
  formatCost,
  formatUsage,
  localDateKey,
  parseLedger,
  recordUsage,
  toUsage,
} from '../../../../src/core/story/usage/usage';

describe('story usage and cost', () => {
  it('reads metadata.usage, filling a missing total', () => {
    assert.deepEqual(toUsage({ inputTokens: 100, outputTokens: 900 }), {
      inputTokens: 100,
      outputTokens: 900,
      totalTokens: 1000,
    });
    assert.equal(toUsage(undefined), undefined);
  });

  it('estimates cost from the per-1,000-token prices, also for an inference profile id', () => {
    const usage = { inputTokens: 1000, outputTokens: 2000, totalTokens: 3000 };
    // Nova Lite: $0.00006 in, $0.00024 out per 1,000 tokens.
    const cost = estimateCost(usage, 'amazon.nova-lite-v1:0', DEFAULT_MODEL_PRICES);
    assert.ok(cost);
    assert.ok(Math.abs(cost.amount - (0.00006 + 2 * 0.00024)) < 1e-12, String(cost.amount));
    assert.deepEqual(estimateCost(usage, 'us.amazon.nova-lite-v1:0', DEFAULT_MODEL_PRICES), cost);
    assert.equal(estimateCost(usage, 'anthropic.claude-3-haiku-20240307-v1:0', DEFAULT_MODEL_PRICES), null);
  });

  it('formats tokens and cost for people', () => {
    assert.equal(
      formatUsage(
        { inputTokens: 234, outputTokens: 1000, totalTokens: 1234 },
        { amount: 0.0003, currency: 'USD', estimated: true },
      ),
      '1,234 tokens · ≈ $0.0003 (estimate)',
    );
    assert.equal(formatCost({ amount: 1.254, currency: 'USD', estimated: true }), '≈ $1.25 (estimate)');
    assert.equal(formatCost({ amount: 0.00001, currency: 'USD', estimated: true }), '≈ < $0.0001 (estimate)');
    assert.equal(formatCost(null), 'no price set');
    assert.equal(formatUsage({ inputTokens: 1, outputTokens: 0, totalTokens: 1 }, null), '1 token · no price set');
  });

  it('accumulates per local day, survives a JSON round trip, and labels unpriced tokens', () => {
    const morning = new Date(2025, 5, 1, 9, 0);
    const evening = new Date(2025, 5, 1, 23, 59);
    const nextDay = new Date(2025, 5, 2, 0, 1);
    let ledger = recordUsage(
      EMPTY_LEDGER,
      { inputTokens: 10, outputTokens: 90, totalTokens: 100 },
      { amount: 0.001, currency: 'USD', estimated: true },
      morning,
    );
    ledger = recordUsage(ledger, { inputTokens: 5, outputTokens: 45, totalTokens: 50 }, null, evening);
    ledger = parseLedger(JSON.parse(JSON.stringify(ledger)));
    ledger = recordUsage(
      ledger,
      { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
      { amount: 0.5, currency: 'USD', estimated: true },
      nextDay,
    );
    const first = daySummary(ledger, morning);
    assert.equal(first.date, localDateKey(morning));
    assert.equal(first.date, '2025-06-01');
    assert.equal(first.totalTokens, 150);
    assert.equal(first.requests, 2);
    assert.equal(first.unpricedTokens, 50);
    assert.deepEqual(first.cost, { amount: 0.001, currency: 'USD', estimated: true });
    assert.equal(first.label, '150 tokens · ≈ $0.001 (estimate) (some models have no price set)');
    assert.equal(daySummary(ledger, nextDay).totalTokens, 2);
    assert.equal(daySummary(EMPTY_LEDGER, morning).label, '0 tokens · ≈ $0.00 (estimate)');
    const unpricedOnly = recordUsage(EMPTY_LEDGER, { inputTokens: 1, outputTokens: 2, totalTokens: 3 }, null, morning);
    assert.equal(daySummary(unpricedOnly, morning).cost, null);
    assert.equal(daySummary(unpricedOnly, morning).label, '3 tokens · no price set');
  });

  it('keeps only the last 90 days and drops malformed persisted data', () => {
    let ledger = EMPTY_LEDGER;
    for (let d = 0; d < 100; d++)
      ledger = recordUsage(
        ledger,
        { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
        null,
        new Date(2025, 0, 1 + d, 12),
      );
    assert.equal(Object.keys(ledger.days).length, 90);
    assert.ok(!('2025-01-01' in ledger.days));
    assert.deepEqual(
      parseLedger({ version: 1, days: { '2025-01-01': { inputTokens: -1 }, nonsense: {} } }),
      EMPTY_LEDGER,
    );
    assert.deepEqual(parseLedger('garbage'), EMPTY_LEDGER);
  });

  it('reads each persisted day on its own: a bad day is dropped, the others kept', () => {
    const day = { inputTokens: 1, outputTokens: 2, totalTokens: 3, requests: 1, costUsd: 0.5, unpricedTokens: 0 };
    const ledger = parseLedger({
      version: 1,
      days: {
        '2025-01-02': day,
        '2025-01-03': { ...day, extra: 1 },
        '2025-01-04': { ...day, costUsd: Number.NaN },
        '2025-01-05': { ...day, requests: '1' },
      },
    });
    // A day saved before prompt caching (#26) reads with no cache tokens.
    assert.deepEqual(ledger, {
      version: 1,
      days: { '2025-01-02': { ...day, cacheReadInputTokens: 0, cacheWriteInputTokens: 0 } },
    });
    assert.deepEqual(parseLedger({ version: 2, days: {} }), EMPTY_LEDGER);
    assert.deepEqual(parseLedger({ version: 1, days: [] }), EMPTY_LEDGER);
    assert.deepEqual(parseLedger({ version: 1, days: {}, owner: 'x' }), EMPTY_LEDGER);
    assert.deepEqual(parseLedger(null), EMPTY_LEDGER);
  });
});
