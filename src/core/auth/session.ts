// The signed-in session: where it is stored, when it is refreshed, and when it ends.
// Rules (from Amplify Auth and VS Code's own auth providers):
// - refresh proactively at ~2/3 of the access token's lifetime, and lazily on demand;
// - one refresh at a time, however many callers wait for it;
// - end the session only on a definite auth error; stay signed in, "offline", on anything else;
// - another window may refresh or sign out at any time: re-read the store before deciding.
import { AuthError, endsSession, toAuthError } from './errors';

export interface Session {
  readonly idToken: string;
  readonly accessToken: string;
  readonly refreshToken: string;
  /** `cognito:username`: the name SECRET_HASH uses on refresh (not always the email). */
  readonly username: string;
  readonly email: string;
  readonly sub: string;
  /** Epoch ms when the access token was issued and when it expires. */
  readonly issuedAt: number;
  readonly expiresAt: number;
}

/** The one SecretStorage key, wrapped; it holds the session as JSON. */
export interface SessionStore {
  read(): Promise<string | undefined>;
  write(value: string): Promise<void>;
  delete(): Promise<void>;
  /** Fires when the value changes, also from another window. */
  onDidChange(listener: () => void): { dispose(): void };
}

/** Trades the refresh token for new tokens (REFRESH_TOKEN_AUTH), verified. */
export type Refresher = (session: Session) => Promise<Session>;

export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): { dispose(): void };
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(callback, ms) {
    const handle = setTimeout(callback, ms);
    handle.unref?.();
    return { dispose: () => clearTimeout(handle) };
  },
};

export type SessionState =
  | { readonly kind: 'signed-out'; readonly reason?: string }
  | { readonly kind: 'signed-in'; readonly session: Session }
  /** Signed in, but the last refresh could not reach Cognito; retrying by itself. */
  | { readonly kind: 'offline'; readonly session: Session; readonly error: AuthError };

export interface SessionManagerOptions {
  readonly store: SessionStore;
  readonly refresh: Refresher;
  readonly clock?: Clock;
  /** A token this close to expiry counts as expired (clock skew, request time). */
  readonly skewMs?: number;
  readonly maxBackoffMs?: number;
  readonly log?: (message: string) => void;
}

export const SESSION_EXPIRED = 'Your session has expired. Sign in again.';
const CORRUPT = 'The stored session could not be read, so it was cleared. Sign in again.';

export class SessionManager {
  private state: SessionState = { kind: 'signed-out' };
  private inflight: Promise<Session> | undefined;
  private timer: { dispose(): void } | undefined;
  private failures = 0;
  private loaded: Promise<void> | undefined;
  private readonly listeners = new Set<(state: SessionState) => void>();
  private readonly storeListener: { dispose(): void };
  private readonly clock: Clock;
  private readonly skewMs: number;
  private readonly maxBackoffMs: number;

  constructor(private readonly options: SessionManagerOptions) {
    this.clock = options.clock ?? systemClock;
    this.skewMs = options.skewMs ?? 60_000;
    this.maxBackoffMs = options.maxBackoffMs ?? 5 * 60_000;
    this.storeListener = options.store.onDidChange(() => void this.reload());
  }

  get current(): SessionState {
    return this.state;
  }

