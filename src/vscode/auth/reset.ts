// Forgot Password: a code by email, a new password, then sign-in with it.
import * as vscode from 'vscode';
import type { Session } from '../../core/auth/session';
import { checkCode, checkEmail } from '../../core/auth/validation';
import type { AuthParts } from './parts';

export async function forgotPassword(
  { dialog, clients, commands }: AuthParts,
  email?: string,
): Promise<Session | undefined> {
  const address =
    email ??
    (
      await dialog.ask(vscode.l10n.t('Forgot Password'), [
        { key: 'email', prompt: vscode.l10n.t('Your email address'), validate: checkEmail },
      ])
    )?.answers.email;
  if (!address) return undefined;
  const sent = await dialog.withProgress(
    vscode.l10n.t('Sending a reset code…'),
    async () => (await clients.current()).client.forgotPassword(address),
    address,
  );
  if (!sent) return undefined;
  const answers = (
    await dialog.ask(vscode.l10n.t('Reset Password'), [
      { key: 'code', prompt: vscode.l10n.t('The 6-digit code sent to {0}', sent[0] ?? address), validate: checkCode },
      dialog.newPassword(vscode.l10n.t('Choose a new password')),
    ])
  )?.answers;
  if (!answers) return undefined;
  const reset = await dialog.withProgress(
    vscode.l10n.t('Resetting…'),
    async () => (await clients.current()).client.confirmForgotPassword(address, answers.code!, answers.password!),
    address,
  );
  if (!reset) return undefined;
  await dialog.prompter.message('info', vscode.l10n.t('Your password is reset.'));
  return commands.signIn(address, answers.password);
}
