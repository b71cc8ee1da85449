// Sign up, confirm with the emailed code, resend it. A sign-up goes straight on to the code,
// then to sign-in; a code entered later still signs in with the password kept in memory.
import * as vscode from 'vscode';
import { isWrongCode, toAuthError } from '../../core/auth/errors';
import type { Session } from '../../core/auth/session';
import { checkCode, checkEmail } from '../../core/auth/validation';
import { accountLabel } from '../../core/auth/account';
import { notificationSafe } from '../../core/notificationText';
import { COMMANDS } from '../commandIds';
import { Attempts } from './attempts';
import { CODE_TOO_MANY, ENTER_CODE, ENTER_CODE_TITLE, PASSWORDS_DIFFER } from '../messages';
import type { AuthParts } from './parts';
import type { InputButton } from './prompter';

/** Signs up, then goes straight on to the code, then to sign-in. */
export async function signUp(parts: AuthParts): Promise<Session | undefined> {
  const { dialog, clients, pending, commands } = parts;
  if (!(await anotherAccount(parts))) return undefined;
  const answers = (
    await dialog.ask(vscode.l10n.t('Sign Up'), [
      {
        key: 'email',
        prompt: vscode.l10n.t('Your email address'),
        placeholder: 'name@example.com',
        validate: checkEmail,
      },
      { key: 'name', prompt: vscode.l10n.t('Your name (optional)'), placeholder: 'Ann Reader' },
      dialog.newPassword(vscode.l10n.t('Choose a password')),
      // A different second password keeps the box open: type it again, or go Back to the first.
      {
        key: 'confirm',
        prompt: vscode.l10n.t('Type the password again'),
        password: true,
        validate: (v, a) => (v === a.password ? undefined : PASSWORDS_DIFFER),
      },
    ])
  )?.answers;
  if (!answers) return undefined;
  const email = answers.email!;
  const [result] =
    (await dialog.withProgress(vscode.l10n.t('Signing up…'), async () =>
      (await clients.current()).client.signUp(email, answers.password!, answers.name),
    )) ?? [];
  if (!result) return undefined;
  if (!result.confirmed) {
    // Kept in memory only, so that a code entered later from a notification still signs in.
    pending.remember(email, answers.password!);
    const outcome = await enterCode(parts, email, result.destination);
    if (outcome === 'escaped') offerCodeLater(parts, email);
    if (outcome !== 'confirmed') return undefined;
  }
  return welcome(parts, await commands.signIn(email, answers.password));
}

/**
 * Signed in already: the new account would be signed in instead, so ask first (#24). A prompter
 * that cannot pick (the integration suites' script) goes on, as Sign In's choice does.
 */
async function anotherAccount({ dialog, sessions }: AuthParts): Promise<boolean> {
  const { choose } = dialog.prompter;
  const current = choose ? await sessions.peek() : undefined;
  if (!choose || !current) return true;
  const who = accountLabel(current);
  const picked = await choose.call(dialog.prompter, vscode.l10n.t('Sign Up'), [
    {
      id: 'create',
      label: `$(person-add) ${vscode.l10n.t('Create Another Account…')}`,
      detail: vscode.l10n.t('You are signed in as {0}. The new account is signed in instead.', who),
    },
    { id: 'stay', label: `$(account) ${vscode.l10n.t('Stay Signed In as {0}', who)}` },
  ]);
  return picked === 'create';
}

/**
 * "Enter Confirmation Code…": the code for an account made earlier, then sign-in: at once with
 * the password still in memory from that sign-up or sign-in, else asking only for the password.
 */
