// The signed-in session: where it is stored, when it is refreshed, and when it ends.
// Rules (from Amplify Auth and VS Code's own auth providers):
// - refresh proactively at ~2/3 of the access token's lifetime, and lazily on demand;
// - one refresh at a time, however many callers wait for it;
// - end the session only on a definite auth error; stay signed in, "offline", on anything else;
// - another window may refresh or sign out at any time: re-read the store before deciding, and
//   write refreshed tokens only if the store still holds the session that was refreshed; a
//   sign-out marks its refresh token (a second key) before deleting, and a refresh that finds
//   its token marked after writing undoes the write, so no interleaving brings a session back;
// - a session is used only with the pool, client and endpoints it came from (its origin);
// - time is the server's: lifetimes are measured from when the tokens arrived, not from `iat`
//   against a local clock that may be minutes off.
import { createHash } from 'node:crypto';
import * as l10n from '@vscode/l10n';
import * as v from 'valibot';
import { notSignedIn } from '../messages';
import { AuthError, endsSession, toAuthError } from './errors';
import { notConfiguredMessage, ORIGIN_CHANGED, originChangedMessage, sameOrigin, unboundMessage } from './origin';
import type { SessionOrigin } from './origin';

/** Cognito's `sub`: a UUID. It names a folder, so nothing else is accepted. */
export const SUB_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const Text = v.pipe(v.string(), v.nonEmpty());
const Time = v.pipe(v.number(), v.finite());

const OriginSchema = v.strictObject({
  region: v.string(),
  userPoolId: v.string(),
  clientId: v.string(),
  cognitoIdp: v.string(),
  identityPoolId: v.string(),
  cognitoIdentity: v.string(),
});

/** The session as stored in SecretStorage (JSON). */
const SessionSchema = v.strictObject({
  idToken: Text,
  accessToken: Text,
  refreshToken: Text,
  /** `cognito:username`: the name SECRET_HASH uses on refresh (not always the email). */
  username: Text,
  /** Required by the template's pool (Schema email Required), for federated users too. */
  email: Text,
  /** The ID token's name (or nickname), for the account label when there is no email. */
  name: v.exactOptional(Text),
  /** How the user signed in; absent means a password in VS Code (sessions stored before browser sign-in). */
  method: v.exactOptional(v.picklist(['password', 'browser'])),
  /** Browser sign-in: `COGNITO` (the managed login page) or the social provider, e.g. `Google`. */
  provider: v.exactOptional(Text),
  sub: v.pipe(v.string(), v.regex(SUB_PATTERN)),
  /** Epoch ms when the access token was issued and when it expires, by the server's clock. */
  issuedAt: Time,
  expiresAt: Time,
  /** Epoch ms by the local clock when the tokens arrived; with issuedAt, the clock skew. */
  receivedAt: v.exactOptional(Time),
  /** Where the tokens came from; set by the sign-in, kept by every refresh. */
  origin: v.exactOptional(v.pipe(OriginSchema, v.readonly())),
});

export type Session = Readonly<v.InferOutput<typeof SessionSchema>>;

