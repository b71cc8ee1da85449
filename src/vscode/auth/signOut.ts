// Sign Out (this device) and Sign Out Everywhere (every refresh token revoked).
import * as vscode from 'vscode';
import { toAuthError } from '../../core/auth/errors';
import { notSignedIn } from '../../core/messages';
import type { AuthParts } from './parts';

/** Revokes the refresh token (best effort), then always clears the local session. */
export async function signOut({ sessions, clients, log }: AuthParts): Promise<void> {
  // peek() hands out only a session of the current settings' origin; another one is cleared
  // here without sending its tokens anywhere.
  const session = await sessions.peek().catch(() => undefined);
  if (session) {
    try {
      await (await clients.forSession(session)).revoke(session);
    } catch (e) {
      log.warn(`Could not revoke the session (${toAuthError(e).code}); it is cleared here anyway.`);
    }
  }
  await sessions.signOut();
  log.info('Signed out.');
}

export async function signOutEverywhere({ sessions, clients, dialog }: AuthParts): Promise<void> {
  const session = await sessions.getSession().catch(() => undefined);
  if (!session) {
    await dialog.prompter.message('info', notSignedIn());
    return;
  }
  const done = await dialog.withProgress(vscode.l10n.t('Signing out everywhere…'), async () =>
    (await clients.forSession(session)).globalSignOut(session),
  );
  if (!done) return;
  await sessions.signOut();
  await dialog.prompter.message('info', vscode.l10n.t('Signed out on every device.'));
}
