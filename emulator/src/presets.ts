// Parameter sets for emulators that tests, benchmarks and the demo start, named by what they are.

/**
 * No guardrails (ContentSafety=Off, #27). The template's default (Standard) makes IAM refuse every
 * model call without one of the stack's guardrails; tests and benchmarks that are not about
 * content safety, and callers that do not send the stack's guardrails yet, start with this.
 */
export const NO_GUARDRAILS: Readonly<Record<string, string>> = { ContentSafety: 'Off' };

/**
 * Direct mode (users call Bedrock with their identity-pool credentials, no budgets) as a team
 * deploys it: only addresses at example.com may sign up. The template's Rules refuse direct mode
 * while anyone may sign up (#23, N4), so a direct-mode stack always says who may. Without
 * guardrails (NO_GUARDRAILS); content-safety tests add ContentSafety themselves.
 */
export const DIRECT_MODE_TEAM: Readonly<Record<string, string>> = {
  DailyTokensPerUser: '0',
  AllowedEmailDomains: 'example.com',
  ...NO_GUARDRAILS,
};
