// The /oauth2/authorize query, checked as Cognito checks it (client, the exact redirect_uri, then
// response_type, scopes, PKCE S256, identity_provider). Every hosted page carries that query and
// parses it again here, so a page never trusts what it did not check.
import { errorPage, errorRedirect, redirect } from './html';
import type { PageReply } from './html';
import type { ManagedLogin } from './managedLogin';
import type { OAuthClient } from './managedLoginConfig';

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
