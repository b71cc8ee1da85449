// The gateway's reservation rule (infra/src/gateway/reservation.ts, #23): a true upper bound of
// what a story can cost, whatever its text, so that settling never needs to charge past it.
import * as assert from 'node:assert/strict';
import { countTokens } from '../../../emulator/src/storyEngine';
import {
  TEMPLATE_TOKENS_PER_BLOCK,
  TEMPLATE_TOKENS_PER_REQUEST,
  chargedTokens,
  inputTokenBound,
  reservedTokens,
  utf8Length,
} from '../../../infra/src/gateway/reservation';
import type { ReservableRequest } from '../../../infra/src/gateway/reservation';
import { parseConverseRequest } from '../../../infra/src/gateway/wire';

/** Seeded, so a failure names a case that fails again (mulberry32). */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// What tokenizers split finest: punctuation, emoji with modifiers and joiners, CJK, combining
// marks, two-byte scripts, and lone surrogates (sent as U+FFFD).
const ALPHABETS = [
  '!?.,;:-"()[]{}<>*&^%$#@~`|\\/',
  ['👩🏽‍🚀', '🏳️‍🌈', '👍', '🧑‍🤝‍🧑', '\u{1F600}'].join(''),
  '物語の始まり、世界は静かだった。',
  '\u0301\u0308\u0323\u0336\u20dd\ufe0f',
  'ñéøßДжЩשלום',
  '\ud800\udfff\ud83d',
  'plain words and spaces ',
];

function adversarialText(next: () => number): string {
  const length = 1 + Math.floor(next() * 400);
  let text = '';
  for (let i = 0; i < length; i++) {
    const alphabet = [...ALPHABETS[Math.floor(next() * ALPHABETS.length)]!];
    text += alphabet[Math.floor(next() * alphabet.length)];
  }
  return text;
}

function adversarialRequest(next: () => number): ReservableRequest & { modelId: string } {
  const messages = Array.from({ length: 1 + Math.floor(next() * 4) }, (_, i) => ({
    role: i % 2 === 0 ? ('user' as const) : ('assistant' as const),
    content: Array.from({ length: 1 + Math.floor(next() * 3) }, () => ({ text: adversarialText(next) })),
  }));
  const system = next() < 0.5 ? [{ text: adversarialText(next) }] : undefined;
  return {
    modelId: 'amazon.nova-lite-v1:0',
    messages,
    ...(system ? { system } : {}),
    inferenceConfig: { maxTokens: 1 + Math.floor(next() * 5000) },
  };
}

const texts = (req: ReservableRequest): string[] =>
  [...(req.system ?? []), ...req.messages.flatMap((m) => m.content)].flatMap((b) => ('text' in b ? [b.text] : []));

