// Browser sign-in (core) against the emulator's managed login over real HTTP: the test plays the
// browser (fetch with cookies, posting the hosted page's form), the extension's core does the
// rest: PKCE, state, nonce, the code exchange, token verification, refresh, revoke and logout.
import * as assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ManagedLogin } from '../../../src/core/auth/browser/managedLogin';
import type { PendingBrowserSignIn } from '../../../src/core/auth/browser/managedLogin';
import { loopbackCallback, loopbackSignedOut } from '../../../src/core/auth/browser/routes';
import { AuthError, endsSession } from '../../../src/core/auth/errors';
import { notificationLinks } from '../../../src/core/notificationText';
import type { RunningEmulator } from '../../../emulator/src/emulator';
import { Browser, formsOf, startManagedLogin, submit } from '../../../emulator/test/managed-login/helpers';
import { PASSWORD, uniqueEmail } from '../../support/accounts';
import { authFor } from '../../support/emulatorSession';

const REDIRECT = loopbackCallback(53682);

function hostedUi(emu: RunningEmulator, secret = emu.clientSecret ?? undefined): Promise<ManagedLogin> {
  return ManagedLogin.create({
    domain: emu.hostedUiDomain!,
    region: emu.region,
    userPoolId: emu.userPoolId,
    clientId: emu.clientId,
    endpoint: emu.endpoints.cognitoIdp,
    clientSecret: async () => secret,
  });
}

async function newUser(emu: RunningEmulator): Promise<string> {
  const auth = authFor(emu);
  const email = uniqueEmail('browser');
  const { confirmed } = await auth.signUp(email, PASSWORD);
  if (!confirmed) {
    const code = emu
      .outboxMessages(email)
      .filter((m) => m.kind === 'confirmation')
      .pop()?.code;
    await auth.confirmSignUp(email, code!);
  }
  auth.dispose();
  return email;
}

/** The browser's part: the hosted page, the form, and the address it ends on. */
async function throughPage(emu: RunningEmulator, pending: PendingBrowserSignIn, email: string): Promise<string> {
  const browser = new Browser();
  const origin = emu.hostedUiDomain!;
  const page = await browser.follow(origin, await browser.get(pending.authorizeUrl));
  assert.equal(page.status, 200, page.body.slice(0, 300));
  const back = await submit(browser, origin, page, { username: email, password: PASSWORD });
  assert.equal(back.status, 302, back.body.slice(0, 300));
  assert.ok(back.location?.startsWith(`${REDIRECT}?`), back.location ?? 'no location');
  return back.location!;
}

async function rejectsWith(promise: Promise<unknown>, code: string, sentence: RegExp): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof AuthError, String(e));
    assert.equal(e.code, code);
    assert.match(e.message, sentence);
    return true;
  });
}

