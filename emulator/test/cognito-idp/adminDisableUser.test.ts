import { GetIdCommand } from '@aws-sdk/client-cognito-identity';
import {
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  GetUserCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { strict as assert } from 'node:assert';
import type { RunningEmulator } from '../../src/emulator';
import { PASSWORD, identityClient, idpClient, newSignedInUser, rejectsWith, start, uniqueEmail } from '../helpers';
import { Browser, authorization, discover, loadOAuth, startManagedLogin, submit } from '../managed-login/helpers';
import { SrpClient } from '../srpClient';

const DISABLED = 'User is disabled.';

function admin(emu: RunningEmulator) {
  const idp = idpClient(emu);
  return {
    disable: (Username: string) => idp.send(new AdminDisableUserCommand({ UserPoolId: emu.userPoolId, Username })),
    enable: (Username: string) => idp.send(new AdminEnableUserCommand({ UserPoolId: emu.userPoolId, Username })),
    get: (Username: string) => idp.send(new AdminGetUserCommand({ UserPoolId: emu.userPoolId, Username })),
  };
}

describe('AdminDisableUser and AdminEnableUser', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await start();
  });
  after(() => emu.stop());

  const auth = (AuthFlow: 'USER_PASSWORD_AUTH' | 'REFRESH_TOKEN_AUTH', AuthParameters: Record<string, string>) =>
    idpClient(emu).send(new InitiateAuthCommand({ ClientId: emu.clientId, AuthFlow, AuthParameters }));

  async function srpSignIn(email: string, password: string) {
    const idp = idpClient(emu);
    const srp = new SrpClient(emu.userPoolId);
    const started = await idp.send(
      new InitiateAuthCommand({
        ClientId: emu.clientId,
        AuthFlow: 'USER_SRP_AUTH',
        AuthParameters: { USERNAME: email, SRP_A: await srp.srpA() },
      }),
    );
    return idp.send(
      new RespondToAuthChallengeCommand({
        ClientId: emu.clientId,
        ChallengeName: 'PASSWORD_VERIFIER',
        ChallengeResponses: await srp.respond(started.ChallengeParameters ?? {}, password),
      }),
    );
  }

  it('a disabled user is listed as such and refused by every flow: password, SRP, refresh, and with their access token', async () => {
    const { email, tokens } = await newSignedInUser(emu);
    await admin(emu).disable(email);
    const user = await admin(emu).get(email);
    assert.equal(user.Enabled, false);
    assert.equal(user.UserStatus, 'CONFIRMED');
    await rejectsWith(auth('USER_PASSWORD_AUTH', { USERNAME: email, PASSWORD }), 'NotAuthorizedException', DISABLED);
    await rejectsWith(srpSignIn(email, PASSWORD), 'NotAuthorizedException', DISABLED);
    await rejectsWith(
      auth('REFRESH_TOKEN_AUTH', { REFRESH_TOKEN: tokens.RefreshToken as string }),
      'NotAuthorizedException',
      DISABLED,
    );
    await rejectsWith(
      idpClient(emu).send(new GetUserCommand({ AccessToken: tokens.AccessToken })),
      'NotAuthorizedException',
      DISABLED,
    );
  });

  it('a wrong password still says only that, so the refusal tells nothing without the password', async () => {
    const { email } = await newSignedInUser(emu);
    await admin(emu).disable(email);
    await rejectsWith(
      auth('USER_PASSWORD_AUTH', { USERNAME: email, PASSWORD: 'Not-The-Password-1' }),
      'NotAuthorizedException',
      'Incorrect username or password.',
    );
  });

  it("the identity pool (ServerSideTokenCheck) refuses a disabled user's ID token", async () => {
    const { email, tokens } = await newSignedInUser(emu);
    const logins = { [`cognito-idp.${emu.region}.amazonaws.com/${emu.userPoolId}`]: tokens.IdToken as string };
    const getId = () =>
      identityClient(emu).send(new GetIdCommand({ IdentityPoolId: emu.identityPoolId, Logins: logins }));
    assert.ok((await getId()).IdentityId);
    await admin(emu).disable(email);
    await rejectsWith(getId(), 'NotAuthorizedException');
  });

  it('a sign-in under way when the user is disabled cannot be finished, even once enabled again', async () => {
    const email = uniqueEmail('invited');
    const idp = idpClient(emu);
    await idp.send(
      new AdminCreateUserCommand({
        UserPoolId: emu.userPoolId,
        Username: email,
        TemporaryPassword: 'Temporary-Pass-7',
        MessageAction: 'SUPPRESS',
      }),
    );
    const first = await auth('USER_PASSWORD_AUTH', { USERNAME: email, PASSWORD: 'Temporary-Pass-7' });
    assert.equal(first.ChallengeName, 'NEW_PASSWORD_REQUIRED');
    await admin(emu).disable(email);
    await admin(emu).enable(email);
    await rejectsWith(
      idp.send(
        new RespondToAuthChallengeCommand({
          ClientId: emu.clientId,
          ChallengeName: 'NEW_PASSWORD_REQUIRED',
          Session: first.Session,
          ChallengeResponses: { USERNAME: email, NEW_PASSWORD: 'Battery-Staple-42' },
        }),
      ),
      'NotAuthorizedException',
      'Invalid session for the user, session is expired.',
    );
  });

  it('enabled again, the user signs in afresh; the tokens revoked by disabling stay revoked', async () => {
    const { email, tokens } = await newSignedInUser(emu);
    await admin(emu).disable(email);
    await admin(emu).enable(email);
    assert.equal((await admin(emu).get(email)).Enabled, true);
    const again = await auth('USER_PASSWORD_AUTH', { USERNAME: email, PASSWORD });
    assert.ok(again.AuthenticationResult?.AccessToken);
    assert.ok((await srpSignIn(email, PASSWORD)).AuthenticationResult?.AccessToken);
    await rejectsWith(
      auth('REFRESH_TOKEN_AUTH', { REFRESH_TOKEN: tokens.RefreshToken as string }),
      'NotAuthorizedException',
      'Refresh Token has been revoked',
    );
    await rejectsWith(
      idpClient(emu).send(new GetUserCommand({ AccessToken: tokens.AccessToken })),
      'NotAuthorizedException',
      'Access Token has been revoked',
    );
    const fresh = await auth('REFRESH_TOKEN_AUTH', {
      REFRESH_TOKEN: again.AuthenticationResult?.RefreshToken as string,
    });
    assert.ok(fresh.AuthenticationResult?.AccessToken);
  });

  it('disabling one user leaves the others signed in', async () => {
    const a = await newSignedInUser(emu);
    const b = await newSignedInUser(emu);
    await admin(emu).disable(a.email);
    const user = await idpClient(emu).send(new GetUserCommand({ AccessToken: b.tokens.AccessToken }));
    assert.equal(user.UserAttributes?.find((x) => x.Name === 'email')?.Value, b.email);
    assert.ok(
      (await auth('REFRESH_TOKEN_AUTH', { REFRESH_TOKEN: b.tokens.RefreshToken as string })).AuthenticationResult,
    );
  });

  it('disabling or enabling twice is fine; an unknown user, another pool or an unsigned caller is refused', async () => {
    const { email } = await newSignedInUser(emu);
    await admin(emu).disable(email);
    await admin(emu).disable(email);
    assert.equal((await admin(emu).get(email)).Enabled, false);
    await admin(emu).enable(email);
    await admin(emu).enable(email);
    assert.equal((await admin(emu).get(email)).Enabled, true);
    const nobody = uniqueEmail('nobody');
    await rejectsWith(admin(emu).disable(nobody), 'UserNotFoundException', 'User does not exist.');
    await rejectsWith(admin(emu).enable(nobody), 'UserNotFoundException', 'User does not exist.');
    await rejectsWith(
      idpClient(emu).send(new AdminDisableUserCommand({ UserPoolId: 'us-east-1_Nope12345', Username: email })),
      'ResourceNotFoundException',
    );
    const unsigned = new CognitoIdentityProviderClient({
      region: emu.region,
      endpoint: emu.endpoints.cognitoIdp,
      credentials: { accessKeyId: '', secretAccessKey: '' },
      signer: { sign: async (r) => r },
    });
    await rejectsWith(
      unsigned.send(new AdminDisableUserCommand({ UserPoolId: emu.userPoolId, Username: email })),
      'MissingAuthenticationTokenException',
    );
    await rejectsWith(
      unsigned.send(new AdminEnableUserCommand({ UserPoolId: emu.userPoolId, Username: email })),
      'MissingAuthenticationTokenException',
    );
    assert.equal((await admin(emu).get(email)).Enabled, true);
  });
});

