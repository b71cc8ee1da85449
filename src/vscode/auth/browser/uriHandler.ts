// The extension's URI handler (vscode://bedrock-storyteller.bedrock-storyteller/...): where the
// browser comes back to a remote window, and where /logout ends. One handler per extension, so
// one waiter at a time: a new sign-in replaces an older one's. Any page can open a vscode:// link,
// so a link the waiter does not accept (not its sign-in's state) is ignored and the wait goes on.
import type * as vscode from 'vscode';
import { EDITOR_CALLBACK_PATH, SIGNED_OUT_PATH } from '../../../core/auth/browser/routes';
import type { Log } from '../../log';

export class BrowserUriHandler implements vscode.UriHandler {
  private waiting: { accepts(uri: vscode.Uri): boolean; resolve(uri: vscode.Uri): void } | undefined;

  constructor(private readonly log: Log) {}

  /** Resolves with the next /auth-callback URI that `accepts` takes; the returned dispose stops waiting. */
  next(accepts: (uri: vscode.Uri) => boolean): { uri: Promise<vscode.Uri>; dispose(): void } {
    let resolve!: (uri: vscode.Uri) => void;
    const uri = new Promise<vscode.Uri>((r) => (resolve = r));
    const waiting = { accepts, resolve };
    this.waiting = waiting;
    return {
      uri,
      dispose: () => {
        if (this.waiting === waiting) this.waiting = undefined;
      },
    };
  }

  handleUri(uri: vscode.Uri): void {
    if (uri.path === EDITOR_CALLBACK_PATH) {
      const waiting = this.waiting;
      if (!waiting) this.log.warn('A sign-in answer arrived, but no browser sign-in is waiting; it was ignored.');
      else if (!waiting.accepts(uri))
        this.log.warn('A sign-in answer arrived that is not the waiting sign-in’s (its state); it was ignored.');
      else {
        this.waiting = undefined;
        waiting.resolve(uri);
      }
    } else if (uri.path === SIGNED_OUT_PATH) {
      this.log.info('The browser signed out of managed login.');
    } else {
      this.log.warn(`Ignored a link to ${uri.path}.`);
    }
  }
}