/** The one SecretStorage key, wrapped; it holds the session as JSON. */
export interface SessionStore {
  read(): Promise<string | undefined>;
  write(value: string): Promise<void>;
  delete(): Promise<void>;
  /** The mark of the last signed-out refresh token (a second key: a session write cannot erase it). */
  signedOutMark(): Promise<string | undefined>;
  markSignedOut(mark: string): Promise<void>;
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

/** Why nobody is signed in: code compares this, never the message, which may be translated. */
export type SignedOutCause =
  /** Nobody signed in yet, or the user signed out. */
  | 'signedOut'
  /** Cognito refused the refresh token: the session ended. */
  | 'expired'
  /** The store held something that is not a session; it was cleared. */
  | 'corrupt'
  /** The stored session belongs to other sign-in settings (or to none): it is kept, not used. */
  | 'otherSettings';

export type SessionState =
  | { readonly kind: 'signedOut'; readonly cause: SignedOutCause; readonly message?: string }
  | { readonly kind: 'signedIn'; readonly session: Session }
  /** Signed in, but the last refresh could not reach Cognito; retrying by itself. */
  | { readonly kind: 'offline'; readonly session: Session; readonly error: AuthError };

export interface SessionManagerOptions {
  readonly store: SessionStore;
  readonly refresh: Refresher;
  readonly clock?: Clock;
  /** A token this close to expiry counts as expired (clock skew, request time). */
  readonly skewMs?: number;
  readonly maxBackoffMs?: number;
  /** The proactive refresh never comes sooner than this after the tokens arrived. */
  readonly minRefreshMs?: number;
  /**
   * The origin the current settings give, or undefined when not configured. When set, a stored
   * session from another origin is never refreshed, revoked or handed out.
   */
  readonly origin?: () => SessionOrigin | undefined;
  readonly log?: (message: string) => void;
}

// Functions, not constants: the translations are configured after the modules load.
export const sessionExpiredMessage = (): string => l10n.t('Your session has expired. Sign in again.');
const corruptMessage = (): string => l10n.t('The stored session could not be read, so it was cleared. Sign in again.');
const storeUnavailableMessage = (): string =>
  l10n.t(
    "Could not read your saved session from the system's secret storage (is the keyring locked?). It is read again on the next use.",
  );
const SIGNED_OUT: Extract<SessionState, { kind: 'signedOut' }> = { kind: 'signedOut', cause: 'signedOut' };

/** A clock this far off the server's gets a warning at sign-in. */
export const SKEW_WARNING_MS = 2 * 60_000;

/** The local clock minus the server's, as seen when the tokens arrived (0 when unknown). */
export function clockSkewMs(session: Session): number {
  return session.receivedAt === undefined ? 0 : session.receivedAt - session.issuedAt;
}

/** One sentence about a badly set clock, or undefined when it is close enough. */
export function clockSkewMessage(skewMs: number): string | undefined {
  if (Math.abs(skewMs) < SKEW_WARNING_MS) return undefined;
  const minutes = Math.round(Math.abs(skewMs) / 60_000);
  const amount = minutes >= 120 ? `${Math.round(minutes / 60)} hours` : `${minutes} minutes`;
  return `Your computer's clock is ${amount} ${skewMs > 0 ? 'ahead of' : 'behind'} Amazon Cognito's. You are signed in, but set the clock right (turn on automatic time) to avoid sign-in problems.`;
}

export class SessionManager {
  private state: SessionState = SIGNED_OUT;
  private inflight: Promise<Session> | undefined;
  private timer: { dispose(): void } | undefined;
  private failures = 0;
  private loaded: Promise<void> | undefined;
  private readonly listeners = new Set<(state: SessionState) => void>();
  private readonly storeListener: { dispose(): void };
  private readonly clock: Clock;
  private readonly skewMs: number;
  private readonly maxBackoffMs: number;
  private readonly minRefreshMs: number;

  constructor(private readonly options: SessionManagerOptions) {
    this.clock = options.clock ?? systemClock;
    this.skewMs = options.skewMs ?? 60_000;
    this.maxBackoffMs = options.maxBackoffMs ?? 5 * 60_000;
    this.minRefreshMs = options.minRefreshMs ?? 30_000;
    this.storeListener = options.store.onDidChange(() => void this.reload().catch(() => undefined));
  }

  get current(): SessionState {
    return this.state;
  }

