// The tokens of a sign-in, as Cognito issues them: a refresh token (a record kept in the pool's
// state, opaque to the client) and the signed ID and access tokens with Cognito's claims. Its own
// file so that the user pool keeps the rules and this keeps the token formats.
import type { AuthenticationResultType } from '@aws-sdk/client-cognito-identity-provider';
import { randomBytes, randomUUID } from 'node:crypto';
import type { ClientConfig } from '../config';
import { AwsError } from '../errors';
import type { Wire } from '../operation';
import type { RefreshRecord, StateStore, User } from '../state';
import type { Claims, TokenSigner } from '../tokens';

/** What minting needs of the user pool. */
export interface TokenMinter {
  issuer: string;
  refreshTokens: Record<string, RefreshRecord>;
  signer: TokenSigner;
  now(): number;
  state: StateStore;
}

/** A new refresh token unless `existing` (a refresh), then ID and access tokens from it. */
export function issueTokens(
  d: TokenMinter,
  client: ClientConfig,
  user: User,
  existing: RefreshRecord | null,
  oauth?: { scopes: string[]; nonce?: string | undefined },
): Wire<AuthenticationResultType> {
  // Every flow checks first; this is the last line, for a user disabled in the middle of one.
  if (!user.enabled) throw new AwsError('NotAuthorizedException', 'User is disabled.');
  const now = Math.floor(d.now() / 1000);
  let record = existing;
  if (!record) {
    const token = `eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ.${randomBytes(192).toString('base64url')}.${randomBytes(12).toString('base64url')}.${randomBytes(360).toString('base64url')}.${randomBytes(16).toString('base64url')}`;
    record = {
      token,
      username: user.username,
      clientId: client.id,
      originJti: randomUUID(),
      authTime: now,
      expires: (now + client.refreshTokenSeconds) * 1000,
      revoked: false,
      ...(oauth ? { scopes: oauth.scopes } : {}),
    };
    d.refreshTokens[token] = record;
  }
  const eventId = randomUUID();
  const common = {
    sub: user.attributes.sub,
    iss: d.issuer,
    origin_jti: record.originJti,
    event_id: eventId,
    auth_time: record.authTime,
    iat: now,
  };
  const idClaims: Claims = {
    ...common,
    aud: client.id,
    'cognito:username': user.username,
    token_use: 'id',
    exp: now + client.idTokenSeconds,
    jti: randomUUID(),
    ...(oauth?.nonce ? { nonce: oauth.nonce } : {}),
  };
  for (const [k, v] of Object.entries(user.attributes)) {
    if (k === 'sub') continue;
    // A federated user's identities are a JSON list in the attribute and a list in the token.
    idClaims[k] = k.endsWith('_verified') ? v === 'true' : k === 'identities' ? (JSON.parse(v) as unknown) : v;
  }
  const accessClaims: Claims = {
    ...common,
    client_id: client.id,
    token_use: 'access',
    scope: (record.scopes ?? ['aws.cognito.signin.user.admin']).join(' '),
    exp: now + client.accessTokenSeconds,
    jti: randomUUID(),
    username: user.username,
  };
  d.state.changed();
  return {
    AccessToken: d.signer.sign(accessClaims),
    ExpiresIn: client.accessTokenSeconds,
    TokenType: 'Bearer',
    ...(existing ? {} : { RefreshToken: record.token }),
    IdToken: d.signer.sign(idClaims),
  };
}
