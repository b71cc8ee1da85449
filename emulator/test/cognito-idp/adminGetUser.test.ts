import { AdminGetUserCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { strict as assert } from 'node:assert';
import type { RunningEmulator } from '../../src/emulator';
import { idpClient, newSignedInUser, rejectsWith, start, uniqueEmail } from '../helpers';

describe('AdminGetUser', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await start();
  });
  after(() => emu.stop());

  it('reads a user by e-mail, with attributes, status and dates', async () => {
    const { email, sub } = await newSignedInUser(emu);
    const user = await idpClient(emu).send(new AdminGetUserCommand({ UserPoolId: emu.userPoolId, Username: email }));
    assert.equal(user.Username, sub);
    assert.equal(user.UserStatus, 'CONFIRMED');
    assert.equal(user.Enabled, true);
    assert.equal(user.UserAttributes?.find((a) => a.Name === 'email')?.Value, email);
    assert.ok(user.UserCreateDate instanceof Date && Math.abs(user.UserCreateDate.getTime() - Date.now()) < 60_000);
  });

  it('refuses an unknown user, another pool and an unsigned caller', async () => {
    await rejectsWith(
      idpClient(emu).send(new AdminGetUserCommand({ UserPoolId: emu.userPoolId, Username: uniqueEmail() })),
      'UserNotFoundException',
    );
    await rejectsWith(
      idpClient(emu).send(new AdminGetUserCommand({ UserPoolId: 'us-east-1_Nope12345', Username: uniqueEmail() })),
      'ResourceNotFoundException',
    );
    const unsigned = new CognitoIdentityProviderClient({
      region: emu.region,
      endpoint: emu.endpoints.cognitoIdp,
      credentials: { accessKeyId: '', secretAccessKey: '' },
      signer: { sign: async (r) => r },
    });
    await rejectsWith(
      unsigned.send(new AdminGetUserCommand({ UserPoolId: emu.userPoolId, Username: uniqueEmail() })),
      'MissingAuthenticationTokenException',
    );
  });
});