export async function confirmSignUp(parts: AuthParts, email?: string): Promise<Session | undefined> {
  const { dialog, pending, commands } = parts;
  const address =
    email ??
    (
      await dialog.ask(ENTER_CODE, [
        {
          key: 'email',
          prompt: vscode.l10n.t('Your email address'),
          placeholder: 'name@example.com',
          ...pending.emailValue(),
          validate: checkEmail,
        },
      ])
    )?.answers.email;
  if (!address) return undefined;
  if ((await enterCode(parts, address, undefined)) !== 'confirmed') return undefined;
  const password = pending.passwordFor(address);
  return welcome(
    parts,
    await commands.signIn(address, password, 'Your account is confirmed. Your password, to sign in'),
  );
}

export async function resendCode({ dialog, clients, pending }: AuthParts, email?: string): Promise<void> {
  const address =
    email ??
    (
      await dialog.ask(vscode.l10n.t('Resend Code'), [
        { key: 'email', prompt: vscode.l10n.t('Your email address'), ...pending.emailValue(), validate: checkEmail },
      ])
    )?.answers.email;
  if (!address) return;
  const sent = await dialog.withProgress(
    vscode.l10n.t('Sending a new code…'),
    async () => (await clients.current()).client.resendCode(address),
    address,
  );
  if (sent)
    await dialog.prompter.message(
      'info',
      vscode.l10n.t(
        'A new code is on its way to {0}. Enter it with "Storyteller: {1}".',
        notificationSafe(sent[0] ?? address),
        ENTER_CODE_TITLE,
      ),
    );
}

/** Escape at the code: say how to come back, with the two ways in as buttons. */
function offerCodeLater({ dialog, commands }: AuthParts, email: string): void {
  void dialog.prompter
    .message(
      'info',
      vscode.l10n.t('Your account is created. Enter the code later with "Storyteller: {0}".', ENTER_CODE_TITLE),
      'Enter Code',
      'Resend Code',
    )
    .then(async (picked) => {
      if (picked === 'Enter Code') await commands.confirmSignUp(email);
      else if (picked === 'Resend Code') await commands.resendCode(email);
    });
}

/**
 * The code step: Cognito checks the code with the box open, a wrong one is said there (Resend
 * Code is a button there), and only the fourth, or Cognito's limit, ends it.
 */
async function enterCode(
  { dialog, clients, log }: AuthParts,
  address: string,
  destination: string | undefined,
): Promise<'confirmed' | 'escaped' | 'ended'> {
  const tries = new Attempts<void>(log, 'Confirming', isWrongCode, CODE_TOO_MANY, 'confirmSignUp');
  const resend: InputButton = {
    id: 'resend',
    icon: 'mail',
    tooltip: vscode.l10n.t('Resend Code'),
    onPress: async () => {
      try {
        const sent = await (await clients.current()).client.resendCode(address);
        tries.reset();
        return { message: vscode.l10n.t('A new code is on its way to {0}. Type it here.', sent ?? address) };
      } catch (e) {
        log.warn(`Resending the code failed: ${toAuthError(e).code}`);
        return { message: toAuthError(e).message, error: true };
      }
    },
  };
  await dialog.ask(ENTER_CODE, [
    {
      key: 'code',
      prompt: vscode.l10n.t('The 6-digit code from the email sent to {0}', destination || address),
      placeholder: '123456',
      validate: checkCode,
      buttons: [resend],
      accept: tries.accept(async (code) => (await clients.current()).client.confirmSignUp(address, code)),
    },
  ]);
  if (tries.result) return 'confirmed';
  if (tries.failure) {
    await dialog.fail(tries.failure, address);
    return 'ended';
  }
  return 'escaped';
}

/** After a sign-up: one notification that says what to do first. */
function welcome({ dialog }: AuthParts, session: Session | undefined): Session | undefined {
  if (session) {
    void dialog.prompter
      .message(
        'info',
        vscode.l10n.t(
          'Welcome! You are signed in as {0}. Write your first story with "Storyteller: New Story".',
          notificationSafe(session.email),
        ),
        'New Story',
      )
      .then((picked) => (picked === 'New Story' ? vscode.commands.executeCommand(COMMANDS.newStory) : undefined));
  }
  return session;
}
