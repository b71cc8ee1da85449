import * as assert from 'node:assert/strict';
import { makeNonce, storyCsp, storyHtml } from '../../../src/core/story/webviewHtml';

const cspSource = 'https://*.vscode-cdn.net';
const options = {
  cspSource,
  nonce: 'AAAAAAAAAAAAAAAAAAAAAA==',
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/story.js',
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/story.css',
  title: 'New Story',
};

function cspOf(html: string): string {
  const m = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
  assert.ok(m, 'the CSP meta tag is present');
  return m[1]!.replace(/&#39;/g, "'");
}

describe('story webview HTML', () => {
  it('has exactly the required CSP', () => {
    assert.equal(
      cspOf(storyHtml(options)),
      `default-src 'none'; script-src 'nonce-AAAAAAAAAAAAAAAAAAAAAA=='; style-src ${cspSource}; font-src ${cspSource}; img-src ${cspSource} data:`,
    );
    assert.equal(
      storyCsp('x', 'n'),
      "default-src 'none'; script-src 'nonce-n'; style-src x; font-src x; img-src x data:",
    );
  });

  it('never allows inline code or eval', () => {
    const csp = cspOf(storyHtml(options));
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*(?!\.vscode-cdn)/);
  });

  it('loads one script with the nonce, the stylesheet, and a viewport meta', () => {
    const html = storyHtml(options);
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    assert.deepEqual(scripts, [`<script nonce="${options.nonce}" src="${options.scriptUri}">`]);
    assert.match(html, new RegExp(`<link rel="stylesheet" href="${options.styleUri.replace(/[.+]/g, '\\$&')}">`));
    assert.match(html, /<meta name="viewport" content="width=device-width, initial-scale=1.0">/);
    assert.match(html, /<html lang="en">/);
    assert.doesNotMatch(html, /\sstyle=|<style/, 'no inline styles (the CSP would block them)');
    assert.doesNotMatch(html, /codicon/);
  });

  it('adds the codicon stylesheet only when given', () => {
    assert.match(
      storyHtml({ ...options, codiconsUri: 'https://x/codicon.css' }),
      /<link rel="stylesheet" href="https:\/\/x\/codicon.css" id="vscode-codicon-stylesheet">/,
    );
  });

  it('escapes the title and URIs', () => {
    const html = storyHtml({
      ...options,
      title: '</title><script>alert(1)</script>',
      styleUri: 'x"><script>alert(1)</script>',
    });
    assert.equal((html.match(/<script/g) ?? []).length, 1);
    assert.match(html, /<title>&lt;\/title&gt;&lt;script&gt;/);
  });

  it('passes the host translations to the panel escaped, and nothing without them', () => {
    assert.doesNotMatch(storyHtml(options), /data-l10n/);
    const translations = { 'Sign in to write stories.': '"><script>alert(1)</script> Anmelden' };
    const html = storyHtml({ ...options, translations });
    assert.equal((html.match(/<script/g) ?? []).length, 1, 'no markup breaks out of the attribute');
    const m = /<div id="app" class="app" data-l10n="([^"]*)"><\/div>/.exec(html);
    assert.ok(m, 'the bundle is on #app');
    const decoded = m[1]!
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>');
    assert.deepEqual(JSON.parse(decoded.replace(/&amp;/g, '&')), translations);
  });

  it('refuses a weak or malformed nonce and a cspSource that could extend the policy', () => {
    assert.throws(() => storyHtml({ ...options, nonce: 'abc' }), /nonce/);
    assert.throws(() => storyHtml({ ...options, nonce: `${'a'.repeat(20)}' 'unsafe-inline` }), /nonce/);
    assert.throws(() => storyHtml({ ...options, cspSource: "x; script-src 'unsafe-inline'" }), /cspSource/);
    assert.throws(() => storyHtml({ ...options, cspSource: '' }), /cspSource/);
  });

  it("accepts a multi-source cspSource (code-server's \"'self' https://…\")", () => {
    const multi = "'self' https://*.vscode-cdn.net";
    assert.equal(
      cspOf(storyHtml({ ...options, cspSource: multi })),
      `default-src 'none'; script-src 'nonce-${options.nonce}'; style-src ${multi}; font-src ${multi}; img-src ${multi} data:`,
    );
  });

  it('makes a fresh 128-bit nonce each time', () => {
    const nonces = new Set(Array.from({ length: 100 }, makeNonce));
    assert.equal(nonces.size, 100);
    for (const n of nonces) {
      assert.match(n, /^[A-Za-z0-9+/]{22}==$/);
      assert.equal(Buffer.from(n, 'base64').length, 16);
    }
    assert.doesNotThrow(() => storyHtml({ ...options, nonce: makeNonce() }));
  });
});
