// USER_PASSWORD_AUTH: the password goes to Cognito inside TLS. For app clients that do not
// allow SRP, and the flow the emulator's trigger tests use.
import * as l10n from '@vscode/l10n';
import type { PasswordFlow } from './flow';

export const userPasswordAuth: PasswordFlow = {
  id: 'password',
  label: () => l10n.t('Sign In with Email and Password…'),
  options: { appClientFlow: 'USER_PASSWORD_AUTH', needsManagedLogin: false, asksPassword: true, sendsPassword: true },
  async start(wire, { username, password }) {
    const out = await wire.initiate('USER_PASSWORD_AUTH', username, { USERNAME: username, PASSWORD: password });
    return wire.next(out, username);
  },
};
