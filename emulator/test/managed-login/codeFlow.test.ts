// The authorization-code flow with PKCE through oauth4webapi, an OAuth/OIDC client written
// without this emulator in mind: discovery, sign-in on the hosted page, the token, refresh,
// revocation, userinfo and logout endpoints, and what Cognito refuses.
import * as assert from 'node:assert/strict';
import type * as OAuth from 'oauth4webapi' with { 'resolution-mode': 'import' };
import type { RunningEmulator } from '../../src/emulator';
import { PASSWORD, newSignedInUser, start, uniqueEmail } from '../helpers';
import {
  Browser,
  LOOPBACK,
  SIGNED_OUT,
  authorization,
  clientOptions,
  discover,
  issuerOf,
  startManagedLogin,
  submit,
  loadOAuth,
} from './helpers';

let oauth: typeof OAuth;

describe('managed login: authorization code with PKCE (oauth4webapi)', () => {
  let emu: RunningEmulator;
  let as: OAuth.AuthorizationServer;
  let client: OAuth.Client;
  let email: string;
  before(async () => {
    emu = await startManagedLogin();
    as = await discover(emu);
    oauth = await loadOAuth();
    client = { client_id: emu.clientId };
    ({ email } = await newSignedInUser(emu, uniqueEmail('hosted')));
  });
  after(() => emu.stop());

  /** Authorize in a fresh browser, sign in on the hosted page, return the callback URL. */
  async function signIn(
    browser = new Browser(),
    extra: Record<string, string> = {},
  ): Promise<{ callback: URL; auth: Awaited<ReturnType<typeof authorization>>; browser: Browser }> {
    const auth = await authorization(as, emu.clientId, extra);
    const page = await browser.follow(emu.endpoints.cognitoIdp, await browser.get(auth.url.toString()));
    assert.equal(page.status, 200, page.body);
    const back = await submit(browser, emu.endpoints.cognitoIdp, page, { username: email, password: PASSWORD });
    assert.equal(back.status, 302, back.body);
    return { callback: new URL(back.location as string), auth, browser };
  }

  async function exchange(callback: URL, auth: { state: string; verifier: string; nonce: string }) {
    const params = oauth.validateAuthResponse(as, client, callback, auth.state);
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      oauth.None(),
      params,
      LOOPBACK,
      auth.verifier,
      clientOptions(emu),
    );
    return oauth.processAuthorizationCodeResponse(as, client, response, {
      expectedNonce: auth.nonce,
      requireIdToken: true,
    });
  }

  it('discovers the pool from its real issuer URL, with the hosted domain as its endpoints', () => {
    assert.equal(as.issuer, issuerOf(emu).href);
    assert.equal(emu.hostedUiDomain, emu.endpoints.cognitoIdp);
    assert.equal(as.authorization_endpoint, `${emu.hostedUiDomain}/oauth2/authorize`);
    assert.equal(as.token_endpoint, `${emu.hostedUiDomain}/oauth2/token`);
    assert.equal(as.userinfo_endpoint, `${emu.hostedUiDomain}/oauth2/userInfo`);
    assert.equal(as.revocation_endpoint, `${emu.hostedUiDomain}/oauth2/revoke`);
    assert.equal(as.end_session_endpoint, `${emu.hostedUiDomain}/logout`);
  });

  it('signs in on the hosted page and exchanges the code with its verifier: state back, nonce in the ID token', async () => {
    const { callback, auth } = await signIn();
    assert.equal(callback.origin + callback.pathname, LOOPBACK);
    assert.equal(callback.searchParams.get('state'), auth.state);
    const result = await exchange(callback, auth);
    const claims = oauth.getValidatedIdTokenClaims(result);
    assert.ok(claims);
    assert.equal(claims.nonce, auth.nonce);
    assert.equal(claims.email, email);
    assert.equal(claims.aud, emu.clientId);
    assert.equal(result.token_type, 'bearer');
    assert.ok(result.refresh_token);
    const access = JSON.parse(Buffer.from(result.access_token.split('.')[1] as string, 'base64url').toString()) as {
      scope: string;
    };
    assert.deepEqual(access.scope.split(' ').sort(), ['email', 'openid', 'profile']);
  });

  it('refuses a wrong code_verifier (invalid_grant), and the code is spent after that', async () => {
    const { callback, auth } = await signIn();
    await assert.rejects(exchange(callback, { ...auth, verifier: oauth.generateRandomCodeVerifier() }), (err) => {
      assert.ok(err instanceof oauth.ResponseBodyError);
      assert.equal(err.error, 'invalid_grant');
      return true;
    });
    await assert.rejects(
      exchange(callback, auth),
      (err) => err instanceof oauth.ResponseBodyError && err.error === 'invalid_grant',
    );
  });

  it('refuses a code used twice (single use)', async () => {
    const { callback, auth } = await signIn();
    await exchange(callback, auth);
    await assert.rejects(
      exchange(callback, auth),
      (err) => err instanceof oauth.ResponseBodyError && err.error === 'invalid_grant',
    );
  });

  it('refuses a code after five minutes', async () => {
    const { callback, auth } = await signIn();
    emu.fault({ kind: 'clockSkew', seconds: 301 });
    try {
      await assert.rejects(
        exchange(callback, auth),
        (err) => err instanceof oauth.ResponseBodyError && err.error === 'invalid_grant',
      );
    } finally {
      emu.clearFaults();
    }
  });

  it('never redirects to a redirect_uri the client does not list (port included)', async () => {
    const browser = new Browser();
    for (const wrong of [
      'http://127.0.0.1:53683/callback',
      'http://127.0.0.1:53682/callback/',
      'https://evil.example/callback',
    ]) {
      const auth = await authorization(as, emu.clientId, { redirect_uri: wrong });
      const r = await browser.get(auth.url.toString());
      assert.equal(r.status, 302);
      assert.match(r.location ?? '', /\/error\?error=redirect_mismatch/);
      assert.ok(r.location?.startsWith(emu.endpoints.cognitoIdp));
    }
    const unknown = await authorization(as, 'nosuchclient');
    assert.equal((await browser.get(unknown.url.toString())).status, 400);
  });

  it('refuses a code exchanged with another redirect_uri than the one it was issued for', async () => {
    const { callback, auth } = await signIn(new Browser(), {
      redirect_uri: 'vscode://bedrock-storyteller.bedrock-storyteller/auth-callback',
    });
    const params = oauth.validateAuthResponse(as, client, callback, auth.state);
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      oauth.None(),
      params,
      LOOPBACK,
      auth.verifier,
      clientOptions(emu),
    );
    await assert.rejects(
      oauth.processAuthorizationCodeResponse(as, client, response),
      (err) => err instanceof oauth.ResponseBodyError && err.error === 'invalid_grant',
    );
  });

  it('sends the app back with an OAuth error for a plain PKCE method, an unknown scope, or the implicit grant', async () => {
    const browser = new Browser();
    const cases: [Record<string, string>, string][] = [
      [{ code_challenge_method: 'plain' }, 'invalid_request'],
      [{ scope: 'openid aws.cognito.signin.user.admin' }, 'invalid_scope'],
      [{ response_type: 'token' }, 'unauthorized_client'],
      [{ response_type: 'id_token' }, 'unsupported_response_type'],
    ];
    for (const [extra, error] of cases) {
      const auth = await authorization(as, emu.clientId, extra);
      const r = await browser.get(auth.url.toString());
      assert.equal(r.status, 302, JSON.stringify(extra));
      const back = new URL(r.location as string);
      assert.equal(back.origin + back.pathname, LOOPBACK);
      assert.equal(back.searchParams.get('error'), error, JSON.stringify(extra));
      assert.equal(back.searchParams.get('state'), auth.state);
    }
  });

  it('skips the form on a second authorize while the hosted session cookie lives', async () => {
    const { browser } = await signIn();
    assert.ok(browser.cookies.get('cognito'));
    const auth = await authorization(as, emu.clientId);
    const r = await browser.get(auth.url.toString());
    assert.equal(r.status, 302);
    const callback = new URL(r.location as string);
    assert.equal(callback.origin + callback.pathname, LOOPBACK);
    assert.ok((await exchange(callback, auth)).access_token);
    // prompt=login shows the form again; prompt=none without a session answers login_required.
    const again = await browser.get((await authorization(as, emu.clientId, { prompt: 'login' })).url.toString());
    assert.match(again.location ?? '', /\/login\?/);
    const none = await new Browser().get((await authorization(as, emu.clientId, { prompt: 'none' })).url.toString());
    assert.equal(new URL(none.location as string).searchParams.get('error'), 'login_required');
  });

  it('refreshes at the token endpoint, keeping the scopes and no new refresh token', async () => {
    const { callback, auth } = await signIn();
    const first = await exchange(callback, auth);
    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(as, client, oauth.None(), first.refresh_token as string, clientOptions(emu)),
    );
    assert.ok(refreshed.access_token);
    assert.notEqual(refreshed.access_token, first.access_token);
    assert.equal(refreshed.refresh_token, undefined);
    assert.equal(oauth.getValidatedIdTokenClaims(refreshed)?.email, email);
  });

  it('revokes the refresh token: refresh then fails with invalid_grant, and userinfo refuses its access token', async () => {
    const { callback, auth } = await signIn();
    const tokens = await exchange(callback, auth);
    const info = await oauth.processUserInfoResponse(
      as,
      client,
      oauth.getValidatedIdTokenClaims(tokens)?.sub as string,
      await oauth.userInfoRequest(as, client, tokens.access_token, clientOptions(emu)),
    );
    assert.equal(info.email, email);
    assert.equal(info.email_verified, 'true');
    await oauth.processRevocationResponse(
      await oauth.revocationRequest(as, client, oauth.None(), tokens.refresh_token as string, clientOptions(emu)),
    );
    await assert.rejects(
      oauth.processRefreshTokenResponse(
        as,
        client,
        await oauth.refreshTokenGrantRequest(
          as,
          client,
          oauth.None(),
          tokens.refresh_token as string,
          clientOptions(emu),
        ),
      ),
      (err) => err instanceof oauth.ResponseBodyError && err.error === 'invalid_grant',
    );
    const refused = await oauth.userInfoRequest(as, client, tokens.access_token, clientOptions(emu));
    assert.equal(refused.status, 401);
    assert.match(refused.headers.get('www-authenticate') ?? '', /invalid_token/);
  });

  it('logs out only to a listed logout_uri, and ends the hosted session', async () => {
    const { browser } = await signIn();
    const wrong = await browser.get(
      `${as.end_session_endpoint}?client_id=${emu.clientId}&logout_uri=${encodeURIComponent('https://evil.example/')}`,
    );
    assert.equal(wrong.status, 400);
    assert.ok(browser.cookies.get('cognito'), 'a refused logout keeps the session');
    const out = await browser.get(
      `${as.end_session_endpoint}?client_id=${emu.clientId}&logout_uri=${encodeURIComponent(SIGNED_OUT)}`,
    );
    assert.equal(out.status, 302);
    assert.equal(out.location, SIGNED_OUT);
    assert.equal(browser.cookies.get('cognito'), undefined);
    const auth = await authorization(as, emu.clientId);
    const again = await browser.get(auth.url.toString());
    assert.match(again.location ?? '', /\/login\?/, 'the form again, not a code');
  });

  it("answers the token endpoint's errors in Cognito's JSON", async () => {
    const post = (body: Record<string, string>, headers: Record<string, string> = {}) =>
      fetch(as.token_endpoint as string, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams(body).toString(),
      });
    const cases: [Record<string, string>, string][] = [
      [{ client_id: emu.clientId }, 'invalid_request'],
      [{ grant_type: 'password', client_id: emu.clientId }, 'unsupported_grant_type'],
      [{ grant_type: 'client_credentials', client_id: emu.clientId }, 'unauthorized_client'],
      [{ grant_type: 'authorization_code', client_id: 'nosuchclient', code: 'x' }, 'invalid_client'],
      [
        { grant_type: 'authorization_code', client_id: emu.clientId, code: 'not-a-code', redirect_uri: LOOPBACK },
        'invalid_grant',
      ],
      [{ grant_type: 'refresh_token', client_id: emu.clientId, refresh_token: 'not-a-token' }, 'invalid_grant'],
    ];
    for (const [body, error] of cases) {
      const res = await post(body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.deepEqual(await res.json(), { error }, JSON.stringify(body));
    }
  });
});