describe('story gateway reservation (#23)', () => {
  it('counts UTF-8 bytes as Buffer does, lone surrogates included', () => {
    const next = random(23);
    for (let i = 0; i < 500; i++) {
      const text = adversarialText(next);
      assert.equal(utf8Length(text), Buffer.byteLength(text, 'utf8'), JSON.stringify(text));
    }
    assert.equal(utf8Length(''), 0);
    assert.equal(utf8Length('\ud83d'), 3, 'a lone high surrogate at the end');
  });

  it('reserves one token per UTF-8 byte of every text, the template allowance and maxTokens', () => {
    const req = {
      messages: [
        { role: 'user', content: [{ text: '!!!' }, { text: '物' }] },
        { role: 'assistant', content: [{ text: '👍' }] },
      ],
      system: [{ text: 'é' }],
      inferenceConfig: { maxTokens: 100 },
    };
    const bytes = 3 + 3 + 4 + 2;
    assert.equal(inputTokenBound(req), bytes + 4 * TEMPLATE_TOKENS_PER_BLOCK + TEMPLATE_TOKENS_PER_REQUEST);
    assert.equal(reservedTokens(req), inputTokenBound(req) + 100);
    assert.equal(TEMPLATE_TOKENS_PER_BLOCK, 8);
    assert.equal(TEMPLATE_TOKENS_PER_REQUEST, 16);
  });

  it("covers the reported overrun: 9,000 punctuation marks, which the emulator's model counts as 9,000 tokens", () => {
    const req = parseConverseRequest(
      JSON.stringify({
        modelId: 'amazon.nova-lite-v1:0',
        messages: [{ role: 'user', content: [{ text: '!'.repeat(9000) }] }],
        inferenceConfig: { maxTokens: 1 },
      }),
    );
    assert.equal(countTokens(['!'.repeat(9000)]), 9000);
    assert.ok(reservedTokens(req) >= 9000 + 1, String(reservedTokens(req)));
  });

  it('is an upper bound for adversarial text: a byte-level tokenizer, and the emulator’s model', () => {
    const next = random(2323);
    for (let i = 0; i < 300; i++) {
      const req = adversarialRequest(next);
      const inputs = texts(req);
      const bytes = inputs.reduce((n, t) => n + Buffer.byteLength(t, 'utf8'), 0);
      const maxTokens = req.inferenceConfig.maxTokens;
      const label = JSON.stringify(req).slice(0, 300);
      // One token per byte is the most any tokenizer makes of text (byte fallback, byte-level BPE).
      assert.ok(reservedTokens(req) >= bytes + maxTokens, label);
      assert.ok(reservedTokens(req) >= countTokens(inputs) + maxTokens, label);
      // The request the gateway parses reserves the same.
      assert.equal(reservedTokens(parseConverseRequest(JSON.stringify(req))), reservedTokens(req), label);
    }
  });

  it('never shrinks when text is added', () => {
    const next = random(4242);
    for (let i = 0; i < 200; i++) {
      const req = adversarialRequest(next);
      const [first, ...rest] = req.messages;
      const longer = {
        ...req,
        messages: [
          {
            ...first!,
            content: [
              { text: texts({ ...req, system: [], messages: [first!] })[0]! + adversarialText(next) },
              ...first!.content.slice(1),
            ],
          },
          ...rest,
        ],
      };
      assert.ok(reservedTokens(longer) > reservedTokens(req), JSON.stringify(req).slice(0, 300));
    }
  });

  // #26: the charge counts cached prompt tokens at full weight, never less than Bedrock's total.
  const charges: [string, Parameters<typeof chargedTokens>[0], number | undefined][] = [
    ['no usage', undefined, undefined],
    ['an empty usage', {}, undefined],
    ['no cache', { inputTokens: 100, outputTokens: 50, totalTokens: 150 }, 150],
    ['a cache write', { inputTokens: 10, outputTokens: 50, totalTokens: 1060, cacheWriteInputTokens: 1000 }, 1060],
    ['a cache read', { inputTokens: 10, outputTokens: 50, totalTokens: 1060, cacheReadInputTokens: 1000 }, 1060],
    [
      'a total that leaves the cache out',
      { inputTokens: 10, outputTokens: 50, totalTokens: 60, cacheReadInputTokens: 1000 },
      1060,
    ],
    ['a total above its parts', { inputTokens: 10, outputTokens: 50, totalTokens: 70 }, 70],
    ['no total', { inputTokens: 10, outputTokens: 50, cacheReadInputTokens: 5 }, 65],
    ['nonsense numbers', { inputTokens: -5, outputTokens: Number.NaN, totalTokens: 3 }, 3],
  ];
  for (const [name, usage, expected] of charges)
    it(`charges ${name}: ${expected ?? 'the bound instead'}`, () => assert.equal(chargedTokens(usage), expected));

  it('stays within the reservation with cache points: every prompt token, however Bedrock splits it, is in the bound', () => {
    const next = random(26);
    for (let i = 0; i < 200; i++) {
      const req = adversarialRequest(next);
      const withPoint = { ...req, system: [...(req.system ?? [{ text: 'x' }]), { cachePoint: { type: 'default' } }] };
      const prompt = countTokens(texts(withPoint));
      // Split the prompt's tokens between uncached, cache read and cache write any way at all.
      const read = Math.floor(prompt * next());
      const write = Math.floor((prompt - read) * next());
      const usage = {
        inputTokens: prompt - read - write,
        cacheReadInputTokens: read,
        cacheWriteInputTokens: write,
        outputTokens: withPoint.inferenceConfig.maxTokens,
      };
      assert.ok(chargedTokens(usage)! <= reservedTokens(withPoint), `case ${i}`);
      assert.equal(
        inputTokenBound(withPoint),
        inputTokenBound({ ...withPoint, system: withPoint.system.slice(0, -1) }),
      );
    }
  });
});
