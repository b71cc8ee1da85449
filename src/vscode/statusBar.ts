import * as vscode from 'vscode';
import type { SessionState } from '../core/auth/session';
import { SESSION_EXPIRED } from '../core/auth/session';
import { isConfigured } from '../core/config';
import type { Auth } from './auth/auth';
import { readSettings } from './settings';

/** Who is signed in, or what to do about it. Hidden until the extension is configured. */
export class AccountStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(
    'storyteller.account',
    vscode.StatusBarAlignment.Right,
    100,
  );
  private readonly disposables: vscode.Disposable[];
  private loadFailed = false;

  constructor(auth: Auth) {
    this.item.name = 'Bedrock Storyteller Account';
    this.disposables = [
      this.item,
      auth.onDidChange((state) => this.render(state)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('storyteller')) this.render(auth.sessions.current);
      }),
    ];
    // A keyring that is still locked fails the first read: render anyway, and read again when
    // the window gets focus (the session manager also reads again on its next use).
    const load = () =>
      auth.sessions.load().then(
        () => this.render(auth.sessions.current),
        () => {
          this.loadFailed = true;
          this.render(auth.sessions.current);
        },
      );
    this.disposables.push(
      vscode.window.onDidChangeWindowState((e) => {
        if (e.focused && this.loadFailed) {
          this.loadFailed = false;
          void load();
        }
      }),
    );
    void load();
  }

  /** What the item shows now; tests read it. */
  get text(): string {
    return this.item.text;
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
  }

  private render(state: SessionState): void {
    const settings = readSettings();
    if (!settings.ok || !isConfigured(settings.config)) {
      this.item.hide();
      return;
    }
    switch (state.kind) {
      case 'signed-in':
        this.set(
          `$(account) ${state.session.email}`,
          `Signed in to Amazon Cognito as ${state.session.email}`,
          'storyteller.accountActions',
        );
        break;
      case 'offline':
        this.set(
          `$(cloud-offline) ${state.session.email}`,
          `Offline: ${state.error.message} Retrying by itself.`,
          'storyteller.accountActions',
        );
        break;
      case 'signed-out':
        if (state.reason === SESSION_EXPIRED)
          this.set('$(warning) Session expired — sign in again', SESSION_EXPIRED, 'storyteller.signIn');
        else this.set('$(sign-in) Sign in', state.reason ?? 'Sign in to Bedrock Storyteller', 'storyteller.signIn');
    }
    this.item.show();
  }

  private set(text: string, tooltip: string, command: string): void {
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.command = command;
  }
}
