// The app client is what the extension needs: SRP and refresh allowed, token revocation on, no
// secret unless meant, and for browser sign-in the code grant with the extension's callbacks.
import { DescribeUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { CognitoIdentityProviderClient, UserPoolClientType } from '@aws-sdk/client-cognito-identity-provider';
import { CALLBACK_PATH, EDITOR_CALLBACK_PATH, EXTENSION_ID, SIGNED_OUT_PATH } from '../../src/core/auth/browser/routes';
import { describeError, fail, pass, skip } from './report';
import type { CheckResult } from './report';
import type { StackUnderTest } from './stack';

const CONSOLE = 'Cognito console → User pools → your pool → App integration → App clients';
const REDEPLOY = 'or redeploy infra/template.yaml, which sets it';

export async function describeClient(
  idp: CognitoIdentityProviderClient,
  stack: StackUnderTest,
): Promise<{ client?: UserPoolClientType; result?: CheckResult }> {
  try {
    const out = await idp.send(
      new DescribeUserPoolClientCommand({ UserPoolId: stack.settings.userPoolId, ClientId: stack.settings.clientId }),
    );
    if (out.UserPoolClient) return { client: out.UserPoolClient };
    return { result: fail('appClient', 'App client', 'Cognito described no app client.', fixRead()) };
  } catch (e) {
    return { result: fail('appClient', 'App client', describeError(e), fixRead()) };
  }
}

const fixRead = (): string =>
  'Check that UserPoolId and UserPoolClientId are this stack’s outputs and that your credentials may call cognito-idp:DescribeUserPoolClient (and AdminCreateUser, AdminSetUserPassword, AdminDeleteUser).';

export function appClientChecks(
  client: UserPoolClientType,
  stack: StackUnderTest,
  secretMeant: boolean,
): CheckResult[] {
  return [flows(client), revocation(client), secret(client, secretMeant), browserUrls(client, stack)];
}

function flows(client: UserPoolClientType): CheckResult {
  const title = 'App client sign-in flows';
  const have = client.ExplicitAuthFlows ?? [];
  const missing = ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'].filter((f) => !have.includes(f as never));
  if (missing.length === 0) return pass('appClient.flows', title, have.join(', '));
  return fail(
    'appClient.flows',
    title,
    `${missing.join(' and ')} not allowed.`,
    `Allow ${missing.join(' and ')} (${CONSOLE} → Authentication flows), ${REDEPLOY}.`,
  );
}

function revocation(client: UserPoolClientType): CheckResult {
  const title = 'App client token revocation';
  if (client.EnableTokenRevocation) return pass('appClient.revocation', title, 'enabled');
  return fail(
    'appClient.revocation',
    title,
    'Token revocation is off, so signing out cannot end a session.',
    `Turn on token revocation (${CONSOLE} → Advanced security / token revocation), ${REDEPLOY}.`,
  );
}

function secret(client: UserPoolClientType, meant: boolean): CheckResult {
  const title = 'App client secret';
  if (!client.ClientSecret) return pass('appClient.secret', title, 'none (a public client, as an installed app needs)');
  if (meant) return pass('appClient.secret', title, 'present, as --with-client-secret says is meant');
  return fail(
    'appClient.secret',
    title,
    'The app client has a secret, which an extension installed on people’s machines cannot keep.',
    'Redeploy with GenerateClientSecret=false, or pass --with-client-secret if the secret is meant (users then run Storyteller: Set Client Secret).',
  );
}

function browserUrls(client: UserPoolClientType, stack: StackUnderTest): CheckResult {
  const title = 'App client browser sign-in';
  if (!stack.settings['hostedUi.domain']) return skip('appClient.urls', title, 'the stack has no managed login domain');
  const port = stack.settings['hostedUi.callbackPort'];
  const wantCallbacks = [`http://127.0.0.1:${port}${CALLBACK_PATH}`, `vscode://${EXTENSION_ID}${EDITOR_CALLBACK_PATH}`];
  const wantLogout = [`http://127.0.0.1:${port}${SIGNED_OUT_PATH}`];
  const problems = [
    ...(client.AllowedOAuthFlowsUserPoolClient && (client.AllowedOAuthFlows ?? []).includes('code')
      ? []
      : ['the authorization-code grant is not allowed']),
    ...(['openid', 'email', 'profile'].every((s) => (client.AllowedOAuthScopes ?? []).includes(s))
      ? []
      : ['the scopes openid, email and profile are not all allowed']),
    ...wantCallbacks.filter((u) => !(client.CallbackURLs ?? []).includes(u)).map((u) => `callback URL ${u} missing`),
    ...wantLogout.filter((u) => !(client.LogoutURLs ?? []).includes(u)).map((u) => `sign-out URL ${u} missing`),
  ];
  if (problems.length === 0)
    return pass('appClient.urls', title, 'code grant, scopes and callback URLs as the extension sends them');
  return fail(
    'appClient.urls',
    title,
    `${problems.join('; ')}.`,
    `Set them in ${CONSOLE} → Login pages, ${REDEPLOY} (LoopbackCallbackPort must match storyteller.hostedUi.callbackPort).`,
  );
}
