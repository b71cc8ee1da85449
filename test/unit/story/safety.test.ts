// Content safety in the extension (#27): the guardrail each direct request carries, and a blocked
// story's one sentence with the stack's own message.
import * as assert from 'node:assert/strict';
import type { StackGuardrails } from '../../../infra/src/gateway/safety';
import { buildConverseRequest } from '../../../src/core/story/prompt';
import { DEFAULT_CONTROLS } from '../../../src/core/story/protocol/controls';
import { appliedPolicy } from '../../../src/core/story/protocol/contentPolicy';
import { blockedError, guardrailFor, interventionOf } from '../../../src/core/story/safety';
import { StoryError } from '../../../src/core/story/errors';
import { LIMITS } from '../../../src/core/story/protocol/limits';

const stack: StackGuardrails = {
  policy: 'Standard',
  standard: { id: 'std123', version: '1' },
  strict: { id: 'strict456', version: '2' },
};
const children = { ...DEFAULT_CONTROLS, premise: 'A brave snail.', audience: 'children' as const };
const adults = { ...DEFAULT_CONTROLS, premise: 'A brave snail.', audience: 'adult' as const };

describe('content safety in the extension (#27)', () => {
  it('every step of a children’s story carries the strict guardrail, sync, with the trace', () => {
    const guardrail = guardrailFor(stack, children);
    for (const step of [
      { kind: 'new' as const },
      { kind: 'regenerate' as const },
      { kind: 'continue' as const, story: 'Once.' },
      { kind: 'refine' as const, story: 'Once.', instruction: 'Shorter.' },
    ])
      assert.deepEqual(buildConverseRequest('amazon.nova-lite-v1:0', children, step, guardrail).guardrailConfig, {
        guardrailIdentifier: 'strict456',
        guardrailVersion: '2',
        streamProcessingMode: 'sync',
        trace: 'enabled',
      });
    assert.equal(
      buildConverseRequest('amazon.nova-lite-v1:0', adults, { kind: 'new' }, guardrailFor(stack, adults))
        .guardrailConfig?.guardrailIdentifier,
      'std123',
    );
  });

  it('policy Off sends no guardrailConfig at all', () => {
    const request = buildConverseRequest(
      'amazon.nova-lite-v1:0',
      children,
      { kind: 'new' },
      guardrailFor({ ...stack, policy: 'Off' }, children),
    );
    assert.equal('guardrailConfig' in request, false);
  });

  it('a policy whose guardrail is not set refuses to send, with Configure from Stack Outputs', () => {
    assert.throws(
      () => guardrailFor({ ...stack, strict: { id: '', version: '' } }, children),
      (e: unknown) =>
        e instanceof StoryError &&
        e.code === 'guardrailNotConfigured' &&
        e.actions.includes('configure') &&
        /content policy is Standard, but the strict guardrail is not set/.test(e.message),
    );
  });

  it('what was blocked: all the text is the message for a premise, the last piece for a story', () => {
    const inputTrace = {
      guardrail: { inputAssessment: { strict456: { topicPolicy: { topics: [{ action: 'BLOCKED' }] } } } },
    };
    assert.deepEqual(interventionOf('Not for children. ', 'Not for children. ', inputTrace, 0), {
      part: 'premise',
      message: 'Not for children.',
    });
    const outputTrace = {
      guardrail: {
        outputAssessments: { strict456: [{ contentPolicy: { filters: [{ type: 'VIOLENCE', action: 'BLOCKED' }] } }] },
      },
    };
    assert.deepEqual(interventionOf('Once upon a time. Sorry, stopped.', 'Sorry, stopped.', outputTrace, 40), {
      part: 'output',
      message: 'Sorry, stopped.',
    });
  });

  it('a blocked premise: one sentence quoting the stack’s message, nothing to retry as is', () => {
    const e = blockedError({ part: 'premise', message: 'That is not a story for children.' });
    assert.equal(e.code, 'premiseBlocked');
    assert.equal(
      e.message,
      'The content policy blocked this premise: “That is not a story for children.” Change the premise and try again.',
    );
    assert.deepEqual(e.actions, []);
    assert.equal(e.partialKept, false);
  });

  it('a blocked story: its own code and sentence, Retry offered, nothing kept', () => {
    const e = blockedError({ part: 'output', message: 'The story went somewhere it should not.' });
    assert.equal(e.code, 'outputBlocked');
    assert.match(
      e.message,
      /^The content policy stopped this story: “The story went somewhere it should not\.” Nothing it held back was kept/,
    );
    assert.deepEqual(e.actions, ['retry']);
    assert.equal(e.partialKept, false);
  });

  it('the stack’s message is escaped like all server text: no command link, one line, within the limit', () => {
    const e = blockedError({
      part: 'premise',
      message: '[Click](command:workbench.action.terminal.new)\n\nnow ' + 'x'.repeat(5000),
    });
    assert.doesNotMatch(e.message, /\]\(command:/);
    assert.doesNotMatch(e.message, /\n/);
    assert.ok(e.message.length < LIMITS.messageMax, String(e.message.length));
    const silent = blockedError({ part: 'premise', message: '  ' });
    assert.equal(silent.message, 'The content policy blocked this premise. Change the premise and try again.');
  });

  it('the panel’s line: strict for children under Standard, strict for all under Strict, none when Off', () => {
    assert.deepEqual(appliedPolicy('Standard', 'children'), { level: 'strict', children: true });
    assert.deepEqual(appliedPolicy('Standard', 'young adult'), { level: 'standard', children: false });
    assert.deepEqual(appliedPolicy('Strict', 'adult'), { level: 'strict', children: false });
    assert.deepEqual(appliedPolicy('Off', 'children'), { level: 'none', children: false });
    // A draft's audience the form does not offer counts as adult, as the form shows it.
    assert.deepEqual(appliedPolicy('Standard', 'toddlers'), { level: 'standard', children: false });
  });
});
