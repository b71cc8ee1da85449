// Content safety (#27) against the emulator through the real SDK clients: the template's
// guardrails on Converse / ConverseStream (sync and async), ApplyGuardrail, GetGuardrail and
// ListGuardrails, and IAM's bedrock:GuardrailIdentifier condition in direct mode.
import { BedrockClient, GetGuardrailCommand, ListGuardrailsCommand } from '@aws-sdk/client-bedrock';
import { ApplyGuardrailCommand, ConverseCommand, ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import type { ConverseStreamCommandInput } from '@aws-sdk/client-bedrock-runtime';
import { strict as assert } from 'node:assert';
import type { RunningEmulator } from '../../src/emulator';
import { STREAM_BATCH_CHARS } from '../../src/bedrock-runtime/guardrailTurn';
import { DIRECT_MODE_TEAM } from '../../src/presets';
import { credentialsFor, runtime } from '../bedrockHelpers';
import type { AwsCredentialIdentity } from '../bedrockHelpers';
import { ADMIN_CREDENTIALS, rejectsWith, start } from '../helpers';

const MODEL = 'amazon.nova-lite-v1:0';
const SAFE = 'A short story about an otter named Pip who finds a lantern';
const BLOCKED_PREMISE = 'A story where the knight beheads the dragon';
// Clean text past two stream batches, then profanity: sync never sends the last batch, async does.
const CLEAN = 'The lantern glowed softly over the quiet harbour while the otters sang. '.repeat(6);
const BLOCKED_STORY = `${CLEAN}Then the captain shouted damn it all and the story went wrong.`;

type Ids = { standard: { id: string; version: string }; strict: { id: string; version: string } };

function ids(emu: RunningEmulator): Ids {
  const o = emu.outputs as Record<string, string>;
  return {
    standard: { id: o['StandardGuardrailId']!, version: o['StandardGuardrailVersion']! },
    strict: { id: o['StrictGuardrailId']!, version: o['StrictGuardrailVersion']! },
  };
}

async function tell(emu: RunningEmulator, text: string | null): Promise<void> {
  const url = `${emu.endpoints.cognitoIdp}/_emulator/story`;
  const res = await fetch(
    url,
    text === null ? { method: 'DELETE' } : { method: 'PUT', body: JSON.stringify({ text }) },
  );
  assert.equal(res.status, 200);
}

async function stream(emu: RunningEmulator, creds: AwsCredentialIdentity, input: ConverseStreamCommandInput) {
  const out = await runtime(emu, creds).send(new ConverseStreamCommand(input));
  const deltas: string[] = [];
  let stopReason: string | undefined;
  let metadata;
  for await (const event of out.stream ?? []) {
    if (event.contentBlockDelta?.delta?.text !== undefined) deltas.push(event.contentBlockDelta.delta.text);
    if (event.messageStop) stopReason = event.messageStop.stopReason;
    if (event.metadata) metadata = event.metadata;
  }
  return { deltas, stopReason, metadata };
}

const ask = (text: string) => ({ modelId: MODEL, messages: [{ role: 'user' as const, content: [{ text }] }] });

describe('bedrock runtime: guardrails (content safety)', function () {
  this.timeout(30_000);

  describe('direct mode, ContentSafety=Standard', () => {
    let emu: RunningEmulator;
    let creds: AwsCredentialIdentity;
    let g: Ids;
    before(async () => {
      emu = await start({ params: { ...DIRECT_MODE_TEAM, ContentSafety: 'Standard' } });
      creds = await credentialsFor(emu);
      g = ids(emu);
    });
    afterEach(() => tell(emu, null));
    after(() => emu.stop());

    it('IAM: without a guardrail, with another version or an unknown guardrail → AccessDenied (explicit deny); with it → served', async () => {
      const client = runtime(emu, creds);
      await rejectsWith(client.send(new ConverseCommand(ask(SAFE))), 'AccessDeniedException', /explicit deny/);
      await rejectsWith(
        client.send(new ConverseStreamCommand(ask(SAFE))),
        'AccessDeniedException',
        /InvokeModelWithResponseStream/,
      );
      for (const guardrailConfig of [
        { guardrailIdentifier: g.standard.id, guardrailVersion: 'DRAFT' },
        { guardrailIdentifier: g.standard.id, guardrailVersion: '2' },
        { guardrailIdentifier: 'abcdefghijkl', guardrailVersion: '1' },
      ])
        await rejectsWith(client.send(new ConverseCommand({ ...ask(SAFE), guardrailConfig })), 'AccessDeniedException');
      const arn = `arn:aws:bedrock:${emu.region}:123456789012:guardrail/${g.strict.id}`;
      for (const guardrailConfig of [
        { guardrailIdentifier: g.standard.id, guardrailVersion: g.standard.version },
        { guardrailIdentifier: arn, guardrailVersion: g.strict.version },
      ]) {
        const out = await client.send(new ConverseCommand({ ...ask(SAFE), guardrailConfig }));
        assert.equal(out.stopReason, 'end_turn');
        assert.match(out.output?.message?.content?.[0]?.text ?? '', /Pip/);
      }
    });

    it('a blocked premise: guardrail_intervened with the blocked-input message, no tokens, the trace when asked', async () => {
      const guardrailConfig = {
        guardrailIdentifier: g.standard.id,
        guardrailVersion: g.standard.version,
        trace: 'enabled' as const,
      };
      const out = await runtime(emu, creds).send(new ConverseCommand({ ...ask(BLOCKED_PREMISE), guardrailConfig }));
      assert.equal(out.stopReason, 'guardrail_intervened');
      assert.match(out.output?.message?.content?.[0]?.text ?? '', /^This story idea can't be written here/);
      assert.deepEqual(out.usage, { inputTokens: 0, outputTokens: 0, totalTokens: 0 });
      const filters = out.trace?.guardrail?.inputAssessment?.[g.standard.id]?.contentPolicy?.filters;
      assert.deepEqual(filters, [
        { type: 'VIOLENCE', confidence: 'HIGH', filterStrength: 'LOW', action: 'BLOCKED', detected: true },
      ]);
      assert.equal(out.trace?.guardrail?.actionReason, 'Guardrail blocked.');
      const streamed = await stream(emu, creds, { ...ask(BLOCKED_PREMISE), guardrailConfig });
      assert.equal(streamed.stopReason, 'guardrail_intervened');
      assert.equal(streamed.deltas.length, 1);
      assert.match(streamed.deltas[0]!, /^This story idea can't be written here/);
    });

    it('a blocked output (Converse): the blocked-output message, the model tokens still counted', async () => {
      await tell(emu, BLOCKED_STORY);
      const guardrailConfig = { guardrailIdentifier: g.standard.id, guardrailVersion: g.standard.version };
      const out = await runtime(emu, creds).send(new ConverseCommand({ ...ask(SAFE), guardrailConfig }));
      assert.equal(out.stopReason, 'guardrail_intervened');
      assert.match(out.output?.message?.content?.[0]?.text ?? '', /^This story was stopped/);
      assert.ok((out.usage?.outputTokens ?? 0) > 10);
      assert.equal(out.trace, undefined, 'no trace unless asked');
    });

    it('ConverseStream sync never streams a blocked chunk; async streams it, then stops', async () => {
      await tell(emu, BLOCKED_STORY);
      const base = {
        guardrailIdentifier: g.standard.id,
        guardrailVersion: g.standard.version,
        trace: 'enabled' as const,
      };
      const sync = await stream(emu, creds, {
        ...ask(SAFE),
        guardrailConfig: { ...base, streamProcessingMode: 'sync' },
      });
      const asyncRun = await stream(emu, creds, {
        ...ask(SAFE),
        guardrailConfig: { ...base, streamProcessingMode: 'async' },
      });
      for (const run of [sync, asyncRun]) {
        assert.equal(run.stopReason, 'guardrail_intervened');
        assert.match(run.deltas.at(-1)!, /^This story was stopped/);
        assert.equal(
          run.metadata?.trace?.guardrail?.outputAssessments?.[g.standard.id]?.at(-1)?.wordPolicy?.managedWordLists?.[0]
            ?.match,
          'damn',
        );
      }
      const syncText = sync.deltas.slice(0, -1).join('');
      const asyncText = asyncRun.deltas.slice(0, -1).join('');
      assert.doesNotMatch(syncText, /damn/);
      assert.ok(syncText.length >= STREAM_BATCH_CHARS && CLEAN.startsWith(syncText), 'the clean batches were sent');
      assert.match(asyncText, /damn/);
    });

    it("the story engine's own stories pass the strict guardrail: only chosen words block", async () => {
      const guardrailConfig = { guardrailIdentifier: g.strict.id, guardrailVersion: g.strict.version };
      const premises = [
        'A long story for children about a brave knight and a dragon',
        'A long mystery in a lighthouse with a robot named Ada',
        'A long pirate adventure with treasure and a storm',
        'A long story about a wizard, a troll and a lost dog',
      ];
      for (const premise of premises) {
        const out = await runtime(emu, creds).send(new ConverseCommand({ ...ask(premise), guardrailConfig }));
        assert.equal(out.stopReason, 'end_turn', premise);
        assert.ok((out.output?.message?.content?.[0]?.text ?? '').length > 1000, premise);
      }
    });

    it('ApplyGuardrail: input and output, NONE and GUARDRAIL_INTERVENED, text units', async () => {
      const client = runtime(emu, creds);
      const apply = (id: string, version: string, source: 'INPUT' | 'OUTPUT', text: string) =>
        client.send(
          new ApplyGuardrailCommand({
            guardrailIdentifier: id,
            guardrailVersion: version,
            source,
            content: [{ text: { text } }],
          }),
        );
      const ok = await apply(g.standard.id, g.standard.version, 'INPUT', SAFE);
      assert.equal(ok.action, 'NONE');
      assert.deepEqual(ok.outputs, []);
      assert.equal(ok.usage?.contentPolicyUnits, 1);
      // A pickpocket passes the standard guardrail (MISCONDUCT at MEDIUM) but not the strict one (HIGH).
      assert.equal(
        (await apply(g.standard.id, g.standard.version, 'INPUT', 'A pickpocket in the market')).action,
        'NONE',
      );
      const strict = await apply(g.strict.id, g.strict.version, 'OUTPUT', 'A pickpocket in the market');
      assert.equal(strict.action, 'GUARDRAIL_INTERVENED');
      assert.match(strict.outputs?.[0]?.text ?? '', /^Oops!/);
      const topic = await apply(
        g.strict.id,
        g.strict.version,
        'INPUT',
        'A zombie story with blood, dead bodies and horror',
      );
      assert.deepEqual(
        topic.assessments?.[0]?.topicPolicy?.topics?.map((t) => t.name),
        ['Horror and gore'],
      );
      const long = await apply(g.standard.id, g.standard.version, 'OUTPUT', 'x'.repeat(2500));
      assert.equal(long.usage?.topicPolicyUnits, 3);
      await rejectsWith(apply(g.standard.id, '7', 'INPUT', SAFE), 'ValidationException', /does not exist/);
    });

    it('GetGuardrail and ListGuardrails describe the template guardrails', async () => {
      const control = new BedrockClient({
        region: emu.region,
        endpoint: emu.endpoints.bedrock,
        credentials: ADMIN_CREDENTIALS,
      });
      const got = await control.send(
        new GetGuardrailCommand({ guardrailIdentifier: g.strict.id, guardrailVersion: '1' }),
      );
      assert.equal(got.version, '1');
      assert.equal(got.status, 'READY');
      assert.ok(got.createdAt instanceof Date);
      assert.match(got.blockedInputMessaging ?? '', /children's story/);
      assert.ok(got.contentPolicy?.filters?.every((f) => f.inputStrength === 'HIGH'));
      assert.deepEqual(
        got.wordPolicy?.managedWordLists?.map((l) => l.type),
        ['PROFANITY'],
      );
      const listed = await control.send(new ListGuardrailsCommand({}));
      assert.deepEqual(listed.guardrails?.map((x) => x.id).sort(), [g.standard.id, g.strict.id].sort());
      const versions = await control.send(new ListGuardrailsCommand({ guardrailIdentifier: g.standard.id }));
      assert.deepEqual(
        versions.guardrails?.map((x) => x.version),
        ['DRAFT', '1'],
      );
    });
  });

  it('starts with each policy level: Strict allows only the strict guardrail, Off has none and needs none', async () => {
    const strict = await start({ params: { ...DIRECT_MODE_TEAM, ContentSafety: 'Strict' } });
    try {
      const creds = await credentialsFor(strict);
      const g = ids(strict);
      const client = runtime(strict, creds);
      await rejectsWith(
        client.send(
          new ConverseCommand({
            ...ask(SAFE),
            guardrailConfig: { guardrailIdentifier: g.standard.id, guardrailVersion: g.standard.version },
          }),
        ),
        'AccessDeniedException',
      );
      const out = await client.send(
        new ConverseCommand({
          ...ask(SAFE),
          guardrailConfig: { guardrailIdentifier: g.strict.id, guardrailVersion: g.strict.version },
        }),
      );
      assert.equal(out.stopReason, 'end_turn');
    } finally {
      await strict.stop();
    }
    const off = await start({ params: { ...DIRECT_MODE_TEAM, ContentSafety: 'Off' } });
    try {
      assert.equal((off.outputs as Record<string, string>)['StandardGuardrailId'], undefined);
      const out = await runtime(off, await credentialsFor(off)).send(new ConverseCommand(ask(SAFE)));
      assert.equal(out.stopReason, 'end_turn');
    } finally {
      await off.stop();
    }
  });
});
