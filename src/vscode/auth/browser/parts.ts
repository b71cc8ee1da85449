// What browser sign-in needs beyond the other auth commands: the URI handler, how the browser is
// opened, and (tests only) the route and the time limit.
import * as vscode from 'vscode';
import type { RouteId } from '../../../core/auth/browser/routes';
import type { Log } from '../../log';
import { BrowserUriHandler } from './uriHandler';

/** The browser has this long to come back; then the listener closes. */
export const BROWSER_TIMEOUT_MS = 5 * 60_000;

export class BrowserParts implements vscode.Disposable {
  readonly uriHandler: BrowserUriHandler;
  /** Opens a URL in the user's browser; the integration suites play the browser here. */
  open: (url: string) => Promise<boolean> = async (url) => vscode.env.openExternal(vscode.Uri.parse(url, true));
  /** Forces a route instead of the host's best (integration suites). */
  route: RouteId | undefined;
  timeoutMs = BROWSER_TIMEOUT_MS;
  /** The loopback listener for /logout's signed-out page; a sign-in takes the port back from it. */
  private signedOut: vscode.Disposable | undefined;

  constructor(log: Log) {
    this.uriHandler = new BrowserUriHandler(log);
  }

  /** Keeps the signed-out page's listener (closing an earlier one) until `releasePort` or dispose. */
  holdSignedOutListener(listener: vscode.Disposable): void {
    this.signedOut?.dispose();
    this.signedOut = listener;
  }

  /** Sign-in needs the loopback port: the signed-out page's listener gives it up. */
  releasePort(): void {
    this.signedOut?.dispose();
    this.signedOut = undefined;
  }

  dispose(): void {
    this.releasePort();
  }

  /** What the host can do, as github-authentication reads it. */
  static host(): { remote: boolean; web: boolean; uriScheme: string } {
    return {
      remote: vscode.env.remoteName !== undefined,
      web: vscode.env.uiKind === vscode.UIKind.Web,
      uriScheme: vscode.env.uriScheme,
    };
  }
}
