// /login: the hosted sign-in page (GET shows it with the authorize query, POST checks the
// password through the pool), then the challenge pages or back to the app with a code.
import { checkPassword } from '../passwords';
import type { InitiateAuthResult } from '../cognito-idp/userPool';
import { INCORRECT } from '../cognito-idp/userPool';
import { AwsError } from '../errors';
import type { EmuRequest } from '../http';
import type { User } from '../state';
import { parseAuthorize } from './authorize';
import type { AuthorizeRequest } from './authorize';
import { challengePage } from './challengePages';
import { csrfOk, csrfToken, errorText, escapeHtml, form, input, link, page, postForm, redirect } from './html';
import type { PageReply } from './html';
import type { ManagedLogin } from './managedLogin';
import { messageOf } from './userPoolCalls';

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

export function showSignIn(req: EmuRequest, ml: ManagedLogin): PageReply {
  const parsed = parseAuthorize(ml, req.query);
  if ('reply' in parsed) return parsed.reply;
  return signInForm(req, ml, parsed.request, null);
}

/** Runs the pool's after-password steps; a challenge gets its page, success gets the code. */
export function continueSignIn(
  req: EmuRequest,
  ml: ManagedLogin,
  request: AuthorizeRequest,
  step: (signedIn: (user: User) => InitiateAuthResult) => InitiateAuthResult,
): PageReply {
  let done: User | null = null;
  const result = step((user) => {
    done = user;
    return { ChallengeParameters: {} };
  });
  if (done) return ml.finish(request, request.codeChallenge, done, null);
  return challengePage(req, request, result.ChallengeName ?? '', result.Session ?? '', null);
}

export async function signIn(req: EmuRequest, ml: ManagedLogin): Promise<PageReply> {
  const parsed = parseAuthorize(ml, req.query);
  if ('reply' in parsed) return parsed.reply;
  const { request } = parsed;
  const fields = form(req);
  if (!csrfOk(req, fields)) return signInForm(req, ml, request, 'Your session expired. Please try again.', null, 403);
  const username = (fields.get('username') ?? '').trim();
  const password = fields.get('password') ?? '';
  const pool = ml.pool;
  const user = username ? pool.findUser(username) : undefined;
  // Federated users have no password here: the same answer as a wrong one.
  if (!user || user.status === 'EXTERNAL_PROVIDER' || !password) return signInForm(req, ml, request, INCORRECT);
  try {
    pool.checkAttempts(user);
    if (!(await checkPassword(password, user.passwordHash))) pool.failedSignIn(user);
    return continueSignIn(req, ml, request, (signedIn) => pool.afterPassword(request.oauth.client, user, signedIn));
  } catch (err) {
    if (err instanceof AwsError && err.code === 'UserNotConfirmedException')
      return redirect(`/confirmUser?${withParam(request.query, 'username', username)}`);
    if (err instanceof AwsError && err.code === 'PasswordResetRequiredException')
      return redirect(`/forgotPassword?${withParam(request.query, 'username', username)}`);
    return signInForm(req, ml, request, messageOf(err));
  }
}
