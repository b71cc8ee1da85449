// Managed login: the pool's discovery document names the stack's domain, the domain answers the
// extension's authorize request, and each identity provider the stack lists hands off to its site.
import { createHash, randomBytes } from 'node:crypto';
import * as v from 'valibot';
import { CALLBACK_PATH } from '../../src/core/auth/browser/routes';
import { describeError, fail, pass, skip } from './report';
import type { CheckResult } from './report';
import type { StackUnderTest } from './stack';

const DOMAIN_CONSOLE = 'Cognito console → User pools → your pool → Branding → Domain';
const Discovery = v.looseObject({ authorization_endpoint: v.pipe(v.string(), v.url()) });

export async function managedLoginChecks(stack: StackUnderTest, endpoint: string | undefined): Promise<CheckResult[]> {
  const domain = stack.settings['hostedUi.domain'];
  if (!domain)
    return [
      skip('managedLogin', 'Managed login', 'the stack has no managed login domain (HostedUiDomainPrefix is empty)'),
    ];
  const discovery = await discoveryCheck(stack, endpoint, domain);
  if (discovery.status !== 'pass') return [discovery];
  const authorize = await authorizeCheck(stack, domain);
  if (authorize.status !== 'pass') return [discovery, authorize];
  const providers = stack.settings['hostedUi.identityProviders'].filter((p) => p !== 'COGNITO');
  const checks = [];
  for (const provider of providers) checks.push(await providerCheck(stack, domain, provider));
  return [discovery, authorize, ...checks];
}

async function discoveryCheck(
  stack: StackUnderTest,
  endpoint: string | undefined,
  domain: string,
): Promise<CheckResult> {
  const title = 'Managed login discovery document';
  const { region, userPoolId } = stack.settings;
  const base = endpoint ?? `https://cognito-idp.${region}.amazonaws.com`;
  const url = `${base.replace(/\/$/, '')}/${userPoolId}/.well-known/openid-configuration`;
  const fix = `Give the pool a domain (${DOMAIN_CONSOLE}), or redeploy with HostedUiDomainPrefix; a new domain can take a minute to answer.`;
  try {
    const response = await fetch(url);
    const doc = response.ok ? v.safeParse(Discovery, await response.json()) : undefined;
    if (!doc?.success)
      return fail('managedLogin.discovery', title, `${url} answered HTTP ${response.status} without a domain.`, fix);
    const origin = new URL(doc.output.authorization_endpoint).origin;
    if (origin !== new URL(domain).origin)
      return fail(
        'managedLogin.discovery',
        title,
        `The pool’s domain is ${origin}, the HostedUiDomain output ${domain}.`,
        'Run Configure from Stack Outputs with this stack’s current outputs (or set storyteller.hostedUi.domain to the pool’s domain).',
      );
    return pass('managedLogin.discovery', title, `authorization endpoint on ${origin}`);
  } catch (e) {
    return fail('managedLogin.discovery', title, describeError(e), fix);
  }
}

function authorizeUrl(stack: StackUnderTest, domain: string, provider?: string): string {
  const verifier = randomBytes(32).toString('base64url');
  const q = new URLSearchParams({
    response_type: 'code',
    client_id: stack.settings.clientId,
    redirect_uri: `http://127.0.0.1:${stack.settings['hostedUi.callbackPort']}${CALLBACK_PATH}`,
    scope: 'openid email profile',
    state: randomBytes(16).toString('base64url'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...(provider ? { identity_provider: provider } : {}),
  });
  return `${domain.replace(/\/$/, '')}/oauth2/authorize?${q.toString()}`;
}

/** Where the authorize request sends the browser, or the status when it does not redirect. */
async function authorizeAnswer(url: string): Promise<{ status: number; location: URL | undefined }> {
  const response = await fetch(url, { redirect: 'manual' });
  await response.body?.cancel();
  const location = response.headers.get('location');
  return { status: response.status, location: location ? new URL(location, url) : undefined };
}

async function authorizeCheck(stack: StackUnderTest, domain: string): Promise<CheckResult> {
  const title = 'Managed login domain';
  try {
    const { status, location } = await authorizeAnswer(authorizeUrl(stack, domain));
    const error = location?.searchParams.get('error');
    if (location && !error) return pass('managedLogin.domain', title, `${new URL(domain).host} shows its sign-in page`);
    return fail(
      'managedLogin.domain',
      title,
      `/oauth2/authorize answered HTTP ${status}${error ? ` with error=${error}` : ''}.`,
      `Register http://127.0.0.1:${stack.settings['hostedUi.callbackPort']}${CALLBACK_PATH} as a callback URL with the code grant (Cognito console → App clients → Login pages), or redeploy infra/template.yaml.`,
    );
  } catch (e) {
    return fail(
      'managedLogin.domain',
      title,
      `${domain} did not answer (${describeError(e)}).`,
      `Check the domain exists (${DOMAIN_CONSOLE}); a new one can take a minute.`,
    );
  }
}

async function providerCheck(stack: StackUnderTest, domain: string, provider: string): Promise<CheckResult> {
  const id = `managedLogin.provider:${provider}`;
  const title = `Identity provider ${provider}`;
  const fix = `Add ${provider} to the pool (Cognito console → Sign-in → Social and external providers) and to the app client’s identity providers; redeploy with its client id and secret parameters.`;
  try {
    const { status, location } = await authorizeAnswer(authorizeUrl(stack, domain, provider));
    const onDomain = location?.origin === new URL(domain).origin;
    const refused =
      !location || location.searchParams.has('error') || (onDomain && /\/(login|error)$/.test(location.pathname));
    if (refused)
      return fail(
        id,
        title,
        `/oauth2/authorize?identity_provider=${provider} answered HTTP ${status} without a hand-off.`,
        fix,
      );
    return pass(id, title, `hands off to ${location.host}`);
  } catch (e) {
    return fail(id, title, describeError(e), fix);
  }
}
