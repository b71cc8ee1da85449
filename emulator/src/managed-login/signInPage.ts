// /login: the hosted sign-in page (GET shows it with the authorize query, POST checks the
// password through the pool), then the challenge pages or back to the app with a code.
import { checkPassword } from '../passwords';
import { INCORRECT } from '../cognito-idp/userPool';
import { AwsError } from '../errors';
import type { EmuRequest } from '../http';
import { parseAuthorize } from './authorizeRequest';
import { continueSignIn } from './challengePages';
import { csrfOk, form, redirect } from './html';
import type { PageReply } from './html';
import type { ManagedLogin } from './managedLogin';
import { signInForm, withParam } from './signInForm';
import { messageOf } from './userPoolCalls';

export function showSignIn(req: EmuRequest, ml: ManagedLogin): PageReply {
  const parsed = parseAuthorize(ml, req.query);
  if ('reply' in parsed) return parsed.reply;
  return signInForm(req, ml, parsed.request, null);
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
