// The questions for Cognito's sign-in challenges: a new password, an authenticator code, or
// an authenticator app to set up first.
import * as vscode from 'vscode';
import type { SignInStep } from '../../core/auth/flows/flow';
import { checkCode } from '../../core/auth/validation';
import type { AuthParts } from './parts';

export async function answerChallenge(
  { dialog }: AuthParts,
  step: Exclude<SignInStep, { kind: 'done' }>,
): Promise<SignInStep | undefined> {
  switch (step.kind) {
    case 'newPassword': {
      const answers = (
        await dialog.ask(vscode.l10n.t('Choose a New Password'), [
          dialog.newPassword(vscode.l10n.t('Your administrator requires a new password')),
        ])
      )?.answers;
      return answers
        ? (
            await dialog.withProgress(vscode.l10n.t('Setting the password…'), () => step.respond(answers.password!))
          )?.[0]
        : undefined;
    }
    case 'mfaCode': {
      const answers = (
        await dialog.ask(vscode.l10n.t('Authenticator Code'), [
          { key: 'code', prompt: vscode.l10n.t('The 6-digit code from your authenticator app'), validate: checkCode },
        ])
      )?.answers;
      return answers
        ? (await dialog.withProgress(vscode.l10n.t('Verifying…'), () => step.respond(answers.code!)))?.[0]
        : undefined;
    }
    case 'mfaSetup': {
      const answers = (
        await dialog.ask(vscode.l10n.t('Set Up Authenticator App'), [
          {
            key: 'code',
            prompt: vscode.l10n.t(
              'Your account needs an authenticator app. Add this key: {0} (or open {1}), then enter the code',
              step.secret,
              step.otpauthUri,
            ),
            validate: checkCode,
          },
        ])
      )?.answers;
      return answers
        ? (await dialog.withProgress(vscode.l10n.t('Verifying…'), () => step.respond(answers.code!)))?.[0]
        : undefined;
    }
  }
}
