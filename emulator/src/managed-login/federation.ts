// Federation: from /oauth2/authorize to the social provider, and back at /oauth2/idpresponse,
// where Cognito exchanges the provider's code, maps its attributes, creates the federated user
// (<ProviderName>_<id>, with identities) after the pre sign-up trigger (PreSignUp_ExternalProvider),
// and returns to the app with its own code.
import { randomBytes, randomUUID } from 'node:crypto';
import { AwsError } from '../errors';
import type { EmuRequest } from '../http';
import { makeVerifier } from '../srp';
import type { User } from '../state';
import { parseAuthorize } from './authorizeRequest';
import { errorPage, errorRedirect, redirect } from './html';
import type { PageReply } from './html';
import type { ManagedLogin } from './managedLogin';
import type { IdentityProviderConfig } from './managedLoginConfig';
import type { LocalAccount } from './socialProviders';

const HANDOFF_MS = 10 * 60 * 1000;

export function startFederation(ml: ManagedLogin, providerName: string, query: string): PageReply {
  const provider = ml.provider(providerName);
  if (!provider) return errorPage('Login option is not available. Please try another one.');
  const state = randomBytes(24).toString('base64url');
  ml.federations.set(state, { query, expires: ml.now() + HANDOFF_MS });
  return redirect(ml.localProviders.authorizeUrl(provider, state));
}

function mapAttributes(provider: IdentityProviderConfig, account: LocalAccount): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [poolAttribute, providerAttribute] of Object.entries(provider.attributeMapping)) {
    const value = account.attributes[providerAttribute];
    if (value !== undefined) out[poolAttribute] = value;
  }
  return out;
}

async function federatedUser(
  ml: ManagedLogin,
  provider: IdentityProviderConfig,
  account: LocalAccount,
  clientId: string,
): Promise<User> {
  const pool = ml.pool;
  const username = `${provider.name}_${account.id}`;
  const mapped = mapAttributes(provider, account);
  const existing = pool.users[username];
  if (existing) {
    // Cognito updates the mapped attributes at every federated sign-in.
    Object.assign(existing.attributes, mapped);
    existing.modified = pool.now();
    pool.changed();
    return existing;
  }
  const identities = JSON.stringify([
    {
      userId: account.id,
      providerName: provider.name,
      providerType: provider.type,
      issuer: null,
      primary: 'true',
      dateCreated: String(pool.now()),
    },
  ]);
  await pool.runPreSignUp('PreSignUp_ExternalProvider', username, clientId, { ...mapped }, null, null);
  const now = pool.now();
  const user: User = {
    username,
    attributes: {
      sub: randomUUID(),
      ...(mapped.email && mapped.email_verified === undefined ? { email_verified: 'false' } : {}),
      ...mapped,
      identities,
    },
    status: 'EXTERNAL_PROVIDER',
    enabled: true,
    // No password: sign-in goes through the provider only.
    passwordHash: '',
    srp: makeVerifier(pool.poolName, username, randomBytes(32).toString('hex')),
    created: now,
    modified: now,
    totpEnabled: false,
    failedSignIns: 0,
  };
  pool.users[username] = user;
  pool.changed();
  return user;
}

export async function idpResponse(req: EmuRequest, ml: ManagedLogin): Promise<PageReply> {
  const handoff = ml.federations.get(req.query.get('state') ?? '');
  if (!handoff || handoff.expires < ml.now())
    return errorPage('The sign-in took too long or was not started here. Please start again.');
  ml.federations.delete(req.query.get('state') ?? '');
  const parsed = parseAuthorize(ml, new URLSearchParams(handoff.query));
  if ('reply' in parsed) return parsed.reply;
  const { request } = parsed;
  const provider = ml.provider(request.identityProvider ?? '');
  if (!provider) return errorPage('Login option is not available. Please try another one.');
  const fail = (error: string, description: string): PageReply =>
    errorRedirect(request.redirectUri, request.state, error, description);
  const providerError = req.query.get('error');
  if (providerError) return fail(providerError, req.query.get('error_description') ?? providerError);
  const account = ml.localProviders.exchange(provider, req.query.get('code') ?? '');
  if (typeof account === 'string') return fail('invalid_request', `${provider.name} refused the sign-in (${account}).`);
  try {
    const user = await federatedUser(ml, provider, account, request.clientId);
    return ml.finish(request, request.codeChallenge, user, null);
  } catch (err) {
    // The trigger's refusal goes back to the app, as Cognito sends it.
    if (err instanceof AwsError) return fail('invalid_request', err.message);
    throw err;
  }
}
