// Storyteller: Check Setup, the user-side subset of `npm run check:stack`: with the user's own
// settings and session (no admin rights) it tries each step a story takes and says, per step, what
// to change. Pure logic over injected parts; the VS Code glue is src/vscode/commands/checkSetup.ts.
import * as l10n from '@vscode/l10n';
import type { ConfigResult, StorytellerConfig } from '../config';
import type { GatewayUsage } from '../story/generation/gateway';

export type SetupStatus = 'pass' | 'fail' | 'skip';
/** What a failure's button does: our own commands and the settings, never a link built from text. */
export type SetupFix = 'openSettings' | 'signIn' | 'pickModel' | 'configure';

export interface SetupResult {
  /** A code, never a sentence: settings, endpoint:<name>, session, credentials, model, budget. */
  readonly id: string;
  readonly title: string;
  readonly status: SetupStatus;
  readonly detail: string;
  readonly fix?: SetupFix;
}

/** The story service's part Check Setup uses (StoryService in dist/story.js). */
export interface SetupService {
  readonly budgetMode: boolean;
  /** Identity-pool credentials for the signed-in user; throws a StoryError. */
  credentials(): Promise<void>;
  /** A one-token request to the model (through the gateway in budget mode); the failure, if any. */
  probe(modelId: string): Promise<{ readonly code: string; readonly message: string } | undefined>;
  budget(): Promise<GatewayUsage | null>;
}

export interface SetupDeps {
  readonly settings: ConfigResult;
  /** Credential settings that have a workspace or folder value, which is ignored. */
  readonly workspaceValues: readonly string[];
  /** Resolves when the URL answers at all (any HTTP status); rejects on a network error. */
  readonly reach: (url: string) => Promise<void>;
  /** The signed-in user's email after a refresh if needed, or undefined when signed out. */
  readonly session: () => Promise<string | undefined>;
  readonly service: () => Promise<SetupService>;
}

const result = (id: string, title: string, status: SetupStatus, detail: string, fix?: SetupFix): SetupResult => ({
  id,
  title,
  status,
  detail,
  ...(fix ? { fix } : {}),
});
const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export async function runSetupChecks(deps: SetupDeps): Promise<SetupResult[]> {
  const results = [settingsCheck(deps)];
  if (!deps.settings.ok) return results;
  const config = deps.settings.config;
  if (!config.userPoolId || !config.identityPoolId) return results;
  for (const [name, url] of endpointsOf(config)) results.push(await endpointCheck(deps, name, url));
  const sessionTitle = l10n.t('Sign-in session');
  let email: string | undefined;
  try {
    email = await deps.session();
  } catch (e) {
    // A refresh that could not reach Cognito is not a sign-out: say what happened, keep the session.
    results.push(result('session', sessionTitle, 'fail', message(e)));
    return results;
  }
  if (!email) {
    results.push(
      result(
        'session',
        sessionTitle,
        'fail',
        l10n.t('You are not signed in, or your session ended. Sign in.'),
        'signIn',
      ),
    );
    return results;
  }
  results.push(result('session', sessionTitle, 'pass', l10n.t('Signed in as {0}.', email)));
  results.push(...(await serviceChecks(deps, config)));
  return results;
}

function settingsCheck(deps: SetupDeps): SetupResult {
  const title = l10n.t('Settings');
  if (!deps.settings.ok)
    return result('settings', title, 'fail', deps.settings.problems.map((p) => p.message).join(' '), 'openSettings');
  const { config } = deps.settings;
  if (!config.userPoolId || !config.identityPoolId)
    return result(
      'settings',
      title,
      'fail',
      l10n.t('Storyteller is not set up for a stack yet. Run Configure from Stack Outputs.'),
      'configure',
    );
  if (deps.workspaceValues.length > 0)
    return result(
      'settings',
      title,
      'fail',
      l10n.t(
        '{0} are set in workspace settings, which Storyteller ignores: set them in your User settings.',
        deps.workspaceValues.join(', '),
      ),
      'openSettings',
    );
  return result('settings', title, 'pass', l10n.t('Valid, from your User settings ({0}).', config.region));
}

