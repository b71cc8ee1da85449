import * as vscode from 'vscode';
import { accountLabel, signedInHow } from '../core/auth/account';
import type { SessionState } from '../core/auth/session';
import type { Auth } from './auth/auth';
import { COMMANDS } from './commandIds';
import type { CommandId } from './commandIds';
import { Disposable } from './lifecycle';
import type { Settings } from './settings';
import type { TokenBudget } from '../core/story/protocol/wire';

const TOKENS = new Intl.NumberFormat('en');

/** Who is signed in, or what to do about it. Hidden until sign-in can work. */
export class AccountStatusBar extends Disposable {
  private readonly item = this._register(
    vscode.window.createStatusBarItem('storyteller.account', vscode.StatusBarAlignment.Right, 100),
  );
  private loadFailed = false;
  /** Budget mode: "12,400 of 50,000 tokens left today", a line of the signed-in tooltip. */
  private budgetLine = '';

  constructor(
    private readonly auth: Auth,
    private readonly settings: Settings,
  ) {
    super();
    this.item.name = vscode.l10n.t('Bedrock Storyteller Account');
    this._register(auth.onDidChange((state) => this.render(state)));
    this._register(settings.onDidChange(() => this.render(auth.sessions.current)));
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
    this._register(
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

  get tooltip(): string {
    return typeof this.item.tooltip === 'string' ? this.item.tooltip : (this.item.tooltip?.value ?? '');
  }

  /** The story gateway's daily token budget (budget mode), or undefined to show none. */
  showBudget(budget: TokenBudget | undefined): void {
    this.budgetLine = budget
      ? vscode.l10n.t(
          '{0} of {1} tokens left today',
          TOKENS.format(budget.tokensLeft),
          TOKENS.format(budget.dailyTokens),
        )
      : '';
    this.render(this.auth.sessions.current);
  }

  private render(state: SessionState): void {
    if (this.isDisposed) return;
    if (!this.settings.canSignIn) {
      this.item.hide();
      return;
    }
    switch (state.kind) {
      case 'signedIn':
        this.set(
          `$(account) ${accountLabel(state.session)}`,
          vscode.l10n.t(
            'Signed in to Amazon Cognito as {0}, {1}',
            accountLabel(state.session),
            signedInHow(state.session),
          ) + (this.budgetLine ? `\n${this.budgetLine}` : ''),
          COMMANDS.accountActions,
        );
        break;
      case 'offline':
        this.set(
          `$(cloud-offline) ${accountLabel(state.session)}`,
          vscode.l10n.t('Offline: {0} Retrying by itself.', state.error.message),
          COMMANDS.accountActions,
        );
        break;
      case 'signedOut':
        if (state.cause === 'expired')
          this.set(
            `$(warning) ${vscode.l10n.t('Session expired — sign in again')}`,
            state.message ?? '',
            COMMANDS.signIn,
          );
        else
          this.set(
            `$(sign-in) ${vscode.l10n.t('Sign in')}`,
            state.message ?? vscode.l10n.t('Sign in to Bedrock Storyteller'),
            COMMANDS.signIn,
          );
    }
    this.item.show();
  }

  private set(text: string, tooltip: string, command: CommandId): void {
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.command = command;
  }
}
