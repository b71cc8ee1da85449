// GET /oauth2/authorize: checks the request as Cognito does (authorizeRequest.ts), then signs in
// from the hosted session cookie, hands off to a social provider, or shows the sign-in page with
// the same query.
import type { EmuRequest } from '../http';
import { parseAuthorize } from './authorizeRequest';
import { startFederation } from './federation';
import { cookies, errorPage, errorRedirect, redirect } from './html';
import type { PageReply } from './html';
import { SESSION_COOKIE } from './managedLogin';
import type { ManagedLogin } from './managedLogin';

export function authorize(req: EmuRequest, ml: ManagedLogin): PageReply {
  const parsed = parseAuthorize(ml, req.query);
  if ('reply' in parsed) return parsed.reply;
  const { request } = parsed;
  const sessionId = cookies(req).get(SESSION_COOKIE);
  const prompt = req.query.get('prompt');
  const user = prompt === 'login' ? undefined : ml.sessionUser(sessionId);
  // A hosted session skips the form (prompt=login asks again), unless the app names a social provider.
  if (user && (request.identityProvider === null || request.identityProvider === 'COGNITO'))
    return ml.finish(request, request.codeChallenge, user, sessionId ?? null);
  if (prompt === 'none') return errorRedirect(request.redirectUri, request.state, 'login_required');
  if (request.identityProvider && request.identityProvider !== 'COGNITO')
    return startFederation(ml, request.identityProvider, request.query);
  return redirect(`${ml.base}/login?${request.query}`);
}

/** GET /error: where a redirect_mismatch lands (the app's URL is not trusted, so no redirect). */
export function errorRoute(req: EmuRequest): PageReply {
  const error = req.query.get('error') ?? 'invalid_request';
  return errorPage(`${error}: the redirect_uri is not one of the app client's callback URLs.`);
}
