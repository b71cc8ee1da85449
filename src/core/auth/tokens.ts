// Verifies Cognito tokens with aws-jwt-verify: signature, issuer, audience/client, token_use
// and expiry. The JWKS decides which tokens are genuine, so it comes only from AWS's issuer for
// the pool, or from the loopback emulator (see jwksUrl); an endpoint setting never chooses it.
// Fetched with global fetch: aws-jwt-verify's default fetcher is https-only.
import * as l10n from '@vscode/l10n';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { JwtExpiredError } from 'aws-jwt-verify/error';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import type { Fetcher } from 'aws-jwt-verify/https';
import type { CognitoIdTokenPayload, CognitoAccessTokenPayload } from 'aws-jwt-verify/jwt-model';
import { jwksUrl } from './endpoints';
import { AuthError } from './errors';
import { SUB_PATTERN } from './session';
import type { Session } from './session';

export interface TokenSet {
  readonly idToken: string;
  readonly accessToken: string;
  readonly refreshToken: string;
}

export interface VerifierOptions {
  readonly userPoolId: string;
  readonly clientId: string;
  /** `storyteller.endpoints.cognitoIdp`, if set. */
  readonly endpoint?: string;
  /** Seconds of clock skew tolerated on exp/iat. */
  readonly graceSeconds?: number;
}

class GlobalFetcher implements Fetcher {
  constructor(
    private readonly expected: string,
    private readonly location: string,
  ) {}
  async fetch(uri: string): Promise<ArrayBuffer> {
    // aws-jwt-verify derives the URI from the pool id; anything else is refused, not fetched.
    if (uri !== this.expected) throw new Error('Refusing to fetch signing keys from an unexpected address.');
    const response = await fetch(this.location, { signal: AbortSignal.timeout(10_000), redirect: 'error' });
    if (!response.ok) throw new Error(`JWKS request failed with HTTP ${response.status}`);
    return response.arrayBuffer();
  }
}

export type TokenVerifier = (tokens: TokenSet) => Promise<Session>;

export function createTokenVerifier(options: VerifierOptions): TokenVerifier {
  const fetcher = new GlobalFetcher(jwksUrl(options.userPoolId), jwksUrl(options.userPoolId, options.endpoint));
  const jwksCache = new SimpleJwksCache({ fetcher });
  const graceSeconds = options.graceSeconds ?? 60;
  const idVerifier = CognitoJwtVerifier.create(
    { userPoolId: options.userPoolId, clientId: options.clientId, tokenUse: 'id', graceSeconds },
    { jwksCache },
  );
  const accessVerifier = CognitoJwtVerifier.create(
    { userPoolId: options.userPoolId, clientId: options.clientId, tokenUse: 'access', graceSeconds },
    { jwksCache },
  );

  return async (tokens) => {
    let id: CognitoIdTokenPayload;
    let access: CognitoAccessTokenPayload;
    try {
      [id, access] = (await Promise.all([
        idVerifier.verify(tokens.idToken),
        accessVerifier.verify(tokens.accessToken),
      ])) as [CognitoIdTokenPayload, CognitoAccessTokenPayload];
    } catch (e) {
      throw e instanceof JwtExpiredError ? (skewedClock(tokens.accessToken) ?? e) : e;
    }
    if (id.sub !== access.sub) throw new Error('The ID and access tokens belong to different users.');
    // The sub names the user's history folder: only Cognito's UUID form may become a path.
    if (!SUB_PATTERN.test(id.sub))
      throw new AuthError(
        l10n.t('Cognito returned a user id that is not a UUID, so the sign-in was refused.'),
        'BadSubject',
        'user',
      );
    return {
      ...tokens,
      username: String(id['cognito:username'] ?? access.username),
      email: typeof id.email === 'string' ? id.email : '',
      ...displayName(id),
      sub: id.sub,
      issuedAt: access.iat * 1000,
      expiresAt: Math.min(access.exp, id.exp) * 1000,
    };
  };
}

/** The name a social provider shared (mapped to `name` or `nickname`), for a label without an email. */
function displayName(id: CognitoIdTokenPayload): { name?: string } {
  const name = [id.name, id.nickname].find((n): n is string => typeof n === 'string' && n.trim() !== '');
  return name ? { name: name.trim() } : {};
}

/**
 * New tokens that look expired mean the local clock is far ahead of the server's: say so,
 * rather than "expired", since signing in again cannot help.
 */
function skewedClock(accessToken: string): AuthError | undefined {
  let iat: unknown;
  try {
    iat = (JSON.parse(Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as { iat?: unknown })
      .iat;
  } catch {
    return undefined;
  }
  if (typeof iat !== 'number') return undefined;
  const aheadMinutes = Math.round((Date.now() - iat * 1000) / 60_000);
  if (aheadMinutes < 2) return undefined;
  const amount = aheadMinutes >= 120 ? `${Math.round(aheadMinutes / 60)} hours` : `${aheadMinutes} minutes`;
  return new AuthError(
    `Your computer's clock is about ${amount} ahead of Amazon Cognito's, so the new sign-in looks expired. Set the clock right (turn on automatic time), then sign in again.`,
    'ClockSkew',
    'user',
  );
}
