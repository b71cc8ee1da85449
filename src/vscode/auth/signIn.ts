// Sign in, answering any challenge Cognito asks. The flows (managed login in the browser, SRP or
// password) are chosen in core (flows/getFlows.ts); this file offers them, asks the questions and
// keeps the session.
import * as vscode from 'vscode';
import { asksPassword } from '../../core/auth/flows/flow';
import type { AuthFlow, SignInFlow, SignInStep } from '../../core/auth/flows/flow';
import { getFlows } from '../../core/auth/flows/getFlows';
import { isWrongPassword, toAuthError } from '../../core/auth/errors';
import type { SessionOrigin } from '../../core/auth/origin';
import type { Session } from '../../core/auth/session';
import { checkEmail, checkExistingPassword } from '../../core/auth/validation';
import { Attempts } from './attempts';
import { answerChallenge } from './challenges';
import { keepSession } from './keepSession';
import { PASSWORD_TOO_MANY } from '../messages';
import type { AuthParts } from './parts';

/** The first step of a sign-in, the Forgot Password button with the address typed so far, or Create an Account. */
type Started =
  { readonly step: SignInStep | undefined } | { readonly forgot: string | undefined } | { readonly signUp: true };

/** A new user looks for sign-up where sign-in is (#24): the sign-in boxes offer it, when the pool allows it. */
const CREATE_ACCOUNT = () => ({ id: 'signUp', icon: 'person-add', tooltip: vscode.l10n.t('Create an Account…') });

/** Whether the pool lets people sign up (storyteller.selfSignUp, from the stack); bad settings keep the default. */
function selfSignUp({ settings }: Pick<AuthParts, 'settings'>): boolean {
  const current = settings.current;
  return current.ok ? current.config.selfSignUp : true;
}

/**
 * Signs in, answering any challenge Cognito asks. A wrong password keeps the box open with
 * Cognito's answer (Forgot Password is a button there); the fourth ends the flow.
 */
export async function signIn(
  parts: AuthParts,
  email?: string,
  password?: string,
  prompt = 'Your password',
): Promise<Session | undefined> {
  // More than one way in (a managed login domain is set): the user chooses, the best first.
  const flows = signInFlows(parts);
  if (!email && !password && flows.length > 1) {
    const how = await chooseHow(parts, flows);
    if (how === undefined) return undefined;
    if (how === 'signUp') return parts.commands.signUp();
    if (!asksPassword(how)) return parts.commands.signInWithBrowser();
  }
  const attempt = new SignInAttempt(parts);
  let step: SignInStep | undefined;
  if (email && password) {
    step = (
      await parts.dialog.withProgress(vscode.l10n.t('Signing in…'), () => attempt.start(email, password), email)
    )?.[0];
  } else {
    const started = await askPassword(parts, attempt, email, prompt);
    if ('forgot' in started) return parts.commands.forgotPassword(started.forgot);
    if ('signUp' in started) return parts.commands.signUp();
    step = started.step;
  }
  while (step && step.kind !== 'done') step = await answerChallenge(parts, step);
  if (!step || !attempt.origin) return undefined;
  // The session remembers where it came from: it is never used with other settings.
  return keepSession(parts, { ...step.session, origin: attempt.origin });
}

/** The ways in that the settings allow, best first. */
export function signInFlows({ settings }: Pick<AuthParts, 'settings'>): SignInFlow[] {
  const current = settings.current;
  // Bad settings still get the password box: its answer says what to fix.
  const authFlow: AuthFlow = current.ok ? current.config.authFlow : 'USER_SRP_AUTH';
  return getFlows({ authFlow, managedLogin: Boolean(settings.signInConfig?.hostedUi.domain) });
}

/** A flow or a new account; a prompter that cannot pick (the integration suites' script) means the password. */
async function chooseHow(parts: AuthParts, flows: readonly SignInFlow[]): Promise<SignInFlow | 'signUp' | undefined> {
  const { dialog } = parts;
  const { choose } = dialog.prompter;
  if (!choose) return flows.find(asksPassword);
  // One choice per kind: the password flows differ only in what they send.
  const choices = flows.map((flow) => ({
    flow,
    id: asksPassword(flow) ? 'password' : 'browser',
    label: `$(${asksPassword(flow) ? 'key' : 'globe'}) ${flow.label()}`,
  }));
  const how = await choose.call(dialog.prompter, vscode.l10n.t('Sign In'), [
    ...choices.map(({ id, label }) => ({ id, label })),
    ...(selfSignUp(parts) ? [{ id: 'signUp', label: `$(person-add) ${vscode.l10n.t('Create an Account…')}` }] : []),
  ]);
  return how === 'signUp' ? how : choices.find((c) => c.id === how)?.flow;
}

/** Starts sign-ins with the current client, and remembers the origin of the last one. */
class SignInAttempt {
  origin: SessionOrigin | undefined;

  constructor(private readonly parts: AuthParts) {}

  async start(address: string, secret: string): Promise<SignInStep> {
    const cognito = await this.parts.clients.current();
    this.origin = cognito.origin;
    try {
      return await cognito.client.signIn(address, secret);
    } catch (e) {
      // Confirming the account next should not ask for this password again.
      if (toAuthError(e).code === 'UserNotConfirmedException') this.parts.pending.remember(address, secret);
      throw e;
    }
  }
}

/** The email (unless known) and the password, checked by Cognito with the box still open. */
async function askPassword(
  parts: AuthParts,
  attempt: SignInAttempt,
  email: string | undefined,
  prompt: string,
): Promise<Started> {
  const { dialog, log } = parts;
  const createAccount = selfSignUp(parts) ? [CREATE_ACCOUNT()] : [];
  const tries = new Attempts<SignInStep>(log, 'Signing in', isWrongPassword, PASSWORD_TOO_MANY, 'forgotPassword');
  const asked = await dialog.ask(vscode.l10n.t('Sign In'), [
    ...(email
      ? []
      : [
          {
            key: 'email',
            prompt: vscode.l10n.t('Your email address'),
            placeholder: 'name@example.com',
            validate: checkEmail,
            buttons: createAccount,
          },
        ]),
    {
      key: 'password',
      prompt,
      password: true,
      validate: checkExistingPassword,
      buttons: [{ id: 'forgot', icon: 'key', tooltip: vscode.l10n.t('Forgot Password') }, ...createAccount],
      accept: tries.accept((secret, a) => attempt.start(email ?? a.email!, secret)),
    },
  ]);
  const address = email ?? asked?.answers.email;
  if (tries.failure) {
    await dialog.fail(tries.failure, address);
    return { step: undefined };
  }
  if (asked?.button === 'forgot') return { forgot: address };
  if (asked?.button === 'signUp') return { signUp: true };
  return { step: tries.result?.[0] };
}
