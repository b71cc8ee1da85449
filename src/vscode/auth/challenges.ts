// The questions for Cognito's sign-in challenges: a new password, an authenticator code, or
// an authenticator app to set up first.
import type { SignInStep } from '../../core/auth/cognito';
import { checkCode } from '../../core/auth/validation';
import type { AuthParts } from './parts';

export async function answerChallenge(
  { dialog }: AuthParts,
  step: Exclude<SignInStep, { kind: 'done' }>,
): Promise<SignInStep | undefined> {
  switch (step.kind) {
    case 'newPassword': {
      const answers = (
        await dialog.ask('Choose a New Password', [dialog.newPassword('Your administrator requires a new password')])
      )?.answers;
      return answers
        ? (await dialog.withProgress('Setting the password…', () => step.respond(answers.password!)))?.[0]
        : undefined;
    }
    case 'mfaCode': {
      const answers = (
        await dialog.ask('Authenticator Code', [
          { key: 'code', prompt: 'The 6-digit code from your authenticator app', validate: checkCode },
        ])
      )?.answers;
      return answers ? (await dialog.withProgress('Verifying…', () => step.respond(answers.code!)))?.[0] : undefined;
    }
    case 'mfaSetup': {
      const answers = (
        await dialog.ask('Set Up Authenticator App', [
          {
            key: 'code',
            prompt: `Your account needs an authenticator app. Add this key: ${step.secret} (or open ${step.otpauthUri}), then enter the code`,
            validate: checkCode,
          },
        ])
      )?.answers;
      return answers ? (await dialog.withProgress('Verifying…', () => step.respond(answers.code!)))?.[0] : undefined;
    }
  }
}
