// Set Up Authenticator App for a signed-in account; sign-ins then ask for its code.
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
    (await dialog.withProgress('Starting authenticator setup…', async () =>
      (await clients.forSession(session)).setUpTotp(session),
    )) ?? [];
  if (!setup) return;
  const answers = (
    await dialog.ask('Set Up Authenticator App', [
      {
        key: 'code',
        prompt: `Add this key to your authenticator app: ${setup.secret} (or open ${setup.otpauthUri}), then enter the 6-digit code it shows`,
        validate: checkCode,
      },
    ])
  )?.answers;
  if (!answers) return;
  if (await dialog.withProgress('Verifying…', () => setup.verify(answers.code!)))
    await dialog.prompter.message('info', 'Your authenticator app is set up. Sign-ins will ask for its code.');
}
