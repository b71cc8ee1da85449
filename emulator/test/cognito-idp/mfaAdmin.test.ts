import {
  AdminGetUserCommand,
  AdminConfirmSignUpCommand,
  AdminCreateUserCommand,
  AssociateSoftwareTokenCommand,
  ConfirmSignUpCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SetUserMFAPreferenceCommand,
  SignUpCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { strict as assert } from 'node:assert';
import { Secret, TOTP } from 'otpauth';
import type { RunningEmulator } from '../../src/emulator';
import { PASSWORD, idpClient, latestCode, newSignedInUser, rejectsWith, start, uniqueEmail } from '../helpers';

// An independent TOTP implementation (otpauth) produces the codes.
const totp = (secret: string, offsetSteps = 0): string =>
  new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({
    timestamp: Date.now() + offsetSteps * 30_000,
  });

describe('MFA with software tokens (MfaConfiguration=OPTIONAL)', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await start({ params: { MfaConfiguration: 'OPTIONAL' } });
  });
  after(() => emu.stop());

  it('associates, verifies and prefers TOTP, then sign-in asks for SOFTWARE_TOKEN_MFA', async () => {
    const { email, tokens } = await newSignedInUser(emu);
    const idp = idpClient(emu);
    const assoc = await idp.send(new AssociateSoftwareTokenCommand({ AccessToken: tokens.AccessToken }));
    const secret = assoc.SecretCode as string;
    assert.match(secret, /^[A-Z2-7]{32}$/);
    await rejectsWith(
      idp.send(new VerifySoftwareTokenCommand({ AccessToken: tokens.AccessToken, UserCode: totp(secret, 10) })),
      'EnableSoftwareTokenMFAException',
    );
    const verified = await idp.send(
      new VerifySoftwareTokenCommand({ AccessToken: tokens.AccessToken, UserCode: totp(secret) }),
    );
    assert.equal(verified.Status, 'SUCCESS');
    await idp.send(
      new SetUserMFAPreferenceCommand({
        AccessToken: tokens.AccessToken,
        SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
      }),
    );

    const first = await idp.send(
      new InitiateAuthCommand({
        ClientId: emu.clientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: email, PASSWORD },
      }),
    );
    assert.equal(first.ChallengeName, 'SOFTWARE_TOKEN_MFA');
    assert.equal(first.AuthenticationResult, undefined);
    await rejectsWith(
      idp.send(
        new RespondToAuthChallengeCommand({
          ClientId: emu.clientId,
          ChallengeName: 'SOFTWARE_TOKEN_MFA',
          Session: first.Session,
          ChallengeResponses: { USERNAME: email, SOFTWARE_TOKEN_MFA_CODE: totp(secret, 10) },
        }),
      ),
      'CodeMismatchException',
    );
    const done = await idp.send(
      new RespondToAuthChallengeCommand({
        ClientId: emu.clientId,
        ChallengeName: 'SOFTWARE_TOKEN_MFA',
        Session: first.Session,
        ChallengeResponses: { USERNAME: email, SOFTWARE_TOKEN_MFA_CODE: totp(secret) },
      }),
    );
    assert.ok(done.AuthenticationResult?.IdToken);
  });

  it('refuses to prefer TOTP before it is verified', async () => {
    const { tokens } = await newSignedInUser(emu);
    await rejectsWith(
      idpClient(emu).send(
        new SetUserMFAPreferenceCommand({
          AccessToken: tokens.AccessToken,
          SoftwareTokenMfaSettings: { Enabled: true },
        }),
      ),
      'InvalidParameterException',
    );
  });
});

describe('MFA required (MfaConfiguration=ON): MFA_SETUP during sign-in', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await start({ params: { MfaConfiguration: 'ON' } });
  });
  after(() => emu.stop());

  it('sets up TOTP with the session, then asks for it on the next sign-in', async () => {
    const idp = idpClient(emu);
    const email = uniqueEmail();
    await idp.send(new SignUpCommand({ ClientId: emu.clientId, Username: email, Password: PASSWORD }));
    await idp.send(
      new ConfirmSignUpCommand({
        ClientId: emu.clientId,
        Username: email,
        ConfirmationCode: await latestCode(emu, email),
      }),
    );
    const first = await idp.send(
      new InitiateAuthCommand({
        ClientId: emu.clientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: email, PASSWORD },
      }),
    );
    assert.equal(first.ChallengeName, 'MFA_SETUP');
    const assoc = await idp.send(new AssociateSoftwareTokenCommand({ Session: first.Session }));
    const verified = await idp.send(
      new VerifySoftwareTokenCommand({ Session: assoc.Session, UserCode: totp(assoc.SecretCode as string) }),
    );
    const done = await idp.send(
      new RespondToAuthChallengeCommand({
        ClientId: emu.clientId,
        ChallengeName: 'MFA_SETUP',
        Session: verified.Session,
        ChallengeResponses: { USERNAME: email },
      }),
    );
    assert.ok(done.AuthenticationResult?.AccessToken);
    const next = await idp.send(
      new InitiateAuthCommand({
        ClientId: emu.clientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: email, PASSWORD },
      }),
    );
    assert.equal(next.ChallengeName, 'SOFTWARE_TOKEN_MFA');
  });
});

