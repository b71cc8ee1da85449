import { GetCredentialsForIdentityCommand, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import {
  GlobalSignOutCommand,
  InitiateAuthCommand,
  SignUpCommand,
  ConfirmSignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { fromCognitoIdentityPool } from '@aws-sdk/credential-providers';
import { strict as assert } from 'node:assert';
import type { RunningEmulator } from '../../src/emulator';
import {
  FIXTURE_TEMPLATE,
  PASSWORD,
  identityClient,
  idpClient,
  latestCode,
  newSignedInUser,
  rejectsWith,
  start,
  uniqueEmail,
} from '../helpers';

const provider = (emu: RunningEmulator): string => `cognito-idp.${emu.region}.amazonaws.com/${emu.userPoolId}`;

describe('identity pool', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await start({ credentialsLifetimeSeconds: 900 });
  });
  after(() => emu.stop());

  it('exchanges an ID token for temporary credentials through fromCognitoIdentityPool', async () => {
    const { tokens } = await newSignedInUser(emu);
    const creds = await fromCognitoIdentityPool({
      identityPoolId: emu.identityPoolId,
      logins: { [provider(emu)]: tokens.IdToken as string },
      clientConfig: { region: emu.region, endpoint: emu.endpoints.cognitoIdentity },
    })();
    assert.match(creds.accessKeyId, /^ASIA[A-Z0-9]{16}$/);
    assert.ok(creds.secretAccessKey.length >= 40);
    assert.ok(creds.sessionToken);
    const lifetime = (creds.expiration?.getTime() ?? 0) - Date.now();
    assert.ok(lifetime > 890_000 && lifetime <= 900_000, `lifetime ${lifetime}`);
  });

  it('keeps identity ids stable per user and issues unique credentials', async () => {
    const { email, tokens } = await newSignedInUser(emu);
    const ci = identityClient(emu);
    const logins = { [provider(emu)]: tokens.IdToken as string };
    const a = await ci.send(new GetIdCommand({ IdentityPoolId: emu.identityPoolId, Logins: logins }));
    const again = await idpClient(emu).send(
      new InitiateAuthCommand({
        ClientId: emu.clientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: email, PASSWORD },
      }),
    );
    const b = await ci.send(
      new GetIdCommand({
        IdentityPoolId: emu.identityPoolId,
        Logins: { [provider(emu)]: again.AuthenticationResult?.IdToken as string },
      }),
    );
    assert.equal(a.IdentityId, b.IdentityId);
    assert.match(a.IdentityId ?? '', /^us-east-1:[0-9a-f-]{36}$/);
    const other = await newSignedInUser(emu);
    const c = await ci.send(
      new GetIdCommand({
        IdentityPoolId: emu.identityPoolId,
        Logins: { [provider(emu)]: other.tokens.IdToken as string },
      }),
    );
    assert.notEqual(c.IdentityId, a.IdentityId);
    const one = await ci.send(new GetCredentialsForIdentityCommand({ IdentityId: a.IdentityId, Logins: logins }));
    const two = await ci.send(new GetCredentialsForIdentityCommand({ IdentityId: a.IdentityId, Logins: logins }));
    assert.notEqual(one.Credentials?.AccessKeyId, two.Credentials?.AccessKeyId);
    assert.ok(one.Credentials?.Expiration instanceof Date);
    // Someone else's token cannot get credentials for this identity.
    await rejectsWith(
      ci.send(
        new GetCredentialsForIdentityCommand({
          IdentityId: a.IdentityId,
          Logins: { [provider(emu)]: other.tokens.IdToken as string },
        }),
      ),
      'NotAuthorizedException',
    );
  });

  it('refuses unauthenticated access, as the template says', async () => {
    const ci = identityClient(emu);
    await rejectsWith(
      ci.send(new GetIdCommand({ IdentityPoolId: emu.identityPoolId })),
      'NotAuthorizedException',
      'Unauthenticated access is not supported for this identity pool.',
    );
    await rejectsWith(
      ci.send(new GetIdCommand({ IdentityPoolId: 'us-east-1:00000000-0000-0000-0000-000000000000' })),
      'ResourceNotFoundException',
    );
  });

  it('refuses an access token, a garbage token and a token under an unknown provider', async () => {
    const { tokens } = await newSignedInUser(emu);
    const ci = identityClient(emu);
    await rejectsWith(
      ci.send(
        new GetIdCommand({
          IdentityPoolId: emu.identityPoolId,
          Logins: { [provider(emu)]: tokens.AccessToken as string },
        }),
      ),
      'NotAuthorizedException',
    );
    await rejectsWith(
      ci.send(new GetIdCommand({ IdentityPoolId: emu.identityPoolId, Logins: { [provider(emu)]: 'abc.def.ghi' } })),
      'NotAuthorizedException',
    );
    await rejectsWith(
      ci.send(
        new GetIdCommand({
          IdentityPoolId: emu.identityPoolId,
          Logins: { 'accounts.google.com': tokens.IdToken as string },
        }),
      ),
      'NotAuthorizedException',
    );
  });

  it('refuses an expired ID token', async () => {
    // Sign in two hours in the past (a clock fault), so the token has expired by real time.
    emu.fault({ kind: 'clockSkew', seconds: -7200 });
    let idToken: string;
    try {
      idToken = (await newSignedInUser(emu)).tokens.IdToken as string;
    } finally {
      emu.fault({ kind: 'clockSkew', seconds: 0 });
    }
    await rejectsWith(
      identityClient(emu).send(
        new GetIdCommand({ IdentityPoolId: emu.identityPoolId, Logins: { [provider(emu)]: idToken } }),
      ),
      'NotAuthorizedException',
      /expired/,
    );
  });

  it('checks tokens server-side: after GlobalSignOut the ID token is refused', async () => {
    const { tokens } = await newSignedInUser(emu);
    await idpClient(emu).send(new GlobalSignOutCommand({ AccessToken: tokens.AccessToken }));
    await rejectsWith(
      identityClient(emu).send(
        new GetIdCommand({ IdentityPoolId: emu.identityPoolId, Logins: { [provider(emu)]: tokens.IdToken as string } }),
      ),
      'NotAuthorizedException',
      /revoked/,
    );
  });

  it('refuses a token from another user pool', async () => {
    const other = await start({ stackName: 'another-stack' });
    try {
      assert.notEqual(other.userPoolId, emu.userPoolId);
      const { tokens } = await newSignedInUser(other);
      await rejectsWith(
        identityClient(emu).send(
          new GetIdCommand({
            IdentityPoolId: emu.identityPoolId,
            Logins: { [provider(emu)]: tokens.IdToken as string },
          }),
        ),
        'NotAuthorizedException',
      );
    } finally {
      await other.stop();
    }
  });
});

