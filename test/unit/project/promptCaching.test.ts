// Prompt caching (#26 step 2): the one table of models and their minimum tokens per checkpoint
// (inference profiles and ARNs resolve to the base model), where the cache point goes in a
// project's request, and what Show Context says about it.
import * as assert from 'node:assert/strict';
import {
  CACHE_MIN_TOKENS,
  CACHE_POINT,
  MAX_CACHE_POINTS,
  cacheMinTokens,
  tooManyCachePointsMessage,
} from '../../../infra/src/gateway/promptCaching';
import { assembleContext } from '../../../src/core/project/assemble';
import { buildProject } from '../../../src/core/project/project';
import { renderContext } from '../../../src/core/project/render';
import { projectRequest } from '../../../src/core/project/request';
import { INFERENCE_PROFILE_PREFIXES } from '../../../src/core/story/generation/inferenceProfiles';
import { CHARS_PER_TOKEN } from '../../../src/core/story/usage/usage';

describe('prompt caching: the model table', () => {
  const cases: [string, number | undefined][] = [
    ['amazon.nova-lite-v1:0', 1_000],
    ['us.amazon.nova-micro-v1:0', 1_000],
    ['eu.amazon.nova-pro-v1:0', 1_000],
    ['us.anthropic.claude-sonnet-4-5-20250929-v1:0', 1_024],
    ['global.anthropic.claude-sonnet-4-5-20250929-v1:0', 1_024],
    ['eu.anthropic.claude-haiku-4-5-20251001-v1:0', 4_096],
    ['apac.anthropic.claude-3-7-sonnet-20250219-v1:0', 1_024],
    ['us.anthropic.claude-3-5-haiku-20241022-v1:0', 2_048],
    ['us.anthropic.claude-opus-4-5-20251101-v1:0', 4_096],
    ['arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0', 1_000],
    ['arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-opus-4-1-20250805-v1:0', 1_024],
    // No prompt caching: older or other models, and ids that only look like one.
    ['amazon.titan-text-express-v1', undefined],
    ['anthropic.claude-3-haiku-20240307-v1:0', undefined],
    ['us.meta.llama3-1-8b-instruct-v1:0', undefined],
    ['amazon.nova-lite-v1:0-typo', undefined],
    ['constructor', undefined],
    ['us.toString', undefined],
    ['', undefined],
  ];
  for (const [id, min] of cases)
    it(`${JSON.stringify(id)} → ${min ?? 'no caching'}`, () => assert.equal(cacheMinTokens(id), min));

  it('every geography prefix of every listed model resolves to the base model', () => {
    for (const [base, min] of Object.entries(CACHE_MIN_TOKENS))
      for (const prefix of INFERENCE_PROFILE_PREFIXES) assert.equal(cacheMinTokens(`${prefix}.${base}`), min);
  });

  it("AWS's limit and error on cache points", () => {
    assert.equal(MAX_CACHE_POINTS, 4);
    assert.match(tooManyCachePointsMessage(5), /A maximum of 4 blocks with cache_control may be provided\. Found 5\./);
    assert.deepEqual(CACHE_POINT, { cachePoint: { type: 'default' } });
  });
});

/** A project whose bible is about `bibleTokens` tokens, with one always-on entry and one keyed entry. */
function project(bibleTokens: number) {
  const bible = 'Salt is money. '.repeat(Math.ceil((bibleTokens * CHARS_PER_TOKEN) / 15));
  return buildProject(
    [
      { file: 'story.md', text: `---\ntitle: Salt\ncontextBudget: 20000\n---\n${bible}` },
      { file: 'codex/world.md', text: '---\nname: World\nkind: lore\nalways: true\n---\nThe sea is grey.\n' },
      { file: 'codex/mira.md', text: '---\nname: Mira\nkind: character\nkeys: [Mira]\n---\nMira is a smuggler.\n' },
      { file: 'chapters/01.md', text: '---\ntitle: One\n---\nx' },
    ],
    'f',
  );
}

