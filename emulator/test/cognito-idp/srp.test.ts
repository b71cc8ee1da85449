import { InitiateAuthCommand, RespondToAuthChallengeCommand } from '@aws-sdk/client-cognito-identity-provider';
import { strict as assert } from 'node:assert';
import type { RunningEmulator } from '../../src/emulator';
import { PASSWORD, idpClient, newSignedInUser, rejectsWith, secretHash, start, uniqueEmail } from '../helpers';
import { SrpClient } from '../srpClient';

async function srpSignIn(
  emu: RunningEmulator,
  email: string,
  password: string,
  tamper?: (r: Record<string, string>) => void,
) {
  const idp = idpClient(emu);
  const client = new SrpClient(emu.userPoolId);
  const hash = secretHash(emu, email);
  const start = await idp.send(
    new InitiateAuthCommand({
      ClientId: emu.clientId,
      AuthFlow: 'USER_SRP_AUTH',
      AuthParameters: { USERNAME: email, SRP_A: await client.srpA(), ...(hash ? { SECRET_HASH: hash } : {}) },
    }),
  );
  assert.equal(start.ChallengeName, 'PASSWORD_VERIFIER');
  const params = start.ChallengeParameters ?? {};
  const responses = await client.respond(params, password);
  // With a secret, the hash of the challenge response names the user id Cognito returned.
  const responseHash = secretHash(emu, responses.USERNAME ?? '');
  if (responseHash) responses.SECRET_HASH = responseHash;
  tamper?.(responses);
  const done = await idp.send(
    new RespondToAuthChallengeCommand({
      ClientId: emu.clientId,
      ChallengeName: 'PASSWORD_VERIFIER',
      ChallengeResponses: responses,
    }),
  );
  return { params, done };
}

for (const withSecret of [false, true]) {
  describe(`USER_SRP_AUTH against amazon-cognito-identity-js (${withSecret ? 'client with secret' : 'public client'})`, () => {
    let emu: RunningEmulator;
    before(async () => {
      emu = await start(withSecret ? { params: { GenerateClientSecret: 'true' } } : {});
    });
    after(() => emu.stop());

    it('signs in with the right password, with the user id for SRP being the sub', async () => {
      const { email, sub } = await newSignedInUser(emu);
      const { params, done } = await srpSignIn(emu, email, PASSWORD);
      assert.equal(params.USER_ID_FOR_SRP, sub);
      assert.match(params.SRP_B ?? '', /^[0-9a-f]+$/);
      assert.match(params.SALT ?? '', /^[0-9a-f]+$/);
      assert.ok(done.AuthenticationResult?.IdToken);
      assert.ok(done.AuthenticationResult?.RefreshToken);
    });

    it('refuses a wrong password', async () => {
      const { email } = await newSignedInUser(emu);
      await rejectsWith(
        srpSignIn(emu, email, 'Not-The-Password-1'),
        'NotAuthorizedException',
        'Incorrect username or password.',
      );
    });

    it('refuses a tampered signature, a reused secret block and a malformed timestamp', async () => {
      const { email } = await newSignedInUser(emu);
      await rejectsWith(
        srpSignIn(emu, email, PASSWORD, (r) => {
          r.PASSWORD_CLAIM_SIGNATURE = Buffer.alloc(32, 7).toString('base64');
        }),
        'NotAuthorizedException',
      );
      await rejectsWith(
        srpSignIn(emu, email, PASSWORD, (r) => {
          r.TIMESTAMP = new Date().toISOString();
        }),
        'InvalidParameterException',
      );
      const { params } = await srpSignIn(emu, email, PASSWORD);
      const replay = await new SrpClient(emu.userPoolId).respond(params, PASSWORD);
      const hash = secretHash(emu, replay.USERNAME ?? '');
      if (hash) replay.SECRET_HASH = hash;
      await rejectsWith(
        idpClient(emu).send(
          new RespondToAuthChallengeCommand({
            ClientId: emu.clientId,
            ChallengeName: 'PASSWORD_VERIFIER',
            ChallengeResponses: replay,
          }),
        ),
        'NotAuthorizedException',
      );
    });

    it('gives an unknown user a challenge too, then the same error as a wrong password', async () => {
      await rejectsWith(
        srpSignIn(emu, uniqueEmail('nobody'), PASSWORD),
        'NotAuthorizedException',
        'Incorrect username or password.',
      );
    });
  });
}
