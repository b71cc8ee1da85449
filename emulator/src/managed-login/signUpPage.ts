// /signup and /confirmUser: sign-up with the emailed code, through the pool's SignUp and
// ConfirmSignUp (password policy, the pre sign-up trigger and the outbox are the API's).
import { confirmSignUp } from '../cognito-idp/confirmSignUp';
import { signUp } from '../cognito-idp/signUp';
import type { EmuRequest } from '../http';
import { parseAuthorize } from './authorizeRequest';
import type { AuthorizeRequest } from './authorizeRequest';
import { csrfOk, csrfToken, errorText, form, input, page, postForm, redirect } from './html';
import type { PageReply } from './html';
import type { ManagedLogin } from './managedLogin';
import { signInForm, withParam } from './signInForm';
import { callPool, hashFor, messageOf } from './userPoolCalls';

function signUpForm(req: EmuRequest, request: AuthorizeRequest, error: string | null, status = 200): PageReply {
  const csrf = csrfToken(req);
  const fields =
    input('username', 'Email', 'email') + input('name', 'Name') + input('password', 'Password', 'password');
  return page(
    'Sign up',
    errorText(error) + postForm(`/signup?${request.query}`, csrf.token, fields, 'Sign up'),
    status,
    csrf.setCookie,
  );
}

function confirmForm(req: EmuRequest, request: AuthorizeRequest, error: string | null, status = 200): PageReply {
  const csrf = csrfToken(req);
  const content =
    '<p>We have sent a code by email. Enter it to confirm your account.</p>' +
    errorText(error) +
    postForm(`/confirmUser?${request.query}`, csrf.token, input('code', 'Verification code'), 'Confirm account');
  return page('Confirm your account', content, status, csrf.setCookie);
}

function parsed(req: EmuRequest, ml: ManagedLogin): AuthorizeRequest | PageReply {
  const p = parseAuthorize(ml, req.query);
  if ('reply' in p) return p.reply;
  if (ml.pool.config.adminCreateUserOnly)
    return signInForm(req, ml, p.request, 'Sign-up is not allowed for this pool.', null, 400);
  return p.request;
}

export function showSignUp(req: EmuRequest, ml: ManagedLogin): PageReply {
  const request = parsed(req, ml);
  return 'query' in request ? signUpForm(req, request, null) : request;
}

export async function submitSignUp(req: EmuRequest, ml: ManagedLogin): Promise<PageReply> {
  const request = parsed(req, ml);
  if (!('query' in request)) return request;
  const fields = form(req);
  if (!csrfOk(req, fields)) return signUpForm(req, request, 'Your session expired. Please try again.', 403);
  const username = (fields.get('username') ?? '').trim();
  const name = (fields.get('name') ?? '').trim();
  const client = request.oauth.client;
  try {
    const out = await callPool(
      signUp,
      {
        ClientId: client.id,
        Username: username,
        Password: fields.get('password') ?? '',
        UserAttributes: [{ Name: 'email', Value: username }, ...(name ? [{ Name: 'name', Value: name }] : [])],
        ...hashFor(client, username),
      },
      ml.pool,
    );
    if (out.UserConfirmed) return signInForm(req, ml, request, null, 'Your account is ready. Sign in.');
    return redirect(`/confirmUser?${withParam(request.query, 'username', username)}`);
  } catch (err) {
    return signUpForm(req, request, messageOf(err), 400);
  }
}

export function showConfirm(req: EmuRequest, ml: ManagedLogin): PageReply {
  const p = parseAuthorize(ml, req.query);
  return 'reply' in p ? p.reply : confirmForm(req, p.request, null);
}

export async function submitConfirm(req: EmuRequest, ml: ManagedLogin): Promise<PageReply> {
  const p = parseAuthorize(ml, req.query);
  if ('reply' in p) return p.reply;
  const request = p.request;
  const fields = form(req);
  if (!csrfOk(req, fields)) return confirmForm(req, request, 'Your session expired. Please try again.', 403);
  const username = req.query.get('username') ?? '';
  const client = request.oauth.client;
  try {
    await callPool(
      confirmSignUp,
      {
        ClientId: client.id,
        Username: username,
        ConfirmationCode: (fields.get('code') ?? '').trim(),
        ...hashFor(client, username),
      },
      ml.pool,
    );
    return signInForm(req, ml, request, null, 'Your account is confirmed. Sign in.');
  } catch (err) {
    return confirmForm(req, request, messageOf(err), 400);
  }
}
