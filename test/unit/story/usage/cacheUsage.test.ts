// Prompt-cache usage (#26): Bedrock's cacheReadInputTokens / cacheWriteInputTokens through usage,
// the day's totals (old files without them included), and the cost at cache prices.
import * as assert from 'node:assert/strict';
import { DEFAULT_MODEL_PRICES } from '../../../../src/core/config';
import {
  EMPTY_LEDGER,
  addUsages,
  cachePrices,
  daySummary,
  estimateCost,
  formatUsage,
  parseLedger,
  recordUsage,
  toUsage,
} from '../../../../src/core/story/usage/usage';

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} ≠ ${b}`);

describe('story usage: prompt caching', () => {
  it('reads the cache fields, keeps them absent without a cache point, and a total never below its parts', () => {
    assert.deepEqual(
      toUsage({
        inputTokens: 40,
        outputTokens: 60,
        totalTokens: 1100,
        cacheReadInputTokens: 1000,
        cacheWriteInputTokens: 0,
      }),
      { inputTokens: 40, outputTokens: 60, totalTokens: 1100, cacheReadInputTokens: 1000, cacheWriteInputTokens: 0 },
    );
    // A model whose total leaves the cached tokens out: the total counts them anyway.
    assert.equal(
      toUsage({ inputTokens: 40, outputTokens: 60, totalTokens: 100, cacheWriteInputTokens: 1000 })?.totalTokens,
      1100,
    );
    assert.deepEqual(toUsage({ inputTokens: 1, outputTokens: 2, totalTokens: 3 }), {
      inputTokens: 1,
      outputTokens: 2,
      totalTokens: 3,
    });
  });

  it('adds cache fields across steps', () => {
    const plain = { inputTokens: 1, outputTokens: 1, totalTokens: 2 };
    assert.deepEqual(addUsages(plain, plain), { inputTokens: 2, outputTokens: 2, totalTokens: 4 });
    const cached = { ...plain, totalTokens: 12, cacheReadInputTokens: 10, cacheWriteInputTokens: 0 };
    assert.deepEqual(addUsages(plain, cached), {
      inputTokens: 2,
      outputTokens: 2,
      totalTokens: 14,
      cacheReadInputTokens: 10,
      cacheWriteInputTokens: 0,
    });
  });

  const prices: [string, { input: number; output: number; cacheRead?: number; cacheWrite?: number }, number, number][] =
    [
      // Claude: read 10 %, write 125 % of input.
      ['anthropic.claude-sonnet-4-5-20250929-v1:0', { input: 0.003, output: 0.015 }, 0.0003, 0.00375],
      ['us.anthropic.claude-haiku-4-5-20251001-v1:0', { input: 0.001, output: 0.005 }, 0.0001, 0.00125],
      // Nova: read 25 %, write at the input price.
      ['amazon.nova-lite-v1:0', { input: 0.00006, output: 0.00024 }, 0.000015, 0.00006],
      // Unknown vendor: no discount assumed.
      ['meta.llama3-1-8b-instruct-v1:0', { input: 0.0002, output: 0.0002 }, 0.0002, 0.0002],
      // The setting wins.
      [
        'anthropic.claude-sonnet-4-5-20250929-v1:0',
        { input: 0.003, output: 0.015, cacheRead: 0.001, cacheWrite: 0.002 },
        0.001,
        0.002,
      ],
    ];
  for (const [model, price, read, write] of prices)
    it(`cache prices of ${model}${price.cacheRead !== undefined ? ' (set)' : ''}: read ${read}, write ${write}`, () => {
      const got = cachePrices(model, price);
      close(got.read, read);
      close(got.write, write);
    });

  it('prices cache reads and writes in the estimate', () => {
    const first = {
      inputTokens: 100,
      outputTokens: 500,
      totalTokens: 4600,
      cacheReadInputTokens: 0,
      cacheWriteInputTokens: 4000,
    };
    const second = { ...first, cacheReadInputTokens: 4000, cacheWriteInputTokens: 0 };
    const a = estimateCost(first, 'amazon.nova-lite-v1:0', DEFAULT_MODEL_PRICES)!;
    const b = estimateCost(second, 'us.amazon.nova-lite-v1:0', DEFAULT_MODEL_PRICES)!;
    close(a.amount, 0.1 * 0.00006 + 0.5 * 0.00024 + 4 * 0.00006);
    close(b.amount, 0.1 * 0.00006 + 0.5 * 0.00024 + 4 * 0.000015);
    assert.ok(b.amount < a.amount);
    assert.equal(
      formatUsage(second, b),
      `4,600 tokens (4,000 read from the cache, 0 written to it) · ≈ $${b.amount.toFixed(4).replace(/0+$/, '')} (estimate)`,
    );
  });

  it("keeps the day's cache tokens, and reads a day saved before them as none", () => {
    const at = new Date(2026, 11, 7, 10);
    let ledger = recordUsage(
      EMPTY_LEDGER,
      { inputTokens: 10, outputTokens: 90, totalTokens: 1100, cacheReadInputTokens: 0, cacheWriteInputTokens: 1000 },
      null,
      at,
    );
    ledger = recordUsage(
      ledger,
      { inputTokens: 10, outputTokens: 90, totalTokens: 1100, cacheReadInputTokens: 1000, cacheWriteInputTokens: 0 },
      null,
      at,
    );
    ledger = parseLedger(JSON.parse(JSON.stringify(ledger)));
    const day = daySummary(ledger, at);
    assert.equal(day.cacheReadInputTokens, 1000);
    assert.equal(day.cacheWriteInputTokens, 1000);
    assert.equal(day.totalTokens, 2200);
    assert.equal(day.label, '2,200 tokens (1,000 read from the cache, 1,000 written to it) · no price set');
    const old = {
      version: 1,
      days: {
        '2026-12-06': { inputTokens: 1, outputTokens: 1, totalTokens: 2, requests: 1, costUsd: 0, unpricedTokens: 2 },
      },
    };
    const read = daySummary(parseLedger(old), new Date(2026, 11, 6, 10));
    assert.equal(read.totalTokens, 2);
    assert.equal(read.cacheReadInputTokens, 0);
    assert.equal(read.label, '2 tokens · no price set');
  });
});
