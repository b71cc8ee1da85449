import { DescribeUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import { strict as assert } from 'node:assert';
import type { RunningEmulator } from '../../src/emulator';
import { idpClient, rejectsWith, start } from '../helpers';

describe('DescribeUserPoolClient', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await start({ params: { GenerateClientSecret: 'true', LoopbackCallbackPort: '54321' } });
  });
  after(() => emu.stop());

  const describeClient = (ClientId: string, UserPoolId = emu.userPoolId) =>
    idpClient(emu).send(new DescribeUserPoolClientCommand({ UserPoolId, ClientId }));

  it('reports the template’s flows, revocation, secret, validities and OAuth settings', async () => {
    const { UserPoolClient: c } = await describeClient(emu.clientId);
    assert.ok(c);
    assert.equal(c.ClientId, emu.clientId);
    assert.equal(c.ClientSecret, emu.clientSecret);
    assert.deepEqual(c.ExplicitAuthFlows, [
      'ALLOW_USER_SRP_AUTH',
      'ALLOW_USER_PASSWORD_AUTH',
      'ALLOW_REFRESH_TOKEN_AUTH',
    ]);
    assert.equal(c.EnableTokenRevocation, true);
    assert.equal(c.PreventUserExistenceErrors, 'ENABLED');
    assert.equal(c.AccessTokenValidity, 60);
    assert.equal(c.RefreshTokenValidity, 30);
    assert.equal(c.AllowedOAuthFlowsUserPoolClient, true);
    assert.deepEqual(c.AllowedOAuthFlows, ['code']);
    assert.deepEqual(c.AllowedOAuthScopes, ['openid', 'email', 'profile']);
    assert.ok(c.CallbackURLs?.includes('http://127.0.0.1:54321/callback'));
    assert.ok(c.LogoutURLs?.includes('http://127.0.0.1:54321/signed-out'));
    assert.deepEqual(c.SupportedIdentityProviders, ['COGNITO']);
  });

  it('refuses an unknown client or pool as Cognito does', async () => {
    await rejectsWith(describeClient('unknownclient0001'), 'ResourceNotFoundException');
    await rejectsWith(describeClient(emu.clientId, 'us-east-1_Nope12345'), 'ResourceNotFoundException');
  });
});
