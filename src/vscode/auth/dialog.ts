// How every auth command talks to the user: questions in a row with Back, network calls under
// progress, and one message per failure with the follow-ups that can fix it.
import * as vscode from 'vscode';
import { toAuthError } from '../../core/auth/errors';
import type { AuthError } from '../../core/auth/errors';
import { checkPassword, DEFAULT_PASSWORD_POLICY, passwordRules } from '../../core/auth/validation';
import { COMMANDS } from '../commandIds';
import type { Log } from '../log';
import type { Settings } from '../settings';
import type { Session } from '../../core/auth/session';
import { BACK } from './prompter';
import type { InputOptions, Prompter } from './prompter';

/** The commands a flow may hand over to, e.g. from a failure's "Reset Password" button. */
export interface AuthCommands {
  signUp(): Promise<Session | undefined>;
  confirmSignUp(email?: string): Promise<Session | undefined>;
  resendCode(email?: string): Promise<void>;
  signIn(email?: string, password?: string, prompt?: string): Promise<Session | undefined>;
  signInWithBrowser(): Promise<Session | undefined>;
  forgotPassword(email?: string): Promise<Session | undefined>;
}

/** A question of a flow: validate and accept also see the answers so far. */
export interface Question extends Omit<InputOptions, 'title' | 'validate' | 'accept' | 'step' | 'totalSteps'> {
  readonly key: string;
  readonly validate?: (value: string, answers: Readonly<Record<string, string>>) => string | undefined;
  readonly accept?: (value: string, answers: Readonly<Record<string, string>>) => Promise<string | undefined>;
}

export interface Asked {
  readonly answers: Record<string, string>;
  /** The button (without its own action) that ended the questions. */
  readonly button?: string;
}

export class AuthDialog {
  constructor(
    private readonly prompterNow: () => Prompter,
    private readonly log: Log,
    private readonly settings: Settings,
    private readonly commands: AuthCommands,
  ) {}

  /** The prompter in use now (tests swap it). */
  get prompter(): Prompter {
    return this.prompterNow();
  }

  /**
   * Asks several questions in a row, with a step counter and Back. A button without its own
   * action ends the questions: `button` says which, with the answers so far.
   */
  async ask(title: string, questions: Question[]): Promise<Asked | undefined> {
    const answers: Record<string, string> = {};
    for (let i = 0; i < questions.length;) {
      const { key, validate, accept, ...options } = questions[i]!;
      const value = await this.prompter.input({
        title,
        ...options,
        ...(validate ? { validate: (v: string) => validate(v, answers) } : {}),
        ...(accept ? { accept: (v: string) => accept(options.password ? v : v.trim(), answers) } : {}),
        ...(answers[key] !== undefined && !options.password ? { value: answers[key] } : {}),
        ...(questions.length > 1 ? { step: i + 1, totalSteps: questions.length } : {}),
      });
      if (value === undefined) return undefined;
      if (value === BACK) {
        i = Math.max(0, i - 1);
        continue;
      }
      if (typeof value === 'object') return { answers, button: value.button };
      // Passwords are taken exactly as typed; anything else loses stray spaces.
      answers[key] = options.password ? value : value.trim();
      i++;
    }
    return { answers };
  }

  /**
   * A new-password question checked against `storyteller.passwordPolicy` (read once per flow, not
   * per keystroke); a bad setting falls back to the template's policy.
   */
  newPassword(prompt: string): Question {
    const settings = this.settings.current;
    const policy = settings.ok ? settings.config.passwordPolicy : DEFAULT_PASSWORD_POLICY;
    return {
      key: 'password',
      prompt,
      placeholder: passwordRules(policy),
      password: true,
      hintWhileTyping: true,
      validate: (v) => checkPassword(v, policy),
    };
  }

  /**
   * Runs one network call under progress. Returns the result in a one-element tuple (so that a
   * void success is not mistaken for failure); on failure it shows the core's sentence, with
   * the follow-up it suggests, and returns undefined.
   */
  async withProgress<T>(title: string, task: () => Promise<T>, email?: string): Promise<[T] | undefined> {
    try {
      return [await this.prompter.progress(title, () => task())];
    } catch (e) {
      const error = toAuthError(e);
      if (error.code === 'AbortError') return undefined;
      this.log.warn(`${title} failed: ${error.code}`);
      await this.fail(error, email);
      return undefined;
    }
  }

  /** Shows a flow-ending failure once, with the follow-ups it suggests. */
  async fail(error: AuthError, email?: string): Promise<void> {
    const actions = followUps(error);
    const picked = await this.prompter.message('error', error.message, ...actions.map((a) => a.label));
    const action = actions.find((a) => a.label === picked);
    if (action) await action.invoke(this.commands, email);
  }
}

interface FollowUp {
  readonly label: string;
  readonly invoke: (commands: AuthCommands, email?: string) => Promise<unknown>;
}

function followUps(error: AuthError): FollowUp[] {
  switch (error.action) {
    case 'confirmSignUp':
      return [
        { label: vscode.l10n.t('Enter Code'), invoke: (commands, email) => commands.confirmSignUp(email) },
        { label: vscode.l10n.t('Resend Code'), invoke: (commands, email) => commands.resendCode(email) },
      ];
    case 'resendCode':
      return [{ label: vscode.l10n.t('Resend Code'), invoke: (commands, email) => commands.resendCode(email) }];
    case 'forgotPassword':
      return [{ label: vscode.l10n.t('Reset Password'), invoke: (commands, email) => commands.forgotPassword(email) }];
    case 'signIn':
      return [{ label: vscode.l10n.t('Sign In'), invoke: (commands, email) => commands.signIn(email) }];
    case 'signUp':
      return [{ label: vscode.l10n.t('Sign Up'), invoke: (commands) => commands.signUp() }];
    case 'configure':
      return [
        {
          label: vscode.l10n.t('Configure'),
          invoke: () => Promise.resolve(vscode.commands.executeCommand(COMMANDS.configureFromStack)),
        },
      ];
    default:
      return [];
  }
}
