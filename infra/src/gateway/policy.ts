// The gateway's side of content safety (#27): the stack's guardrails from the function's
// environment, and the story's audience from its header. The rule itself is in safety.ts.
import { CONTENT_SAFETY_POLICIES } from './safety';
import type { ContentSafetyPolicy, SafetyAudience, StackGuardrails } from './safety';
import { validation } from './wire';

const AUDIENCES: readonly SafetyAudience[] = ['children', 'young adult', 'adult'];

/**
 * CONTENT_SAFETY and the four guardrail variables the template sets. Throws (the function fails
 * to start) when the policy is unknown, or on without both guardrails: never serve a story
 * unguarded because a variable is missing.
 */
export function stackGuardrails(env: Readonly<Record<string, string | undefined>>): StackGuardrails {
  const policy = (env['CONTENT_SAFETY'] ?? '').trim() || 'Off';
  if (!(CONTENT_SAFETY_POLICIES as readonly string[]).includes(policy))
    throw new Error(`CONTENT_SAFETY is "${policy}"; it must be one of ${CONTENT_SAFETY_POLICIES.join(', ')}.`);
  const ref = (prefix: string) => ({
    id: (env[`${prefix}_GUARDRAIL_ID`] ?? '').trim(),
    version: (env[`${prefix}_GUARDRAIL_VERSION`] ?? '').trim(),
  });
  const stack: StackGuardrails = {
    policy: policy as ContentSafetyPolicy,
    standard: ref('STANDARD'),
    strict: ref('STRICT'),
  };
  if (stack.policy !== 'Off')
    for (const level of ['standard', 'strict'] as const)
      if (stack[level].id === '' || stack[level].version === '')
        throw new Error(
          `CONTENT_SAFETY is ${stack.policy} but ${level.toUpperCase()}_GUARDRAIL_ID or _VERSION is empty.`,
        );
  return stack;
}

/** The audience header (AUDIENCE_HEADER); absent is adult. Anything else is refused, not guessed. */
export function audienceOf(header: string | undefined): SafetyAudience {
  if (header === undefined || header.trim() === '') return 'adult';
  const audience = header.trim().toLowerCase();
  const known = AUDIENCES.find((a) => a === audience);
  if (!known) throw validation(`The audience "${header.slice(0, 40)}" is not one of ${AUDIENCES.join(', ')}.`);
  return known;
}
