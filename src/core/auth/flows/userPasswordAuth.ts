// USER_PASSWORD_AUTH: the password goes to Cognito inside TLS. For app clients that do not
// allow SRP, and the flow the emulator's trigger tests use.
import type { SignInFlow } from './flow';

export const userPasswordAuth: SignInFlow = {
  id: 'password',
  label: 'password sign-in (USER_PASSWORD_AUTH)',
  options: { appClientFlow: 'USER_PASSWORD_AUTH', asksPassword: true, sendsPassword: true },
  async start(wire, { username, password }) {
    const out = await wire.initiate('USER_PASSWORD_AUTH', username, { USERNAME: username, PASSWORD: password });
    return wire.next(out, username);
  },
};
