// The header (who is signed in, today's usage) and the notice under it that says what to do
// when the panel cannot write stories (signed out, session expired, offline, not configured).
import * as l10n from '@vscode/l10n';
import type { AuthState } from '../../../src/core/story/protocol/wire';
import type { Actions } from '../actions';
import {
  authLine,
  authNotice,
  budgetLine,
  budgetResets,
  policyLine,
  policyTitle,
  usageLine,
  usageProjectLines,
} from '../format';
import type { PanelState } from '../state';
import { button, h } from './dom';

export class Notices {
  readonly header: HTMLElement;
  readonly notice = h('div', { class: 'notice', hidden: true });
  private readonly authLine = h('div', { class: 'auth-line', role: 'status', 'aria-live': 'polite' });
  private readonly usageLine = h('div', { class: 'usage-line' });
  /** Today's story projects, a line each (#26); their names are the writer's text, so text nodes only. */
  private readonly usageProjects = h('ul', { class: 'usage-projects', hidden: true });
  /** Budget mode: "12,400 of 50,000 tokens left today"; read out when it changes. */
  private readonly budgetLine = h('div', {
    class: 'budget-line',
    role: 'status',
    'aria-live': 'polite',
  });
  /** Which of the stack's guardrails the form's story gets (#27): "Content policy: strict (children)". */
  private readonly policyLine = h('div', { class: 'policy-line', id: 'policy-line' });
  private last: PanelState | undefined;

  constructor(private readonly actions: Actions) {
    this.header = h(
      'header',
      { class: 'top' },
      this.authLine,
      this.usageLine,
      this.usageProjects,
      this.budgetLine,
      this.policyLine,
    );
  }

  render(s: PanelState): void {
    const last = this.last;
    this.last = s;
    if (s.usageToday !== last?.usageToday) {
      this.usageLine.textContent = usageLine(s.usageToday);
      const lines = usageProjectLines(s.usageToday);
      this.usageProjects.replaceChildren(...lines.map((line) => h('li', {}, line)));
      this.usageProjects.hidden = lines.length === 0;
    }
    if (s.budget !== last?.budget) {
      this.budgetLine.textContent = budgetLine(s.budget);
      this.budgetLine.title = budgetResets(s.budget);
      this.budgetLine.dataset['left'] = s.budget?.tokensLeft === 0 ? 'none' : 'some';
    }
    if (
      s.contentPolicy !== last?.contentPolicy ||
      s.contentPolicySource !== last?.contentPolicySource ||
      s.draft.audience !== last?.draft.audience
    ) {
      this.policyLine.textContent = policyLine(s.contentPolicy, s.draft.audience);
      this.policyLine.title = policyTitle(s.contentPolicy, s.contentPolicySource);
      this.policyLine.hidden = this.policyLine.textContent === '';
    }
    if (s.auth === last?.auth || !s.auth) return;
    this.authLine.textContent = authLine(s.auth);
    this.renderNotice(s.auth);
  }

  private renderNotice(auth: AuthState): void {
    const signIn = (): HTMLElement => button(l10n.t('Sign in'), { id: 'notice-sign-in' }, () => this.actions.signIn());
    const text = authNotice(auth.kind);
    switch (auth.kind) {
      case 'signedIn':
        this.notice.hidden = true;
        this.notice.replaceChildren();
        return;
      case 'signedOut':
      case 'sessionExpired':
        return this.show(auth, text, signIn());
      case 'offline':
        return this.show(auth, text);
      case 'unconfigured': {
        // A deployed stack's outputs set everything at once; the settings stay for anything else.
        const configure = button(l10n.t('Configure from Stack Outputs…'), { id: 'notice-configure' }, () =>
          this.actions.configure(),
        );
        const settings = button(l10n.t('Open settings'), { id: 'notice-settings', secondary: true }, () =>
          this.actions.openSettings(),
        );
        return this.show(auth, text, configure, settings);
      }
    }
  }

  private show(auth: AuthState, text: string, ...buttons: HTMLElement[]): void {
    this.notice.replaceChildren(h('p', {}, text), ...buttons);
    this.notice.hidden = false;
    this.notice.dataset.status = auth.kind;
  }
}
