// Parameter sets for emulators that tests, benchmarks and the demo start, named by what they are.

/**
 * Direct mode (users call Bedrock with their identity-pool credentials, no budgets) as a team
 * deploys it: only addresses at example.com may sign up. The template's Rules refuse direct mode
 * while anyone may sign up (#23, N4), so a direct-mode stack always says who may.
 */
export const DIRECT_MODE_TEAM: Readonly<Record<string, string>> = {
  DailyTokensPerUser: '0',
  AllowedEmailDomains: 'example.com',
};
