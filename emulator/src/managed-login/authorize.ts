// GET /oauth2/authorize: checks the request as Cognito does (client, the exact redirect_uri, then
// response_type, scopes, PKCE S256, identity_provider), then signs in from the hosted session
// cookie, hands off to a social provider, or shows the sign-in page with the same query.
import type { EmuRequest } from '../http';
import { cookies, escapeHtml, page, redirect } from './html';
import type { PageReply } from './html';
import { SESSION_COOKIE } from './managedLogin';
import type { ManagedLogin, OAuthClient } from './managedLogin';
import { startFederation } from './federation';

export interface AuthorizeRequest {
  oauth: OAuthClient;
  clientId: string;
  redirectUri: string;
  state: string | null;
  scopes: string[];
  nonce: string | null;
  codeChallenge: string | null;
  identityProvider: string | null;
  /** The query as received, carried by the hosted pages (as Cognito's /login?...). */
  query: string;
}

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

const CHALLENGE = /^[A-Za-z0-9_-]{43,128}$/;

export function parseAuthorize(
  ml: ManagedLogin,
  q: URLSearchParams,
): { request: AuthorizeRequest } | { reply: PageReply } {
  const clientId = q.get('client_id');
  const oauth = ml.oauthClient(clientId);
  if (!clientId || !oauth)
    return { reply: errorPage('The client_id is missing or is not an app client of this pool.') };
  if (!oauth.oauthEnabled || oauth.callbackUrls.length === 0)
    return { reply: errorPage('This app client is not set up for managed login (no OAuth flows or callback URLs).') };
  const redirectUri = q.get('redirect_uri');
  // Exact match, port and path included: never redirect anywhere the client did not list.
  if (!redirectUri || !oauth.callbackUrls.includes(redirectUri))
    return { reply: redirect(`${ml.base}/error?error=redirect_mismatch&client_id=${encodeURIComponent(clientId)}`) };
  const state = q.get('state');
  const back = (error: string, description?: string): { reply: PageReply } => ({
    reply: errorRedirect(redirectUri, state, error, description),
  });
  const responseType = q.get('response_type');
  if (responseType !== 'code' && responseType !== 'token') return back('unsupported_response_type');
  const flow = responseType === 'code' ? 'code' : 'implicit';
  if (!oauth.flows.includes(flow)) return back('unauthorized_client');
  // A template that allows the implicit grant (the guard rules refuse it) gets no tokens in a URL here.
  if (flow === 'implicit') return back('unsupported_response_type', 'The implicit grant is not emulated');
  const asked = (q.get('scope') ?? '').split(' ').filter(Boolean);
  if (asked.some((s) => !oauth.scopes.includes(s))) return back('invalid_scope');
  const scopes = asked.length > 0 ? [...new Set(asked)] : oauth.scopes;
  const challenge = q.get('code_challenge');
  const method = q.get('code_challenge_method');
  if (method !== null && method !== 'S256')
    return back('invalid_request', 'Unsupported code_challenge_method; only S256 is supported');
  if (challenge !== null && (method === null || !CHALLENGE.test(challenge)))
    return back('invalid_request', 'Invalid code_challenge or missing code_challenge_method');
  if (method !== null && challenge === null) return back('invalid_request', 'Missing code_challenge');
  const identityProvider = q.get('identity_provider');
  if (identityProvider !== null && !oauth.providers.includes(identityProvider))
    return { reply: errorPage('Login option is not available. Please try another one.') };
  return {
    request: {
      oauth,
      clientId,
      redirectUri,
      state,
      scopes,
      nonce: q.get('nonce'),
      codeChallenge: challenge,
      identityProvider,
      query: q.toString(),
    },
  };
}

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