describe('admin operations', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await start();
  });
  after(() => emu.stop());

  it('AdminCreateUser sends a temporary password that leads to NEW_PASSWORD_REQUIRED', async () => {
    const idp = idpClient(emu);
    const email = uniqueEmail('invited');
    const created = await idp.send(
      new AdminCreateUserCommand({
        UserPoolId: emu.userPoolId,
        Username: email,
        UserAttributes: [{ Name: 'name', Value: 'Invitee' }],
      }),
    );
    assert.equal(created.User?.UserStatus, 'FORCE_CHANGE_PASSWORD');
    const temp = await latestCode(emu, email, 'invitation');
    const first = await idp.send(
      new InitiateAuthCommand({
        ClientId: emu.clientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: email, PASSWORD: temp },
      }),
    );
    assert.equal(first.ChallengeName, 'NEW_PASSWORD_REQUIRED');
    assert.equal(JSON.parse(first.ChallengeParameters?.userAttributes ?? '{}').email, email);
    await rejectsWith(
      idp.send(
        new RespondToAuthChallengeCommand({
          ClientId: emu.clientId,
          ChallengeName: 'NEW_PASSWORD_REQUIRED',
          Session: first.Session,
          ChallengeResponses: { USERNAME: email, NEW_PASSWORD: 'weak' },
        }),
      ),
      'InvalidPasswordException',
    );
    const done = await idp.send(
      new RespondToAuthChallengeCommand({
        ClientId: emu.clientId,
        ChallengeName: 'NEW_PASSWORD_REQUIRED',
        Session: first.Session,
        ChallengeResponses: { USERNAME: email, NEW_PASSWORD: 'Chosen-Pass-42' },
      }),
    );
    assert.ok(done.AuthenticationResult?.IdToken);
    await rejectsWith(
      idp.send(new AdminCreateUserCommand({ UserPoolId: emu.userPoolId, Username: email })),
      'UsernameExistsException',
    );
    await rejectsWith(
      idp.send(new AdminCreateUserCommand({ UserPoolId: 'us-east-1_Nope12345', Username: uniqueEmail() })),
      'ResourceNotFoundException',
    );
  });

  it('AdminConfirmSignUp confirms without a code', async () => {
    const idp = idpClient(emu);
    const email = uniqueEmail();
    await idp.send(new SignUpCommand({ ClientId: emu.clientId, Username: email, Password: PASSWORD }));
    await idp.send(new AdminConfirmSignUpCommand({ UserPoolId: emu.userPoolId, Username: email }));
    const auth = await idp.send(
      new InitiateAuthCommand({
        ClientId: emu.clientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: email, PASSWORD },
      }),
    );
    assert.ok(auth.AuthenticationResult);
  });
});

describe('PreSignUp trigger: the real handler from infra/src with the template environment', () => {
  it('rejects a domain outside AllowedEmailDomains with UserLambdaValidationException', async () => {
    const emu = await start({ params: { AllowedEmailDomains: 'example.com' } });
    try {
      const idp = idpClient(emu);
      await rejectsWith(
        idp.send(
          new SignUpCommand({ ClientId: emu.clientId, Username: 'mallory@evil-example.com', Password: PASSWORD }),
        ),
        'UserLambdaValidationException',
        /^PreSignUp failed with error Sign-up is limited to email addresses at example\.com/,
      );
      await newSignedInUser(emu, uniqueEmail());
    } finally {
      await emu.stop();
    }
  });

  it("AutoConfirmUsers=true: refused with self sign-up (the template's Rule); with admin-created users only, their email is verified and SignUp is refused", async () => {
    await assert.rejects(
      start({ params: { AutoConfirmUsers: 'true' } }),
      /AutoConfirmUsers=true needs AllowSelfSignUp=false/,
    );
    const emu = await start({ params: { AutoConfirmUsers: 'true', AllowSelfSignUp: 'false' } });
    try {
      const idp = idpClient(emu);
      await rejectsWith(
        idp.send(new SignUpCommand({ ClientId: emu.clientId, Username: uniqueEmail(), Password: PASSWORD })),
        'NotAuthorizedException',
      );
      const email = uniqueEmail();
      await idp.send(
        new AdminCreateUserCommand({
          UserPoolId: emu.userPoolId,
          Username: email,
          MessageAction: 'SUPPRESS',
          UserAttributes: [{ Name: 'email', Value: email }],
        }),
      );
      const user = await idp.send(new AdminGetUserCommand({ UserPoolId: emu.userPoolId, Username: email }));
      assert.equal(user.UserAttributes?.find((a) => a.Name === 'email_verified')?.Value, 'true');
      assert.deepEqual(emu.outboxMessages(email), []);
    } finally {
      await emu.stop();
    }
  });
});
