// Social sign-in end to end through the local Login with Amazon and Google stand-ins: Cognito
// creates the federated user, maps the attributes (nickname from the provider's name), fills
// identities, and runs the real pre sign-up trigger with PreSignUp_ExternalProvider.
import { AdminGetUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as OAuth from 'oauth4webapi' with { 'resolution-mode': 'import' };
import type { RunningEmulator } from '../../src/emulator';
import { idpClient } from '../helpers';
import {
  Browser,
  LOOPBACK,
  authorization,
  discover,
  exchangeCode,
  formsOf,
  startManagedLogin,
  loadOAuth,
} from './helpers';
import type { PageResponse } from './helpers';

const ACCOUNTS = {
  ada: 'amzn1.account.AFLOCALADA0000000000000000',
  grace: '104000000000000000001',
  malloryAmazon: 'amzn1.account.AFLOCALMALLORY000000000000',
  malloryGoogle: '104000000000000000002',
};

/** Authorize with identity_provider, choose the account on the provider's page, back to the app. */
async function viaProvider(
  emu: RunningEmulator,
  as: OAuth.AuthorizationServer,
  provider: string,
  account: string | 'cancel',
): Promise<{ back: PageResponse; auth: Awaited<ReturnType<typeof authorization>>; providerPage: PageResponse }> {
  const browser = new Browser();
  const origin = emu.endpoints.cognitoIdp;
  const auth = await authorization(as, emu.clientId, { identity_provider: provider });
  const providerPage = await browser.follow(origin, await browser.get(auth.url.toString()));
  assert.equal(providerPage.status, 200, providerPage.body);
  const forms = formsOf(origin, providerPage.body);
  const chosen = forms.find((f) => (account === 'cancel' ? f.hidden.cancel : f.hidden.account === account));
  assert.ok(chosen, `no choice ${account} on the provider's page`);
  const back = await browser.follow(origin, await browser.post(chosen.action, chosen.hidden));
  return { back, auth, providerPage };
}

let oauth: typeof OAuth;

describe('managed login: Login with Amazon and Google (local stand-ins)', () => {
  let emu: RunningEmulator;
  let as: OAuth.AuthorizationServer;
  const log: string[] = [];
  before(async () => {
    emu = await startManagedLogin({ AllowedEmailDomains: 'example.com' }, { log: (line) => log.push(line) });
    as = await discover(emu);
    oauth = await loadOAuth();
  });
  after(() => emu.stop());

  it('offers each provider on the hosted sign-in page', async () => {
    const browser = new Browser();
    const auth = await authorization(as, emu.clientId);
    const page = await browser.follow(emu.endpoints.cognitoIdp, await browser.get(auth.url.toString()));
    assert.match(page.body, /identity_provider=LoginWithAmazon/);
    assert.match(page.body, /identity_provider=Google/);
  });

  it('Login with Amazon: creates LoginWithAmazon_<user_id> with nickname, email and identities', async () => {
    const { back, auth, providerPage } = await viaProvider(emu, as, 'LoginWithAmazon', ACCOUNTS.ada);
    assert.match(providerPage.body, /Login with Amazon/);
    assert.equal(back.status, 302);
    const tokens = await exchangeCode(emu, as, back.location as string, auth);
    const claims = oauth.getValidatedIdTokenClaims(tokens) as Record<string, unknown>;
    assert.equal(claims['cognito:username'], `LoginWithAmazon_${ACCOUNTS.ada}`);
    assert.equal(claims.nickname, 'Ada Lovelace');
    assert.equal(claims.name, 'Ada Lovelace');
    assert.equal(claims.email, 'ada@example.com');
    const identities = claims.identities as { providerName: string; userId: string }[];
    assert.equal(identities[0]?.providerName, 'LoginWithAmazon');
    assert.equal(identities[0]?.userId, ACCOUNTS.ada);
    const user = await idpClient(emu).send(
      new AdminGetUserCommand({ UserPoolId: emu.userPoolId, Username: `LoginWithAmazon_${ACCOUNTS.ada}` }),
    );
    assert.equal(user.UserStatus, 'EXTERNAL_PROVIDER');
    // A second sign-in finds the same user.
    const again = await viaProvider(emu, as, 'LoginWithAmazon', ACCOUNTS.ada);
    const second = oauth.getValidatedIdTokenClaims(
      await exchangeCode(emu, as, again.back.location as string, again.auth),
    );
    assert.equal(second?.sub, claims.sub);
  });

  it('Google: creates Google_<sub> with the verified email Google vouches for', async () => {
    const { back, auth } = await viaProvider(emu, as, 'Google', ACCOUNTS.grace);
    const claims = oauth.getValidatedIdTokenClaims(
      await exchangeCode(emu, as, back.location as string, auth),
    ) as Record<string, unknown>;
    assert.equal(claims['cognito:username'], `Google_${ACCOUNTS.grace}`);
    assert.equal(claims.nickname, 'Grace Hopper');
    assert.equal(claims.email_verified, true);
  });

  it("the pre sign-up trigger refuses a federated user from another domain, and the app hears Cognito's error", async () => {
    for (const [provider, account] of [
      ['LoginWithAmazon', ACCOUNTS.malloryAmazon],
      ['Google', ACCOUNTS.malloryGoogle],
    ] as const) {
      const { back, auth } = await viaProvider(emu, as, provider, account);
      const callback = new URL(back.location as string);
      assert.equal(callback.origin + callback.pathname, LOOPBACK);
      assert.equal(callback.searchParams.get('error'), 'invalid_request');
      assert.equal(callback.searchParams.get('state'), auth.state);
      assert.match(
        callback.searchParams.get('error_description') ?? '',
        /^PreSignUp failed with error Sign-up is limited to email addresses at example\.com\./,
      );
      await assert.rejects(
        idpClient(emu).send(
          new AdminGetUserCommand({ UserPoolId: emu.userPoolId, Username: `${provider}_${account}` }),
        ),
        /User does not exist/,
      );
    }
    // The real trigger ran with the external-provider source (it logs the source of a refusal).
    assert.ok(
      log.some((l) => l.includes('"rejected":"PreSignUp_ExternalProvider"')),
      log.join('\n'),
    );
  });

  it('a cancel at the provider comes back to the app as access_denied', async () => {
    const { back } = await viaProvider(emu, as, 'LoginWithAmazon', 'cancel');
    assert.equal(new URL(back.location as string).searchParams.get('error'), 'access_denied');
  });

  it('refuses an identity_provider the app client does not support', async () => {
    const browser = new Browser();
    const auth = await authorization(as, emu.clientId, { identity_provider: 'Facebook' });
    assert.equal((await browser.get(auth.url.toString())).status, 400);
  });
});

/** The app's callback after a refused sign-in: Cognito's error and the trigger's sentence. */
function refusal(back: PageResponse, state: string): string {
  const callback = new URL(back.location as string);
  assert.equal(callback.origin + callback.pathname, LOOPBACK);
  assert.equal(callback.searchParams.get('error'), 'invalid_request');
  assert.equal(callback.searchParams.get('state'), state);
  return callback.searchParams.get('error_description') ?? '';
}

async function userExists(emu: RunningEmulator, username: string): Promise<boolean> {
  return idpClient(emu)
    .send(new AdminGetUserCommand({ UserPoolId: emu.userPoolId, Username: username }))
    .then(
      () => true,
      (e: Error) => (/User does not exist/.test(e.message) ? false : Promise.reject(e)),
    );
}

// Cognito creates federated users even when AllowAdminCreateUserOnly is true; the real trigger,
// with the template's environment, is what refuses them.
describe('managed login with AllowSelfSignUp=false: new Google and Amazon users need a listed domain (#23)', () => {
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'storyteller-federation-'));
    oauth = await loadOAuth();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a new user with a sentence that says what to do, and still signs in one who joined before', async () => {
    // Ada joined with Login with Amazon while the pool still took sign-ups.
    const open = await startManagedLogin({}, { stateDir: dir });
    let first: Record<string, unknown>;
    try {
      const openAs = await discover(open);
      const { back, auth } = await viaProvider(open, openAs, 'LoginWithAmazon', ACCOUNTS.ada);
      first = oauth.getValidatedIdTokenClaims(
        await exchangeCode(open, openAs, back.location as string, auth),
      ) as Record<string, unknown>;
    } finally {
      await open.stop();
    }

    const emu = await startManagedLogin({ AllowSelfSignUp: 'false' }, { stateDir: dir });
    try {
      const as = await discover(emu);
      for (const [provider, account, label] of [
        ['Google', ACCOUNTS.grace, 'Google'],
        ['LoginWithAmazon', ACCOUNTS.malloryAmazon, 'Login with Amazon'],
      ] as const) {
        const { back, auth } = await viaProvider(emu, as, provider, account);
        assert.equal(
          refusal(back, auth.state),
          `PreSignUp failed with error Only an administrator can create accounts here, so signing in with ${label} cannot open a new one. Please ask your administrator for an account..`,
        );
        assert.equal(await userExists(emu, `${provider}_${account}`), false, `${provider}_${account} was not created`);
      }

      const again = await viaProvider(emu, as, 'LoginWithAmazon', ACCOUNTS.ada);
      assert.equal(again.back.status, 302);
      const claims = oauth.getValidatedIdTokenClaims(
        await exchangeCode(emu, as, again.back.location as string, again.auth),
      ) as Record<string, unknown>;
      assert.equal(claims['cognito:username'], `LoginWithAmazon_${ACCOUNTS.ada}`);
      assert.equal(claims.sub, first.sub, 'the same user as before');
    } finally {
      await emu.stop();
    }
  });

  it('admits a new user whose email domain AllowedEmailDomains lists, and refuses one at another domain', async () => {
    const emu = await startManagedLogin({ AllowSelfSignUp: 'false', AllowedEmailDomains: 'example.com' });
    try {
      const as = await discover(emu);
      const { back, auth } = await viaProvider(emu, as, 'Google', ACCOUNTS.grace);
      const claims = oauth.getValidatedIdTokenClaims(
        await exchangeCode(emu, as, back.location as string, auth),
      ) as Record<string, unknown>;
      assert.equal(claims['cognito:username'], `Google_${ACCOUNTS.grace}`);
      assert.equal(claims.email, 'grace@example.com');

      const other = await viaProvider(emu, as, 'Google', ACCOUNTS.malloryGoogle);
      assert.match(
        refusal(other.back, other.auth.state),
        /^PreSignUp failed with error Sign-up is limited to email addresses at example\.com\./,
      );
      assert.equal(await userExists(emu, `Google_${ACCOUNTS.malloryGoogle}`), false);
    } finally {
      await emu.stop();
    }
  });
});
