// Which content policy applies to the story on the form (#27), for the panel's policy line: the
// stack's policy (from the settings) and the form's audience, by the rule the gateway and the
// extension apply (infra/src/gateway/safety.ts). Pure: host and panel share it.
import * as v from 'valibot';
import { CONTENT_SAFETY_POLICIES, guardrailLevel } from '../../../../infra/src/gateway/safety';
import type { GuardrailLevel } from '../../../../infra/src/gateway/safety';
import { AUDIENCES } from './controls';

/**
 * The `contentPolicy` event's data: the stack's policy as the settings name it (`settings`), or,
 * in budget mode, as the story gateway reports it in /usage (`gateway`: it applies it itself).
 */
export const contentPolicy = v.strictObject({
  policy: v.picklist(CONTENT_SAFETY_POLICIES),
  source: v.exactOptional(v.picklist(['settings', 'gateway'])),
});
export type ContentPolicy = v.InferOutput<typeof contentPolicy>;

/** The guardrail a story for `audience` gets, and whether it is the children's. None when the policy is Off. */
export function appliedPolicy(
  policy: ContentPolicy['policy'],
  audience: string,
): { readonly level: GuardrailLevel | 'none'; readonly children: boolean } {
  const known = AUDIENCES.find((a) => a === audience) ?? 'adult';
  const level = guardrailLevel(policy, known);
  return { level, children: level === 'strict' && known === 'children' };
}