describe('prompt caching: where the cache point goes', () => {
  const placements: [string, number, string, 'placed' | 'belowMinimum' | 'notSupported'][] = [
    ['a 2,000-token bible on Nova Lite (minimum 1,000)', 2_000, 'amazon.nova-lite-v1:0', 'placed'],
    ['a 2,000-token bible on a US profile of Nova Lite', 2_000, 'us.amazon.nova-lite-v1:0', 'placed'],
    ['a 500-token bible on Nova Lite', 500, 'amazon.nova-lite-v1:0', 'belowMinimum'],
    [
      'a 2,000-token bible on Claude Haiku 4.5 (minimum 4,096)',
      2_000,
      'global.anthropic.claude-haiku-4-5-20251001-v1:0',
      'belowMinimum',
    ],
    ['a 5,000-token bible on Claude Haiku 4.5', 5_000, 'us.anthropic.claude-haiku-4-5-20251001-v1:0', 'placed'],
    ['a 5,000-token bible on Titan (no caching)', 5_000, 'amazon.titan-text-express-v1', 'notSupported'],
  ];
  for (const [name, bibleTokens, modelId, expected] of placements)
    it(`${name}: ${expected}`, () => {
      const p = project(bibleTokens);
      const min = cacheMinTokens(modelId);
      const context = assembleContext({
        project: p,
        chapterFile: 'chapters/01.md',
        textBefore: 'Mira walked to the harbour.',
        ...(min !== undefined ? { cacheMinTokens: min } : {}),
      });
      const request = projectRequest(context, modelId, p.story.settings);
      const doc = renderContext({ context, request, where: 'chapters/01.md, line 5' });
      const points = request.system.filter((b) => 'cachePoint' in b).length;
      if (expected === 'placed') {
        assert.deepEqual(context.cachePoint, { placed: true, prefixTokens: context.system.tokens });
        // Right after the stable prefix (bible + always-on entries); the activated entries follow it.
        assert.deepEqual(request.system[1], CACHE_POINT);
        assert.equal(points, 1);
        assert.ok('text' in request.system[0]! && request.system[0].text.includes('The sea is grey.'));
        assert.ok('text' in request.system[2]! && request.system[2].text.includes('Mira is a smuggler.'));
        assert.match(doc, /## Cache point\n\nAfter the system part \([\d,]+ tokens\)/);
        assert.match(doc, /```\n\n\*\[cache point after system block 1\]\*\n\n### System block 2/);
      } else {
        assert.equal(points, 0);
        assert.equal(context.cachePoint.placed, false);
        assert.ok(!context.cachePoint.placed && context.cachePoint.reason === expected);
        assert.doesNotMatch(doc, /\[cache point/);
        if (expected === 'belowMinimum')
          assert.match(
            doc,
            new RegExp(
              `None: the system part is ${context.system.tokens.toLocaleString('en-US')} tokens, below the ${min!.toLocaleString('en-US')} tokens`,
            ),
          );
        else assert.match(doc, /None: `amazon\.titan-text-express-v1` has no prompt caching on Bedrock/);
      }
    });

  it('the minimum is inclusive: a prefix of exactly the minimum is cached, one token less is not', () => {
    const p = project(1_500);
    const at = (min: number) =>
      assembleContext({ project: p, chapterFile: 'chapters/01.md', textBefore: 'x', cacheMinTokens: min }).cachePoint;
    const tokens = at(1).prefixTokens;
    assert.equal(at(tokens).placed, true);
    assert.equal(at(tokens + 1).placed, false);
  });

  it('the prefix before the point is the same whatever the cursor, so the next Continue reads it', () => {
    const p = project(2_000);
    const request = (textBefore: string) =>
      projectRequest(
        assembleContext({ project: p, chapterFile: 'chapters/01.md', textBefore, cacheMinTokens: 1_000 }),
        'amazon.nova-lite-v1:0',
        p.story.settings,
      );
    const first = request('Mira walked to the harbour.');
    const second = request('Mira walked to the harbour. The boats were gone, and the tide was out.');
    assert.deepEqual(first.system.slice(0, 2), second.system.slice(0, 2));
    assert.notDeepEqual(first.messages, second.messages);
  });
});
