import { GetIdCommand } from '@aws-sdk/client-cognito-identity';
import {
  AdminUserGlobalSignOutCommand,
  GetUserCommand,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { strict as assert } from 'node:assert';
import type { RunningEmulator } from '../../src/emulator';
import { PASSWORD, identityClient, idpClient, newSignedInUser, rejectsWith, start, uniqueEmail } from '../helpers';
import { Browser, authorization, discover, loadOAuth, startManagedLogin, submit } from '../managed-login/helpers';

describe('AdminUserGlobalSignOut', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await start();
  });
  after(() => emu.stop());

  const signOut = (Username: string, UserPoolId = emu.userPoolId) =>
    idpClient(emu).send(new AdminUserGlobalSignOutCommand({ UserPoolId, Username }));
  const auth = (AuthFlow: 'USER_PASSWORD_AUTH' | 'REFRESH_TOKEN_AUTH', AuthParameters: Record<string, string>) =>
    idpClient(emu).send(new InitiateAuthCommand({ ClientId: emu.clientId, AuthFlow, AuthParameters }));

  it("revokes every session of the user: refresh tokens, access tokens (GetUser) and ID tokens (the identity pool's server-side check)", async () => {
    const { email, tokens } = await newSignedInUser(emu);
    const second = await auth('USER_PASSWORD_AUTH', { USERNAME: email, PASSWORD });
    const logins = { [`cognito-idp.${emu.region}.amazonaws.com/${emu.userPoolId}`]: tokens.IdToken as string };
    await signOut(email);
    for (const t of [tokens, second.AuthenticationResult ?? {}]) {
      await rejectsWith(
        auth('REFRESH_TOKEN_AUTH', { REFRESH_TOKEN: t.RefreshToken as string }),
        'NotAuthorizedException',
        'Refresh Token has been revoked',
      );
      await rejectsWith(
        idpClient(emu).send(new GetUserCommand({ AccessToken: t.AccessToken })),
        'NotAuthorizedException',
        'Access Token has been revoked',
      );
    }
    await rejectsWith(
      identityClient(emu).send(new GetIdCommand({ IdentityPoolId: emu.identityPoolId, Logins: logins })),
      'NotAuthorizedException',
    );
  });

  it('leaves the user able to sign in again, and other users signed in', async () => {
    const a = await newSignedInUser(emu);
    const b = await newSignedInUser(emu);
    await signOut(a.email);
    const again = await auth('USER_PASSWORD_AUTH', { USERNAME: a.email, PASSWORD });
    assert.ok(await idpClient(emu).send(new GetUserCommand({ AccessToken: again.AuthenticationResult?.AccessToken })));
    assert.ok(
      (await auth('REFRESH_TOKEN_AUTH', { REFRESH_TOKEN: b.tokens.RefreshToken as string })).AuthenticationResult,
    );
  });

  it('refuses an unknown user and another pool', async () => {
    await rejectsWith(signOut(uniqueEmail('nobody')), 'UserNotFoundException', 'User does not exist.');
    const { email, tokens } = await newSignedInUser(emu);
    await rejectsWith(signOut(email, 'us-east-1_Nope12345'), 'ResourceNotFoundException');
    assert.ok(await idpClient(emu).send(new GetUserCommand({ AccessToken: tokens.AccessToken })));
  });
});

describe('AdminUserGlobalSignOut and managed login', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await startManagedLogin();
    await loadOAuth();
  });
  after(() => emu.stop());

  it("revokes the hosted sign-in's refresh token but, as AWS documents, not the hosted session cookie", async () => {
    const { email } = await newSignedInUser(emu);
    const as = await discover(emu);
    const browser = new Browser();
    const origin = emu.endpoints.cognitoIdp;
    const token = (body: Record<string, string>) =>
      fetch(`${origin}/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ client_id: emu.clientId, ...body }).toString(),
      });
    const codeFrom = async (location: string | null, auth: Awaited<ReturnType<typeof authorization>>) => {
      const res = await token({
        grant_type: 'authorization_code',
        code: new URL(location as string).searchParams.get('code') as string,
        redirect_uri: auth.url.searchParams.get('redirect_uri') as string,
        code_verifier: auth.verifier,
      });
      assert.equal(res.status, 200);
      return (await res.json()) as { refresh_token: string };
    };

    const auth = await authorization(as, emu.clientId);
    const page = await browser.follow(origin, await browser.get(auth.url.toString()));
    const back = await submit(browser, origin, page, { username: email, password: PASSWORD });
    assert.equal(back.status, 302, back.body);
    const { refresh_token } = await codeFrom(back.location, auth);

    await idpClient(emu).send(new AdminUserGlobalSignOutCommand({ UserPoolId: emu.userPoolId, Username: email }));

    const refused = await token({ grant_type: 'refresh_token', refresh_token });
    assert.equal(refused.status, 400);
    assert.deepEqual(await refused.json(), { error: 'invalid_grant' });
    // The browser's hosted session still signs it in without the form: a code straight back.
    const auth2 = await authorization(as, emu.clientId);
    const straight = await browser.get(auth2.url.toString());
    assert.equal(straight.status, 302);
    assert.ok(
      straight.location?.startsWith(auth2.url.searchParams.get('redirect_uri') as string),
      straight.location ?? '',
    );
    assert.ok((await codeFrom(straight.location, auth2)).refresh_token);
  });
});
