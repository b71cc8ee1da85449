// The throwaway user signs in as the extension does (its SRP core, src/core/auth), refreshes,
// and trades the ID token for identity-pool credentials (src/core/story/generation/credentials.ts).
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { CognitoAuth } from '../../src/core/auth/cognito';
import type { Session } from '../../src/core/auth/session';
import { CognitoCredentials } from '../../src/core/story/generation/credentials';
import { describeError, fail, pass, skip } from './report';
import type { CheckResult } from './report';
import type { StackUnderTest } from './stack';
import type { ThrowawayUser } from './throwawayUser';

export interface SignedIn {
  readonly session: Session;
  readonly credentials?: AwsCredentialIdentityProvider;
}

const CLIENT_CONSOLE = 'Cognito console → User pools → your pool → App integration → App clients';

export async function signInChecks(
  stack: StackUnderTest,
  user: ThrowawayUser,
  endpoint: string | undefined,
  clientSecret: string | undefined,
  results: CheckResult[],
): Promise<SignedIn | undefined> {
  const { region, userPoolId, clientId } = stack.settings;
  const auth = new CognitoAuth({
    region,
    userPoolId,
    clientId,
    authFlow: 'USER_SRP_AUTH',
    ...(endpoint ? { endpoint } : {}),
    clientSecret: async () => clientSecret,
  });
  try {
    const session = await srp(auth, user, results);
    if (!session) return undefined;
    const refreshed = await refresh(auth, session, results);
    const credentials = await identityCredentials(stack, refreshed ?? session, endpoint, results);
    return { session: refreshed ?? session, ...(credentials ? { credentials } : {}) };
  } finally {
    auth.dispose();
  }
}

async function srp(auth: CognitoAuth, user: ThrowawayUser, results: CheckResult[]): Promise<Session | undefined> {
  const title = 'Sign-in with SRP';
  try {
    const step = await auth.signIn(user.email, user.password);
    if (step.kind === 'done') {
      results.push(pass('signIn.srp', title, 'tokens verified against the pool’s keys'));
      return step.session;
    }
    results.push(
      skip('signIn.srp', title, `the pool asks for ${step.kind} first (MFA on), which a throwaway user cannot answer`),
    );
  } catch (e) {
    results.push(
      fail(
        'signIn.srp',
        title,
        describeError(e),
        `Allow ALLOW_USER_SRP_AUTH on the app client (${CLIENT_CONSOLE}), or redeploy infra/template.yaml.`,
      ),
    );
  }
  return undefined;
}

async function refresh(auth: CognitoAuth, session: Session, results: CheckResult[]): Promise<Session | undefined> {
  const title = 'Token refresh';
  try {
    const next = await auth.refresh(session);
    results.push(pass('signIn.refresh', title, 'REFRESH_TOKEN_AUTH answered'));
    return next;
  } catch (e) {
    results.push(
      fail(
        'signIn.refresh',
        title,
        describeError(e),
        `Allow ALLOW_REFRESH_TOKEN_AUTH on the app client (${CLIENT_CONSOLE}); without it users sign in again every hour.`,
      ),
    );
    return undefined;
  }
}

async function identityCredentials(
  stack: StackUnderTest,
  session: Session,
  endpoint: string | undefined,
  results: CheckResult[],
): Promise<AwsCredentialIdentityProvider | undefined> {
  const title = 'Identity-pool credentials';
  const { region, identityPoolId, userPoolId } = stack.settings;
  const credentials = new CognitoCredentials({
    region,
    identityPoolId,
    userPoolId,
    ...(endpoint ? { endpoint } : {}),
    sessions: { peek: async () => session, getSession: async () => session },
  });
  try {
    const got = await credentials.get();
    const until = got.expiration ? ` until ${got.expiration.toISOString()}` : '';
    results.push(pass('credentials', title, `temporary credentials${until}`));
    return credentials.provider();
  } catch (e) {
    const original = (e as { original?: unknown }).original ?? e;
    results.push(
      fail(
        'credentials',
        title,
        describeError(original),
        'The identity pool must trust this user pool and app client (Cognito console → Identity pools → your pool → User access → Identity providers) and have an authenticated role; redeploy infra/template.yaml.',
      ),
    );
    return undefined;
  }
}
