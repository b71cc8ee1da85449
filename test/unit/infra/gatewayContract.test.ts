// The story gateway's contract (infra/src/gateway/contract.ts, #25): one module for the header, the
// routes and the shapes, which the extension bundles too, so it may import valibot and nothing else.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as v from 'valibot';
import { GATEWAY_PATHS, GatewayErrorBody, UsageResponse } from '../../../infra/src/gateway/contract';

describe('story gateway contract (#25)', () => {
  it('imports valibot and the pure safety rule only: no Node, SDK or Lambda module reaches the extension through it', () => {
    const source = readFileSync('infra/src/gateway/contract.ts', 'utf8');
    const imports = [...source.matchAll(/^import .* from '([^']+)';$/gm)].map((m) => m[1]);
    assert.deepEqual(imports, ['valibot', './safety']);
    // The content-safety rule it shares (#27) imports nothing at all.
    assert.doesNotMatch(readFileSync('infra/src/gateway/safety.ts', 'utf8'), /^import /m);
  });

  it('names the two routes the handler serves and the client calls', () => {
    assert.deepEqual(GATEWAY_PATHS, { converseStream: 'converse-stream', usage: 'usage' });
  });

  it('reads GET /usage with what the stack allows, and without it from an older gateway', () => {
    const day = {
      day: '2026-12-01',
      dailyTokens: 50_000,
      tokensUsed: 0,
      tokensReserved: 0,
      tokensLeft: 50_000,
      requestsLeftThisMinute: null,
      resetsAt: '2026-12-02T00:00:00.000Z',
    };
    assert.deepEqual(v.parse(UsageResponse, { ...day, maxTokensPerStory: 10_000 }), {
      ...day,
      maxTokensPerStory: 10_000,
    });
    assert.deepEqual(v.parse(UsageResponse, day), day);
    assert.equal(v.is(UsageResponse, { ...day, resetsAt: 'tomorrow' }), false);
    assert.equal(v.is(UsageResponse, { ...day, maxTokensPerStory: 1.5 }), false);
    // The stack's content policy (#27), so the panel can say which applies in budget mode.
    assert.equal(v.parse(UsageResponse, { ...day, contentSafety: 'Strict' }).contentSafety, 'Strict');
    assert.equal(v.is(UsageResponse, { ...day, contentSafety: 'lenient' }), false);
  });

  it('states a refusal: a message, and the budget or rate details the extension turns into sentences', () => {
    const budget = {
      message: 'Your daily token budget has 10 tokens left.',
      limit: 'user',
      tokensLeft: 10,
      tokensRequested: 900,
      resetsAt: '2026-12-02T00:00:00.000Z',
    };
    assert.deepEqual(v.parse(GatewayErrorBody, budget), budget);
    assert.equal(v.is(GatewayErrorBody, { message: 'Busy.', retryAfterSeconds: 1 }), true);
    assert.equal(v.is(GatewayErrorBody, { ...budget, limit: 'account' }), false);
    assert.equal(v.is(GatewayErrorBody, { limit: 'user' }), false, 'the message is required');
  });
});
