import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  GetUserCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { strict as assert } from 'node:assert';
import type { RunningEmulator } from '../../src/emulator';
import { PASSWORD, idpClient, newSignedInUser, rejectsWith, start, uniqueEmail } from '../helpers';

describe('AdminDeleteUser', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await start();
  });
  after(() => emu.stop());

  const remove = (Username: string, UserPoolId = emu.userPoolId) =>
    idpClient(emu).send(new AdminDeleteUserCommand({ UserPoolId, Username }));
  const auth = (AuthFlow: 'USER_PASSWORD_AUTH' | 'REFRESH_TOKEN_AUTH', AuthParameters: Record<string, string>) =>
    idpClient(emu).send(new InitiateAuthCommand({ ClientId: emu.clientId, AuthFlow, AuthParameters }));

  it('deletes the user: gone for AdminGetUser, sign-in, refresh and their access token', async () => {
    const { email, tokens } = await newSignedInUser(emu);
    await remove(email);
    await rejectsWith(
      idpClient(emu).send(new AdminGetUserCommand({ UserPoolId: emu.userPoolId, Username: email })),
      'UserNotFoundException',
      'User does not exist.',
    );
    // PreventUserExistenceErrors: a deleted user reads as a wrong password.
    await rejectsWith(
      auth('USER_PASSWORD_AUTH', { USERNAME: email, PASSWORD }),
      'NotAuthorizedException',
      'Incorrect username or password.',
    );
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
  });

  it('the e-mail can sign up again, as a new user with a new sub', async () => {
    const first = await newSignedInUser(emu);
    await remove(first.email);
    const second = await newSignedInUser(emu, first.email);
    assert.notEqual(second.sub, first.sub);
    const user = await idpClient(emu).send(new GetUserCommand({ AccessToken: second.tokens.AccessToken }));
    assert.equal(user.Username, second.sub);
  });

  it('finds the user by e-mail or by username (the sub), and deletes only them', async () => {
    const a = await newSignedInUser(emu);
    const b = await newSignedInUser(emu);
    await remove(a.sub);
    await rejectsWith(remove(a.email), 'UserNotFoundException');
    const still = await idpClient(emu).send(new AdminGetUserCommand({ UserPoolId: emu.userPoolId, Username: b.email }));
    assert.equal(still.Username, b.sub);
    assert.ok(await idpClient(emu).send(new GetUserCommand({ AccessToken: b.tokens.AccessToken })));
  });

  it('a sign-in under way for the deleted user cannot be finished', async () => {
    const email = uniqueEmail('invited');
    await idpClient(emu).send(
      new AdminCreateUserCommand({
        UserPoolId: emu.userPoolId,
        Username: email,
        TemporaryPassword: 'Temporary-Pass-7',
        MessageAction: 'SUPPRESS',
      }),
    );
    const first = await auth('USER_PASSWORD_AUTH', { USERNAME: email, PASSWORD: 'Temporary-Pass-7' });
    assert.equal(first.ChallengeName, 'NEW_PASSWORD_REQUIRED');
    await remove(email);
    await rejectsWith(
      idpClient(emu).send(
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
    await rejectsWith(
      idpClient(emu).send(new AdminGetUserCommand({ UserPoolId: emu.userPoolId, Username: email })),
      'UserNotFoundException',
    );
  });

  it('refuses an unknown user and another pool', async () => {
    await rejectsWith(remove(uniqueEmail('nobody')), 'UserNotFoundException', 'User does not exist.');
    const { email } = await newSignedInUser(emu);
    await rejectsWith(remove(email, 'us-east-1_Nope12345'), 'ResourceNotFoundException');
    assert.ok(await idpClient(emu).send(new AdminGetUserCommand({ UserPoolId: emu.userPoolId, Username: email })));
  });
});
