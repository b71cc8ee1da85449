// Content safety (#27) through botocore (Python): the emulator's guardrail answers are AWS's for
// every client, not only for the JavaScript SDK the extension uses. The same checks as
// guardrails.test.ts, read with botocore's own service models, error parser and event-stream decoder.
import { strict as assert } from 'node:assert';
import type { RunningEmulator } from '../../src/emulator';
import { DIRECT_MODE_TEAM } from '../../src/presets';
import { credentialsFor } from '../bedrockHelpers';
import { ADMIN_CREDENTIALS, start } from '../helpers';
import { runBotocore } from '../botocore/python';

const SAFE = 'A short story about an otter named Pip who finds a lantern';
const BLOCKED_PREMISE = 'A story where the knight beheads the dragon';

interface BotocoreResult {
  unguarded: { code: string; status: number } | null;
  unguardedStream: { code: string; status: number } | null;
  wrongVersion: { code: string; status: number } | null;
  served: { stopReason: string; text: string; usage: { totalTokens: number } };
  blockedPremise: { stopReason: string; text: string; usage: Record<string, number>; filters: unknown[] };
  blockedPremiseStream: { deltas: string[]; stopReason: string };
  applyGuardrail: { action: string; outputs: { text: string }[]; usage: Record<string, number> };
  getGuardrail: {
    version: string;
    status: string;
    createdAtIsDate: boolean;
    blockedInputMessaging: string;
    managedWordLists: string[];
  };
  listGuardrails: string[];
}

describe('bedrock runtime: guardrails through botocore (Python)', function () {
  this.timeout(60_000);
  let emu: RunningEmulator;
  let result: BotocoreResult;
  let outputs: Record<string, string>;

  before(async () => {
    emu = await start({ params: { ...DIRECT_MODE_TEAM, ContentSafety: 'Standard' } });
    const creds = await credentialsFor(emu);
    outputs = emu.outputs as Record<string, string>;
    result = await runBotocore<BotocoreResult>('guardrails.py', {
      ENDPOINT: emu.endpoints.bedrockRuntime,
      REGION: emu.region,
      USER_KEY: creds.accessKeyId,
      USER_SECRET: creds.secretAccessKey,
      USER_TOKEN: creds.sessionToken ?? '',
      ADMIN_KEY: ADMIN_CREDENTIALS.accessKeyId,
      ADMIN_SECRET: ADMIN_CREDENTIALS.secretAccessKey,
      STANDARD_ID: outputs['StandardGuardrailId']!,
      STANDARD_VERSION: outputs['StandardGuardrailVersion']!,
      STRICT_ID: outputs['StrictGuardrailId']!,
      STRICT_VERSION: outputs['StrictGuardrailVersion']!,
      SAFE,
      BLOCKED_PREMISE,
    });
  });
  after(() => emu?.stop());

  it('IAM: without the guardrail, or with its DRAFT, Converse and ConverseStream are AccessDeniedException (403)', () => {
    const denied = { code: 'AccessDeniedException', status: 403 };
    assert.deepEqual(result.unguarded, denied);
    assert.deepEqual(result.unguardedStream, denied);
    assert.deepEqual(result.wrongVersion, denied);
  });

  it('with the stack’s guardrail the story is served', () => {
    assert.equal(result.served.stopReason, 'end_turn');
    assert.match(result.served.text, /Pip/);
    assert.ok(result.served.usage.totalTokens > 0);
  });

  it('a blocked premise: guardrail_intervened, the blocked-input message, no tokens, the trace; streamed too', () => {
    assert.equal(result.blockedPremise.stopReason, 'guardrail_intervened');
    assert.match(result.blockedPremise.text, /^This story idea can't be written here/);
    assert.deepEqual(result.blockedPremise.usage, { inputTokens: 0, outputTokens: 0, totalTokens: 0 });
    assert.deepEqual(result.blockedPremise.filters, [
      { type: 'VIOLENCE', confidence: 'HIGH', filterStrength: 'LOW', action: 'BLOCKED', detected: true },
    ]);
    assert.equal(result.blockedPremiseStream.stopReason, 'guardrail_intervened');
    assert.equal(result.blockedPremiseStream.deltas.length, 1);
    assert.match(result.blockedPremiseStream.deltas[0]!, /^This story idea can't be written here/);
  });

  it('ApplyGuardrail, GetGuardrail and ListGuardrails parse as botocore expects', () => {
    assert.equal(result.applyGuardrail.action, 'GUARDRAIL_INTERVENED');
    assert.match(result.applyGuardrail.outputs[0]?.text ?? '', /^Oops!/);
    assert.equal(result.applyGuardrail.usage['contentPolicyUnits'], 1);
    assert.deepEqual(result.getGuardrail, {
      version: outputs['StrictGuardrailVersion'],
      status: 'READY',
      createdAtIsDate: true,
      blockedInputMessaging: result.getGuardrail.blockedInputMessaging,
      managedWordLists: ['PROFANITY'],
    });
    assert.match(result.getGuardrail.blockedInputMessaging, /children's story/);
    assert.deepEqual(result.listGuardrails, [outputs['StandardGuardrailId'], outputs['StrictGuardrailId']].sort());
  });
});
