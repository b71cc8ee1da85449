// Managed login's state: what the browser flow keeps between requests (authorization codes, the
// hosted session cookie, federation hand-offs), over the settings of managedLoginConfig.ts. The
// user pool is the same one the API uses: users, passwords, codes and tokens are its own.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { UserPool } from '../cognito-idp/userPool';
import type { User } from '../state';
import { redirect } from './html';
import type { PageReply } from './html';
import type { IdentityProviderConfig, ManagedLoginConfig, OAuthClient } from './managedLoginConfig';
import { LocalProviders } from './socialProviders';

/** An authorization code: single use, five minutes (Cognito's documented lifetime). */
export interface AuthorizationCode {
  clientId: string;
  redirectUri: string;
  username: string;
  scopes: string[];
  nonce: string | null;
  codeChallenge: string | null;
  expires: number;
  used: boolean;
}

export const CODE_LIFETIME_MS = 5 * 60 * 1000;
/** The hosted session cookie's life: Cognito keeps it for an hour. */
export const HOSTED_SESSION_MS = 60 * 60 * 1000;
export const SESSION_COOKIE = 'cognito';

export class ManagedLogin {
  /** The hosted domain's origin; set once the port is known. */
  base = '';
  readonly codes = new Map<string, AuthorizationCode>();
  readonly sessions = new Map<string, { username: string; expires: number }>();
  /** Federation hand-offs: the state sent to a social provider -> the authorize query. */
  readonly federations = new Map<string, { query: string; expires: number }>();
  readonly localProviders = new LocalProviders(this);

  constructor(
    readonly pool: UserPool,
    readonly config: ManagedLoginConfig,
  ) {}

  now(): number {
    return this.pool.now();
  }

  oauthClient(clientId: string | null): OAuthClient | undefined {
    return clientId ? this.config.clients.get(clientId) : undefined;
  }

  provider(name: string): IdentityProviderConfig | undefined {
    return this.config.providers.find((p) => p.name === name);
  }

  /** The user of a live hosted session, from the request's cookie. */
  sessionUser(cookie: string | undefined): User | undefined {
    const s = cookie ? this.sessions.get(cookie) : undefined;
    if (!s || s.expires < this.now()) return undefined;
    const user = this.pool.users[s.username];
    return user?.enabled ? user : undefined;
  }

  /** Signed in: a hosted session, and back to the app with a code and its state. */
  finish(
    request: { clientId: string; redirectUri: string; state: string | null; scopes: string[]; nonce: string | null },
    codeChallenge: string | null,
    user: User,
    existingSession: string | null,
  ): PageReply {
    const code = randomUUID();
    this.codes.set(code, {
      clientId: request.clientId,
      redirectUri: request.redirectUri,
      username: user.username,
      scopes: request.scopes,
      nonce: request.nonce,
      codeChallenge,
      expires: this.now() + CODE_LIFETIME_MS,
      used: false,
    });
    let cookie: string | null = null;
    if (!existingSession) {
      const id = randomBytes(32).toString('base64url');
      this.sessions.set(id, { username: user.username, expires: this.now() + HOSTED_SESSION_MS });
      cookie = `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${HOSTED_SESSION_MS / 1000}`;
    }
    const target = new URL(request.redirectUri);
    target.searchParams.set('code', code);
    if (request.state !== null) target.searchParams.set('state', request.state);
    return redirect(target.toString(), cookie);
  }

  endSession(cookie: string | undefined): void {
    if (cookie) this.sessions.delete(cookie);
  }
}

/** PKCE S256: BASE64URL(SHA256(verifier)). */
export function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}
