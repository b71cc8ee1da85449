import type * as vscode from 'vscode';
import type { SessionStore } from '../../core/auth/session';
import type { Log } from '../log';

export const SESSION_KEY = 'storyteller.session';
/** The last signed-out refresh token's hash (session.ts: a refresh racing a sign-out undoes its write). */
export const SIGNED_OUT_KEY = 'storyteller.session.signedOut';
export const CLIENT_SECRET_KEY = 'storyteller.clientSecret';

/**
 * A client secret from the environment of VS Code's (remote) extension host, for hosts whose
 * secret storage cannot be seeded from outside: `npm run demo`, dev containers, CI. Like AWS_*
 * variables, it wins over what is stored, and it stays in memory.
 */
export const CLIENT_SECRET_ENV = 'STORYTELLER_CLIENT_SECRET';

export function clientSecretFromEnv(): string | undefined {
  return process.env[CLIENT_SECRET_ENV]?.trim() || undefined;
}

/** The client secret to send, if any; the log masks it from then on. */
export async function readClientSecret(
  secrets: vscode.SecretStorage,
  log: Pick<Log, 'addSecret'>,
): Promise<string | undefined> {
  const secret = clientSecretFromEnv() ?? (await secrets.get(CLIENT_SECRET_KEY));
  if (secret) log.addSecret(secret);
  return secret;
}

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
