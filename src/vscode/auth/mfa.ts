// Set Up Authenticator App for a signed-in account; sign-ins then ask for its code.
import * as vscode from 'vscode';
import { toAuthError } from '../../core/auth/errors';
import { checkCode } from '../../core/auth/validation';
import type { AuthParts } from './parts';

export async function setUpMfa({ dialog, clients, sessions }: AuthParts): Promise<void> {
  const session = await sessions.getSession().catch(async (e: unknown) => {
    await dialog.prompter.message('error', toAuthError(e).message);
    return undefined;
  });
  if (!session) return;
  const [setup] =
    (await dialog.withProgress(vscode.l10n.t('Starting authenticator setup…'), async () =>
      (await clients.forSession(session)).setUpTotp(session),
    )) ?? [];
  if (!setup) return;
  const answers = (
    await dialog.ask(vscode.l10n.t('Set Up Authenticator App'), [
      {
        key: 'code',
        prompt: vscode.l10n.t(
          'Add this key to your authenticator app: {0} (or open {1}), then enter the 6-digit code it shows',
          setup.secret,
          setup.otpauthUri,
        ),
        validate: checkCode,
      },
    ])
  )?.answers;
  if (!answers) return;
  if (await dialog.withProgress(vscode.l10n.t('Verifying…'), () => setup.verify(answers.code!)))
    await dialog.prompter.message(
      'info',
      vscode.l10n.t('Your authenticator app is set up. Sign-ins will ask for its code.'),
    );
}
