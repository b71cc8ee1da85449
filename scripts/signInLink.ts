// The demo's one-click sign-in: code-server takes its password only in a POST to /login, so the
// demo serves, on another loopback port, a page that posts the password from the link's
// fragment (`http://127.0.0.1:PORT/#<password>`). The fragment never leaves the browser, so the
// password reaches no server log or Referer, and the page itself holds no secret: a web page
// that rebinds its DNS name to this port (it is refused anyway, by Host) learns nothing.
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SignInLink {
  /** http://127.0.0.1:PORT */
  readonly origin: string;
  /** The link to print: it carries the password in its fragment. */
  url(password: string): string;
  close(): Promise<void>;
}

const SCRIPT = `const form = document.forms[0];
const password = decodeURIComponent(location.hash.slice(1));
history.replaceState(null, '', location.pathname);
if (password) {
  form.elements.password.value = password;
  form.submit();
} else {
  document.getElementById('status').textContent = 'This link has no password in it: open the whole link the demo printed.';
}`;

const escapeAttribute = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** The page, and the headers that let only its own script run and its form post only to code-server. */
export function signInPage(workbenchUrl: string): { html: string; headers: Record<string, string> } {
  const target = new URL(workbenchUrl);
  // code-server redirects a successful login to / with the same query (the folder).
  const action = `${target.origin}/login${target.search}`;
  const html = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Opening VS Code…</title></head>
<body>
<form method="post" action="${escapeAttribute(action)}"><input type="hidden" name="password"></form>
<p id="status">Signing in to VS Code…</p>
<script>${SCRIPT}</script>
</body>
</html>
`;
  const hash = createHash('sha256').update(SCRIPT).digest('base64');
  return {
    html,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': `default-src 'none'; script-src 'sha256-${hash}'; form-action ${target.origin}; base-uri 'none'; frame-ancestors 'none'`,
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
    },
  };
}

export async function startSignInLink(workbenchUrl: string): Promise<SignInLink> {
  const page = signInPage(workbenchUrl);
  const server = createServer((req, res) => {
    // Only this machine's own names: a rebinding page's Host is its own domain.
    const port = (server.address() as AddressInfo).port;
    const hostOk = req.headers.host === `127.0.0.1:${port}` || req.headers.host === `localhost:${port}`;
    if (!hostOk) {
      res.writeHead(421, { 'content-type': 'text/plain' }).end('Misdirected request.\n');
      return;
    }
    if ((req.method !== 'GET' && req.method !== 'HEAD') || (req.url ?? '/') !== '/') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found.\n');
      return;
    }
    res.writeHead(200, page.headers).end(req.method === 'HEAD' ? undefined : page.html);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    url: (password) => `${origin}/#${encodeURIComponent(password)}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