for (const withSecret of [false, true]) {
  describe(`browser sign-in through managed login (${withSecret ? 'with' : 'without'} client secret)`, function () {
    let emu: RunningEmulator;
    before(async () => {
      emu = await startManagedLogin({ GenerateClientSecret: String(withSecret), AllowedEmailDomains: 'example.com' });
      assert.equal(Boolean(emu.clientSecret), withSecret);
    });
    after(() => emu.stop());

    it('asks for code + PKCE S256 with state and nonce, and ends with a verified session like a password sign-in', async () => {
      const email = await newUser(emu);
      const ui = await hostedUi(emu);
      const pending = await ui.start({ redirectUri: REDIRECT });
      const url = new URL(pending.authorizeUrl);
      assert.equal(url.origin + url.pathname, `${emu.hostedUiDomain}/oauth2/authorize`);
      assert.equal(url.searchParams.get('response_type'), 'code');
      assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
      assert.equal(url.searchParams.get('redirect_uri'), REDIRECT);
      assert.equal(url.searchParams.get('scope'), 'openid email profile');
      assert.ok((url.searchParams.get('state') ?? '').length >= 32);
      assert.ok((url.searchParams.get('nonce') ?? '').length >= 32);
      const session = await pending.complete(await throughPage(emu, pending, email));
      assert.equal(session.email, email);
      assert.equal(session.method, 'browser');
      assert.equal(session.provider, 'COGNITO');
      assert.ok(session.expiresAt > Date.now());

      // Refreshed the same way as a password session (REFRESH_TOKEN_AUTH, with SECRET_HASH when needed).
      const cognito = authFor(emu);
      const refreshed = await cognito.refresh(session);
      assert.equal(refreshed.sub, session.sub);
      assert.notEqual(refreshed.accessToken, session.accessToken);

      // Sign-out: /oauth2/revoke ends the refresh token.
      await ui.revoke(session.refreshToken);
      await assert.rejects(cognito.refresh(session), (e: unknown) => e instanceof AuthError && endsSession(e));
      cognito.dispose();
    });

    it('refuses an answer whose state belongs to another attempt, and a second answer to one attempt', async () => {
      const email = await newUser(emu);
      const ui = await hostedUi(emu);
      const first = await ui.start({ redirectUri: REDIRECT });
      const other = await ui.start({ redirectUri: REDIRECT });
      const callback = await throughPage(emu, first, email);
      await rejectsWith(
        other.complete(callback),
        'StateMismatch',
        /another sign-in attempt.*Start Sign In with Browser again/,
      );
      const session = await first.complete(callback);
      assert.equal(session.email, email);
      await rejectsWith(first.complete(callback), 'CallbackReplayed', /already answered/);
    });

    it('a foreign answer (no state, or another attempt’s) is not this sign-in’s: it neither fails nor uses it up (#23 N1, N2)', async () => {
      const email = await newUser(emu);
      const ui = await hostedUi(emu);
      const pending = await ui.start({ redirectUri: REDIRECT });
      const link = '[Open](command:workbench.action.quit)';
      const foreign = [
        `${REDIRECT}?error=server_error&error_description=${encodeURIComponent(link)}`,
        `${REDIRECT}?code=planted&state=not-this-attempt`,
        'not a URL',
      ];
      for (const url of foreign) {
        assert.equal(pending.answers(url), false, url);
        await rejectsWith(pending.complete(url), 'StateMismatch', /another sign-in attempt/);
      }
      const callback = await throughPage(emu, pending, email);
      assert.equal(pending.answers(callback), true);
      assert.equal((await pending.complete(callback)).email, email, 'the real answer still completes');
    });

    it('a new account the pre sign-up trigger refused is its sentence alone', async () => {
      const ui = await hostedUi(emu);
      const pending = await ui.start({ redirectUri: REDIRECT });
      const back = new URL(REDIRECT);
      back.searchParams.set('error', 'invalid_request');
      back.searchParams.set('error_description', 'PreSignUp failed with error Ask your administrator for an account.');
      back.searchParams.set('state', new URL(pending.authorizeUrl).searchParams.get('state')!);
      await rejectsWith(pending.complete(back), 'PreSignUpRefused', /^Ask your administrator for an account\.$/);
    });

    it('an error= answer with this attempt’s state names the error with no link in it (#23 N1)', async () => {
      const ui = await hostedUi(emu);
      const pending = await ui.start({ redirectUri: REDIRECT });
      const state = new URL(pending.authorizeUrl).searchParams.get('state')!;
      const back = new URL(REDIRECT);
      back.searchParams.set('error', 'server_error');
      back.searchParams.set('error_description', 'Try [this](command:workbench.action.quit) first');
      back.searchParams.set('state', state);
      await assert.rejects(pending.complete(back), (e: unknown) => {
        assert.ok(e instanceof AuthError);
        assert.match(e.message, /The sign-in page answered "server_error: Try \[this\]/);
        assert.deepEqual(notificationLinks(e.message), [], e.message);
        return true;
      });
    });

    it('a code already used at the token endpoint is one clear sentence (invalid_grant)', async () => {
      const email = await newUser(emu);
      const ui = await hostedUi(emu);
      const first = await ui.start({ redirectUri: REDIRECT });
      const callback = new URL(await throughPage(emu, first, email));
      await first.complete(callback);
      // A second attempt fed the used code under its own state: Cognito refuses the code.
      const second = await ui.start({ redirectUri: REDIRECT });
      callback.searchParams.set('state', new URL(second.authorizeUrl).searchParams.get('state')!);
      await rejectsWith(second.complete(callback), 'invalid_grant', /already used or has expired/);
    });

    it('an error= answer (cancelled at the provider) is one sentence with the way back', async () => {
      const ui = await hostedUi(emu);
      const pending = await ui.start({ redirectUri: REDIRECT, identityProvider: 'LoginWithAmazon' });
      const browser = new Browser();
      const origin = emu.hostedUiDomain!;
      const page = await browser.follow(origin, await browser.get(pending.authorizeUrl));
      const cancel = formsOf(origin, page.body).find((f) => f.hidden.cancel);
      assert.ok(cancel, 'the provider page has a cancel choice');
      const back = await browser.follow(origin, await browser.post(cancel.action, cancel.hidden));
      await rejectsWith(pending.complete(back.location!), 'access_denied', /cancelled in the browser/);
    });

    it('Login with Amazon: the session says which provider, and carries the name Amazon shared', async () => {
      const ui = await hostedUi(emu);
      const pending = await ui.start({ redirectUri: REDIRECT, identityProvider: 'LoginWithAmazon' });
      assert.equal(new URL(pending.authorizeUrl).searchParams.get('identity_provider'), 'LoginWithAmazon');
      const browser = new Browser();
      const origin = emu.hostedUiDomain!;
      const page = await browser.follow(origin, await browser.get(pending.authorizeUrl));
      const ada = formsOf(origin, page.body).find((f) => f.hidden.account?.includes('ADA'));
      assert.ok(ada, page.body.slice(0, 300));
      const back = await browser.follow(origin, await browser.post(ada.action, ada.hidden));
      const session = await pending.complete(back.location!);
      assert.equal(session.provider, 'LoginWithAmazon');
      assert.equal(session.method, 'browser');
      assert.equal(session.email, 'ada@example.com');
      assert.equal(session.name, 'Ada Lovelace');
      assert.match(session.username, /^LoginWithAmazon_/);
      // Federated sessions refresh the same way too.
      const cognito = authFor(emu);
      assert.equal((await cognito.refresh(session)).sub, session.sub);
      cognito.dispose();
    });

    it('the logout URL ends the hosted session and goes to the registered signed-out page', async () => {
      const email = await newUser(emu);
      const ui = await hostedUi(emu);
      const browser = new Browser();
      const origin = emu.hostedUiDomain!;
      const pending = await ui.start({ redirectUri: REDIRECT });
      const page = await browser.follow(origin, await browser.get(pending.authorizeUrl));
      await submit(browser, origin, page, { username: email, password: PASSWORD });
      // With the hosted session cookie, a second authorize skips the form...
      const again = await ui.start({ redirectUri: REDIRECT });
      const skipped = await browser.follow(origin, await browser.get(again.authorizeUrl));
      assert.equal(skipped.status, 302);
      assert.ok(skipped.location?.startsWith(REDIRECT));
      // ...until /logout ends it.
      const out = await browser.get(ui.logoutUrl(loopbackSignedOut(53682)));
      assert.equal(out.status, 302);
      assert.equal(out.location, loopbackSignedOut(53682));
      const third = await ui.start({ redirectUri: REDIRECT });
      assert.equal((await browser.follow(origin, await browser.get(third.authorizeUrl))).status, 200);
    });
  });
}

describe('browser sign-in against a hostile token endpoint (#23 N1)', () => {
  let server: Server;
  let domain: string;
  before(async () => {
    // Answers every token request with an OAuth error whose code and description are command links.
    server = createServer((_req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: '[Run](command:workbench.action.quit)',
          error_description: 'See [details](command:workbench.action.reloadWindow)',
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    domain = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  it('the token endpoint’s error reaches the sentence with no link in it, and a code that is not a code is not kept', async () => {
    const ui = await ManagedLogin.create({
      domain,
      region: 'us-east-1',
      userPoolId: 'us-east-1_hostile',
      clientId: 'client',
      clientSecret: async () => undefined,
    });
    const pending = await ui.start({ redirectUri: REDIRECT });
    const state = new URL(pending.authorizeUrl).searchParams.get('state')!;
    await assert.rejects(pending.complete(`${REDIRECT}?code=abc&state=${state}`), (e: unknown) => {
      assert.ok(e instanceof AuthError, String(e));
      assert.equal(e.code, 'oauth_error');
      assert.match(e.message, /^Cognito refused the sign-in \(\[Run\]/);
      assert.deepEqual(notificationLinks(e.message), [], e.message);
      return true;
    });
  });
});
