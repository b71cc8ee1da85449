// The loopback listener the browser comes back to: 127.0.0.1 at the fixed port the app client
// registers (Cognito matches callback URLs exactly, port included). It answers the one GET on its
// path that belongs to the sign-in (its state) and closes; a GET that does not belong is ignored
// (any local process or web page can call 127.0.0.1), anything else gets a 404 or 405. The page
// it shows carries no token.
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import * as vscode from 'vscode';
import { AuthError } from '../../../core/auth/errors';

/** What the tab shows once the sign-in is done (or failed): plain text, no token, no script. */
export interface LoopbackPage {
  readonly title: string;
  readonly message: string;
}

const escape = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function html({ title, message }: LoopbackPage): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title></head><body style="font-family: system-ui, sans-serif; margin: 3em;"><h1>${escape(title)}</h1><p>${escape(message)}</p></body></html>`;
}

export class LoopbackListener implements vscode.Disposable {
  private closed = false;

  private constructor(private readonly server: Server) {}

  /**
   * Listens on 127.0.0.1:`port`; the first GET on `path` that `belongs` goes to `answer`, whose
   * page the tab shows, and then the listener closes. A port already taken is one AuthError.
   */
  static listen(
    port: number,
    path: string,
    handler: { belongs(url: URL): boolean; answer(url: URL): Promise<LoopbackPage>; ignored(url: URL): void },
  ): Promise<LoopbackListener> {
    let answered = false;
    let listener: LoopbackListener | undefined;
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
      const send = (status: number, page: LoopbackPage) => {
        res.writeHead(status, {
          'content-type': 'text/html; charset=utf-8',
          'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
          'cache-control': 'no-store',
          // The address carries the code: no page it links to may see it.
          'referrer-policy': 'no-referrer',
        });
        res.end(html(page));
      };
      if (url.pathname !== path) return send(404, { title: 'Not found', message: 'Nothing here.' });
      if (req.method !== 'GET') return send(405, { title: 'Not allowed', message: 'Only GET is answered here.' });
      if (answered)
        return send(409, {
          title: vscode.l10n.t('Already answered'),
          message: vscode.l10n.t('This sign-in was already answered. Go back to VS Code.'),
        });
      if (!handler.belongs(url)) {
        handler.ignored(url);
        return send(400, {
          title: vscode.l10n.t('Not this sign-in'),
          message: vscode.l10n.t(
            'This answer does not belong to the sign-in VS Code is waiting for, so it was ignored. Finish signing in in the tab VS Code opened.',
          ),
        });
      }
      answered = true;
      void handler.answer(url).then(
        (page) => {
          send(200, page);
          listener?.dispose();
        },
        () => {
          send(500, { title: 'Bedrock Storyteller', message: vscode.l10n.t('Go back to VS Code.') });
          listener?.dispose();
        },
      );
    });
    return new Promise((resolve, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) => {
        reject(
          e.code === 'EADDRINUSE'
            ? new AuthError(
                vscode.l10n.t(
                  'Port {0} on 127.0.0.1, where the browser comes back after signing in, is in use by another program (or another VS Code window that is signing in). Close it, or finish that sign-in, then try again.',
                  port,
                ),
                'PortInUse',
                'user',
              )
            : new AuthError(
                vscode.l10n.t('Could not listen on 127.0.0.1:{0} ({1}). Try again.', port, e.code ?? e.message),
                'ListenFailed',
                'user',
              ),
        );
      });
      server.listen(port, '127.0.0.1', () => {
        listener = new LoopbackListener(server);
        resolve(listener);
      });
    });
  }

  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    // Let the last page finish sending, then drop any kept-alive connection.
    this.server.close();
    setTimeout(() => this.server.closeAllConnections(), 1000).unref();
  }
}
