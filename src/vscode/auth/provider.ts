import * as vscode from 'vscode';
import { accountLabel } from '../../core/auth/account';
import type { Session, SessionState } from '../../core/auth/session';
import { Disposable } from '../lifecycle';
import type { Auth } from './auth';

export const PROVIDER_ID = 'cognito';
export const PROVIDER_LABEL = 'Amazon Cognito';

/** Puts the Cognito account in VS Code's Accounts menu and behind authentication.getSession. */
export class CognitoAuthenticationProvider extends Disposable implements vscode.AuthenticationProvider {
  private readonly changed = this._register(
    new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>(),
  );
  readonly onDidChangeSessions = this.changed.event;
  private last: vscode.AuthenticationSession | undefined;

  constructor(private readonly auth: Auth) {
    super();
    this._register(auth.onDidChange((state) => this.fire(state)));
  }

  async getSessions(): Promise<vscode.AuthenticationSession[]> {
    const session = await this.auth.sessions.getSession().catch(async () => {
      // Offline or refresh pending: the account is still this user's; callers get the
      // stored tokens and can retry. Signed out: none.
      const state = this.auth.sessions.current;
      return state.kind === 'offline' ? state.session : undefined;
    });
    this.last = session ? toVsSession(session) : undefined;
    return this.last ? [this.last] : [];
  }

  async createSession(): Promise<vscode.AuthenticationSession> {
    // The Accounts menu's sign-in goes to the browser whenever a managed login domain is set.
    const session = this.auth.canSignInWithBrowser() ? await this.auth.signInWithBrowser() : await this.auth.signIn();
    if (!session) throw new Error('Sign-in was cancelled.');
    return toVsSession(session);
  }

  async removeSession(): Promise<void> {
    await this.auth.signOut();
  }

  private fire(state: SessionState): void {
    const next = state.kind === 'signedOut' ? undefined : toVsSession(state.session);
    const previous = this.last;
    this.last = next;
    if (previous && !next) this.changed.fire({ added: [], removed: [previous], changed: [] });
    else if (!previous && next) this.changed.fire({ added: [next], removed: [], changed: [] });
    else if (previous && next && previous.id !== next.id)
      this.changed.fire({ added: [next], removed: [previous], changed: [] });
    else if (previous && next && previous.accessToken !== next.accessToken)
      this.changed.fire({ added: [], removed: [], changed: [next] });
  }
}

/**
 * What other extensions get: the ID token, which proves who the user is to a backend that
 * checks it. Never the access token: its `aws.cognito.signin.user.admin` scope can change the
 * user's attributes and delete the account.
 */
function toVsSession(session: Session): vscode.AuthenticationSession {
  return {
    id: session.sub,
    accessToken: session.idToken,
    idToken: session.idToken,
    account: { id: session.sub, label: accountLabel(session) },
    scopes: [],
  };
}
