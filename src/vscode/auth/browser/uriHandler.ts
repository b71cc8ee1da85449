// The extension's URI handler (vscode://bedrock-storyteller.bedrock-storyteller/...): where the
// browser comes back to a remote window, and where /logout ends. One handler per extension, so
// one waiter at a time: a new sign-in replaces an older one's.
import type * as vscode from 'vscode';
import { EDITOR_CALLBACK_PATH, SIGNED_OUT_PATH } from '../../../core/auth/browser/routes';
import type { Log } from '../../log';

export class BrowserUriHandler implements vscode.UriHandler {
  private waiting: ((uri: vscode.Uri) => void) | undefined;

  constructor(private readonly log: Log) {}

  /** Resolves with the next /auth-callback URI; the returned dispose stops waiting. */
  next(): { uri: Promise<vscode.Uri>; dispose(): void } {
    let resolve!: (uri: vscode.Uri) => void;
    const uri = new Promise<vscode.Uri>((r) => (resolve = r));
    this.waiting = resolve;
    return {
      uri,
      dispose: () => {
        if (this.waiting === resolve) this.waiting = undefined;
      },
    };
  }

  handleUri(uri: vscode.Uri): void {
    if (uri.path === EDITOR_CALLBACK_PATH) {
      const waiting = this.waiting;
      this.waiting = undefined;
      if (waiting) waiting(uri);
      else this.log.warn('A sign-in answer arrived, but no browser sign-in is waiting; it was ignored.');
    } else if (uri.path === SIGNED_OUT_PATH) {
      this.log.info('The browser signed out of managed login.');
    } else {
      this.log.warn(`Ignored a link to ${uri.path}.`);
    }
  }
}
