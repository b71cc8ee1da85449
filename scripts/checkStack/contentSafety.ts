// Content safety (the guardrails issue): when the stack turns it on, a direct call without the
// guardrail is denied (the one-token calls of models.ts carry it). Skipped with it Off.
import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { oneToken } from './models';
import { describeError, fail, pass, skip } from './report';
import type { CheckResult } from './report';
import type { StackUnderTest } from './stack';

const OFF = /^(|off|false|none|0)$/i;

export const contentSafetyOn = (stack: StackUnderTest): boolean => !OFF.test(stack.contentSafety);

export async function contentSafetyCheck(
  stack: StackUnderTest,
  bedrock: BedrockRuntimeClient | undefined,
): Promise<CheckResult> {
  const title = 'Content safety: a call without the guardrail is denied';
  if (OFF.test(stack.contentSafety))
    return skip('contentSafety', title, 'the stack has no content safety (no ContentSafety output, or off)');
  if (stack.settings.storyGatewayUrl)
    return skip(
      'contentSafety',
      title,
      'budget mode: users cannot call Bedrock at all (checked above), the gateway applies the guardrail',
    );
  const modelId = stack.models[0];
  if (!bedrock || !modelId) return skip('contentSafety', title, 'no identity-pool credentials or no model to try');
  try {
    await bedrock.send(oneToken(modelId));
    return fail(
      'contentSafety',
      title,
      `${modelId} answered a call that named no guardrail.`,
      'The identity pool’s role must require the guardrail (condition bedrock:GuardrailIdentifier); redeploy infra/template.yaml.',
    );
  } catch (e) {
    if ((e as { name?: string }).name === 'AccessDeniedException') return pass('contentSafety', title, 'AccessDenied');
    return fail('contentSafety', title, describeError(e), 'Try again; the call should be refused with AccessDenied.');
  }
}
