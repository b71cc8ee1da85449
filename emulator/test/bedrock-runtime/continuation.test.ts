// A story project's Continue Writing against the emulator's Bedrock, through the real SDK client:
// the request as the extension builds it (the codex in the system blocks, the manuscript as the
// last user message) is continued with the codex's characters and places, the same each time.
import { ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import type { ConverseCommandInput } from '@aws-sdk/client-bedrock-runtime';
import { strict as assert } from 'node:assert';
import type { RunningEmulator } from '../../src/emulator';
import { DIRECT_MODE_TEAM } from '../../src/presets';
import { credentialsFor, runtime, streamStory } from '../bedrockHelpers';
import type { AwsCredentialIdentity } from '../bedrockHelpers';
import { start } from '../helpers';

const MANUSCRIPT = 'The tide had turned by the time Ilse reached the quay, and the lamps along it';

function continuation(modelId: string): ConverseCommandInput {
  return {
    modelId,
    system: [
      {
        text: "You are a novelist's co-writer. Continue the manuscript in the last message from exactly where it stops.\n\n## Story bible\nTitle: Low Water\n",
      },
      {
        text: '## Codex\n### Ilse Marrow (character)\nA ferry pilot who never learned to swim.\n\n### Saltmarsh Quay (place)\nThe last working quay of a drowned town.\n',
      },
    ],
    messages: [{ role: 'user', content: [{ text: MANUSCRIPT }] }],
    inferenceConfig: { maxTokens: 200, temperature: 0.8 },
  };
}

describe('bedrock runtime: continuing a story project', () => {
  let emu: RunningEmulator;
  let creds: AwsCredentialIdentity;
  before(async () => {
    emu = await start({
      params: {
        ...DIRECT_MODE_TEAM,
        AllowedModelIds: 'amazon.nova-lite-v1:0,us.anthropic.claude-haiku-4-5-20251001-v1:0',
      },
    });
    creds = await credentialsFor(emu);
  });
  after(() => emu.stop());

  it('streams a continuation that names both codex entries and picks up the open sentence', async () => {
    const r = await streamStory(runtime(emu, creds), continuation('amazon.nova-lite-v1:0'));
    assert.match(r.text, /\bIlse Marrow\b/);
    assert.match(r.text, /\bSaltmarsh Quay\b/);
    assert.match(r.text, /^\p{Ll}/u, `continues the open sentence: ${r.text.slice(0, 60)}`);
    assert.doesNotMatch(r.text, /Once, in|The end\./, 'not a new story');
    assert.ok(r.deltas > 20, `${r.deltas} deltas`);
    assert.equal(r.usage?.outputTokens, r.deltas);
    assert.ok((r.usage?.inputTokens ?? 0) > 30);
    assert.equal(r.usage?.totalTokens, (r.usage?.inputTokens ?? 0) + (r.usage?.outputTokens ?? 0));
  });

  it('is deterministic: Converse and ConverseStream give the same text for the same request, twice', async () => {
    const input = continuation('us.anthropic.claude-haiku-4-5-20251001-v1:0');
    const once = await runtime(emu, creds, true).send(new ConverseCommand(input));
    const twice = await runtime(emu, creds, true).send(new ConverseCommand(input));
    const streamed = await streamStory(runtime(emu, creds), input);
    const text = once.output?.message?.content?.[0]?.text ?? '';
    assert.match(text, /\bIlse Marrow\b/);
    assert.equal(twice.output?.message?.content?.[0]?.text, text);
    assert.equal(streamed.text, text);
    assert.deepEqual(once.usage, twice.usage);
  });

  it('respects maxTokens', async () => {
    const input = { ...continuation('amazon.nova-lite-v1:0'), inferenceConfig: { maxTokens: 15 } };
    const r = await streamStory(runtime(emu, creds), input);
    assert.equal(r.stopReason, 'max_tokens');
    assert.equal(r.usage?.outputTokens, 15);
    assert.equal(r.deltas, 15);
  });
});
