// What browser sign-in needs beyond the other auth commands: the URI handler, how the browser is
// opened, and (tests only) the route and the time limit.
import * as vscode from 'vscode';
import type { RouteId } from '../../../core/auth/browser/routes';
import type { Log } from '../../log';
import { BrowserUriHandler } from './uriHandler';

/** The browser has this long to come back; then the listener closes. */
export const BROWSER_TIMEOUT_MS = 5 * 60_000;

export class BrowserParts {
  readonly uriHandler: BrowserUriHandler;
  /** Opens a URL in the user's browser; the integration suites play the browser here. */
  open: (url: string) => Promise<boolean> = async (url) => vscode.env.openExternal(vscode.Uri.parse(url, true));
  /** Forces a route instead of the host's best (integration suites). */
  route: RouteId | undefined;
  timeoutMs = BROWSER_TIMEOUT_MS;

  constructor(log: Log) {
    this.uriHandler = new BrowserUriHandler(log);
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
