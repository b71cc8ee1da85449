// /forgotPassword and /confirmForgotPassword: a reset code by email and a new password, through
// the pool's ForgotPassword and ConfirmForgotPassword.
import { confirmForgotPassword } from '../cognito-idp/confirmForgotPassword';
import { forgotPassword } from '../cognito-idp/forgotPassword';
import type { EmuRequest } from '../http';
import { parseAuthorize } from './authorizeRequest';
import type { AuthorizeRequest } from './authorizeRequest';
import { csrfOk, csrfToken, errorText, form, input, page, postForm, redirect } from './html';
import type { PageReply } from './html';
import type { ManagedLogin } from './managedLogin';
import { signInForm, withParam } from './signInForm';
import { callPool, hashFor, messageOf } from './userPoolCalls';

function askForm(req: EmuRequest, request: AuthorizeRequest, error: string | null, status = 200): PageReply {
  const csrf = csrfToken(req);
  const content =
    '<p>Enter your email and we will send you a code to reset your password.</p>' +
    errorText(error) +
    postForm(
      `/forgotPassword?${request.query}`,
      csrf.token,
      input('username', 'Email', 'email', req.query.get('username') ?? ''),
      'Reset my password',
    );
  return page('Forgot your password?', content, status, csrf.setCookie);
}

function resetForm(req: EmuRequest, request: AuthorizeRequest, error: string | null, status = 200): PageReply {
  const csrf = csrfToken(req);
  const fields = input('code', 'Code') + input('password', 'New password', 'password');
  const content =
    errorText(error) + postForm(`/confirmForgotPassword?${request.query}`, csrf.token, fields, 'Change password');
  return page('Reset your password', content, status, csrf.setCookie);
}

export function showForgot(req: EmuRequest, ml: ManagedLogin): PageReply {
  const p = parseAuthorize(ml, req.query);
  return 'reply' in p ? p.reply : askForm(req, p.request, null);
}

export async function submitForgot(req: EmuRequest, ml: ManagedLogin): Promise<PageReply> {
  const p = parseAuthorize(ml, req.query);
  if ('reply' in p) return p.reply;
  const fields = form(req);
  if (!csrfOk(req, fields)) return askForm(req, p.request, 'Your session expired. Please try again.', 403);
  const username = (fields.get('username') ?? '').trim();
  const client = p.request.oauth.client;
  try {
    await callPool(forgotPassword, { ClientId: client.id, Username: username, ...hashFor(client, username) }, ml.pool);
    return redirect(`/confirmForgotPassword?${withParam(p.request.query, 'username', username)}`);
  } catch (err) {
    return askForm(req, p.request, messageOf(err), 400);
  }
}

export function showReset(req: EmuRequest, ml: ManagedLogin): PageReply {
  const p = parseAuthorize(ml, req.query);
  return 'reply' in p ? p.reply : resetForm(req, p.request, null);
}

export async function submitReset(req: EmuRequest, ml: ManagedLogin): Promise<PageReply> {
  const p = parseAuthorize(ml, req.query);
  if ('reply' in p) return p.reply;
  const fields = form(req);
  if (!csrfOk(req, fields)) return resetForm(req, p.request, 'Your session expired. Please try again.', 403);
  const username = req.query.get('username') ?? '';
  const client = p.request.oauth.client;
  try {
    await callPool(
      confirmForgotPassword,
      {
        ClientId: client.id,
        Username: username,
        ConfirmationCode: (fields.get('code') ?? '').trim(),
        Password: fields.get('password') ?? '',
        ...hashFor(client, username),
      },
      ml.pool,
    );
    return signInForm(req, ml, p.request, null, 'Your password is changed. Sign in.');
  } catch (err) {
    return resetForm(req, p.request, messageOf(err), 400);
  }
}
