// Who is calling: the Cognito user, not the role session every user shares. The request is signed
// with identity-pool credentials (Lambda checked the signature and put the caller's identity in
// the request context); the user's ID token, verified here, must belong to that same identity.
// The budget key is the token's `sub`.
import { CognitoIdentityClient, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import type { Fetcher } from 'aws-jwt-verify/https';
import { FetchError, JwksNotAvailableInCacheError } from 'aws-jwt-verify/error';
import { GatewayError, denied } from './wire';

/** The header that carries the user's ID token (the Authorization header is the SigV4 signature). */
export const ID_TOKEN_HEADER = 'x-storyteller-id-token';

export interface IdentityConfig {
  region: string;
  userPoolId: string;
  clientId: string;
  identityPoolId: string;
  /** AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER, when set (the local emulator): where the JWKS is. */
  userPoolEndpoint?: string | undefined;
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

export class CallerIdentity {
  private readonly verifier;
  private readonly identities = new Map<string, string>();
  private readonly cognito: CognitoIdentityClient;

  constructor(private readonly config: IdentityConfig) {
    const jwks = config.userPoolEndpoint
      ? `${config.userPoolEndpoint.replace(/\/$/, '')}/${config.userPoolId}/.well-known/jwks.json`
      : undefined;
    this.verifier = CognitoJwtVerifier.create(
      { userPoolId: config.userPoolId, clientId: config.clientId, tokenUse: 'id' },
      { jwksCache: new SimpleJwksCache({ fetcher: new FetchFetcher(jwks) }) },
    );
    this.cognito = new CognitoIdentityClient({ region: config.region });
  }

  async identify(event: LambdaFunctionURLEvent): Promise<Caller> {
    // @types/aws-lambda types cognitoIdentity as null (an IAM user's call); for identity-pool
    // credentials Lambda fills it, as for API Gateway's IAM authorizer. Absent, the call is refused.
    const iam = (event.requestContext as { authorizer?: { iam?: IamContext } }).authorizer?.iam;
    const cognito = iam?.cognitoIdentity;
    if (!cognito?.identityId || cognito.identityPoolId !== this.config.identityPoolId) {
      throw denied('Call the story gateway with credentials from this stack’s identity pool.');
    }
    const token = event.headers[ID_TOKEN_HEADER];
    if (!token) throw denied(`Send your ID token in the ${ID_TOKEN_HEADER} header.`);
    let sub: string;
    try {
      sub = (await this.verifier.verify(token)).sub;
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
    if ((await this.identityOf(sub, token)) !== cognito.identityId) {
      throw denied('The ID token belongs to another user than the credentials that signed the request.');
    }
    return { sub, identityId: cognito.identityId };
  }

  /** The identity id the pool gives this user (stable per user, so kept for the environment's life). */
  private async identityOf(sub: string, token: string): Promise<string> {
    const known = this.identities.get(sub);
    if (known) return known;
    const provider = `cognito-idp.${this.config.region}.amazonaws.com/${this.config.userPoolId}`;
    const out = await this.cognito.send(
      new GetIdCommand({ IdentityPoolId: this.config.identityPoolId, Logins: { [provider]: token } }),
    );
    if (!out.IdentityId) throw denied('The identity pool did not recognise the ID token.');
    this.identities.set(sub, out.IdentityId);
    return out.IdentityId;
  }
}
