// Sign Out (this device) and Sign Out Everywhere (every refresh token revoked).
import * as vscode from 'vscode';
import { toAuthError } from '../../core/auth/errors';
import type { Session } from '../../core/auth/session';
import { notSignedIn } from '../../core/messages';
import { managedLoginFor } from './browser/managedLogin';
import { signOutOfBrowser } from './browser/signOutOfBrowser';
import type { AuthParts } from './parts';

/**
 * Revokes the refresh token (best effort: RevokeToken, or /oauth2/revoke for a browser
 * session), clears the local session, and (storyteller.hostedUi.signOutOfBrowser) opens /logout.
 */
export async function signOut(parts: AuthParts): Promise<void> {
  const { sessions, clients, log } = parts;
  // peek() hands out only a session of the current settings' origin; another one is cleared
  // here without sending its tokens anywhere.
  const session = await sessions.peek().catch(() => undefined);
  if (session) {
    try {
      const client = await clients.forSession(session);
      if (session.method === 'browser' && parts.settings.signInConfig?.hostedUi.domain)
        await revokeAtManagedLogin(parts, session);
      else await client.revoke(session);
    } catch (e) {
      log.warn(`Could not revoke the session (${toAuthError(e).code}); it is cleared here anyway.`);
    }
  }
  await sessions.signOut();
  log.info('Signed out.');
  if (session?.method === 'browser') await signOutOfBrowser(parts);
}

async function revokeAtManagedLogin(parts: AuthParts, session: Session): Promise<void> {
  await (await managedLoginFor(parts, parts.settings.signInConfig!)).revoke(session.refreshToken);
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
