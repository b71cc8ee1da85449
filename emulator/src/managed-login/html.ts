// Server-rendered pages of managed login: every value escaped, every form carrying the CSRF
// token of a double-submit cookie (as Cognito's XSRF-TOKEN), no script at all.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { EmuRequest } from '../http';

export interface PageReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
}

export function cookies(req: EmuRequest): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return out;
}

export function form(req: EmuRequest): URLSearchParams {
  return new URLSearchParams(req.body.toString('utf8'));
}

export const CSRF_COOKIE = 'XSRF-TOKEN';

/** The request's CSRF token, or a new one (then `setCookie` must carry it). */
export function csrfToken(req: EmuRequest): { token: string; setCookie: string | null } {
  const existing = cookies(req).get(CSRF_COOKIE);
  if (existing && /^[A-Za-z0-9_-]{32,}$/.test(existing)) return { token: existing, setCookie: null };
  const token = randomBytes(24).toString('base64url');
  return { token, setCookie: `${CSRF_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax` };
}

/** A form post is good only when its `_csrf` field equals the cookie set with the page. */
export function csrfOk(req: EmuRequest, fields: URLSearchParams): boolean {
  const cookie = Buffer.from(cookies(req).get(CSRF_COOKIE) ?? '');
  const field = Buffer.from(fields.get('_csrf') ?? '');
  return cookie.length >= 32 && cookie.length === field.length && timingSafeEqual(cookie, field);
}

const STYLE =
  'body{font-family:system-ui,sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem}' +
  'label{display:block;margin:.6rem 0 .2rem}input{width:100%;padding:.4rem;box-sizing:border-box}' +
  'button{margin-top:1rem;padding:.5rem 1rem}.error{color:#b00020}.links a{display:block;margin-top:.5rem}';

/** One page; `content` is already-escaped HTML built with the helpers here. */
/** `setCookie`: at most one cookie per reply (the reply's headers are one value each). */
export function page(title: string, content: string, status = 200, setCookie: string | null = null): PageReply {
  const body =
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>` +
    `<meta name="viewport" content="width=device-width, initial-scale=1"><style>${STYLE}</style></head>` +
    `<body><main><h1>${escapeHtml(title)}</h1>${content}</main></body></html>`;
  const headers: Record<string, string> = {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    // No script, no framing: the page can be neither scripted nor clickjacked. No form-action:
    // browsers apply it to the redirects after a POST, which end at the app's callback URL.
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    'x-frame-options': 'DENY',
  };
  if (setCookie) headers['set-cookie'] = setCookie;
  return { status, headers, body };
}

export function errorText(message: string | null): string {
  return message ? `<p class="error" role="alert">${escapeHtml(message)}</p>` : '';
}

export function input(name: string, label: string, type = 'text', value = ''): string {
  const auto = type === 'password' ? ' autocomplete="current-password"' : '';
  return (
    `<label for="${escapeHtml(name)}">${escapeHtml(label)}</label>` +
    `<input id="${escapeHtml(name)}" name="${escapeHtml(name)}" type="${escapeHtml(type)}" value="${escapeHtml(value)}"${auto}>`
  );
}

export function hidden(name: string, value: string): string {
  return `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`;
}

/** A POST form to `action` (a path with its query), with the CSRF field. */
export function postForm(action: string, csrf: string, fields: string, submit: string): string {
  return (
    `<form method="post" action="${escapeHtml(action)}">${hidden('_csrf', csrf)}${fields}` +
    `<button type="submit">${escapeHtml(submit)}</button></form>`
  );
}

export function link(href: string, text: string): string {
  return `<a href="${escapeHtml(href)}">${escapeHtml(text)}</a>`;
}

export function redirect(location: string, setCookie: string | null = null): PageReply {
  const headers: Record<string, string> = { location, 'cache-control': 'no-store' };
  if (setCookie) headers['set-cookie'] = setCookie;
  return { status: 302, headers, body: '' };
}

export function json(status: number, value: unknown, extra: Record<string, string> = {}): PageReply {
  return {
    status,
    headers: { 'content-type': 'application/json;charset=UTF-8', 'cache-control': 'no-store', ...extra },
    body: JSON.stringify(value),
  };
}

/** Cognito's page for a request it cannot send back to the app. */
export function errorPage(message: string, status = 400): PageReply {
  return page('An error was encountered with the requested page.', `<p>${escapeHtml(message)}</p>`, status);
}

/** Back to the app with an OAuth error, once the redirect_uri is known to be the client's. */
export function errorRedirect(
  redirectUri: string,
  state: string | null,
  error: string,
  description?: string,
): PageReply {
  const target = new URL(redirectUri);
  if (description) target.searchParams.set('error_description', description);
  if (state !== null) target.searchParams.set('state', state);
  target.searchParams.set('error', error);
  return redirect(target.toString());
}
