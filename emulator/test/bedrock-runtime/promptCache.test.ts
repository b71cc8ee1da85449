// Prompt caching as Bedrock does it, through the real SDK client (#26): cache points in system and
// messages, keyed by model and exact prefix, 5 minutes on the emulator's clock renewed by each hit,
// the model's minimum, at most 4 points, and the two usage fields in Converse and ConverseStream.
import { ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import type { ConverseCommandInput, SystemContentBlock } from '@aws-sdk/client-bedrock-runtime';
import { strict as assert } from 'node:assert';
import type { RunningEmulator } from '../../src/emulator';
import { DIRECT_MODE_TEAM } from '../../src/presets';
import { countTokens } from '../../src/storyEngine';
import { credentialsFor, runtime, streamStory } from '../bedrockHelpers';
import type { AwsCredentialIdentity } from '../bedrockHelpers';
import { rejectsWith, start } from '../helpers';

const NOVA = 'amazon.nova-lite-v1:0';
const CACHE = { cachePoint: { type: 'default' as const } };

/** A bible of about `words` words, different for each `seed`. */
const bible = (seed: string, words = 1_200) =>
  `## Story bible (${seed})\n${Array.from({ length: words }, (_, i) => `fact${i % 37}`).join(' ')}`;

function request(modelId: string, system: SystemContentBlock[], text = 'Mira lit the lamp.'): ConverseCommandInput {
  return { modelId, system, messages: [{ role: 'user', content: [{ text }] }], inferenceConfig: { maxTokens: 20 } };
}

async function skew(emu: RunningEmulator, seconds: number): Promise<void> {
  const r = await fetch(`${emu.endpoints.cognitoIdp}/_emulator/faults`, {
    method: 'POST',
    body: JSON.stringify({ kind: 'clockSkew', seconds }),
  });
  assert.ok(r.ok, await r.text());
}

describe('bedrock runtime: prompt caching', () => {
  let emu: RunningEmulator;
  let creds: AwsCredentialIdentity;
  const converse = async (input: ConverseCommandInput) =>
    (await runtime(emu, creds, true).send(new ConverseCommand(input))).usage;
  before(async () => {
    emu = await start({
      params: {
        ...DIRECT_MODE_TEAM,
        AllowedModelIds: `${NOVA},amazon.nova-pro-v1:0,us.anthropic.claude-haiku-4-5-20251001-v1:0,amazon.titan-text-express-v1`,
      },
    });
    creds = await credentialsFor(emu);
  });
  after(async () => {
    await fetch(`${emu.endpoints.cognitoIdp}/_emulator/faults`, { method: 'DELETE' });
    await emu.stop();
  });

  it('writes the prefix on the first call and reads it on the second, in Converse and ConverseStream', async () => {
    const system = [{ text: bible('a') }, CACHE];
    const prefix = countTokens([bible('a')]);
    const first = await converse(request(NOVA, system));
    assert.equal(first?.cacheWriteInputTokens, prefix);
    assert.equal(first?.cacheReadInputTokens, 0);
    assert.equal(first?.inputTokens, countTokens(['Mira lit the lamp.']));
    assert.equal(first?.totalTokens, prefix + (first?.inputTokens ?? 0) + (first?.outputTokens ?? 0));
    assert.deepEqual(first?.cacheDetails, [{ ttl: '5m', inputTokens: prefix }]);

    const streamed = await streamStory(runtime(emu, creds), request(NOVA, system, 'Another scene begins.'));
    const usage = streamed.usage as typeof first;
    assert.equal(usage?.cacheReadInputTokens, prefix, 'the same prefix is read, whatever follows it');
    assert.equal(usage?.cacheWriteInputTokens, 0);
    assert.equal(usage?.inputTokens, countTokens(['Another scene begins.']));
  });

  it('keys by model and the exact prefix: another model or one character changed is a write', async () => {
    await converse(request(NOVA, [{ text: bible('b') }, CACHE]));
    const otherModel = await converse(request('amazon.nova-pro-v1:0', [{ text: bible('b') }, CACHE]));
    assert.equal(otherModel?.cacheReadInputTokens, 0);
    assert.ok((otherModel?.cacheWriteInputTokens ?? 0) > 1_000);
    const changed = await converse(request(NOVA, [{ text: `${bible('b')}.` }, CACHE]));
    assert.equal(changed?.cacheReadInputTokens, 0);
    assert.ok((changed?.cacheWriteInputTokens ?? 0) > 1_000);
  });

  it('reads the longest cached prefix and writes the points after it (system and messages)', async () => {
    const system = [{ text: bible('c') }, CACHE];
    const c = countTokens([bible('c')]);
    await converse(request(NOVA, system));
    const chapter = bible('chapter', 1_100);
    const usage = await converse({
      modelId: NOVA,
      system,
      messages: [{ role: 'user', content: [{ text: chapter }, CACHE, { text: 'And then' }] }],
    });
    assert.equal(usage?.cacheReadInputTokens, c);
    assert.equal(usage?.cacheWriteInputTokens, countTokens([chapter]));
    assert.equal(usage?.inputTokens, countTokens(['And then']));
  });

  it('ignores a point below the model minimum without error (and every point for a model without caching)', async () => {
    const shortBible = 'A short bible, far below a thousand tokens.';
    const short = [{ text: shortBible }, CACHE];
    for (let i = 0; i < 2; i++) {
      const usage = await converse(request(NOVA, short));
      assert.equal(usage?.cacheReadInputTokens, 0);
      assert.equal(usage?.cacheWriteInputTokens, 0);
      assert.equal(usage?.inputTokens, countTokens([shortBible, 'Mira lit the lamp.']));
    }
    // Claude Haiku 4.5's minimum is 4,096 tokens: a 1,200-token prefix is not cached there.
    const haiku = await converse(request('us.anthropic.claude-haiku-4-5-20251001-v1:0', [{ text: bible('d') }, CACHE]));
    assert.equal(haiku?.cacheWriteInputTokens, 0);
    const titan = await runtime(emu, creds, true).send(
      new ConverseCommand(request('amazon.titan-text-express-v1', [{ text: bible('d') }, CACHE])),
    );
    assert.equal(titan.usage?.cacheWriteInputTokens, undefined);
    assert.equal(titan.usage?.cacheReadInputTokens, undefined);
  });

  it('refuses more than 4 cache points, and a cache point of another type', async () => {
    const five = [{ text: bible('e') }, CACHE, { text: 'b' }, CACHE, { text: 'c' }, CACHE, { text: 'd' }, CACHE];
    await rejectsWith(
      runtime(emu, creds).send(
        new ConverseCommand({
          ...request(NOVA, five),
          messages: [{ role: 'user', content: [{ text: 'e' }, CACHE] }],
        }),
      ),
      'ValidationException',
      /A maximum of 4 blocks with cache_control may be provided\. Found 5\./,
    );
    assert.ok(await converse(request(NOVA, five)), 'four are fine');
    await rejectsWith(
      runtime(emu, creds).send(
        new ConverseCommand(request(NOVA, [{ text: 'x' }, { cachePoint: { type: 'other' as 'default' } }])),
      ),
      'ValidationException',
    );
  });

  it('lives 5 minutes on the emulator clock, renewed by each hit', async () => {
    const system = [{ text: bible('f') }, CACHE];
    try {
      assert.ok((await converse(request(NOVA, system)))?.cacheWriteInputTokens);
      await skew(emu, 240);
      assert.ok((await converse(request(NOVA, system)))?.cacheReadInputTokens, 'a hit at 4 minutes');
      await skew(emu, 480);
      assert.ok((await converse(request(NOVA, system)))?.cacheReadInputTokens, 'a hit 4 minutes after the renewal');
      await skew(emu, 781);
      const expired = await converse(request(NOVA, system));
      assert.equal(expired?.cacheReadInputTokens, 0, 'gone 5 minutes after the last hit');
      assert.ok(expired?.cacheWriteInputTokens);
    } finally {
      await skew(emu, 0);
    }
  });
});
