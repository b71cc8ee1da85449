// The sign-in form itself, which every hosted page falls back to (an expired session, a reset
// password), apart from /login's handlers so that those pages need not import them.
import type { EmuRequest } from '../http';
import type { AuthorizeRequest } from './authorizeRequest';
import { csrfToken, errorText, escapeHtml, input, link, page, postForm } from './html';
import type { PageReply } from './html';
import type { ManagedLogin } from './managedLogin';

export function signInForm(
  req: EmuRequest,
  ml: ManagedLogin,
  request: AuthorizeRequest,
  error: string | null,
  notice: string | null = null,
  status = 200,
): PageReply {
  const csrf = csrfToken(req);
  const q = request.query;
  const social = request.oauth.providers
    .filter((p) => p !== 'COGNITO' && ml.provider(p))
    .map((p) => link(`/oauth2/authorize?${withParam(q, 'identity_provider', p)}`, `Continue with ${p}`))
    .join('');
  const notes = notice ? `<p role="status">${escapeHtml(notice)}</p>` : '';
  const content =
    errorText(error) +
    notes +
    postForm(
      `/login?${q}`,
      csrf.token,
      input('username', 'Email') + input('password', 'Password', 'password'),
      'Sign in',
    ) +
    `<div class="links">${link(`/forgotPassword?${q}`, 'Forgot your password?')}` +
    (ml.pool.config.adminCreateUserOnly ? '' : link(`/signup?${q}`, 'Need an account? Sign up')) +
    `${social}</div>`;
  return page('Sign in', content, status, csrf.setCookie);
}

export function withParam(query: string, name: string, value: string): string {
  const q = new URLSearchParams(query);
  q.set(name, value);
  return q.toString();
}