describe('identity pool: a token for another app client of the same pool', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await start({ templatePath: FIXTURE_TEMPLATE });
  });
  after(() => emu.stop());

  it('is refused with an audience error', async () => {
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
    const info = (await (await fetch(`${emu.endpoints.cognitoIdp}/_emulator/info`)).json()) as { clientId: string };
    assert.equal(info.clientId, emu.clientId);
    // The fixture's second client, which the identity pool does not list.
    const otherClientId = await otherClient(emu);
    const auth = await idp.send(
      new InitiateAuthCommand({
        ClientId: otherClientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: email, PASSWORD },
      }),
    );
    await rejectsWith(
      identityClient(emu).send(
        new GetIdCommand({
          IdentityPoolId: emu.identityPoolId,
          Logins: { [provider(emu)]: auth.AuthenticationResult?.IdToken as string },
        }),
      ),
      'NotAuthorizedException',
      'Invalid login token. Incorrect token audience.',
    );
  });
});

async function otherClient(emu: RunningEmulator): Promise<string> {
  const res = await fetch(`${emu.endpoints.cognitoIdp}/_emulator/clients`);
  const clients = (await res.json()) as { clientId: string; name: string }[];
  const found = clients.find((c) => c.name === 'other-tool');
  if (!found) throw new Error('fixture client other-tool not found');
  return found.clientId;
}
