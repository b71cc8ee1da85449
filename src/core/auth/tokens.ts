// Verifies Cognito tokens with aws-jwt-verify: signature, issuer, audience/client, token_use
// and expiry. The JWKS comes from the configured endpoint when one is set (the local emulator
// or a VPC endpoint), fetched with global fetch: aws-jwt-verify's default fetcher is https-only.
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import type { Fetcher } from 'aws-jwt-verify/https';
import type { CognitoIdTokenPayload, CognitoAccessTokenPayload } from 'aws-jwt-verify/jwt-model';
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
  constructor(private readonly rewrite: (uri: string) => string) {}
  async fetch(uri: string): Promise<ArrayBuffer> {
    const response = await fetch(this.rewrite(uri), { signal: AbortSignal.timeout(10_000) });
    if (!response.ok) throw new Error(`JWKS request failed with HTTP ${response.status}`);
    return response.arrayBuffer();
  }
}

export type TokenVerifier = (tokens: TokenSet) => Promise<Session>;

export function createTokenVerifier(options: VerifierOptions): TokenVerifier {
  const issuerHost = /^https:\/\/cognito-idp\.[^/]+\.amazonaws\.com/;
  const fetcher = new GlobalFetcher((uri) => (options.endpoint ? uri.replace(issuerHost, options.endpoint) : uri));
  const jwksCache = new SimpleJwksCache({ fetcher });
  const graceSeconds = options.graceSeconds ?? 60;
  const idVerifier = CognitoJwtVerifier.create({ userPoolId: options.userPoolId, clientId: options.clientId, tokenUse: 'id', graceSeconds }, { jwksCache });
  const accessVerifier = CognitoJwtVerifier.create(
    { userPoolId: options.userPoolId, clientId: options.clientId, tokenUse: 'access', graceSeconds },
    { jwksCache },
  );

  return async (tokens) => {
    const [id, access] = (await Promise.all([idVerifier.verify(tokens.idToken), accessVerifier.verify(tokens.accessToken)])) as [
      CognitoIdTokenPayload,
      CognitoAccessTokenPayload,
    ];
    if (id.sub !== access.sub) throw new Error('The ID and access tokens belong to different users.');
    return {
      ...tokens,
      username: String(id['cognito:username'] ?? access.username),
      email: typeof id.email === 'string' ? id.email : '',
      sub: id.sub,
      issuedAt: access.iat * 1000,
      expiresAt: Math.min(access.exp, id.exp) * 1000,
    };
  };
}
