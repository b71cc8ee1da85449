// An app client secret: stored in SecretStorage by command, or taken from the environment.
import * as vscode from 'vscode';
import type { AuthParts } from './parts';
import { CLIENT_SECRET_ENV, CLIENT_SECRET_KEY, clientSecretFromEnv } from './secretStore';

export async function setClientSecret({ dialog, secrets }: AuthParts): Promise<void> {
  const answers = (
    await dialog.ask(vscode.l10n.t('Set Client Secret'), [
      {
        key: 'secret',
        prompt: vscode.l10n.t('The app client secret (kept in VS Code secret storage, never in settings)'),
        password: true,
        validate: (v) => (v.trim() ? undefined : vscode.l10n.t('Paste the secret.')),
      },
    ])
  )?.answers;
  if (!answers) return;
  await secrets.store(CLIENT_SECRET_KEY, answers.secret!.trim());
  await dialog.prompter.message(
    'info',
    clientSecretFromEnv()
      ? vscode.l10n.t(
          "The client secret is stored, but {0} in VS Code's environment takes precedence while it is set.",
          CLIENT_SECRET_ENV,
        )
      : vscode.l10n.t('The client secret is stored.'),
  );
}

export async function clearClientSecret({ dialog, secrets }: AuthParts): Promise<void> {
  await secrets.delete(CLIENT_SECRET_KEY);
  await dialog.prompter.message('info', vscode.l10n.t('The client secret is removed.'));
}
