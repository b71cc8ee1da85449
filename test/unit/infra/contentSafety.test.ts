// Content safety (#27): the one rule both the gateway and the extension apply, the gateway's
// environment and audience header, and the trace that says what a guardrail blocked.
import * as assert from 'node:assert/strict';
import { audienceOf, stackGuardrails } from '../../../infra/src/gateway/policy';
import {
  MissingGuardrailError,
  blockedPart,
  chooseGuardrail,
  guardrailConfigOf,
  guardrailLevel,
} from '../../../infra/src/gateway/safety';
import type { ContentSafetyPolicy, SafetyAudience, StackGuardrails } from '../../../infra/src/gateway/safety';
import { GatewayError, parseConverseRequest } from '../../../infra/src/gateway/wire';

const STACK = (policy: ContentSafetyPolicy): StackGuardrails => ({
  policy,
  standard: { id: 'std123', version: '1' },
  strict: { id: 'strict456', version: '3' },
});
const AUDIENCES: SafetyAudience[] = ['children', 'young adult', 'adult'];

describe('content safety: policy and audience → guardrail', () => {
  it('Off: no guardrail for anyone', () => {
    for (const a of AUDIENCES) assert.deepEqual(chooseGuardrail(STACK('Off'), a), { level: 'none' });
  });

  it('Standard: the strict guardrail for children, the standard one for everyone else', () => {
    assert.deepEqual(chooseGuardrail(STACK('Standard'), 'children'), {
      level: 'strict',
      guardrail: { id: 'strict456', version: '3' },
      children: true,
    });
    for (const a of ['young adult', 'adult'] as const)
      assert.deepEqual(chooseGuardrail(STACK('Standard'), a), {
        level: 'standard',
        guardrail: { id: 'std123', version: '1' },
        children: false,
      });
  });

  it('Strict: the strict guardrail for every story, whatever the form says', () => {
    for (const a of AUDIENCES) assert.equal(guardrailLevel('Strict', a), 'strict');
    assert.equal(chooseGuardrail(STACK('Strict'), 'adult').level, 'strict');
  });

  it('a policy that is on never answers "none" when its guardrail is missing: it throws', () => {
    const stack = { ...STACK('Standard'), strict: { id: '', version: '' } };
    assert.throws(() => chooseGuardrail(stack, 'children'), MissingGuardrailError);
    assert.equal(chooseGuardrail(stack, 'adult').level, 'standard');
  });

  it('the Converse guardrailConfig is sync with the trace on; none when Off', () => {
    assert.deepEqual(guardrailConfigOf(chooseGuardrail(STACK('Standard'), 'children')), {
      guardrailIdentifier: 'strict456',
      guardrailVersion: '3',
      streamProcessingMode: 'sync',
      trace: 'enabled',
    });
    assert.equal(guardrailConfigOf({ level: 'none' }), undefined);
  });
});

describe('content safety: the gateway’s environment and audience header', () => {
  const env = {
    CONTENT_SAFETY: 'Standard',
    STANDARD_GUARDRAIL_ID: 'std123',
    STANDARD_GUARDRAIL_VERSION: '1',
    STRICT_GUARDRAIL_ID: 'strict456',
    STRICT_GUARDRAIL_VERSION: '3',
  };

  it('reads the policy and both guardrails', () => {
    assert.deepEqual(stackGuardrails(env), STACK('Standard'));
  });

  it('a template without the policy (older, or Off with empty ids) is Off', () => {
    assert.equal(stackGuardrails({}).policy, 'Off');
    assert.equal(
      stackGuardrails({ CONTENT_SAFETY: 'Off', STANDARD_GUARDRAIL_ID: '', STRICT_GUARDRAIL_ID: '' }).policy,
      'Off',
    );
  });

  it('refuses to start with the policy on and a guardrail missing, or an unknown policy', () => {
    assert.throws(() => stackGuardrails({ ...env, STRICT_GUARDRAIL_VERSION: '' }), /STRICT_GUARDRAIL_ID or _VERSION/);
    assert.throws(() => stackGuardrails({ ...env, STANDARD_GUARDRAIL_ID: ' ' }), /STANDARD/);
    assert.throws(() => stackGuardrails({ ...env, CONTENT_SAFETY: 'Lenient' }), /must be one of Off, Standard, Strict/);
  });

  it('the audience header: absent is adult; a known one is read; anything else is refused', () => {
    assert.equal(audienceOf(undefined), 'adult');
    assert.equal(audienceOf('children'), 'children');
    assert.equal(audienceOf('Young Adult'), 'young adult');
    assert.throws(
      () => audienceOf('toddlers'),
      (e: unknown) => e instanceof GatewayError && e.code === 'ValidationException' && e.status === 400,
    );
  });

  it("a client's guardrailConfig is accepted and dropped, never passed on", () => {
    const body = {
      modelId: 'amazon.nova-lite-v1:0',
      messages: [{ role: 'user', content: [{ text: 'A story' }] }],
      inferenceConfig: { maxTokens: 100 },
      guardrailConfig: { guardrailIdentifier: 'mine', guardrailVersion: 'DRAFT', streamProcessingMode: 'async' },
    };
    const parsed = parseConverseRequest(JSON.stringify(body));
    assert.equal('guardrailConfig' in parsed, false);
    assert.equal(parsed.modelId, body.modelId);
  });
});

describe('content safety: what a guardrail blocked (the trace)', () => {
  const blocked = { topicPolicy: { topics: [{ name: 'Violence', type: 'DENY', action: 'BLOCKED', detected: true }] } };
  const passed = { contentPolicy: { filters: [{ type: 'HATE', confidence: 'NONE', action: 'NONE' }] } };

  it('an input assessment with a BLOCKED finding: the premise', () => {
    assert.equal(blockedPart({ guardrail: { inputAssessment: { strict456: blocked } } }, 0), 'premise');
  });

  it('an output assessment with a BLOCKED finding: the output, even when the input was assessed', () => {
    const trace = {
      guardrail: {
        inputAssessment: { strict456: passed },
        outputAssessments: { strict456: [passed, { wordPolicy: { managedWordLists: [{ action: 'BLOCKED' }] } }] },
      },
    };
    assert.equal(blockedPart(trace, 120), 'output');
  });

  it('without a trace that says: no output tokens means the premise, some means the output', () => {
    assert.equal(blockedPart(undefined, 0), 'premise');
    assert.equal(blockedPart(undefined, undefined), 'premise');
    assert.equal(blockedPart({ guardrail: { inputAssessment: { x: passed } } }, 37), 'output');
    assert.equal(blockedPart('not a trace', 5), 'output');
  });
});
