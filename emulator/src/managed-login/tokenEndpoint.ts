// POST /oauth2/token: the authorization-code grant (single-use codes, five minutes, the same
// redirect_uri, PKCE S256) and the refresh-token grant, with HTTP Basic client authentication
// when the client has a secret, and Cognito's JSON errors.
import { timingSafeEqual } from 'node:crypto';
import type { EmuRequest } from '../http';
import { form, json } from './html';
import type { PageReply } from './html';
import { s256 } from './managedLogin';
import type { ManagedLogin } from './managedLogin';
import type { OAuthClient } from './managedLoginConfig';

export const oauthError = (error: string, status = 400): PageReply => json(status, { error });

const same = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** The calling client: HTTP Basic (`client_id:client_secret`) or `client_id` in the body. */
export function authenticateClient(
  req: EmuRequest,
  ml: ManagedLogin,
  fields: URLSearchParams,
): OAuthClient | PageReply {
  const auth = req.headers.authorization ?? '';
  let id = fields.get('client_id');
  let secret: string | null = null;
  if (/^Basic /i.test(auth)) {
    const decoded = Buffer.from(auth.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return oauthError('invalid_client');
    // RFC 6749 2.3.1: both halves are form-encoded; a malformed escape is a wrong credential.
    const unescape = (s: string): string | null => {
      try {
        return decodeURIComponent(s.replace(/\+/g, ' '));
      } catch {
        return null;
      }
    };
    const basicId = unescape(decoded.slice(0, colon));
    secret = unescape(decoded.slice(colon + 1));
    if (basicId === null || secret === null || (id !== null && id !== basicId)) return oauthError('invalid_client');
    id = basicId;
  }
  // client_secret_post, which the discovery document also offers.
  if (secret === null) secret = fields.get('client_secret');
  const oauth = ml.oauthClient(id);
  if (!oauth) return oauthError('invalid_client');
  const expected = oauth.client.secret;
  if (expected && (secret === null || !same(secret, expected))) return oauthError('invalid_client');
  return oauth;
}

export function isForm(req: EmuRequest): boolean {
  return (
    (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() === 'application/x-www-form-urlencoded'
  );
}

export function tokenEndpoint(req: EmuRequest, ml: ManagedLogin): PageReply {
  if (!isForm(req)) return oauthError('invalid_request');
  const fields = form(req);
  const grant = fields.get('grant_type');
  if (!grant) return oauthError('invalid_request');
  const oauth = authenticateClient(req, ml, fields);
  if ('status' in oauth) return oauth;
  const client = oauth.client;
  const pool = ml.pool;
  if (grant === 'authorization_code') {
    if (!oauth.flows.includes('code')) return oauthError('unauthorized_client');
    const code = fields.get('code');
    if (!code) return oauthError('invalid_request');
    const record = ml.codes.get(code);
    if (!record || record.used || record.expires < ml.now() || record.clientId !== client.id)
      return oauthError('invalid_grant');
    // Presented once, spent, whatever happens next.
    record.used = true;
    if (fields.get('redirect_uri') !== record.redirectUri) return oauthError('invalid_grant');
    if (record.codeChallenge !== null) {
      const verifier = fields.get('code_verifier');
      if (!verifier || !/^[A-Za-z0-9._~-]{43,128}$/.test(verifier) || s256(verifier) !== record.codeChallenge)
        return oauthError('invalid_grant');
    }
    const user = pool.users[record.username];
    if (!user?.enabled) return oauthError('invalid_grant');
    const tokens = pool.issueTokens(client, user, null, { scopes: record.scopes, nonce: record.nonce ?? undefined });
    return json(200, {
      ...(record.scopes.includes('openid') ? { id_token: tokens.IdToken } : {}),
      access_token: tokens.AccessToken,
      refresh_token: tokens.RefreshToken,
      expires_in: tokens.ExpiresIn,
      token_type: 'Bearer',
    });
  }
  if (grant === 'refresh_token') {
    const token = fields.get('refresh_token');
    if (!token) return oauthError('invalid_request');
    const record = pool.refreshTokens[token];
    const user = record ? pool.users[record.username] : undefined;
    if (!record || record.clientId !== client.id || record.revoked || record.expires < ml.now() || !user?.enabled)
      return oauthError('invalid_grant');
    const tokens = pool.issueTokens(client, user, record);
    return json(200, {
      ...((record.scopes ?? ['openid']).includes('openid') ? { id_token: tokens.IdToken } : {}),
      access_token: tokens.AccessToken,
      expires_in: tokens.ExpiresIn,
      token_type: 'Bearer',
    });
  }
  if (grant === 'client_credentials') return oauthError('unauthorized_client');
  return oauthError('unsupported_grant_type');
}
