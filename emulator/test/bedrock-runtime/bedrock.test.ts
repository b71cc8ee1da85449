import { BedrockClient, ListFoundationModelsCommand } from '@aws-sdk/client-bedrock';
import {
  AccessDeniedException,
  ConverseCommand,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
  ValidationException,
} from '@aws-sdk/client-bedrock-runtime';
import { strict as assert } from 'node:assert';

import type { RunningEmulator } from '../../src/emulator';
import { credentialsFor, runtime, streamStory } from '../bedrockHelpers';
import type { AwsCredentialIdentity } from '../bedrockHelpers';
import { rejectsWith, start } from '../helpers';
import { DIRECT_MODE_TEAM } from '../../src/presets';

const PROMPT = 'Write a short fantasy story about a brave knight named Ada and her friend Tobin in a lighthouse.';
const user = (text: string) => [{ role: 'user' as const, content: [{ text }] }];

describe('bedrock runtime', () => {
  let emu: RunningEmulator;
  let creds: AwsCredentialIdentity;
  before(async () => {
    emu = await start({
      params: {
        ...DIRECT_MODE_TEAM,
        AllowedModelIds:
          'amazon.nova-lite-v1:0,us.anthropic.claude-haiku-4-5-20251001-v1:0,amazon.titan-text-express-v1,amazon.nova-imaginary-v9:0',
      },
    });
    creds = await credentialsFor(emu);
  });
  after(() => emu.stop());

  it('streams a story over h2c (the SDK default handler) that follows the prompt, with usage', async () => {
    const r = await streamStory(runtime(emu, creds), { modelId: 'amazon.nova-lite-v1:0', messages: user(PROMPT) });
    assert.ok(r.deltas > 50, `only ${r.deltas} deltas`);
    assert.match(r.text, /\bAda\b/);
    assert.match(r.text, /\bTobin\b/);
    assert.match(r.text, /lighthouse/);
    assert.match(r.text, /knight/);
    assert.equal(r.stopReason, 'end_turn');
    assert.equal(r.usage?.outputTokens, r.deltas);
    assert.ok((r.usage?.inputTokens ?? 0) > 10);
    assert.equal(r.usage?.totalTokens, (r.usage?.inputTokens ?? 0) + (r.usage?.outputTokens ?? 0));
  });

  it("reads the extension's labelled brief: labels are not names, and grammar holds", async () => {
    const brief =
      'Write a short story (about 300 words) for adults.\nGenre: mystery\nTone: warm\n\nPremise: Mara, a lighthouse keeper, finds a message in a bottle addressed to her grandmother';
    const r = await streamStory(runtime(emu, creds), { modelId: 'amazon.nova-lite-v1:0', messages: user(brief) });
    assert.match(r.text, /\bMara the lighthouse keeper\b/);
    assert.doesNotMatch(r.text, /\b(Tone|Genre|Premise|Write)\b/);
    assert.doesNotMatch(r.text, /\ba [aeiou]/i);
  });

  it('reads a length with a thousands separator ("about 1,000 words") as that many words', async () => {
    const words = (t: string) => t.split(/\s+/).filter(Boolean).length;
    const medium = await streamStory(runtime(emu, creds), {
      modelId: 'amazon.nova-lite-v1:0',
      messages: user('Write a medium story (about 1,000 words) for adults.\n\nPremise: a lost kite'),
    });
    assert.ok(words(medium.text) > 700, `${words(medium.text)} words`);
  });

  it('answers Converse over HTTP/1.1 (NodeHttpHandler) with the same deterministic story', async () => {
    const a = await runtime(emu, creds, true).send(
      new ConverseCommand({ modelId: 'amazon.nova-lite-v1:0', messages: user(PROMPT) }),
    );
    const streamed = await streamStory(runtime(emu, creds), {
      modelId: 'amazon.nova-lite-v1:0',
      messages: user(PROMPT),
    });
    assert.equal(a.output?.message?.content?.[0]?.text, streamed.text);
    assert.equal(a.stopReason, 'end_turn');
    const other = await runtime(emu, creds, true).send(
      new ConverseCommand({
        modelId: 'amazon.nova-lite-v1:0',
        messages: user('A ghost story about a librarian named Wren in an old hotel.'),
      }),
    );
    const otherText = other.output?.message?.content?.[0]?.text ?? '';
    assert.notEqual(otherText, streamed.text);
    assert.match(otherText, /\bWren\b/);
  });

  it('honours maxTokens and stopSequences', async () => {
    const limited = await streamStory(runtime(emu, creds), {
      modelId: 'amazon.nova-lite-v1:0',
      messages: user(PROMPT),
      inferenceConfig: { maxTokens: 12 },
    });
    assert.equal(limited.usage?.outputTokens, 12);
    assert.equal(limited.stopReason, 'max_tokens');
    const full = await streamStory(runtime(emu, creds), {
      modelId: 'amazon.nova-lite-v1:0',
      messages: user(PROMPT),
      inferenceConfig: { stopSequences: ['Tobin'] },
    });
    assert.equal(full.stopReason, 'stop_sequence');
    assert.ok(!full.text.includes('Tobin'));
    assert.ok(full.text.length > 0);
  });

  it('validates bodies: empty messages, maxTokens out of range, an unknown model', async () => {
    const client = runtime(emu, creds);
    await rejectsWith(
      client.send(new ConverseCommand({ modelId: 'amazon.nova-lite-v1:0', messages: [] })),
      'ValidationException',
    );
    await rejectsWith(
      client.send(
        new ConverseCommand({
          modelId: 'amazon.nova-lite-v1:0',
          messages: user(PROMPT),
          inferenceConfig: { maxTokens: 0 },
        }),
      ),
      'ValidationException',
    );
    await rejectsWith(
      client.send(
        new ConverseCommand({
          modelId: 'amazon.nova-lite-v1:0',
          messages: user(PROMPT),
          inferenceConfig: { maxTokens: 200_000 },
        }),
      ),
      'ValidationException',
      /model limit of 10000/,
    );
    const err = await rejectsWith(
      client.send(new ConverseCommand({ modelId: 'amazon.nova-imaginary-v9:0', messages: user(PROMPT) })),
      'ValidationException',
      'The provided model identifier is invalid.',
    );
    assert.ok(err instanceof ValidationException);
    assert.equal(err.$metadata?.httpStatusCode, 400);
  });

  it('authorises by the template role policy: a model outside AllowedModelIds is AccessDenied', async () => {
    const err = await rejectsWith(
      runtime(emu, creds).send(new ConverseCommand({ modelId: 'amazon.nova-pro-v1:0', messages: user(PROMPT) })),
      'AccessDeniedException',
      /bedrock:InvokeModel on resource: arn:aws:bedrock:us-east-1::foundation-model\/amazon.nova-pro-v1:0/,
    );
    assert.ok(err instanceof AccessDeniedException);
    assert.equal(err.$metadata?.httpStatusCode, 403);
    await rejectsWith(
      streamStory(runtime(emu, creds), { modelId: 'amazon.nova-micro-v1:0', messages: user(PROMPT) }),
      'AccessDeniedException',
      /InvokeModelWithResponseStream/,
    );
  });

  it('needs an inference profile for newer Claude models, and speaks the Claude messages shape', async () => {
    const client = runtime(emu, creds);
    const body = {
      anthropic_version: 'bedrock-2023-05-31',
      max_tokens: 40,
      messages: [{ role: 'user', content: [{ type: 'text', text: PROMPT }] }],
    };
    await rejectsWith(
      client.send(
        new InvokeModelCommand({ modelId: 'anthropic.claude-haiku-4-5-20251001-v1:0', body: JSON.stringify(body) }),
      ),
      'ValidationException',
      /inference profile/,
    );
    const out = await client.send(
      new InvokeModelCommand({
        modelId: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
        body: JSON.stringify(body),
        contentType: 'application/json',
      }),
    );
    const parsed = JSON.parse(Buffer.from(out.body).toString('utf8')) as {
      content: { type: string; text: string }[];
      stop_reason: string;
      usage: { output_tokens: number };
    };
    assert.equal(parsed.content[0]?.type, 'text');
    assert.equal(parsed.stop_reason, 'max_tokens');
    assert.equal(parsed.usage.output_tokens, 40);
  });

  it('speaks the Nova and Titan InvokeModel shapes, and streams model chunks', async () => {
    const client = runtime(emu, creds);
    const nova = await client.send(
      new InvokeModelCommand({
        modelId: 'amazon.nova-lite-v1:0',
        body: JSON.stringify({
          schemaVersion: 'messages-v1',
          messages: user(PROMPT),
          inferenceConfig: { maxTokens: 30 },
        }),
      }),
    );
    const novaBody = JSON.parse(Buffer.from(nova.body).toString('utf8')) as {
      output: { message: { content: { text: string }[] } };
      stopReason: string;
      usage: { outputTokens: number };
    };
    assert.equal(novaBody.usage.outputTokens, 30);
    assert.equal(novaBody.stopReason, 'max_tokens');
    const titan = await client.send(
      new InvokeModelCommand({
        modelId: 'amazon.titan-text-express-v1',
        body: JSON.stringify({ inputText: PROMPT, textGenerationConfig: { maxTokenCount: 25 } }),
      }),
    );
    const titanBody = JSON.parse(Buffer.from(titan.body).toString('utf8')) as {
      results: { tokenCount: number; completionReason: string; outputText: string }[];
    };
    assert.equal(titanBody.results[0]?.tokenCount, 25);
    assert.equal(titanBody.results[0]?.completionReason, 'LENGTH');
    await rejectsWith(
      client.send(
        new InvokeModelCommand({
          modelId: 'amazon.titan-text-express-v1',
          body: JSON.stringify({ prompt: 'wrong shape' }),
        }),
      ),
      'ValidationException',
    );

    const novaRequest = JSON.stringify({ messages: user(PROMPT), inferenceConfig: { maxTokens: 20 } });
    const whole = await client.send(new InvokeModelCommand({ modelId: 'amazon.nova-lite-v1:0', body: novaRequest }));
    const wholeText = (JSON.parse(Buffer.from(whole.body).toString('utf8')) as typeof novaBody).output.message
      .content[0]?.text;
    const stream = await client.send(
      new InvokeModelWithResponseStreamCommand({ modelId: 'amazon.nova-lite-v1:0', body: novaRequest }),
    );
    let text = '';
    let stop = '';
    for await (const event of stream.body ?? []) {
      const chunk = JSON.parse(Buffer.from(event.chunk?.bytes ?? new Uint8Array()).toString('utf8')) as {
        contentBlockDelta?: { delta: { text: string } };
        messageStop?: { stopReason: string };
      };
      text += chunk.contentBlockDelta?.delta.text ?? '';
      if (chunk.messageStop) stop = chunk.messageStop.stopReason;
    }
    assert.equal(stop, 'max_tokens');
    assert.equal(text, wholeText);
  });

  it('rejects a bad signature, unknown keys and a missing signature with 403', async () => {
    const forged = runtime(emu, { ...creds, secretAccessKey: 'x'.repeat(40) });
    const bad = await rejectsWith(
      forged.send(new ConverseCommand({ modelId: 'amazon.nova-lite-v1:0', messages: user(PROMPT) })),
      'InvalidSignatureException',
    );
    assert.equal(bad.$metadata?.httpStatusCode, 403);
    const unknown = runtime(emu, {
      accessKeyId: 'ASIAUNKNOWNKEY000000',
      secretAccessKey: 'y'.repeat(40),
      sessionToken: 'z',
    });
    await rejectsWith(
      unknown.send(new ConverseCommand({ modelId: 'amazon.nova-lite-v1:0', messages: user(PROMPT) })),
      'UnrecognizedClientException',
    );
    const res = await fetch(`${emu.endpoints.bedrockRuntime}/model/amazon.nova-lite-v1%3A0/converse`, {
      method: 'POST',
      body: '{}',
    });
    assert.equal(res.status, 403);
  });

  it('lists foundation models on the control plane, saying they are local', async () => {
    const bedrock = new BedrockClient({ region: emu.region, endpoint: emu.endpoints.bedrock, credentials: creds });
    const list = await bedrock.send(new ListFoundationModelsCommand({}));
    const nova = list.modelSummaries?.find((m) => m.modelId === 'amazon.nova-lite-v1:0');
    assert.ok(nova);
    assert.match(nova.modelName ?? '', /local/i);
    assert.ok(list.modelSummaries?.every((m) => /local/i.test(`${m.modelName} ${m.providerName}`)));
  });
});
