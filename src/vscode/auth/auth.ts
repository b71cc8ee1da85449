// The auth commands, wired once: each command is a function in its role's file (signUp.ts,
// signIn.ts, reset.ts, mfa.ts, signOut.ts, clientSecret.ts) over the shared AuthParts. This
// class owns the session manager and the client, and says when the account went away.
import * as vscode from 'vscode';
import { SessionManager } from '../../core/auth/session';
import type { Refresher, Session, SessionState } from '../../core/auth/session';
import { Disposable, toDisposable } from '../lifecycle';
import type { Log } from '../log';
import type { Settings } from '../settings';
import { BrowserParts } from './browser/parts';
import { asksPassword } from '../../core/auth/flows/flow';
import { signInWithBrowser } from './browser/signInWithBrowser';
import { clearClientSecret, setClientSecret } from './clientSecret';
import { CognitoClients } from './clients';
import { AuthDialog } from './dialog';
import type { AuthCommands } from './dialog';
import { setUpMfa } from './mfa';
import type { AuthParts } from './parts';
import { PendingPassword } from './pending';
import type { Prompter } from './prompter';
import { forgotPassword } from './reset';
import { SecretSessionStore } from './secretStore';
import { signIn, signInFlows } from './signIn';
import { signOut, signOutEverywhere } from './signOut';
import { confirmSignUp, resendCode, signUp } from './signUp';

export interface AuthOptions {
  readonly secrets: vscode.SecretStorage;
  readonly globalState: vscode.Memento;
  readonly settings: Settings;
  readonly log: Log;
  /** Where every question goes, asked each time (the integration suites' build can swap it). */
  readonly prompter: () => Prompter;
}

export class Auth extends Disposable implements AuthCommands {
  readonly sessions: SessionManager;
  private readonly prompter: () => Prompter;
  private readonly parts: AuthParts;
  /** Browser sign-in's URI handler and opener (the integration suites play the browser here). */
  readonly browser: BrowserParts;
  private readonly changed = this._register(new vscode.EventEmitter<SessionState>());
  private lastState: SessionState = { kind: 'signedOut', cause: 'signedOut' };
  private syncTimer: NodeJS.Timeout | undefined;
  /** Refreshes tokens, only with a client for the origin the session came from. */
  readonly refresher: Refresher = async (session) => (await this.parts.clients.forSession(session)).refresh(session);
  readonly onDidChange = this.changed.event;
  private readonly settingsChecked = this._register(new vscode.EventEmitter<void>());
  /** The session was checked against changed settings (the last part to act on a change). */
  readonly onDidCheckSettings = this.settingsChecked.event;

  constructor({ secrets, globalState, settings, log, prompter }: AuthOptions) {
    super();
    this.prompter = prompter;
    const clients = this._register(new CognitoClients({ secrets, globalState, settings, log, prompter }));
    this.sessions = new SessionManager({
      store: new SecretSessionStore(secrets),
      refresh: this.refresher,
      origin: () => clients.origin(),
      log: (message) => log.info(message),
    });
    this._register(toDisposable(() => this.sessions.dispose()));
    this.browser = this._register(new BrowserParts(log));
    this._register(vscode.window.registerUriHandler(this.browser.uriHandler));
    this.parts = {
      dialog: new AuthDialog(prompter, log, settings, this),
      clients,
      sessions: this.sessions,
      pending: this._register(new PendingPassword()),
      settings,
      secrets,
      log,
      commands: this,
      browser: this.browser,
    };
    this._register(this.sessions.onDidChange((state) => this.onSessionChange(state)));
    // The session is checked against the new settings after a pause: Configure writes several.
    this._register(
      settings.onDidChange(() => {
        clearTimeout(this.syncTimer);
        this.syncTimer = setTimeout(
          () =>
            void this.sessions
              .sync()
              .catch(() => undefined)
              .finally(() => this.settingsChecked.fire()),
          300,
        );
      }),
    );
    this._register(toDisposable(() => clearTimeout(this.syncTimer)));
  }

  /** Asks once per host outside AWS before anything is sent there (e.g. the story endpoints). */
  approveEndpoints(endpoints: readonly (string | undefined)[]): Promise<void> {
    return this.parts.clients.approve(endpoints);
  }

  /** Endpoints the user chose in Configure from Stack Outputs: no second question. */
  grantEndpoints(endpoints: readonly (string | undefined)[]): Promise<void> {
    return this.parts.clients.grant(endpoints);
  }

  signUp(): Promise<Session | undefined> {
    return signUp(this.parts);
  }

  confirmSignUp(email?: string): Promise<Session | undefined> {
    return confirmSignUp(this.parts, email);
  }

  resendCode(email?: string): Promise<void> {
    return resendCode(this.parts, email);
  }

  signIn(email?: string, password?: string, prompt?: string): Promise<Session | undefined> {
    return signIn(this.parts, email, password, prompt);
  }

  /** True when a managed login domain is set: the Accounts menu then signs in with the browser. */
  canSignInWithBrowser(): boolean {
    return signInFlows(this.parts).some((flow) => !asksPassword(flow));
  }

  signInWithBrowser(): Promise<Session | undefined> {
    return signInWithBrowser(this.parts);
  }

  signOut(): Promise<void> {
    return signOut(this.parts);
  }

  signOutEverywhere(): Promise<void> {
    return signOutEverywhere(this.parts);
  }

  forgotPassword(email?: string): Promise<Session | undefined> {
    return forgotPassword(this.parts, email);
  }

  setUpMfa(): Promise<void> {
    return setUpMfa(this.parts);
  }

  setClientSecret(): Promise<void> {
    return setClientSecret(this.parts);
  }

  clearClientSecret(): Promise<void> {
    return clearClientSecret(this.parts);
  }

  private onSessionChange(state: SessionState): void {
    const wasSignedIn = this.lastState.kind !== 'signedOut';
    this.lastState = state;
    this.changed.fire(state);
    // Say why the account vanished, once, with the way back in. A session that expired while
    // signed out already was told; a corrupt one found at start-up was not.
    if (state.kind === 'signedOut' && state.message && (wasSignedIn || state.cause !== 'expired'))
      void this.offerSignIn(state.message);
  }

  private async offerSignIn(message: string): Promise<void> {
    this.parts.log.warn(message);
    const signIn = vscode.l10n.t('Sign In');
    if ((await this.prompter().message('warning', message, signIn)) === signIn) await this.signIn();
  }
}
