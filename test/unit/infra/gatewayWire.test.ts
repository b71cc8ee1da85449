// The story gateway's pure parts (infra/src/gateway/wire.ts, budget.ts): what a request may hold,
// the input bound a reservation is built on, and the UTC day a budget belongs to.
import * as assert from 'node:assert/strict';
import { nextUtcMidnight, utcDay } from '../../../infra/src/gateway/budget';
import { inputTokenBound } from '../../../infra/src/gateway/reservation';
import { GatewayError, estimateInputTokens, parseConverseRequest } from '../../../infra/src/gateway/wire';

const story = (text: string, extra: Record<string, unknown> = {}) => ({
  modelId: 'amazon.nova-lite-v1:0',
  messages: [{ role: 'user', content: [{ text }] }],
  inferenceConfig: { maxTokens: 100 },
  ...extra,
});

function refused(body: string, pattern: RegExp): void {
  assert.throws(
    () => parseConverseRequest(body),
    (err: unknown) =>
      err instanceof GatewayError &&
      err.code === 'ValidationException' &&
      err.status === 400 &&
      pattern.test(err.message),
  );
}

describe('story gateway wire (#16)', () => {
  it('accepts a Converse request and returns it as sent', () => {
    const req = story('Tell a story.', { system: [{ text: 'Be kind.' }] });
    assert.deepEqual(parseConverseRequest(JSON.stringify(req)), req);
  });

  it('refuses what Bedrock would not take, or the gateway cannot count, naming where', () => {
    refused('not json', /not JSON/);
    refused(JSON.stringify({ ...story('x'), inferenceConfig: {} }), /inferenceConfig\.maxTokens/);
    refused(JSON.stringify({ ...story('x'), inferenceConfig: { maxTokens: 0 } }), /maxTokens/);
    refused(JSON.stringify(story('')), /messages\.0\.content\.0\.text/);
    refused(JSON.stringify({ ...story('x'), toolConfig: {} }), /toolConfig/);
    refused(JSON.stringify({ ...story('x'), modelId: 'arn:aws:bedrock:*' }), /modelId/);
    refused(JSON.stringify(story('x'.repeat(300_000))), /larger than/);
  });

  it('bounds input tokens at one per UTF-8 byte, plus per-block overhead', () => {
    const ascii = inputTokenBound(parseConverseRequest(JSON.stringify(story('a'.repeat(1000)))));
    assert.ok(ascii >= 1000 + 8, String(ascii));
    // Three bytes a character: a bound by characters would undercount these.
    const cjk = inputTokenBound(parseConverseRequest(JSON.stringify(story('物'.repeat(1000)))));
    assert.ok(cjk >= 3000, String(cjk));
    const withSystem = inputTokenBound(
      parseConverseRequest(JSON.stringify(story('a'.repeat(1000), { system: [{ text: 'b'.repeat(100) }] }))),
    );
    assert.ok(withSystem >= ascii + 100, 'the system prompt counts too');
    // bench/gateway.ts still imports it by its old name.
    assert.equal(estimateInputTokens, inputTokenBound);
  });

  it('accepts cache points (#26), refuses more than AWS allows with its sentence, and drops them for a model without caching', () => {
    const point = { cachePoint: { type: 'default' } };
    const cached = story('Go on.', { system: [{ text: 'The bible.' }, point, { text: 'Entries.' }] });
    assert.deepEqual(parseConverseRequest(JSON.stringify(cached)), cached);
    const inMessage = { ...story('x'), messages: [{ role: 'user', content: [{ text: 'x' }, point] }] };
    assert.deepEqual(parseConverseRequest(JSON.stringify(inMessage)), inMessage);
    const profile = { ...cached, modelId: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0' };
    assert.deepEqual(parseConverseRequest(JSON.stringify(profile)), profile);
    // Five points: two in system, three in the message.
    const five = {
      ...story('x'),
      system: [{ text: 'a' }, point, { text: 'b' }, point],
      messages: [{ role: 'user', content: [{ text: 'c' }, point, { text: 'd' }, point, { text: 'e' }, point] }],
    };
    refused(
      JSON.stringify(five),
      /^The model returned the following errors: A maximum of 4 blocks with cache_control may be provided\. Found 5\.$/,
    );
    refused(JSON.stringify(story('x', { system: [{ text: 'a' }, { cachePoint: { type: 'other' } }] })), /system\.1/);
    refused(JSON.stringify(story('x', { system: [{ cachePoint: { type: 'default', ttl: '1h' } }] })), /system\.0/);
    const titan = { ...cached, modelId: 'amazon.titan-text-express-v1' };
    assert.deepEqual(parseConverseRequest(JSON.stringify(titan)).system, [
      { text: 'The bible.' },
      { text: 'Entries.' },
    ]);
    refused(
      JSON.stringify({ ...titan, messages: [{ role: 'user', content: [point] }] }),
      /a message has only cache points/,
    );
    // A cache point adds no text, so it adds nothing to the bound.
    assert.equal(
      inputTokenBound(parseConverseRequest(JSON.stringify(cached))),
      inputTokenBound(
        parseConverseRequest(JSON.stringify({ ...cached, system: [{ text: 'The bible.' }, { text: 'Entries.' }] })),
      ),
    );
  });

  it('keeps budgets per UTC day', () => {
    const lateEvening = Date.parse('2026-12-01T23:59:59.999Z');
    assert.equal(utcDay(lateEvening), '2026-12-01');
    assert.equal(utcDay(lateEvening + 1), '2026-12-02');
    assert.equal(new Date(nextUtcMidnight(lateEvening)).toISOString(), '2026-12-02T00:00:00.000Z');
  });
});
