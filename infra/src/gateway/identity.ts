// Who is calling: the Cognito user, not the role session every user shares. The request is signed
// with identity-pool credentials (Lambda checked the signature and put the caller's identity in
// the request context); the user's ID token, verified here, must belong to that same identity.
// The budget key is the token's `sub`. A signed-out or revoked session is refused within
// SESSION_RECHECK_MS: the identity pool's server-side token check (ServerSideTokenCheck in the
// template) is asked again once that long has passed since it last said yes for the session.
import { CognitoIdentityClient, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import type { Fetcher } from 'aws-jwt-verify/https';
import { FetchError, JwksNotAvailableInCacheError } from 'aws-jwt-verify/error';
import { ID_TOKEN_HEADER } from './contract';
import { GatewayError, denied } from './wire';

export interface IdentityConfig {
  region: string;
  userPoolId: string;
  clientId: string;
  identityPoolId: string;
  /** AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER, when set (the local emulator): where the JWKS is. */
  userPoolEndpoint?: string | undefined;
}

/**
 * How long the identity pool's yes for one sign-in session is trusted. A session signed out or
 * revoked in the user pool gets no new story, and no usage, later than this after it ended (a
 * story already streaming runs to its end). One GetId per session per minute keeps it off the
 * first token's path.
 */
export const SESSION_RECHECK_MS = 60_000;
/** Past this many sessions, the expired ones are forgotten (memory stays bounded). */
const MAX_SESSIONS = 10_000;

export interface IdentityDeps {
  /** The clock (tests move it); Date.now by default. */
  now?: () => number;
  /** The identity pool's client; one for the region (or AWS_ENDPOINT_URL_COGNITO_IDENTITY) by default. */
  cognito?: CognitoIdentityClient;
}

export interface Caller {
  sub: string;
  identityId: string;
}

/** aws-jwt-verify's own fetcher is https-only; global fetch serves both. */
class FetchFetcher implements Fetcher {
  constructor(private readonly location: string | undefined) {}
  async fetch(uri: string): Promise<ArrayBuffer> {
    const response = await fetch(this.location ?? uri, { signal: AbortSignal.timeout(10_000), redirect: 'error' });
    if (!response.ok) throw new Error(`JWKS request failed with HTTP ${response.status}`);
    return response.arrayBuffer();
  }
}

type IamContext = {
  cognitoIdentity?: { identityId?: string; identityPoolId?: string; amr?: string[] } | null;
};

interface Checked {
  identityId: string;
  /** Until when the pool's yes stands. */
  until: number;
}

export class CallerIdentity {
  private readonly verifier;
  /** Per sign-in session (origin_jti), not per user: a live session must not vouch for a revoked one. */
  private readonly sessions = new Map<string, Checked>();
  private readonly cognito: CognitoIdentityClient;
  private readonly now: () => number;

  constructor(
    private readonly config: IdentityConfig,
    deps: IdentityDeps = {},
  ) {
    const jwks = config.userPoolEndpoint
      ? `${config.userPoolEndpoint.replace(/\/$/, '')}/${config.userPoolId}/.well-known/jwks.json`
      : undefined;
    this.verifier = CognitoJwtVerifier.create(
      { userPoolId: config.userPoolId, clientId: config.clientId, tokenUse: 'id' },
      { jwksCache: new SimpleJwksCache({ fetcher: new FetchFetcher(jwks) }) },
    );
    this.cognito = deps.cognito ?? new CognitoIdentityClient({ region: config.region });
    this.now = deps.now ?? Date.now;
  }

  async identify(event: LambdaFunctionURLEvent): Promise<Caller> {
    // @types/aws-lambda types cognitoIdentity as null (an IAM user's call); for identity-pool
    // credentials Lambda fills it, as for API Gateway's IAM authorizer. Absent, the call is refused.
    const iam = (event.requestContext as { authorizer?: { iam?: IamContext } }).authorizer?.iam;
    const cognito = iam?.cognitoIdentity;
    if (!cognito?.identityId || cognito.identityPoolId !== this.config.identityPoolId) {
      throw new GatewayError(
        'AccessDeniedException',
        'Call the story gateway with credentials from this stack’s identity pool.',
        403,
        { reason: 'noCallerIdentity' },
      );
    }
    const token = event.headers[ID_TOKEN_HEADER];
    if (!token) throw denied(`Send your ID token in the ${ID_TOKEN_HEADER} header.`);
    let claims: { sub: string; origin_jti?: unknown; jti?: unknown };
    try {
      claims = await this.verifier.verify(token);
    } catch (err) {
      // Keys that could not be fetched say nothing about the token: try again, not sign in again.
      if (err instanceof JwksNotAvailableInCacheError || err instanceof FetchError)
        throw new GatewayError(
          'ServiceUnavailableException',
          'The user pool’s signing keys are unavailable; try again.',
          503,
        );
      throw denied('The ID token is not valid for this user pool, or it has expired. Sign in again.');
    }
    const session = typeof claims.origin_jti === 'string' ? claims.origin_jti : String(claims.jti ?? token);
    if ((await this.identityOf(`${claims.sub} ${session}`, token)) !== cognito.identityId) {
      throw denied('The ID token belongs to another user than the credentials that signed the request.');
    }
    return { sub: claims.sub, identityId: cognito.identityId };
  }

  /** The identity id the pool gives this session's user, asked again once SESSION_RECHECK_MS has passed. */
  private async identityOf(key: string, token: string): Promise<string> {
    const now = this.now();
    const known = this.sessions.get(key);
    if (known && now < known.until) return known.identityId;
    const provider = `cognito-idp.${this.config.region}.amazonaws.com/${this.config.userPoolId}`;
    let identityId: string | undefined;
    try {
      const out = await this.cognito.send(
        new GetIdCommand({ IdentityPoolId: this.config.identityPoolId, Logins: { [provider]: token } }),
      );
      identityId = out.IdentityId;
    } catch (err) {
      // The pool's server-side check refuses a signed-out, revoked or deleted user's token.
      if ((err as { name?: unknown }).name === 'NotAuthorizedException') {
        this.sessions.delete(key);
        throw denied('The ID token was signed out or revoked, or its user was disabled.');
      }
      // An unreachable or throttled pool says nothing about the session: try again, not sign in again.
      throw new GatewayError('ServiceUnavailableException', 'The identity pool could not be reached; try again.', 503);
    }
    if (!identityId) throw denied('The identity pool did not recognise the ID token.');
    this.remember(key, { identityId, until: now + SESSION_RECHECK_MS }, now);
    return identityId;
  }

  private remember(key: string, checked: Checked, now: number): void {
    if (this.sessions.size >= MAX_SESSIONS) {
      for (const [k, v] of this.sessions) if (v.until <= now) this.sessions.delete(k);
      // Still full of live sessions: drop the oldest (Map keeps insertion order); it is asked again.
      if (this.sessions.size >= MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value as string);
    }
    this.sessions.set(key, checked);
  }
}
