import {
  ChangePasswordCommand,
  ConfirmForgotPasswordCommand,
  ConfirmSignUpCommand,
  DeleteUserCommand,
  ForgotPasswordCommand,
  GetUserCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  ResendConfirmationCodeCommand,
  RevokeTokenCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { strict as assert } from 'node:assert';
import type { RunningEmulator } from '../../src/emulator';
import { PASSWORD, idpClient, latestCode, newSignedInUser, rejectsWith, start, uniqueEmail } from '../helpers';

describe('user pool (public client)', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await start();
  });
  after(() => emu.stop());

  const passwordAuth = (username: string, password: string) =>
    idpClient(emu).send(
      new InitiateAuthCommand({
        ClientId: emu.clientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: username, PASSWORD: password },
      }),
    );

  it('reports real-looking ids', () => {
    assert.match(emu.userPoolId, /^us-east-1_[0-9A-Za-z]+$/);
    assert.match(emu.identityPoolId, /^us-east-1:[0-9a-f-]{36}$/);
    assert.equal(emu.clientSecret, null);
  });

  it('signs up, records the code in the outbox, confirms and signs in with tokens aws-jwt-verify accepts', async () => {
    const email = uniqueEmail();
    const idp = idpClient(emu);
    const up = await idp.send(
      new SignUpCommand({
        ClientId: emu.clientId,
        Username: email,
        Password: PASSWORD,
        UserAttributes: [{ Name: 'name', Value: 'Ada' }],
      }),
    );
    assert.equal(up.UserConfirmed, false);
    assert.equal(up.CodeDeliveryDetails?.DeliveryMedium, 'EMAIL');
    await rejectsWith(passwordAuth(email, PASSWORD), 'UserNotConfirmedException', 'User is not confirmed.');
    const code = await latestCode(emu, email);
    assert.match(code, /^\d{6}$/);
    await idp.send(new ConfirmSignUpCommand({ ClientId: emu.clientId, Username: email, ConfirmationCode: code }));
    const auth = await passwordAuth(email, PASSWORD);
    const result = auth.AuthenticationResult;
    assert.ok(result?.IdToken && result.AccessToken && result.RefreshToken);
    assert.equal(result.ExpiresIn, 3600);

    const jwks = await (await fetch(`${emu.endpoints.cognitoIdp}/${emu.userPoolId}/.well-known/jwks.json`)).json();
    const idVerifier = CognitoJwtVerifier.create({
      userPoolId: emu.userPoolId,
      tokenUse: 'id',
      clientId: emu.clientId,
    });
    idVerifier.cacheJwks(jwks as Parameters<typeof idVerifier.cacheJwks>[0]);
    const claims = idVerifier.verifySync(result.IdToken);
    assert.equal(claims.iss, `https://cognito-idp.us-east-1.amazonaws.com/${emu.userPoolId}`);
    assert.equal(claims.email, email);
    assert.equal(claims.email_verified, true);
    assert.equal(claims.name, 'Ada');
    assert.equal(claims.sub, up.UserSub);
    const accessVerifier = CognitoJwtVerifier.create({
      userPoolId: emu.userPoolId,
      tokenUse: 'access',
      clientId: emu.clientId,
    });
    accessVerifier.cacheJwks(jwks as Parameters<typeof accessVerifier.cacheJwks>[0]);
    assert.equal(
      accessVerifier.verifySync(result.AccessToken).exp - accessVerifier.verifySync(result.AccessToken).iat,
      3600,
    );
  });

  it('enforces the password policy from the template', async () => {
    const idp = idpClient(emu);
    const tries: [string, RegExp][] = [
      ['Short-1a', /not long enough/],
      ['alllowercase-1!', /uppercase/],
      ['NoNumbersHere!', /numeric/],
      ['NoSymbols123ab', /symbol/],
    ];
    for (const [password, message] of tries) {
      await rejectsWith(
        idp.send(new SignUpCommand({ ClientId: emu.clientId, Username: uniqueEmail(), Password: password })),
        'InvalidPasswordException',
        message,
      );
    }
  });

  it('requires an e-mail as the username and rejects duplicates and unknown attributes', async () => {
    const idp = idpClient(emu);
    await rejectsWith(
      idp.send(new SignUpCommand({ ClientId: emu.clientId, Username: 'not-an-email', Password: PASSWORD })),
      'InvalidParameterException',
      'Username should be an email.',
    );
    const { email } = await newSignedInUser(emu);
    await rejectsWith(
      idp.send(new SignUpCommand({ ClientId: emu.clientId, Username: email.toUpperCase(), Password: PASSWORD })),
      'UsernameExistsException',
    );
    await rejectsWith(
      idp.send(
        new SignUpCommand({
          ClientId: emu.clientId,
          Username: uniqueEmail(),
          Password: PASSWORD,
          UserAttributes: [{ Name: 'shoe_size', Value: '9' }],
        }),
      ),
      'InvalidParameterException',
      /shoe_size/,
    );
  });

  it('answers a wrong password and an unknown user alike (PreventUserExistenceErrors)', async () => {
    const { email } = await newSignedInUser(emu);
    const wrong = await rejectsWith(
      passwordAuth(email, 'Wrong-Password-1'),
      'NotAuthorizedException',
      'Incorrect username or password.',
    );
    assert.equal(wrong.$metadata?.httpStatusCode, 400);
    await rejectsWith(
      passwordAuth(uniqueEmail('nobody'), PASSWORD),
      'NotAuthorizedException',
      'Incorrect username or password.',
    );
  });

  it('locks sign-in after repeated wrong passwords', async () => {
    const { email } = await newSignedInUser(emu);
    for (let i = 0; i < 5; i++)
      await rejectsWith(
        passwordAuth(email, `Wrong-Password-${i}`),
        'NotAuthorizedException',
        'Incorrect username or password.',
      );
    await rejectsWith(passwordAuth(email, PASSWORD), 'NotAuthorizedException', 'Password attempts exceeded');
  });

  it('rejects flows the client does not allow and unknown clients', async () => {
    const idp = idpClient(emu);
    await rejectsWith(
      idp.send(
        new InitiateAuthCommand({
          ClientId: emu.clientId,
          AuthFlow: 'CUSTOM_AUTH',
          AuthParameters: { USERNAME: 'x@example.com' },
        }),
      ),
      'InvalidParameterException',
      'CUSTOM_AUTH flow not enabled for this client',
    );
    await rejectsWith(
      idp.send(
        new InitiateAuthCommand({
          ClientId: 'nosuchclient',
          AuthFlow: 'USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: 'x@example.com', PASSWORD },
        }),
      ),
      'ResourceNotFoundException',
    );
  });

  it('checks confirmation codes and resends them', async () => {
    const idp = idpClient(emu);
    const email = uniqueEmail();
    await idp.send(new SignUpCommand({ ClientId: emu.clientId, Username: email, Password: PASSWORD }));
    const first = await latestCode(emu, email);
    const wrong = first === '000000' ? '111111' : '000000';
    await rejectsWith(
      idp.send(new ConfirmSignUpCommand({ ClientId: emu.clientId, Username: email, ConfirmationCode: wrong })),
      'CodeMismatchException',
    );
    const resent = await idp.send(new ResendConfirmationCodeCommand({ ClientId: emu.clientId, Username: email }));
    assert.equal(resent.CodeDeliveryDetails?.AttributeName, 'email');
    const second = await latestCode(emu, email);
    await idp.send(new ConfirmSignUpCommand({ ClientId: emu.clientId, Username: email, ConfirmationCode: second }));
    await rejectsWith(
      idp.send(new ConfirmSignUpCommand({ ClientId: emu.clientId, Username: email, ConfirmationCode: second })),
      'NotAuthorizedException',
      'User cannot be confirmed. Current status is CONFIRMED',
    );
    await rejectsWith(
      idp.send(new ResendConfirmationCodeCommand({ ClientId: emu.clientId, Username: email })),
      'InvalidParameterException',
      'User is already confirmed.',
    );
  });

  it('refreshes without a new refresh token, and GetUser reads the attributes', async () => {
    const { email, tokens } = await newSignedInUser(emu);
    const idp = idpClient(emu);
    const refreshed = await idp.send(
      new InitiateAuthCommand({
        ClientId: emu.clientId,
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        AuthParameters: { REFRESH_TOKEN: tokens.RefreshToken as string },
      }),
    );
    assert.ok(refreshed.AuthenticationResult?.IdToken);
    assert.equal(refreshed.AuthenticationResult?.RefreshToken, undefined);
    assert.notEqual(refreshed.AuthenticationResult?.AccessToken, tokens.AccessToken);
    const user = await idp.send(new GetUserCommand({ AccessToken: refreshed.AuthenticationResult?.AccessToken }));
    assert.equal(user.UserAttributes?.find((a) => a.Name === 'email')?.Value, email);
    await rejectsWith(
      idp.send(
        new InitiateAuthCommand({
          ClientId: emu.clientId,
          AuthFlow: 'REFRESH_TOKEN_AUTH',
          AuthParameters: { REFRESH_TOKEN: 'not-a-token' },
        }),
      ),
      'NotAuthorizedException',
      'Invalid Refresh Token',
    );
  });

  it('revokes: after RevokeToken the refresh and its access tokens fail', async () => {
    const { tokens } = await newSignedInUser(emu);
    const idp = idpClient(emu);
    await idp.send(new RevokeTokenCommand({ ClientId: emu.clientId, Token: tokens.RefreshToken }));
    await rejectsWith(
      idp.send(
        new InitiateAuthCommand({
          ClientId: emu.clientId,
          AuthFlow: 'REFRESH_TOKEN_AUTH',
          AuthParameters: { REFRESH_TOKEN: tokens.RefreshToken as string },
        }),
      ),
      'NotAuthorizedException',
      'Refresh Token has been revoked',
    );
    await rejectsWith(
      idp.send(new GetUserCommand({ AccessToken: tokens.AccessToken })),
      'NotAuthorizedException',
      'Access Token has been revoked',
    );
  });

  it('GlobalSignOut revokes every session of the user, and only theirs', async () => {
    const a = await newSignedInUser(emu);
    const idp = idpClient(emu);
    const second = await passwordAuth(a.email, PASSWORD);
    const other = await newSignedInUser(emu);
    await idp.send(new GlobalSignOutCommand({ AccessToken: a.tokens.AccessToken }));
    for (const t of [a.tokens, second.AuthenticationResult]) {
      await rejectsWith(
        idp.send(
          new InitiateAuthCommand({
            ClientId: emu.clientId,
            AuthFlow: 'REFRESH_TOKEN_AUTH',
            AuthParameters: { REFRESH_TOKEN: t?.RefreshToken as string },
          }),
        ),
        'NotAuthorizedException',
        'Refresh Token has been revoked',
      );
      await rejectsWith(
        idp.send(new GetUserCommand({ AccessToken: t?.AccessToken })),
        'NotAuthorizedException',
        'Access Token has been revoked',
      );
    }
    const stillFine = await idp.send(new GetUserCommand({ AccessToken: other.tokens.AccessToken }));
    assert.equal(stillFine.UserAttributes?.find((x) => x.Name === 'email')?.Value, other.email);
    // A fresh sign-in works again.
    assert.ok((await passwordAuth(a.email, PASSWORD)).AuthenticationResult?.AccessToken);
  });

  it('changes the password with the access token', async () => {
    const { email, tokens } = await newSignedInUser(emu);
    const idp = idpClient(emu);
    await rejectsWith(
      idp.send(
        new ChangePasswordCommand({
          AccessToken: tokens.AccessToken,
          PreviousPassword: 'Wrong-Password-1',
          ProposedPassword: 'Brand-New-Pass-2',
        }),
      ),
      'NotAuthorizedException',
      'Incorrect username or password.',
    );
    await rejectsWith(
      idp.send(
        new ChangePasswordCommand({
          AccessToken: tokens.AccessToken,
          PreviousPassword: PASSWORD,
          ProposedPassword: 'weak',
        }),
      ),
      'InvalidPasswordException',
    );
    await idp.send(
      new ChangePasswordCommand({
        AccessToken: tokens.AccessToken,
        PreviousPassword: PASSWORD,
        ProposedPassword: 'Brand-New-Pass-2',
      }),
    );
    await rejectsWith(passwordAuth(email, PASSWORD), 'NotAuthorizedException');
    assert.ok((await passwordAuth(email, 'Brand-New-Pass-2')).AuthenticationResult);
  });

  it('resets a forgotten password with the e-mailed code', async () => {
    const { email } = await newSignedInUser(emu);
    const idp = idpClient(emu);
    const sent = await idp.send(new ForgotPasswordCommand({ ClientId: emu.clientId, Username: email }));
    assert.match(sent.CodeDeliveryDetails?.Destination ?? '', /^u\*\*\*@e\*\*\*\.com$/);
    const code = await latestCode(emu, email, 'reset');
    await rejectsWith(
      idp.send(
        new ConfirmForgotPasswordCommand({
          ClientId: emu.clientId,
          Username: email,
          ConfirmationCode: code === '000000' ? '111111' : '000000',
          Password: 'Reset-Pass-77',
        }),
      ),
      'CodeMismatchException',
    );
    await idp.send(
      new ConfirmForgotPasswordCommand({
        ClientId: emu.clientId,
        Username: email,
        ConfirmationCode: code,
        Password: 'Reset-Pass-77',
      }),
    );
    assert.ok((await passwordAuth(email, 'Reset-Pass-77')).AuthenticationResult);
    // An unknown user gets a plausible answer, not UserNotFoundException.
    const fake = await idp.send(new ForgotPasswordCommand({ ClientId: emu.clientId, Username: uniqueEmail('ghost') }));
    assert.equal(fake.CodeDeliveryDetails?.DeliveryMedium, 'EMAIL');
  });

  it('deletes the user', async () => {
    const { email, tokens } = await newSignedInUser(emu);
    const idp = idpClient(emu);
    await idp.send(new DeleteUserCommand({ AccessToken: tokens.AccessToken }));
    await rejectsWith(passwordAuth(email, PASSWORD), 'NotAuthorizedException', 'Incorrect username or password.');
    await rejectsWith(idp.send(new GetUserCommand({ AccessToken: tokens.AccessToken })), 'NotAuthorizedException');
  });

  it('serves the outbox filtered by recipient', async () => {
    const email = uniqueEmail('outbox');
    await idpClient(emu).send(new SignUpCommand({ ClientId: emu.clientId, Username: email, Password: PASSWORD }));
    const list = (await (await fetch(`${emu.outbox}?to=${encodeURIComponent(email)}`)).json()) as {
      to: string;
      kind: string;
      code: string;
      at: string;
    }[];
    assert.equal(list.length, 1);
    assert.equal(list[0]?.to, email);
    assert.equal(list[0]?.kind, 'confirmation');
    assert.ok(!Number.isNaN(Date.parse(list[0]?.at ?? '')));
  });
});