describe('managed login: a client with a secret authenticates with HTTP Basic', () => {
  let emu: RunningEmulator;
  let as: OAuth.AuthorizationServer;
  before(async () => {
    emu = await startManagedLogin({ GenerateClientSecret: 'true' });
    as = await discover(emu);
    oauth = await loadOAuth();
  });
  after(() => emu.stop());

  it('exchanges a code with client_secret_basic, and refuses it without or with a wrong secret', async () => {
    const { email } = await newSignedInUser(emu, uniqueEmail('secret'));
    const client: OAuth.Client = { client_id: emu.clientId };
    const browser = new Browser();
    const run = async (auth: OAuth.ClientAuth) => {
      const a = await authorization(as, emu.clientId);
      const page = await browser.follow(emu.endpoints.cognitoIdp, await browser.get(a.url.toString()));
      const back =
        page.status === 200
          ? await submit(browser, emu.endpoints.cognitoIdp, page, { username: email, password: PASSWORD })
          : page;
      const params = oauth.validateAuthResponse(as, client, new URL(back.location as string), a.state);
      return oauth.processAuthorizationCodeResponse(
        as,
        client,
        await oauth.authorizationCodeGrantRequest(as, client, auth, params, LOOPBACK, a.verifier, clientOptions(emu)),
        { expectedNonce: a.nonce },
      );
    };
    const isInvalidClient = (err: unknown) => err instanceof oauth.ResponseBodyError && err.error === 'invalid_client';
    await assert.rejects(run(oauth.None()), isInvalidClient);
    await assert.rejects(run(oauth.ClientSecretBasic('wrong-secret')), isInvalidClient);
    const ok = await run(oauth.ClientSecretBasic(emu.clientSecret as string));
    assert.ok(ok.access_token);
  });
});

describe('managed login: absent without a hosted domain', () => {
  it('serves no managed login and reports no hosted domain when HostedUiDomainPrefix is empty', async () => {
    const emu = await start();
    try {
      assert.equal(emu.hostedUiDomain, null);
      assert.equal((await fetch(`${emu.endpoints.cognitoIdp}/oauth2/authorize`)).status, 404);
    } finally {
      await emu.stop();
    }
  });
});