  onDidChange(listener: (state: SessionState) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Reads the stored session once; later calls wait for the same read. */
  load(): Promise<void> {
    return (this.loaded ??= this.reload());
  }

  /** Re-reads the store now, e.g. after another window wrote it. */
  async sync(): Promise<void> {
    await this.load();
    await this.reload();
  }

  /** The session if there is one, without any network call; it may need a refresh. */
  async peek(): Promise<Session | undefined> {
    await this.load();
    return this.state.kind === 'signed-out' ? undefined : this.state.session;
  }

  /**
   * A session whose tokens are valid for at least the skew. Refreshes if needed (single-flight).
   * Throws AuthError: severity 'transient' when offline, or SESSION_EXPIRED when it ended.
   */
  async getSession(): Promise<Session> {
    await this.load();
    if (this.state.kind === 'signed-out') throw new AuthError(this.state.reason ?? 'You are not signed in. Sign in first.', 'NotSignedIn', 'user', 'sign-in');
    const { session } = this.state;
    if (this.isFresh(session)) return session;
    return this.refresh();
  }

  /** Refreshes now, sharing one request among all concurrent callers. */
  refresh(): Promise<Session> {
    return (this.inflight ??= this.doRefresh().finally(() => {
      this.inflight = undefined;
    }));
  }

  /** After a sign-in. */
  async signIn(session: Session): Promise<void> {
    this.failures = 0;
    await this.options.store.write(JSON.stringify(session));
    this.setState({ kind: 'signed-in', session });
  }

  /** Forgets the session locally (revocation is the caller's job, before this). */
  async signOut(reason?: string): Promise<void> {
    await this.options.store.delete();
    this.setState(reason ? { kind: 'signed-out', reason } : { kind: 'signed-out' });
  }

  dispose(): void {
    this.timer?.dispose();
    this.storeListener.dispose();
    this.listeners.clear();
  }

  private isFresh(session: Session): boolean {
    return session.expiresAt - this.skewMs > this.clock.now();
  }

  private async doRefresh(): Promise<Session> {
    // Another window may have refreshed already: use its tokens instead of spending a request.
    const stored = await this.readStore();
    if (stored === undefined) {
      this.setState({ kind: 'signed-out' });
      throw new AuthError('You are not signed in. Sign in first.', 'NotSignedIn', 'user', 'sign-in');
    }
    const known = this.state.kind === 'signed-out' ? undefined : this.state.session.accessToken;
    if (stored.accessToken !== known && this.isFresh(stored)) {
      this.setState({ kind: 'signed-in', session: stored });
      return stored;
    }

    try {
      const next = await this.options.refresh(stored);
      this.failures = 0;
      await this.options.store.write(JSON.stringify(next));
      this.setState({ kind: 'signed-in', session: next });
      this.options.log?.(`Session refreshed; valid until ${new Date(next.expiresAt).toISOString()}.`);
      return next;
    } catch (e) {
      const error = toAuthError(e);
      if (endsSession(error)) {
        // Unless another window signed in again meanwhile, this session is over.
        const latest = await this.readStore();
        if (latest && latest.refreshToken !== stored.refreshToken) {
          this.setState({ kind: 'signed-in', session: latest });
          return this.isFresh(latest) ? latest : this.refresh();
        }
        this.options.log?.(`Refresh refused (${error.code}); signing out.`);
        await this.signOut(SESSION_EXPIRED);
        throw new AuthError(SESSION_EXPIRED, error.code, 'user', 'sign-in');
      }
      this.failures++;
      this.options.log?.(`Refresh failed (${error.code}); staying signed in, offline. Attempt ${this.failures}.`);
      this.setState({ kind: 'offline', session: stored, error });
      throw error;
    }
  }

  private async reload(): Promise<void> {
    const session = await this.readStore();
    if (session === undefined) {
      if (this.state.kind !== 'signed-out') this.setState({ kind: 'signed-out' });
      return;
    }
    const same =
      this.state.kind !== 'signed-out' && this.state.session.accessToken === session.accessToken && this.state.session.expiresAt === session.expiresAt;
    if (!same) {
      this.failures = 0;
      this.setState({ kind: 'signed-in', session });
    }
  }

  private async readStore(): Promise<Session | undefined> {
    const raw = await this.options.store.read();
    if (raw === undefined) return undefined;
    const session = parseSession(raw);
    if (!session) {
      await this.options.store.delete();
      this.setState({ kind: 'signed-out', reason: CORRUPT });
      return undefined;
    }
    return session;
  }

  private setState(state: SessionState): void {
    this.state = state;
    this.schedule();
    for (const listener of [...this.listeners]) listener(state);
  }

  /** Proactive refresh at 2/3 of the lifetime; while offline, retry with capped backoff. */
  private schedule(): void {
    this.timer?.dispose();
    this.timer = undefined;
    const state = this.state;
    if (state.kind === 'signed-out') return;
    let delay: number;
    if (state.kind === 'offline') {
      delay = Math.min(this.maxBackoffMs, 1000 * 2 ** Math.min(this.failures - 1, 20));
    } else {
      const { issuedAt, expiresAt } = state.session;
      delay = Math.max(0, issuedAt + ((expiresAt - issuedAt) * 2) / 3 - this.clock.now());
    }
    this.timer = this.clock.setTimeout(() => {
      this.refresh().catch(() => undefined); // the outcome is in the state
    }, delay);
  }
}

export function parseSession(raw: string): Session | undefined {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const strings = ['idToken', 'accessToken', 'refreshToken', 'username', 'email', 'sub'] as const;
  const numbers = ['issuedAt', 'expiresAt'] as const;
  if (!strings.every((k) => typeof v[k] === 'string' && v[k] !== '')) return undefined;
  if (!numbers.every((k) => typeof v[k] === 'number' && Number.isFinite(v[k]))) return undefined;
  return value as Session;
}
