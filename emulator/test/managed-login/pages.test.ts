// The hosted pages driven as a browser without script would: plain GETs and form posts with the
// cookies kept by hand. Sign-up with the emailed code, forgot password, the new-password and
// TOTP challenges, CSRF and escaping; each ends with a code oauth4webapi exchanges.
import {
  AdminCreateUserCommand,
  AssociateSoftwareTokenCommand,
  SetUserMFAPreferenceCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import * as assert from 'node:assert/strict';
import { Secret, TOTP } from 'otpauth';
import type * as OAuth from 'oauth4webapi' with { 'resolution-mode': 'import' };
import type { RunningEmulator } from '../../src/emulator';
import { PASSWORD, idpClient, latestCode, newSignedInUser, uniqueEmail } from '../helpers';
import {
  Browser,
  LOOPBACK,
  authorization,
  discover,
  exchangeCode,
  formsOf,
  loadOAuth,
  signInThroughPage,
  startManagedLogin,
  submit,
} from './helpers';

const totp = (secret: string): string =>
  new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate();

describe('managed login: the hosted pages', () => {
  let emu: RunningEmulator;
  let as: OAuth.AuthorizationServer;
  let origin: string;
  before(async () => {
    emu = await startManagedLogin({ MfaConfiguration: 'OPTIONAL' });
    as = await discover(emu);
    origin = emu.endpoints.cognitoIdp;
  });
  after(() => emu.stop());

  const backToApp = (r: { status: number; location: string | null; body: string }): string => {
    assert.equal(r.status, 302, r.body.slice(0, 500));
    const url = new URL(r.location as string);
    assert.equal(url.origin + url.pathname, LOOPBACK);
    assert.ok(url.searchParams.get('code'), r.location ?? '');
    return r.location as string;
  };

  it('signs up with the emailed code, then signs in, ending with a code for the app', async () => {
    const email = uniqueEmail('hosted-signup');
    const browser = new Browser();
    const auth = await authorization(as, emu.clientId);
    const login = await browser.follow(origin, await browser.get(auth.url.toString()));
    const signupHref = /href="([^"]*\/signup\?[^"]*)"/.exec(login.body)?.[1]?.replace(/&amp;/g, '&');
    assert.ok(signupHref, 'the sign-in page links to sign-up');
    const signupPage = await browser.get(new URL(signupHref, origin).toString());
    const weak = await submit(browser, origin, signupPage, { username: email, name: 'Ada', password: 'short' });
    assert.equal(weak.status, 400);
    assert.match(weak.body, /Password did not conform with policy/);
    const confirmPage = await browser.follow(
      origin,
      await submit(browser, origin, weak, { username: email, name: 'Ada', password: PASSWORD }),
    );
    assert.match(confirmPage.body, /Confirm your account/);
    const wrong = await submit(browser, origin, confirmPage, { code: '000000' });
    assert.match(wrong.body, /Invalid verification code provided/);
    const signIn = await submit(browser, origin, wrong, { code: await latestCode(emu, email) });
    assert.match(signIn.body, /Your account is confirmed/);
    const back = backToApp(await submit(browser, origin, signIn, { username: email, password: PASSWORD }));
    const claims = (await loadOAuth()).getValidatedIdTokenClaims(await exchangeCode(emu, as, back, auth));
    assert.equal(claims?.email, email);
    assert.equal(claims?.name, 'Ada');
  });

  it('resets a forgotten password with the emailed code', async () => {
    const { email } = await newSignedInUser(emu, uniqueEmail('hosted-forgot'));
    const browser = new Browser();
    const auth = await authorization(as, emu.clientId);
    await browser.follow(origin, await browser.get(auth.url.toString()));
    const ask = await browser.get(`${origin}/forgotPassword?${auth.url.searchParams.toString()}`);
    const reset = await browser.follow(origin, await submit(browser, origin, ask, { username: email }));
    assert.match(reset.body, /Reset your password/);
    const newPassword = 'Another-Horse-8';
    const signIn = await submit(browser, origin, reset, {
      code: await latestCode(emu, email, 'reset'),
      password: newPassword,
    });
    assert.match(signIn.body, /Your password is changed/);
    const refused = await submit(browser, origin, signIn, { username: email, password: PASSWORD });
    assert.match(refused.body, /Incorrect username or password\./);
    backToApp(await submit(browser, origin, refused, { username: email, password: newPassword }));
  });

  it('asks a user an administrator created for a new password (NEW_PASSWORD_REQUIRED)', async () => {
    const email = uniqueEmail('hosted-admin');
    await idpClient(emu).send(
      new AdminCreateUserCommand({
        UserPoolId: emu.userPoolId,
        Username: email,
        UserAttributes: [{ Name: 'email', Value: email }],
      }),
    );
    const browser = new Browser();
    const auth = await authorization(as, emu.clientId);
    const temporary = await latestCode(emu, email, 'invitation');
    const change = await signInThroughPage(emu, browser, auth, email, temporary);
    assert.equal(change.status, 200);
    assert.match(change.body, /Change your password/);
    const weak = await submit(browser, origin, change, { newPassword: 'weak' });
    assert.match(weak.body, /Password did not conform with policy/);
    backToApp(await submit(browser, origin, weak, { newPassword: PASSWORD }));
  });

  it('asks for the authenticator code of a user with TOTP, and refuses a wrong one', async () => {
    const { email, tokens } = await newSignedInUser(emu, uniqueEmail('hosted-totp'));
    const idp = idpClient(emu);
    const { SecretCode } = await idp.send(new AssociateSoftwareTokenCommand({ AccessToken: tokens.AccessToken }));
    await idp.send(
      new VerifySoftwareTokenCommand({ AccessToken: tokens.AccessToken, UserCode: totp(SecretCode as string) }),
    );
    await idp.send(
      new SetUserMFAPreferenceCommand({
        AccessToken: tokens.AccessToken,
        SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
      }),
    );
    const browser = new Browser();
    const auth = await authorization(as, emu.clientId);
    const mfa = await signInThroughPage(emu, browser, auth, email, PASSWORD);
    assert.match(mfa.body, /authenticator app/);
    const wrong = await submit(browser, origin, mfa, { code: '000000' });
    assert.equal(wrong.status, 400);
    assert.match(wrong.body, /Invalid code received for user/);
    backToApp(await submit(browser, origin, wrong, { code: totp(SecretCode as string) }));
  });

  it('refuses a form post without the CSRF cookie, and sets no session', async () => {
    const { email } = await newSignedInUser(emu, uniqueEmail('hosted-csrf'));
    const browser = new Browser();
    const auth = await authorization(as, emu.clientId);
    const page = await browser.follow(origin, await browser.get(auth.url.toString()));
    const form = formsOf(origin, page.body)[0];
    assert.ok(form);
    browser.cookies.delete('XSRF-TOKEN');
    const forged = await browser.post(form.action, { ...form.hidden, username: email, password: PASSWORD });
    assert.equal(forged.status, 403);
    assert.equal(browser.cookies.get('cognito'), undefined);
  });

  it('escapes every value it shows, and forbids script and framing', async () => {
    const browser = new Browser();
    const auth = await authorization(as, emu.clientId, { state: '"><script>alert(1)</script>' });
    const page = await browser.follow(origin, await browser.get(auth.url.toString()));
    assert.equal(page.status, 200);
    assert.doesNotMatch(page.body, /<script/i);
    // A value shown back in a field (the username on the reset page) comes back as text.
    const shown = await browser.get(
      `${origin}/forgotPassword?${auth.url.searchParams.toString()}&username=${encodeURIComponent('"><script>x</script>')}`,
    );
    assert.match(shown.body, /value="&quot;&gt;&lt;script&gt;x&lt;\/script&gt;"/);
    assert.doesNotMatch(shown.body, /<script/i);
    const res = await fetch(`${origin}/login?${auth.url.searchParams.toString()}`);
    assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    assert.match(res.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
    // The state still round-trips exactly.
    const { email } = await newSignedInUser(emu, uniqueEmail('hosted-escape'));
    const back = await submit(browser, origin, page, { username: email, password: PASSWORD });
    assert.equal(new URL(back.location as string).searchParams.get('state'), '"><script>alert(1)</script>');
  });
});
