import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { strict as assert } from 'node:assert';
import type { RunningEmulator } from '../../src/emulator';
import { PASSWORD, idpClient, newSignedInUser, rejectsWith, start, uniqueEmail } from '../helpers';
import { SrpClient } from '../srpClient';

const NEW_PASSWORD = 'Battery-Staple-42';
const TEMPORARY = 'Temporary-Pass-7';

describe('AdminSetUserPassword', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await start();
  });
  after(() => emu.stop());
  afterEach(() => emu.clearFaults());

  const setPassword = (Username: string, Password: string, Permanent?: boolean) =>
    idpClient(emu).send(new AdminSetUserPasswordCommand({ UserPoolId: emu.userPoolId, Username, Password, Permanent }));
  const status = async (Username: string) =>
    (await idpClient(emu).send(new AdminGetUserCommand({ UserPoolId: emu.userPoolId, Username }))).UserStatus;
  const passwordAuth = (USERNAME: string, PASSWORD: string) =>
    idpClient(emu).send(
      new InitiateAuthCommand({
        ClientId: emu.clientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME, PASSWORD },
      }),
    );

  it('Permanent=false: FORCE_CHANGE_PASSWORD, the next sign-in gets NEW_PASSWORD_REQUIRED, nothing is sent', async () => {
    const { email } = await newSignedInUser(emu);
    const sent = emu.outboxMessages(email).length;
    await setPassword(email, TEMPORARY, false);
    assert.equal(await status(email), 'FORCE_CHANGE_PASSWORD');
    await rejectsWith(passwordAuth(email, PASSWORD), 'NotAuthorizedException', 'Incorrect username or password.');
    const first = await passwordAuth(email, TEMPORARY);
    assert.equal(first.ChallengeName, 'NEW_PASSWORD_REQUIRED');
    assert.equal(first.AuthenticationResult, undefined);
    const done = await idpClient(emu).send(
      new RespondToAuthChallengeCommand({
        ClientId: emu.clientId,
        ChallengeName: 'NEW_PASSWORD_REQUIRED',
        Session: first.Session,
        ChallengeResponses: { USERNAME: email, NEW_PASSWORD },
      }),
    );
    assert.ok(done.AuthenticationResult?.AccessToken);
    assert.equal(await status(email), 'CONFIRMED');
    assert.equal(emu.outboxMessages(email).length, sent);
  });

  it('Permanent omitted is a temporary password, as in AWS', async () => {
    const { email } = await newSignedInUser(emu);
    await setPassword(email, TEMPORARY);
    assert.equal(await status(email), 'FORCE_CHANGE_PASSWORD');
  });

  it('Permanent=true: an invited user is CONFIRMED and signs in at once, by password and by SRP', async () => {
    const email = uniqueEmail('invited');
    const idp = idpClient(emu);
    await idp.send(
      new AdminCreateUserCommand({ UserPoolId: emu.userPoolId, Username: email, MessageAction: 'SUPPRESS' }),
    );
    assert.equal(await status(email), 'FORCE_CHANGE_PASSWORD');
    await setPassword(email, NEW_PASSWORD, true);
    assert.equal(await status(email), 'CONFIRMED');
    assert.ok((await passwordAuth(email, NEW_PASSWORD)).AuthenticationResult?.IdToken);

    // SRP proves the verifier was replaced too, not only the hash.
    const srp = new SrpClient(emu.userPoolId);
    const started = await idp.send(
      new InitiateAuthCommand({
        ClientId: emu.clientId,
        AuthFlow: 'USER_SRP_AUTH',
        AuthParameters: { USERNAME: email, SRP_A: await srp.srpA() },
      }),
    );
    const done = await idp.send(
      new RespondToAuthChallengeCommand({
        ClientId: emu.clientId,
        ChallengeName: 'PASSWORD_VERIFIER',
        ChallengeResponses: await srp.respond(started.ChallengeParameters ?? {}, NEW_PASSWORD),
      }),
    );
    assert.ok(done.AuthenticationResult?.AccessToken);
  });

  it('Permanent=true confirms a user who never confirmed their sign-up', async () => {
    const email = uniqueEmail('unconfirmed');
    await idpClient(emu).send(new SignUpCommand({ ClientId: emu.clientId, Username: email, Password: PASSWORD }));
    assert.equal(await status(email), 'UNCONFIRMED');
    await rejectsWith(passwordAuth(email, PASSWORD), 'UserNotConfirmedException');
    await setPassword(email, NEW_PASSWORD, true);
    assert.equal(await status(email), 'CONFIRMED');
    assert.ok((await passwordAuth(email, NEW_PASSWORD)).AuthenticationResult);
  });

  it('a temporary password expires after TemporaryPasswordValidityDays (7); setting another one again lets the user in', async () => {
    const { email } = await newSignedInUser(emu);
    await setPassword(email, TEMPORARY, false);
    emu.fault({ kind: 'clockSkew', seconds: 8 * 86400 });
    await rejectsWith(
      passwordAuth(email, TEMPORARY),
      'NotAuthorizedException',
      'Temporary password has expired and must be reset by an administrator.',
    );
    await setPassword(email, TEMPORARY, false);
    assert.equal((await passwordAuth(email, TEMPORARY)).ChallengeName, 'NEW_PASSWORD_REQUIRED');
  });

  it("applies the pool's password policy and keeps the old password when refused", async () => {
    const { email } = await newSignedInUser(emu);
    await rejectsWith(
      setPassword(email, 'short', true),
      'InvalidPasswordException',
      'Password did not conform with policy: Password not long enough',
    );
    await rejectsWith(
      setPassword(email, 'alllowercase-99', false),
      'InvalidPasswordException',
      'Password did not conform with policy: Password must have uppercase characters',
    );
    assert.equal(await status(email), 'CONFIRMED');
    assert.ok((await passwordAuth(email, PASSWORD)).AuthenticationResult);
  });

  it('lifts the lockout of repeated wrong passwords', async () => {
    const { email } = await newSignedInUser(emu);
    for (let i = 0; i < 5; i++) await rejectsWith(passwordAuth(email, `Wrong-Password-${i}`), 'NotAuthorizedException');
    await rejectsWith(passwordAuth(email, PASSWORD), 'NotAuthorizedException', 'Password attempts exceeded');
    await setPassword(email, NEW_PASSWORD, true);
    assert.ok((await passwordAuth(email, NEW_PASSWORD)).AuthenticationResult);
  });

  it('refuses an unknown user, another pool, a missing or blank password', async () => {
    await rejectsWith(
      setPassword(uniqueEmail('nobody'), NEW_PASSWORD, true),
      'UserNotFoundException',
      'User does not exist.',
    );
    await rejectsWith(
      idpClient(emu).send(
        new AdminSetUserPasswordCommand({
          UserPoolId: 'us-east-1_Nope12345',
          Username: uniqueEmail(),
          Password: NEW_PASSWORD,
        }),
      ),
      'ResourceNotFoundException',
      'User pool us-east-1_Nope12345 does not exist.',
    );
    const { email } = await newSignedInUser(emu);
    await rejectsWith(
      idpClient(emu).send(new AdminSetUserPasswordCommand({ UserPoolId: emu.userPoolId, Username: email } as never)),
      'InvalidParameterException',
      "1 validation error detected: Value at 'password' failed to satisfy constraint: Member must not be null",
    );
    await rejectsWith(
      setPassword(email, 'has a space 1A!', true),
      'InvalidParameterException',
      "1 validation error detected: Value at 'password' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\S]+",
    );
  });
});
