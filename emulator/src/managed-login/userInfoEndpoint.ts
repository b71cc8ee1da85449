// GET|POST /oauth2/userInfo: the signed-in user's attributes for an access token with the
// openid scope; email and profile attributes as their scopes allow. Values are strings, as
// Cognito sends them.
import { AwsError } from '../errors';
import type { EmuRequest } from '../http';
import { json } from './html';
import type { PageReply } from './html';
import type { ManagedLogin } from './managedLogin';

const BY_SCOPE: Record<string, string[]> = {
  email: ['email', 'email_verified'],
  phone: ['phone_number', 'phone_number_verified'],
  profile: [
    'name',
    'nickname',
    'given_name',
    'family_name',
    'middle_name',
    'preferred_username',
    'picture',
    'profile',
    'website',
    'gender',
    'birthdate',
    'zoneinfo',
    'locale',
    'updated_at',
    'address',
  ],
};

const invalidToken = (description: string): PageReply =>
  json(
    401,
    { error: 'invalid_token', error_description: description },
    { 'www-authenticate': `Bearer error="invalid_token", error_description="${description}"` },
  );

export function userInfoEndpoint(req: EmuRequest, ml: ManagedLogin): PageReply {
  const auth = req.headers.authorization ?? '';
  if (!/^Bearer /i.test(auth)) return invalidToken('Access token is missing');
  let caller;
  try {
    caller = ml.pool.accessUser(auth.slice(7).trim());
  } catch (err) {
    if (err instanceof AwsError) return invalidToken(err.message);
    throw err;
  }
  const scopes = String(caller.claims.scope ?? '').split(' ');
  if (!scopes.includes('openid') && !scopes.includes('aws.cognito.signin.user.admin'))
    return json(403, { error: 'insufficient_scope' });
  const a = caller.user.attributes;
  const out: Record<string, unknown> = { sub: a.sub, username: caller.user.username };
  const all = scopes.includes('aws.cognito.signin.user.admin');
  for (const [scope, names] of Object.entries(BY_SCOPE)) {
    if (!all && !scopes.includes(scope)) continue;
    for (const n of names) if (a[n] !== undefined) out[n] = a[n];
  }
  if (a.identities) out.identities = a.identities;
  return json(200, out);
}