describe('AdminDisableUser and managed login', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await startManagedLogin();
    await loadOAuth();
  });
  after(() => emu.stop());

  const tokenEndpoint = (body: Record<string, string>) =>
    fetch(`${emu.endpoints.cognitoIdp}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(body).toString(),
    });

  it('the hosted page refuses a disabled user; their hosted session and refresh token no longer sign them in', async () => {
    const { email } = await newSignedInUser(emu);
    const as = await discover(emu);
    const browser = new Browser();
    const origin = emu.endpoints.cognitoIdp;

    // Signed in on the hosted page: a code, then tokens, and a hosted session in the browser.
    const auth = await authorization(as, emu.clientId);
    const page = await browser.follow(origin, await browser.get(auth.url.toString()));
    const back = await submit(browser, origin, page, { username: email, password: PASSWORD });
    assert.equal(back.status, 302, back.body);
    const code = new URL(back.location as string).searchParams.get('code') as string;
    const exchanged = await tokenEndpoint({
      grant_type: 'authorization_code',
      client_id: emu.clientId,
      code,
      redirect_uri: auth.url.searchParams.get('redirect_uri') as string,
      code_verifier: auth.verifier,
    });
    assert.equal(exchanged.status, 200);
    const { refresh_token } = (await exchanged.json()) as { refresh_token: string };

    await admin(emu).disable(email);

    const refreshed = await tokenEndpoint({ grant_type: 'refresh_token', client_id: emu.clientId, refresh_token });
    assert.equal(refreshed.status, 400);
    assert.deepEqual(await refreshed.json(), { error: 'invalid_grant' });

    // The hosted session no longer sends the browser straight back with a code: the sign-in page shows.
    const again = await browser.follow(
      origin,
      await browser.get((await authorization(as, emu.clientId)).url.toString()),
    );
    assert.equal(again.status, 200);
    const refused = await submit(browser, origin, again, { username: email, password: PASSWORD });
    assert.notEqual(refused.status, 302);
    assert.match(refused.body, /User is disabled\./);
  });
});
