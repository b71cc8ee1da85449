// What follows a right password: the pool's next challenge, each with its page,
// NEW_PASSWORD_REQUIRED (a user an administrator created) and SOFTWARE_TOKEN_MFA (an
// authenticator code), on the pool's own challenge sessions; or, with none left, the code.
import type { ChallengeSession, InitiateAuthResult } from '../cognito-idp/userPool';
import type { EmuRequest } from '../http';
import type { User } from '../state';
import { checkTotp } from '../totp';
import { parseAuthorize } from './authorizeRequest';
import type { AuthorizeRequest } from './authorizeRequest';
import { csrfOk, csrfToken, errorText, form, hidden, input, page, postForm } from './html';
import type { PageReply } from './html';
import type { ManagedLogin } from './managedLogin';
import { signInForm } from './signInForm';
import { messageOf } from './userPoolCalls';

const PAGES: Record<string, { path: string; title: string; fields: string; submit: string }> = {
  NEW_PASSWORD_REQUIRED: {
    path: '/newPassword',
    title: 'Change your password',
    fields: input('newPassword', 'New password', 'password'),
    submit: 'Change password',
  },
  SOFTWARE_TOKEN_MFA: {
    path: '/mfa',
    title: 'Enter the code from your authenticator app',
    fields: input('code', 'Code'),
    submit: 'Sign in',
  },
};

export function challengePage(
  req: EmuRequest,
  request: AuthorizeRequest,
  challenge: string,
  session: string,
  error: string | null,
): PageReply {
  const csrf = csrfToken(req);
  const p = PAGES[challenge];
  if (!p)
    return page(
      'Sign in',
      errorText('Set up your authenticator app in the extension first (MFA setup is not offered on this page).'),
      400,
    );
  const content =
    errorText(error) +
    postForm(`${p.path}?${request.query}`, csrf.token, hidden('session', session) + p.fields, p.submit);
  return page(p.title, content, error ? 400 : 200, csrf.setCookie);
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

/** The pool's challenge session of this kind for this client, or null when gone or expired. */
function takeSession(
  ml: ManagedLogin,
  id: string,
  request: AuthorizeRequest,
  challenge: string,
): ChallengeSession | null {
  const s = ml.pool.sessions.get(id);
  if (!s || s.expires < ml.now() || s.clientId !== request.clientId || s.challenge !== challenge) return null;
  return s;
}

async function answer(
  req: EmuRequest,
  ml: ManagedLogin,
  challenge: 'NEW_PASSWORD_REQUIRED' | 'SOFTWARE_TOKEN_MFA',
): Promise<PageReply> {
  const parsed = parseAuthorize(ml, req.query);
  if ('reply' in parsed) return parsed.reply;
  const { request } = parsed;
  const fields = form(req);
  const sessionId = fields.get('session') ?? '';
  if (!csrfOk(req, fields))
    return challengePage(req, request, challenge, sessionId, 'Your session expired. Please try again.');
  const s = takeSession(ml, sessionId, request, challenge);
  const user = s ? ml.pool.users[s.username] : undefined;
  if (!s || !user) return signInForm(req, ml, request, 'Your session expired. Please sign in again.', null, 400);
  const pool = ml.pool;
  const client = request.oauth.client;
  try {
    if (challenge === 'SOFTWARE_TOKEN_MFA') {
      if (!user.totpSecret || !checkTotp(user.totpSecret, (fields.get('code') ?? '').trim(), pool.now()))
        return challengePage(req, request, challenge, sessionId, 'Invalid code received for user');
      pool.sessions.delete(sessionId);
      pool.changed();
      return ml.finish(request, request.codeChallenge, user, null);
    }
    const password = fields.get('newPassword') ?? '';
    pool.checkPolicy(password);
    await pool.setPassword(user, password);
    user.status = 'CONFIRMED';
    delete user.temporaryPasswordExpires;
    pool.sessions.delete(sessionId);
    return continueSignIn(req, ml, request, (signedIn) => pool.mfaOrTokens(client, user, signedIn));
  } catch (err) {
    return challengePage(req, request, challenge, sessionId, messageOf(err));
  }
}

export const newPassword = (req: EmuRequest, ml: ManagedLogin): Promise<PageReply> =>
  answer(req, ml, 'NEW_PASSWORD_REQUIRED');
export const mfa = (req: EmuRequest, ml: ManagedLogin): Promise<PageReply> => answer(req, ml, 'SOFTWARE_TOKEN_MFA');
