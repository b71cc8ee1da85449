// The story panel's HTML shell. Pure (no `vscode`): the host passes in the webview's cspSource
// and the asWebviewUri() strings of dist/webview/story.js and story.css.
import { randomBytes } from 'node:crypto';

export interface StoryHtmlOptions {
  /** `webview.cspSource`. */
  readonly cspSource: string;
  /** From makeNonce(), fresh for every HTML build. */
  readonly nonce: string;
  /** `webview.asWebviewUri(<extension>/dist/webview/story.js)`. */
  readonly scriptUri: string;
  /** `webview.asWebviewUri(<extension>/dist/webview/story.css)`. */
  readonly styleUri: string;
  /** Optional codicon stylesheet (the story UI does not need it). */
  readonly codiconsUri?: string;
  readonly title: string;
  /** `vscode.l10n.bundle`: the translations for the panel's own sentences; none means English. */
  readonly translations?: Readonly<Record<string, string>> | undefined;
}

/** 128 random bits, base64: what a CSP nonce needs. */
export function makeNonce(): string {
  return randomBytes(16).toString('base64');
}

/** The exact Content-Security-Policy of the panel: no inline script or style, no eval. */
export function storyCsp(cspSource: string, nonce: string): string {
  return [
    `default-src 'none'`,
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
  ].join('; ');
}

export function storyHtml(o: StoryHtmlOptions): string {
  // Everything interpolated is escaped; a nonce or URI with a quote in it must not break out.
  if (!/^[A-Za-z0-9+/=_-]{16,}$/.test(o.nonce))
    throw new Error('storyHtml: the nonce must be at least 16 base64 characters.');
  // code-server's cspSource is several sources ("'self' https://…"); only a ";" or a quote
  // that could end the attribute would let it add directives of its own.
  if (/[;"<>\r\n]/.test(o.cspSource) || o.cspSource.trim() === '') throw new Error('storyHtml: invalid cspSource.');
  const csp = storyCsp(o.cspSource.trim(), o.nonce);
  const translations = o.translations ? ` data-l10n="${attr(JSON.stringify(o.translations))}"` : '';
  const codicons = o.codiconsUri
    ? `\n    <link rel="stylesheet" href="${attr(o.codiconsUri)}" id="vscode-codicon-stylesheet">`
    : '';
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${attr(csp)}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    <title>${text(o.title)}</title>
    <link rel="stylesheet" href="${attr(o.styleUri)}">${codicons}
  </head>
  <body>
    <div id="app" class="app"${translations}></div>
    <script nonce="${attr(o.nonce)}" src="${attr(o.scriptUri)}"></script>
  </body>
</html>
`;
}

function text(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attr(s: string): string {
  return text(s).replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
