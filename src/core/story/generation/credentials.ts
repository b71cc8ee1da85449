// Temporary AWS credentials from the Cognito identity pool, in exchange for the user's ID token.
// Cached per user (`sub`) until 5 minutes before they expire, so a warm story makes no Cognito
// call at all; single-flight, so concurrent stories share one exchange; dropped on sign-out or a
// user change, so one user never signs with another's credentials. The ID token goes only to the
// identity pool and endpoint its session was signed in for.
import { fromCognitoIdentityPool } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { SessionOrigin } from '../../auth/origin';
import { notSignedIn } from '../../messages';
import { CredentialsError, StoryError } from '../errors';

/** The part of SessionManager this needs (the VS Code glue passes the SessionManager itself). */
export interface SessionSource {
  /** The stored session without any network call, or undefined when signed out. */
  peek(): Promise<{ readonly sub: string; readonly origin?: SessionOrigin } | undefined>;
  /** A session with a valid ID token; refreshes it if needed. */
  getSession(): Promise<{ readonly idToken: string; readonly sub: string; readonly origin?: SessionOrigin }>;
  /** Forces a token refresh (used once when the identity pool refuses the ID token). */
  refresh?(): Promise<unknown>;
}

export interface CognitoCredentialsOptions {
  readonly region: string;
  readonly identityPoolId: string;
  readonly userPoolId: string;
  /** `storyteller.endpoints.cognitoIdentity` (local emulator or VPC endpoint). */
  readonly endpoint?: string;
  readonly sessions: SessionSource;
  /** Renew this long before expiry; 5 minutes, as the SDK does. */
  readonly refreshMarginMs?: number;
  readonly now?: () => number;
}

interface Entry {
  readonly sub: string;
  readonly provider: AwsCredentialIdentityProvider;
  credentials: AwsCredentialIdentity | undefined;
  inflight: Promise<AwsCredentialIdentity> | undefined;
}

export const OTHER_ORIGIN =
  'Your session was signed in with other user pool or identity pool settings, so it was not used. Sign in again.';

export class CognitoCredentials {
  private entry: Entry | undefined;
  private generation = 0;
  private readonly margin: number;
  private readonly now: () => number;

  constructor(private readonly options: CognitoCredentialsOptions) {
    this.margin = options.refreshMarginMs ?? 5 * 60_000;
    this.now = options.now ?? Date.now;
  }

  /** Cached credentials of the signed-in user, fetched when missing or about to expire. */
  async get(): Promise<AwsCredentialIdentity> {
    const entry = await this.entryForCurrentUser();
    if (entry.credentials && this.isFresh(entry.credentials)) return entry.credentials;
    return this.fetch(entry);
  }

  /** Drops this user's cached credentials and fetches new ones (after Bedrock refused them). */
  async refresh(): Promise<AwsCredentialIdentity> {
    const entry = await this.entryForCurrentUser();
    if (!entry.inflight) entry.credentials = undefined;
    return this.fetch(entry);
  }

  /** Sign-out or user change: forget everything, also an exchange in flight. */
  clear(): void {
    this.generation++;
    this.entry = undefined;
  }

  /** For SDK clients. Marked memoized so the SDK leaves caching (and clear/refresh) to us. */
  provider(): AwsCredentialIdentityProvider {
    return Object.assign(() => this.get(), { memoized: true });
  }

  /** True when credentials are cached for the current user and fresh (no Cognito call needed). */
  get warm(): boolean {
    return this.entry?.credentials !== undefined && this.isFresh(this.entry.credentials);
  }

  private async entryForCurrentUser(): Promise<Entry> {
    const session = await this.options.sessions.peek();
    if (!session) {
      this.clear();
      throw new StoryError(notSignedIn(), 'notSignedIn', ['signIn']);
    }
    this.checkOrigin(session.origin);
    if (this.entry?.sub !== session.sub) {
      this.clear();
      this.entry = {
        sub: session.sub,
        provider: this.newProvider(session.sub),
        credentials: undefined,
        inflight: undefined,
      };
    }
    return this.entry;
  }

  private newProvider(sub: string): AwsCredentialIdentityProvider {
    const { region, identityPoolId, userPoolId, endpoint, sessions } = this.options;
    // The identity id, remembered per user (and only in memory), so a renewal is
    // GetCredentialsForIdentity alone, without GetId.
    const ids = new Map<string, string>();
    return fromCognitoIdentityPool({
      identityPoolId,
      userIdentifier: sub,
      cache: {
        getItem: (k) => ids.get(k) ?? null,
        setItem: (k, v) => void ids.set(k, v),
        removeItem: (k) => void ids.delete(k),
      },
      // A function, not a token: called at every exchange, so a refreshed ID token is used.
      logins: {
        [`cognito-idp.${region}.amazonaws.com/${userPoolId}`]: async () => {
          const session = await sessions.getSession();
          this.checkOrigin(session.origin);
          return session.idToken;
        },
      },
      clientConfig: { region, ...(endpoint ? { endpoint } : {}) },
    });
  }

  dispose(): void {
    this.clear();
  }

  /** A session bound to another pool or identity endpoint never reaches this one. */
  private checkOrigin(origin: SessionOrigin | undefined): void {
    if (!origin) return; // sessions made outside the extension (tests, the benchmark) carry none
    const { region, userPoolId, identityPoolId, endpoint } = this.options;
    if (
      origin.region !== region ||
      origin.userPoolId !== userPoolId ||
      origin.identityPoolId !== identityPoolId ||
      origin.cognitoIdentity !== (endpoint ?? '')
    ) {
      this.clear();
      throw new StoryError(OTHER_ORIGIN, 'sessionExpired', ['signIn']);
    }
  }

  private fetch(entry: Entry): Promise<AwsCredentialIdentity> {
    const generation = this.generation;
    return (entry.inflight ??= (async () => {
      try {
        const credentials = await entry.provider();
        // Signed out or switched user meanwhile: hand them to no one else's cache.
        if (generation === this.generation && this.entry === entry) entry.credentials = credentials;
        return credentials;
      } catch (e) {
        throw e instanceof StoryError ? e : new CredentialsError(e);
      } finally {
        entry.inflight = undefined;
      }
    })());
  }

  private isFresh(credentials: AwsCredentialIdentity): boolean {
    // Identity pool credentials always expire; without a date, renew rather than trust forever.
    return credentials.expiration !== undefined && credentials.expiration.getTime() - this.margin > this.now();
  }
}
