// The Cognito identity pool API (awsJson1_1, target prefix AWSCognitoIdentityService): GetId
// and GetCredentialsForIdentity. ID tokens are checked with aws-jwt-verify against the providers
// and clients the template lists; credentials are temporary and expire.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import {
  CognitoJwtInvalidClientIdError, CognitoJwtInvalidTokenUseError, JwtExpiredError, JwtInvalidAudienceError, JwtInvalidIssuerError,
} from 'aws-jwt-verify/error';
import type { IdentityPoolConfig, RoleConfig } from './config';
import { AwsError } from './errors';
import type { Claims } from './tokens';

type Input = Record<string, unknown>;

export interface IssuedCredentials {
  accessKeyId: string;
  secretKey: string;
  sessionToken: string;
  expires: number;
  identityId: string;
  role: RoleConfig;
}

export interface IdentityPoolDeps {
  config: IdentityPoolConfig;
  region: string;
  userPoolId: string;
  jwks: () => unknown;
  /** Server-side token check: why a token the user pool issued is no longer good, or null. */
  tokenProblem: (claims: Claims) => string | null;
  now: () => number;
  credentialsLifetimeSeconds: number;
}

const ALNUM_UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function randomChars(n: number, alphabet: string): string {
  return [...randomBytes(n)].map((b) => alphabet[b % alphabet.length]).join('');
}

export class IdentityPoolService {
  readonly credentials = new Map<string, IssuedCredentials>();
  private readonly unauthenticated = new Set<string>();

  constructor(private readonly d: IdentityPoolDeps) {}

  async handle(operation: string, input: Input): Promise<Record<string, unknown>> {
    switch (operation) {
      case 'GetId': return this.getId(input);
      case 'GetCredentialsForIdentity': return this.getCredentials(input);
      default:
        throw new AwsError('UnknownOperationException', `Operation ${operation} is not supported by the local emulator`);
    }
  }

  private checkPoolId(input: Input): void {
    const id = input.IdentityPoolId;
    if (typeof id !== 'string' || !/^[\w-]+:[0-9a-f-]+$/.test(id)) throw new AwsError('InvalidParameterException', '1 validation error detected: Value at \'identityPoolId\' failed to satisfy constraint');
    if (id !== this.d.config.id) throw new AwsError('ResourceNotFoundException', `IdentityPool '${id}' not found.`);
  }

  /** Verifies the Logins map and returns the identity id it stands for, or null if empty. */
  private authenticate(logins: unknown): string | null {
    const entries = Object.entries((logins ?? {}) as Record<string, unknown>);
    if (entries.length === 0) return null;
    let identity: string | null = null;
    for (const [providerName, token] of entries) {
      const provider = this.d.config.providers.find((p) => p.providerName === providerName);
      if (!provider) throw new AwsError('NotAuthorizedException', 'Token is not from a supported provider of this identity pool.');
      if (typeof token !== 'string') throw new AwsError('NotAuthorizedException', 'Invalid login token. Not a valid OpenId Connect identity token.');
      const poolId = providerName.split('/')[1] ?? '';
      const claims = this.verify(token, poolId, provider.clientId);
      if (provider.serverSideTokenCheck && this.d.tokenProblem(claims) !== null) {
        throw new AwsError('NotAuthorizedException', 'Invalid login token. Token has been revoked.');
      }
      identity = this.identityFor(providerName, String(claims.sub));
    }
    return identity;
  }

  private verify(token: string, poolId: string, clientId: string): Claims {
    let verifier;
    try {
      verifier = CognitoJwtVerifier.create({ userPoolId: poolId, tokenUse: 'id', clientId });
    } catch {
      throw new AwsError('NotAuthorizedException', 'Invalid login token. Issuer doesn\'t match providerName');
    }
    // Only the local pool's keys are known; verifySync never fetches, so no network is touched.
    verifier.cacheJwks(this.d.jwks() as Parameters<typeof verifier.cacheJwks>[0]);
    try {
      return verifier.verifySync(token) as unknown as Claims;
    } catch (err) {
      if (err instanceof JwtExpiredError) throw new AwsError('NotAuthorizedException', 'Invalid login token. Token expired.');
      if (err instanceof JwtInvalidAudienceError || err instanceof CognitoJwtInvalidClientIdError) {
        throw new AwsError('NotAuthorizedException', 'Invalid login token. Incorrect token audience.');
      }
      if (err instanceof JwtInvalidIssuerError) throw new AwsError('NotAuthorizedException', 'Invalid login token. Issuer doesn\'t match providerName');
      if (err instanceof CognitoJwtInvalidTokenUseError) throw new AwsError('NotAuthorizedException', 'Invalid login token. Not a valid OpenId Connect identity token.');
      throw new AwsError('NotAuthorizedException', 'Invalid login token. Couldn\'t verify signed token.');
    }
  }

  /** Stable per user: the same user always gets the same identity, across restarts too. */
  private identityFor(providerName: string, sub: string): string {
    const h = createHash('sha256').update(`${this.d.config.id}|${providerName}|${sub}`).digest('hex');
    return `${this.d.region}:${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
  }

  private getId(input: Input): Record<string, unknown> {
    this.checkPoolId(input);
    const identity = this.authenticate(input.Logins);
    if (identity) return { IdentityId: identity };
    if (!this.d.config.allowUnauthenticated) throw new AwsError('NotAuthorizedException', 'Unauthenticated access is not supported for this identity pool.');
    const id = `${this.d.region}:${randomUUID()}`;
    this.unauthenticated.add(id);
    return { IdentityId: id };
  }

  private getCredentials(input: Input): Record<string, unknown> {
    const identityId = input.IdentityId;
    if (typeof identityId !== 'string' || !/^[\w-]+:[0-9a-f-]+$/.test(identityId)) {
      throw new AwsError('InvalidParameterException', '1 validation error detected: Value at \'identityId\' failed to satisfy constraint');
    }
    const identity = this.authenticate(input.Logins);
    let role: RoleConfig | null;
    if (identity) {
      if (identity !== identityId) throw new AwsError('NotAuthorizedException', 'Logins don\'t match. Please include at least one valid login for this identity or identity pool.');
      role = this.d.config.authenticatedRole;
    } else {
      if (!this.d.config.allowUnauthenticated) throw new AwsError('NotAuthorizedException', 'Unauthenticated access is not supported for this identity pool.');
      if (!this.unauthenticated.has(identityId)) throw new AwsError('ResourceNotFoundException', `Identity '${identityId}' not found.`);
      role = this.d.config.unauthenticatedRole;
    }
    if (!role) throw new AwsError('InvalidIdentityPoolConfigurationException', 'Invalid identity pool configuration. Check assigned IAM roles for this pool.');
    const creds: IssuedCredentials = {
      accessKeyId: `ASIA${randomChars(16, ALNUM_UPPER)}`,
      secretKey: randomBytes(30).toString('base64'),
      sessionToken: randomBytes(300).toString('base64'),
      expires: this.d.now() + this.d.credentialsLifetimeSeconds * 1000,
      identityId,
      role,
    };
    this.credentials.set(creds.accessKeyId, creds);
    return {
      IdentityId: identityId,
      Credentials: {
        AccessKeyId: creds.accessKeyId,
        SecretKey: creds.secretKey,
        SessionToken: creds.sessionToken,
        Expiration: Math.floor(creds.expires / 1000),
      },
    };
  }

  /** The fault "expire all issued credentials now". */
  expireAll(): number {
    const now = this.d.now();
    for (const c of this.credentials.values()) c.expires = Math.min(c.expires, now - 1);
    return this.credentials.size;
  }
}
