import type * as vscode from 'vscode';
import type { SessionStore } from '../../core/auth/session';

export const SESSION_KEY = 'storyteller.session';
/** The last signed-out refresh token's hash (session.ts: a refresh racing a sign-out undoes its write). */
export const SIGNED_OUT_KEY = 'storyteller.session.signedOut';
export const CLIENT_SECRET_KEY = 'storyteller.clientSecret';

/** The session's one SecretStorage key. VS Code syncs it across windows and fires on change. */
export class SecretSessionStore implements SessionStore {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  async read(): Promise<string | undefined> {
    return this.secrets.get(SESSION_KEY);
  }

  async write(value: string): Promise<void> {
    await this.secrets.store(SESSION_KEY, value);
  }

  async delete(): Promise<void> {
    await this.secrets.delete(SESSION_KEY);
  }

  async signedOutMark(): Promise<string | undefined> {
    return this.secrets.get(SIGNED_OUT_KEY);
  }

  async markSignedOut(mark: string): Promise<void> {
    await this.secrets.store(SIGNED_OUT_KEY, mark);
  }

  onDidChange(listener: () => void): vscode.Disposable {
    return this.secrets.onDidChange((e) => {
      if (e.key === SESSION_KEY) listener();
    });
  }
}
