// Managed-login tests: an emulator with a hosted domain and both social providers, a browser
// made of fetch with cookies kept by hand, and an independent OAuth/OIDC client (oauth4webapi)
// that discovers the pool from its real issuer URL.
import type * as OAuth from 'oauth4webapi' with { 'resolution-mode': 'import' };

let lib: typeof OAuth | undefined;

/** oauth4webapi is an ES module only; these CommonJS tests load it with import(), once. */
export async function loadOAuth(): Promise<typeof OAuth> {
  lib ??= await import('oauth4webapi');
  return lib;
}

function oauthLib(): typeof OAuth {
  if (!lib) throw new Error('call loadOAuth() in a before hook first');
  return lib;
}
import type { EmulatorOptions, RunningEmulator } from '../../src/emulator';
import { start } from '../helpers';

export const LWA = { id: 'amzn1.application-oa2-client.localtest', secret: 'lwa-local-secret' };
export const GOOGLE = { id: 'local-test.apps.googleusercontent.com', secret: 'google-local-secret' };
export const LOOPBACK = 'http://127.0.0.1:53682/callback';
export const SIGNED_OUT = 'http://127.0.0.1:53682/signed-out';

export function startManagedLogin(
  params: Record<string, string> = {},
  options: EmulatorOptions = {},
): Promise<RunningEmulator> {
  return start({
    ...options,
    params: {
      HostedUiDomainPrefix: 'storyteller-local',
      LoginWithAmazonClientId: LWA.id,
      LoginWithAmazonClientSecret: LWA.secret,
      GoogleClientId: GOOGLE.id,
      GoogleClientSecret: GOOGLE.secret,
      ...params,
    },
  });
}

export function issuerOf(emu: RunningEmulator): URL {
  return new URL(`https://cognito-idp.${emu.region}.amazonaws.com/${emu.userPoolId}`);
}

/** The OAuth client's options: plain http to 127.0.0.1, and the issuer's host mapped to the emulator. */
export function clientOptions(emu: RunningEmulator): OAuth.TokenEndpointRequestOptions & OAuth.UserInfoRequestOptions {
  const oauth = oauthLib();
  const issuerOrigin = issuerOf(emu).origin;
  const mapped = (url: string, init: object): Promise<Response> =>
    fetch(
      url.startsWith(issuerOrigin) ? emu.endpoints.cognitoIdp + url.slice(issuerOrigin.length) : url,
      init as RequestInit,
    );
  return { [oauth.allowInsecureRequests]: true, [oauth.customFetch]: mapped };
}

export async function discover(emu: RunningEmulator): Promise<OAuth.AuthorizationServer> {
  const oauth = await loadOAuth();
  const issuer = issuerOf(emu);
  return oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, clientOptions(emu)));
}

export interface PageResponse {
  status: number;
  location: string | null;
  body: string;
}

/** A browser without script: follows nothing by itself, keeps cookies per origin path '/'. */
export class Browser {
  readonly cookies = new Map<string, string>();

  private keep(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/max-age=0/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  private headers(): Record<string, string> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    return cookie ? { cookie } : {};
  }

  async get(url: string): Promise<PageResponse> {
    const res = await fetch(url, { redirect: 'manual', headers: this.headers() });
    this.keep(res);
    return { status: res.status, location: res.headers.get('location'), body: await res.text() };
  }

  async post(url: string, fields: Record<string, string>): Promise<PageResponse> {
    const res = await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      headers: { ...this.headers(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
    this.keep(res);
    return { status: res.status, location: res.headers.get('location'), body: await res.text() };
  }

  /** Follows redirects within `origin` until a page or a redirect elsewhere (the app's callback). */
  async follow(origin: string, first: PageResponse): Promise<PageResponse> {
    let r = first;
    for (let i = 0; i < 10 && r.status === 302 && r.location && new URL(r.location, origin).origin === origin; i++)
      r = await this.get(new URL(r.location, origin).toString());
    return r;
  }
}

const unescape = (s: string): string =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** The forms of a page: action (absolute) and hidden fields, in order. */
export function formsOf(origin: string, html: string): { action: string; hidden: Record<string, string> }[] {
  return [...html.matchAll(/<form method="post" action="([^"]*)">(.*?)<\/form>/gs)].map((m) => {
    const hidden: Record<string, string> = {};
    for (const h of (m[2] ?? '').matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g))
      hidden[unescape(h[1] ?? '')] = unescape(h[2] ?? '');
    return { action: new URL(unescape(m[1] ?? ''), origin).toString(), hidden };
  });
}

/** Submits the page's first form with its hidden fields plus `fields`. */
export async function submit(
  browser: Browser,
  origin: string,
  page: PageResponse,
  fields: Record<string, string>,
  index = 0,
): Promise<PageResponse> {
  const f = formsOf(origin, page.body)[index];
  if (!f) throw new Error(`no form ${index} on the page (status ${page.status}): ${page.body.slice(0, 300)}`);
  return browser.post(f.action, { ...f.hidden, ...fields });
}

export interface Authorization {
  url: URL;
  verifier: string;
  state: string;
  nonce: string;
}

export async function authorization(
  as: OAuth.AuthorizationServer,
  clientId: string,
  extra: Record<string, string> = {},
): Promise<Authorization> {
  const oauth = oauthLib();
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  const url = new URL(as.authorization_endpoint as string);
  url.searchParams.set('client_id', clientId);
  url.searchParams.set('redirect_uri', LOOPBACK);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', 'openid email profile');
  url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(verifier));
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('state', state);
  url.searchParams.set('nonce', nonce);
  for (const [k, v] of Object.entries(extra)) url.searchParams.set(k, v);
  return { url, verifier, state, nonce };
}

/** Authorize, follow to the hosted page (or straight back with a session), sign in: the callback URL. */
export async function signInThroughPage(
  emu: RunningEmulator,
  browser: Browser,
  auth: Authorization,
  username: string,
  password: string,
): Promise<PageResponse> {
  const page = await browser.follow(emu.endpoints.cognitoIdp, await browser.get(auth.url.toString()));
  if (page.status !== 200) return page;
  return submit(browser, emu.endpoints.cognitoIdp, page, { username, password });
}

/** The code exchange through oauth4webapi for a public client, checking state and nonce. */
export async function exchangeCode(
  emu: RunningEmulator,
  as: OAuth.AuthorizationServer,
  callback: string,
  auth: Authorization,
): Promise<OAuth.TokenEndpointResponse> {
  const oauth = oauthLib();
  const client: OAuth.Client = { client_id: emu.clientId };
  const params = oauth.validateAuthResponse(as, client, new URL(callback), auth.state);
  return oauth.processAuthorizationCodeResponse(
    as,
    client,
    await oauth.authorizationCodeGrantRequest(
      as,
      client,
      oauth.None(),
      params,
      LOOPBACK,
      auth.verifier,
      clientOptions(emu),
    ),
    { expectedNonce: auth.nonce, requireIdToken: true },
  );
}
