// Context keys for the `when` clauses of package.json: commands that cannot work now (Sign Out
// while signed out, Clear Client Secret with none stored) stay out of the Command Palette.
import * as vscode from 'vscode';
import type { Auth } from './auth';
import { CLIENT_SECRET_KEY } from './secretStore';

export const SIGNED_IN_KEY = 'storyteller.signedIn';
export const HAS_CLIENT_SECRET_KEY = 'storyteller.hasClientSecret';

export function watchContextKeys(auth: Auth, secrets: vscode.SecretStorage): vscode.Disposable {
  const set = (key: string, value: boolean) => void vscode.commands.executeCommand('setContext', key, value);
  const signedIn = () => set(SIGNED_IN_KEY, auth.sessions.current.kind !== 'signedOut');
  const secret = () =>
    void secrets.get(CLIENT_SECRET_KEY).then(
      (value) => set(HAS_CLIENT_SECRET_KEY, value !== undefined && value !== ''),
      () => set(HAS_CLIENT_SECRET_KEY, false),
    );
  signedIn();
  secret();
  void auth.sessions.load().then(signedIn, signedIn);
  return vscode.Disposable.from(
    auth.onDidChange(signedIn),
    secrets.onDidChange((e) => {
      if (e.key === CLIENT_SECRET_KEY) secret();
    }),
  );
}
