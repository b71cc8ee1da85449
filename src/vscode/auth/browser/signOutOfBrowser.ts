// With storyteller.hostedUi.signOutOfBrowser on, sign-out also opens /logout in the browser, so
// the managed login session cookie ends too (otherwise the next sign-in skips the form). /logout
// then goes to a LogoutURL the app client lists: a loopback page here, or the editor's handler.
import * as vscode from 'vscode';
import {
  EDITOR_SCHEMES,
  editorSignedOut,
  getRoutes,
  loopbackSignedOut,
  SIGNED_OUT_PATH,
} from '../../../core/auth/browser/routes';
import { toAuthError } from '../../../core/auth/errors';
import type { AuthParts } from '../parts';
import { managedLoginFor } from './managedLogin';
import { LoopbackListener } from './loopback';
import { BrowserParts } from './parts';

/** The signed-out page waits this long for the browser. */
const SIGNED_OUT_WAIT_MS = 2 * 60_000;

export async function signOutOfBrowser(parts: AuthParts): Promise<void> {
  const config = parts.settings.signInConfig;
  if (!config?.hostedUi.domain || !config.hostedUi.signOutOfBrowser) return;
  const { log, browser } = parts;
  try {
    const port = config.hostedUi.callbackPort;
    const route = browser.route ?? getRoutes(BrowserParts.host())[0]!.id;
    let logoutUri = loopbackSignedOut(port);
    if (route === 'loopback') {
      // The signed-out page carries nothing to check: whoever comes first just gets the page.
      const listener = await LoopbackListener.listen(port, SIGNED_OUT_PATH, {
        belongs: () => true,
        ignored: () => undefined,
        answer: async () => ({
          title: vscode.l10n.t('Signed out of Bedrock Storyteller'),
          message: vscode.l10n.t('You can close this tab.'),
        }),
      }).catch(() => undefined);
      if (listener) {
        browser.holdSignedOutListener(listener);
        setTimeout(() => listener.dispose(), SIGNED_OUT_WAIT_MS).unref();
      }
    } else if (route === 'uriHandler') {
      logoutUri = editorSignedOut(EDITOR_SCHEMES.includes(vscode.env.uriScheme) ? vscode.env.uriScheme : 'vscode');
    }
    const login = await managedLoginFor(parts, config);
    await browser.open(login.logoutUrl(logoutUri));
    log.info('Opened managed login sign-out in the browser.');
  } catch (e) {
    log.warn(`Could not open managed login sign-out (${toAuthError(e).code}).`);
  }
}