/** Where sign-in and stories go, AWS's public endpoints unless a setting names another. */
export function endpointsOf(config: StorytellerConfig): [string, string][] {
  const aws = (service: string) => `https://${service}.${config.region}.amazonaws.com`;
  return [
    ['Cognito user pools', config.endpoints.cognitoIdp || aws('cognito-idp')],
    ['Cognito identity pools', config.endpoints.cognitoIdentity || aws('cognito-identity')],
    config.storyGatewayUrl
      ? ['Story gateway', config.storyGatewayUrl]
      : ['Bedrock', config.endpoints.bedrockRuntime || aws('bedrock-runtime')],
    ...(config.hostedUi.domain ? [['Managed login', config.hostedUi.domain] as [string, string]] : []),
  ];
}

async function endpointCheck(deps: SetupDeps, name: string, url: string): Promise<SetupResult> {
  const title = l10n.t('{0} reachable', name);
  try {
    await deps.reach(url);
    return result(`endpoint:${name}`, title, 'pass', new URL(url).host);
  } catch (e) {
    return result(
      `endpoint:${name}`,
      title,
      'fail',
      l10n.t(
        '{0} did not answer ({1}). Check your network or proxy, and the storyteller.endpoints settings.',
        url,
        message(e),
      ),
      'openSettings',
    );
  }
}

async function serviceChecks(deps: SetupDeps, config: StorytellerConfig): Promise<SetupResult[]> {
  const credentialsTitle = l10n.t('Identity-pool credentials');
  let service: SetupService;
  try {
    service = await deps.service();
    await service.credentials();
  } catch (e) {
    const fix: SetupFix = (e as { actions?: readonly string[] }).actions?.includes('signIn')
      ? 'signIn'
      : 'openSettings';
    return [result('credentials', credentialsTitle, 'fail', message(e), fix)];
  }
  const results = [result('credentials', credentialsTitle, 'pass', l10n.t('The identity pool gave you credentials.'))];
  const modelTitle = service.budgetMode
    ? l10n.t('Story gateway answers with {0}', config.modelId)
    : l10n.t('Model {0} answers', config.modelId);
  const failure = await service.probe(config.modelId);
  results.push(
    failure
      ? result('model', modelTitle, 'fail', failure.message, failure.code === 'sessionExpired' ? 'signIn' : 'pickModel')
      : result('model', modelTitle, 'pass', l10n.t('A one-token request was answered.')),
  );
  if (service.budgetMode) results.push(await budgetCheck(service));
  return results;
}

async function budgetCheck(service: SetupService): Promise<SetupResult> {
  const title = l10n.t('Token budget');
  const usage = await service.budget().catch(() => null);
  if (!usage)
    return result(
      'budget',
      title,
      'fail',
      l10n.t('The story gateway did not say how many tokens are left. See the log.'),
    );
  return result('budget', title, 'pass', l10n.t('{0} of {1} tokens left today.', usage.tokensLeft, usage.dailyTokens));
}

const MARK: Record<SetupStatus, string> = { pass: '✓', fail: '✗', skip: '–' };

/** The fixes the failures ask for, each once, in order. */
export function fixesOf(results: readonly SetupResult[]): SetupFix[] {
  return [...new Set(results.flatMap((r) => (r.status === 'fail' && r.fix ? [r.fix] : [])))];
}

/**
 * The report as Markdown for a read-only document. Outside text (AWS messages, settings) is
 * escaped, so it stays text: the document has no links, the buttons are the notification's.
 */
export function setupReport(results: readonly SetupResult[]): string {
  const failed = results.filter((r) => r.status === 'fail').length;
  const head =
    failed === 0 ? l10n.t('Every step works.') : l10n.t('{0} of {1} steps need attention.', failed, results.length);
  const lines = results.map((r) => `- ${MARK[r.status]} **${escapeMarkdown(r.title)}**: ${escapeMarkdown(r.detail)}`);
  return `# ${l10n.t('Storyteller: Check Setup')}\n\n${head}\n\n${lines.join('\n')}\n`;
}

export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()<>#!|]/g, (c) => `\\${c}`).replace(/\s+/g, ' ');
}
