// The identity pool's state and rules shared by its operations: ID tokens checked with
// aws-jwt-verify against the providers and clients the template lists; temporary credentials.
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import {
  CognitoJwtInvalidClientIdError,
  CognitoJwtInvalidTokenUseError,
  JwtExpiredError,
  JwtInvalidAudienceError,
  JwtInvalidIssuerError,
} from 'aws-jwt-verify/error';
import { createHash, randomBytes } from 'node:crypto';
import type { IdentityPoolConfig, RoleConfig } from '../config';
import { AwsError } from '../errors';
import type { Claims } from '../tokens';

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

export class IdentityPool {
  readonly credentials = new Map<string, IssuedCredentials>();
  readonly unauthenticated = new Set<string>();

  constructor(private readonly d: IdentityPoolDeps) {}

  get config(): IdentityPoolConfig {
    return this.d.config;
  }

  get region(): string {
    return this.d.region;
  }

  checkPoolId(id: string | undefined): void {
    if (id !== this.d.config.id)
      throw new AwsError('ResourceNotFoundException', `IdentityPool '${String(id)}' not found.`);
  }

  /** Verifies the Logins map and returns the identity id it stands for, or null if empty. */
  authenticate(logins: Record<string, string> | undefined): string | null {
    const entries = Object.entries(logins ?? {});
    if (entries.length === 0) return null;
    let identity: string | null = null;
    for (const [providerName, token] of entries) {
      const provider = this.d.config.providers.find((p) => p.providerName === providerName);
      if (!provider)
        throw new AwsError('NotAuthorizedException', 'Token is not from a supported provider of this identity pool.');
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
      throw new AwsError('NotAuthorizedException', "Invalid login token. Issuer doesn't match providerName");
    }
    // Only the local pool's keys are known; verifySync never fetches, so no network is touched.
    verifier.cacheJwks(this.d.jwks() as Parameters<typeof verifier.cacheJwks>[0]);
    try {
      return verifier.verifySync(token) as unknown as Claims;
    } catch (err) {
      if (err instanceof JwtExpiredError)
        throw new AwsError('NotAuthorizedException', 'Invalid login token. Token expired.');
      if (err instanceof JwtInvalidAudienceError || err instanceof CognitoJwtInvalidClientIdError) {
        throw new AwsError('NotAuthorizedException', 'Invalid login token. Incorrect token audience.');
      }
      if (err instanceof JwtInvalidIssuerError)
        throw new AwsError('NotAuthorizedException', "Invalid login token. Issuer doesn't match providerName");
      if (err instanceof CognitoJwtInvalidTokenUseError)
        throw new AwsError('NotAuthorizedException', 'Invalid login token. Not a valid OpenId Connect identity token.');
      throw new AwsError('NotAuthorizedException', "Invalid login token. Couldn't verify signed token.");
    }
  }

  /** Stable per user: the same user always gets the same identity, across restarts too. */
  private identityFor(providerName: string, sub: string): string {
    const h = createHash('sha256').update(`${this.d.config.id}|${providerName}|${sub}`).digest('hex');
    return `${this.d.region}:${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
  }

  issue(identityId: string, role: RoleConfig): IssuedCredentials {
    const creds: IssuedCredentials = {
      accessKeyId: `ASIA${randomChars(16, ALNUM_UPPER)}`,
      secretKey: randomBytes(30).toString('base64'),
      sessionToken: randomBytes(300).toString('base64'),
      expires: this.d.now() + this.d.credentialsLifetimeSeconds * 1000,
      identityId,
      role,
    };
    this.credentials.set(creds.accessKeyId, creds);
    return creds;
  }

  /** The fault "expire all issued credentials now". */
  expireAll(): number {
    const now = this.d.now();
    for (const c of this.credentials.values()) c.expires = Math.min(c.expires, now - 1);
    return this.credentials.size;
  }
}
