import {
  ConfirmSignUpCommand,
  ForgotPasswordCommand,
  InitiateAuthCommand,
  ResendConfirmationCodeCommand,
  RevokeTokenCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { strict as assert } from 'node:assert';
import type { RunningEmulator } from '../../src/emulator';
import {
  PASSWORD,
  idpClient,
  latestCode,
  newSignedInUser,
  rejectsWith,
  secretHash,
  start,
  uniqueEmail,
} from '../helpers';

describe('SECRET_HASH (GenerateClientSecret=true)', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await start({ params: { GenerateClientSecret: 'true' } });
  });
  after(() => emu.stop());

  it('reports the generated secret', () => {
    assert.match(emu.clientSecret ?? '', /^[a-z0-9]{51}$/);
  });

  it('names a missing hash and a wrong hash the way Cognito does, on every call that needs one', async () => {
    const idp = idpClient(emu);
    const email = uniqueEmail();
    const missing = `Client ${emu.clientId} is configured with secret but SECRET_HASH was not received`;
    const wrong = `Unable to verify secret hash for client ${emu.clientId}`;
    const bad = secretHash(emu, 'someone-else@example.com');
    await rejectsWith(
      idp.send(new SignUpCommand({ ClientId: emu.clientId, Username: email, Password: PASSWORD })),
      'NotAuthorizedException',
      missing,
    );
    await rejectsWith(
      idp.send(new SignUpCommand({ ClientId: emu.clientId, Username: email, Password: PASSWORD, SecretHash: bad })),
      'NotAuthorizedException',
      wrong,
    );
    await idp.send(
      new SignUpCommand({
        ClientId: emu.clientId,
        Username: email,
        Password: PASSWORD,
        SecretHash: secretHash(emu, email),
      }),
    );
    await rejectsWith(
      idp.send(new ResendConfirmationCodeCommand({ ClientId: emu.clientId, Username: email })),
      'NotAuthorizedException',
      missing,
    );
    await rejectsWith(
      idp.send(
        new ConfirmSignUpCommand({
          ClientId: emu.clientId,
          Username: email,
          ConfirmationCode: '123456',
          SecretHash: bad,
        }),
      ),
      'NotAuthorizedException',
      wrong,
    );
    await idp.send(
      new ConfirmSignUpCommand({
        ClientId: emu.clientId,
        Username: email,
        ConfirmationCode: await latestCode(emu, email),
        SecretHash: secretHash(emu, email),
      }),
    );
    await rejectsWith(
      idp.send(
        new InitiateAuthCommand({
          ClientId: emu.clientId,
          AuthFlow: 'USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: email, PASSWORD },
        }),
      ),
      'NotAuthorizedException',
      missing,
    );
    await rejectsWith(
      idp.send(
        new InitiateAuthCommand({
          ClientId: emu.clientId,
          AuthFlow: 'USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: email, PASSWORD, SECRET_HASH: bad as string },
        }),
      ),
      'NotAuthorizedException',
      wrong,
    );
    await rejectsWith(
      idp.send(new ForgotPasswordCommand({ ClientId: emu.clientId, Username: email })),
      'NotAuthorizedException',
      missing,
    );
  });

  it("refreshes with the hash of the user's sub, not of the e-mail typed at sign-in", async () => {
    const { email, tokens, sub } = await newSignedInUser(emu);
    const idp = idpClient(emu);
    const refresh = (hash: string | undefined) =>
      idp.send(
        new InitiateAuthCommand({
          ClientId: emu.clientId,
          AuthFlow: 'REFRESH_TOKEN_AUTH',
          AuthParameters: { REFRESH_TOKEN: tokens.RefreshToken as string, ...(hash ? { SECRET_HASH: hash } : {}) },
        }),
      );
    await rejectsWith(
      refresh(undefined),
      'NotAuthorizedException',
      `Client ${emu.clientId} is configured with secret but SECRET_HASH was not received`,
    );
    await rejectsWith(
      refresh(secretHash(emu, email)),
      'NotAuthorizedException',
      `Unable to verify secret hash for client ${emu.clientId}`,
    );
    const ok = await refresh(secretHash(emu, sub));
    assert.ok(ok.AuthenticationResult?.AccessToken);
  });

  it('needs the client secret to revoke a token', async () => {
    const { tokens } = await newSignedInUser(emu);
    const idp = idpClient(emu);
    await rejectsWith(
      idp.send(new RevokeTokenCommand({ ClientId: emu.clientId, Token: tokens.RefreshToken })),
      'NotAuthorizedException',
    );
    await idp.send(
      new RevokeTokenCommand({
        ClientId: emu.clientId,
        Token: tokens.RefreshToken,
        ClientSecret: emu.clientSecret as string,
      }),
    );
  });
});