  onDidChange(listener: (state: SessionState) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /**
   * Reads the stored session once; later calls wait for the same read. A failed read (a keyring
   * that unlocks late) is not remembered: the next call reads again.
   */
  load(): Promise<void> {
    return (this.loaded ??= this.reload().catch((e: unknown) => {
      this.loaded = undefined;
      throw e;
    }));
  }

  /** Re-reads the store now, e.g. after another window wrote it. */
  async sync(): Promise<void> {
    await this.load();
    await this.reload();
  }

  /** The session if there is one, without any network call; it may need a refresh. */
  async peek(): Promise<Session | undefined> {
    await this.load();
    if (this.state.kind === 'signedOut') return undefined;
    return this.checkOrigin(this.state.session) ? this.state.session : undefined;
  }

  /**
   * A session whose tokens are valid for at least the skew. Refreshes if needed (single-flight).
   * Throws AuthError: severity 'transient' when offline, or action 'signIn' when it ended.
   */
  async getSession(): Promise<Session> {
    await this.load();
    if (this.state.kind === 'signedOut')
      throw new AuthError(this.state.message ?? notSignedIn(), 'NotSignedIn', 'user', 'signIn');
    const { session } = this.state;
    // The settings may have changed since the state was set: check before handing anything out.
    if (!this.checkOrigin(session)) throw this.signedOutError();
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
    const stamped = session.receivedAt === undefined ? { ...session, receivedAt: this.clock.now() } : session;
    await this.options.store.write(JSON.stringify(stamped));
    this.setState({ kind: 'signedIn', session: stamped });
  }

  /** Forgets the session locally (revocation is the caller's job, before this). */
  signOut(): Promise<void> {
    return this.forget(SIGNED_OUT);
  }

  dispose(): void {
    this.timer?.dispose();
    this.storeListener.dispose();
    this.listeners.clear();
  }

  /** Fresh until the skew (or a third of a short lifetime) before expiry, by the server's clock. */
  private isFresh(session: Session): boolean {
    const lifetime = session.expiresAt - session.issuedAt;
    return localExpiry(session) - Math.min(this.skewMs, lifetime / 3) > this.clock.now();
  }

  /**
   * True when the session may be used with the current settings. Otherwise the state says why
   * (signed out, with the change), the store is left alone (another profile may use it), and
   * nothing is sent.
   */
  private checkOrigin(session: Session): boolean {
    const message = this.originProblem(session);
    if (message === undefined) return true;
    // The message says what changed: a second change is news, the same one is not.
    if (this.state.kind !== 'signedOut' || this.state.cause !== 'otherSettings' || this.state.message !== message) {
      this.options.log?.('The stored session belongs to other sign-in settings; it is not used.');
      this.setState({ kind: 'signedOut', cause: 'otherSettings', message });
    }
    return false;
  }

  private originProblem(session: Session): string | undefined {
    if (!this.options.origin) return undefined;
    const current = this.options.origin();
    if (!session.origin) return unboundMessage();
    if (!current) return notConfiguredMessage();
    return sameOrigin(session.origin, current) ? undefined : originChangedMessage(session.origin, current);
  }

  private signedOutError(): AuthError {
    const message = this.state.kind === 'signedOut' ? this.state.message : undefined;
    return new AuthError(message ?? notSignedIn(), ORIGIN_CHANGED, 'user', 'signIn');
  }

  private async doRefresh(depth = 0): Promise<Session> {
    // Another window may have refreshed already: use its tokens instead of spending a request.
    const stored = await this.readStore();
    if (stored === undefined) {
      this.setState(SIGNED_OUT);
      throw new AuthError(notSignedIn(), 'NotSignedIn', 'user', 'signIn');
    }
    if (!this.checkOrigin(stored)) throw this.signedOutError();
    const known = this.state.kind === 'signedOut' ? undefined : this.state.session.accessToken;
    if (stored.accessToken !== known && this.isFresh(stored)) {
      this.setState({ kind: 'signedIn', session: stored });
      return stored;
    }

    let next: Session;
    try {
      const refreshed = await this.options.refresh(stored);
      next = {
        ...refreshed,
        receivedAt: this.clock.now(),
        // How the user signed in outlives the tokens.
        ...(stored.method ? { method: stored.method } : {}),
        ...(stored.provider ? { provider: stored.provider } : {}),
        ...(stored.origin ? { origin: stored.origin } : {}),
      };
    } catch (e) {
      const error = toAuthError(e);
      if (error.code === ORIGIN_CHANGED) {
        this.setState({ kind: 'signedOut', cause: 'otherSettings', message: error.message });
        throw error;
      }
      if (endsSession(error)) {
        // Unless another window signed in again meanwhile, this session is over.
        const latest = await this.readStore();
        if (latest && latest.refreshToken !== stored.refreshToken) return this.adopt(latest, depth);
        this.options.log?.(`Refresh refused (${error.code}); signing out.`);
        const message = sessionExpiredMessage();
        await this.forget({ kind: 'signedOut', cause: 'expired', message });
        throw new AuthError(message, error.code, 'user', 'signIn');
      }
      this.failures++;
      this.options.log?.(`Refresh failed (${error.code}); staying signed in, offline. Attempt ${this.failures}.`);
      this.setState({ kind: 'offline', session: stored, error });
      throw error;
    }

    // Compare-and-set: write only if the store still holds the session that was refreshed. A
    // sign-out meanwhile stays a sign-out; another user's sign-in is not overwritten.
    const latest = await this.readStore();
    if (latest === undefined) {
      this.options.log?.('Signed out while refreshing; the new tokens are dropped.');
      this.setState(SIGNED_OUT);
      throw new AuthError(notSignedIn(), 'NotSignedIn', 'user', 'signIn');
    }
    if (latest.accessToken !== stored.accessToken || latest.refreshToken !== stored.refreshToken) {
      this.options.log?.('Another sign-in replaced the session while refreshing; the new tokens are dropped.');
      return this.adopt(latest, depth);
    }
    this.failures = 0;
    const written = JSON.stringify(next);
    await this.options.store.write(written);
    if ((await this.options.store.signedOutMark()) === signedOutMark(stored.refreshToken)) {
      // A sign-out ran between the compare above and this write: undo the write, unless replaced since.
      if ((await this.options.store.read()) === written) await this.options.store.delete();
      this.options.log?.('Signed out while refreshing; the new tokens are dropped.');
      this.setState(SIGNED_OUT);
      throw new AuthError(notSignedIn(), 'NotSignedIn', 'user', 'signIn');
    }
    this.setState({ kind: 'signedIn', session: next });
    this.options.log?.(`Session refreshed; valid until ${new Date(next.expiresAt).toISOString()}.`);
    return next;
  }

  /** Deletes the stored session, then says why nobody is signed in. */
  private async forget(state: Extract<SessionState, { kind: 'signedOut' }>): Promise<void> {
    // Mark first, then delete: a refresh in any window that wrote in between sees the mark after its write.
    const refreshToken = await this.storedRefreshToken();
    if (refreshToken) await this.options.store.markSignedOut(signedOutMark(refreshToken));
    await this.options.store.delete();
    this.setState(state);
  }

  /** The stored session's refresh token, read leniently (a sign-out must not fail on a bad store). */
  private async storedRefreshToken(): Promise<string | undefined> {
    try {
      const raw = await this.options.store.read();
      const token = raw ? (JSON.parse(raw) as { refreshToken?: unknown }).refreshToken : undefined;
      return typeof token === 'string' && token ? token : undefined;
    } catch {
      return this.state.kind === 'signedOut' ? undefined : this.state.session.refreshToken;
    }
  }

  /** Takes the session another window stored; refreshes it (a bounded number of times) if stale. */
  private adopt(latest: Session, depth: number): Promise<Session> | Session {
    if (!this.checkOrigin(latest)) throw this.signedOutError();
    this.failures = 0;
    this.setState({ kind: 'signedIn', session: latest });
    if (this.isFresh(latest)) return latest;
    if (depth >= 2)
      throw new AuthError(
        l10n.t('The session kept changing while refreshing. Try again.'),
        'SessionChanged',
        'transient',
        'retry',
      );
    return this.doRefresh(depth + 1);
  }

  private async reload(): Promise<void> {
    const session = await this.readStore();
    if (session === undefined) {
      if (this.state.kind !== 'signedOut') this.setState(SIGNED_OUT);
      return;
    }
    if (!this.checkOrigin(session)) return;
    const same =
      this.state.kind !== 'signedOut' &&
      this.state.session.accessToken === session.accessToken &&
      this.state.session.expiresAt === session.expiresAt;
    if (!same) {
      this.failures = 0;
      this.setState({ kind: 'signedIn', session });
    }
  }

  private async readStore(): Promise<Session | undefined> {
    let raw: string | undefined;
    try {
      raw = await this.options.store.read();
    } catch (e) {
      this.options.log?.(`Could not read the stored session (${e instanceof Error ? e.name : 'error'}).`);
      throw new AuthError(storeUnavailableMessage(), 'StoreUnavailable', 'transient', 'retry');
    }
    if (raw === undefined) return undefined;
    const session = parseSession(raw);
    if (!session) {
      await this.options.store.delete();
      this.setState({ kind: 'signedOut', cause: 'corrupt', message: corruptMessage() });
      return undefined;
    }
    return session;
  }

  private setState(state: SessionState): void {
    this.state = state;
    this.schedule();
    for (const listener of [...this.listeners]) listener(state);
  }

  /**
   * Proactive refresh at 2/3 of the lifetime after the tokens arrived (the server's lifetime on
   * the local clock, so a clock that is minutes off cannot cause a refresh storm), never sooner
   * than the floor; while offline, retry with capped backoff.
   */
  private schedule(): void {
    this.timer?.dispose();
    this.timer = undefined;
    const state = this.state;
    if (state.kind === 'signedOut') return;
    let delay: number;
    if (state.kind === 'offline') {
      delay = Math.min(this.maxBackoffMs, 1000 * 2 ** Math.min(this.failures - 1, 20));
    } else {
      const { issuedAt, expiresAt } = state.session;
      const arrived = state.session.receivedAt ?? issuedAt;
      const due = arrived + ((expiresAt - issuedAt) * 2) / 3 - this.clock.now();
      const floor = Math.min(this.minRefreshMs, (expiresAt - issuedAt) / 3);
      delay = Math.max(due, arrived + floor - this.clock.now(), 0);
    }
    this.timer = this.clock.setTimeout(() => {
      this.refresh().catch(() => undefined); // the outcome is in the state
    }, delay);
  }
}

/** The stored session, or undefined when it is not one (it is then cleared). */
export function parseSession(raw: string): Session | undefined {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  const result = v.safeParse(SessionSchema, value);
  return result.success ? result.output : undefined;
}

/** When the tokens expire by the local clock: the server's lifetime from when they arrived. */
function localExpiry(session: Session): number {
  return session.receivedAt === undefined
    ? session.expiresAt
    : session.receivedAt + (session.expiresAt - session.issuedAt);
}

/** A signed-out refresh token's mark: its SHA-256, so the mark itself could not be used. */
function signedOutMark(refreshToken: string): string {
  return createHash('sha256').update(refreshToken).digest('base64url');
}
