// POST /oauth2/revoke: revokes a refresh token and the tokens minted from it (the pool's
// RevokeToken rules), authenticating the client as the token endpoint does.
import type { EmuRequest } from '../http';
import { form } from './html';
import type { PageReply } from './html';
import type { ManagedLogin } from './managedLogin';
import { authenticateClient, isForm, oauthError } from './tokenEndpoint';

export function revokeEndpoint(req: EmuRequest, ml: ManagedLogin): PageReply {
  if (!isForm(req)) return oauthError('invalid_request');
  const fields = form(req);
  const token = fields.get('token');
  if (!token) return oauthError('invalid_request');
  const oauth = authenticateClient(req, ml, fields);
  if ('status' in oauth) return oauth;
  if (!oauth.client.enableTokenRevocation) return oauthError('unauthorized_client');
  // An access or ID token is not revocable here.
  if (ml.pool.verifyToken(token)) return oauthError('unsupported_token_type');
  const record = ml.pool.refreshTokens[token];
  if (record) {
    if (record.clientId !== oauth.client.id) return oauthError('invalid_grant');
    record.revoked = true;
    ml.pool.changed();
  }
  // An unknown token is answered as a revoked one (RFC 7009).
  return { status: 200, headers: { 'cache-control': 'no-store' }, body: '' };
}
