// Bad requests get AWS's answers and never take the emulator down: malformed escapes, bodies
// past the limit, fields outside their documented constraints, and admin calls from a browser.
import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { InitiateAuthCommand, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { strict as assert } from 'node:assert';
import { connect as h2connect } from 'node:http2';
import type { RunningEmulator } from '../src/emulator';
import { credentialsFor } from './bedrockHelpers';
import { PASSWORD, identityClient, idpClient, rejectsWith, start, uniqueEmail } from './helpers';
import { errorType, send } from './sigv4Clients';
import { DIRECT_MODE_TEAM } from '../src/presets';

describe('robustness: bad requests get AWS answers and never take the emulator down', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await start({ params: DIRECT_MODE_TEAM });
  });
  after(() => emu.stop());

  const alive = async (): Promise<void> => {
    const res = await fetch(`${emu.endpoints.cognitoIdp}/_emulator/info`);
    assert.equal(res.status, 200);
  };

  it('answers a malformed percent-escape with 4xx, over HTTP/1.1 and h2c, and keeps answering', async () => {
    for (const path of ['/%E0%A4%A', '/model/%E0%A4%A/converse', '/_emulator/%', '/?%=%E0']) {
      const res = await send(emu.port, { method: 'GET', path, headers: { host: `127.0.0.1:${emu.port}` }, body: '' });
      assert.ok(res.status >= 400 && res.status < 500, `${path}: ${res.status}`);
    }
    const session = h2connect(emu.endpoints.cognitoIdp);
    const status = await new Promise<number>((done, fail) => {
      const stream = session.request({ ':method': 'GET', ':path': '/%E0%A4%A' });
      stream.on('response', (h) => done(Number(h[':status'])));
      stream.on('error', fail);
      stream.end();
    });
    session.close();
    assert.equal(status, 404);
    await alive();
  });

  it('refuses a body past the limit with 413 before reading it, and creates nobody', async () => {
    const email = uniqueEmail('huge');
    const body = JSON.stringify({
      ClientId: emu.clientId,
      Username: email,
      Password: PASSWORD,
      UserAttributes: [{ Name: 'name', Value: 'x'.repeat(2_000_000) }],
    });
    const res = await send(emu.port, {
      method: 'POST',
      path: '/',
      body,
      headers: {
        host: `127.0.0.1:${emu.port}`,
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AWSCognitoIdentityProviderService.SignUp',
      },
    });
    assert.equal(res.status, 413);
    assert.equal(errorType(res), 'RequestEntityTooLargeException');
    await alive();
    await rejectsWith(
      idpClient(emu).send(
        new InitiateAuthCommand({
          ClientId: emu.clientId,
          AuthFlow: 'USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: email, PASSWORD },
        }),
      ),
      'NotAuthorizedException',
      'Incorrect username or password.',
    );
  });

  it('checks documented constraints the way Cognito reports them', async () => {
    const idp = idpClient(emu);
    const long = `${'a'.repeat(120)}@example.com`;
    await rejectsWith(
      idp.send(new SignUpCommand({ ClientId: emu.clientId, Username: long, Password: PASSWORD })),
      'InvalidParameterException',
      "1 validation error detected: Value at 'username' failed to satisfy constraint: Member must have length less than or equal to 128",
    );
    await rejectsWith(
      idp.send(new SignUpCommand({ ClientId: 'not a client!', Username: 'a b', Password: PASSWORD })),
      'InvalidParameterException',
      /^2 validation errors detected: Value at 'clientId' failed to satisfy constraint: Member must satisfy regular expression pattern: \[\\w\+\]\+; Value at 'username' failed/,
    );
    await rejectsWith(
      idp.send(
        new SignUpCommand({
          ClientId: emu.clientId,
          Username: uniqueEmail(),
          Password: PASSWORD,
          UserAttributes: [{ Name: 'n'.repeat(33), Value: 'x' }],
        }),
      ),
      'InvalidParameterException',
      /Value 'n{33}' at 'userAttributes.1.member.name' failed to satisfy constraint: Member must have length less than or equal to 32/,
    );
    await rejectsWith(
      idp.send(new InitiateAuthCommand({ ClientId: emu.clientId, AuthFlow: 'MAGIC' as never })),
      'InvalidParameterException',
      /Value 'MAGIC' at 'authFlow' failed to satisfy constraint: Member must satisfy enum value set: \[USER_SRP_AUTH/,
    );
    const logins = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`provider${i}`, 'token']));
    await rejectsWith(
      identityClient(emu).send(new GetIdCommand({ IdentityPoolId: emu.identityPoolId, Logins: logins })),
      'InvalidParameterException',
      /Value at 'logins' failed to satisfy constraint: Member must have length less than or equal to 10/,
    );
    // A value of the wrong JSON type is a serialization error, as AWS answers it.
    const res = await send(emu.port, {
      method: 'POST',
      path: '/',
      body: JSON.stringify({ ClientId: 5, Username: ['x'] }),
      headers: {
        host: `127.0.0.1:${emu.port}`,
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AWSCognitoIdentityProviderService.SignUp',
      },
    });
    assert.equal(res.status, 400);
    assert.equal(errorType(res), 'SerializationException');
  });

  it('checks Bedrock inference parameters against their documented ranges', async () => {
    const creds = await credentialsFor(emu);
    const client = new BedrockRuntimeClient({
      region: emu.region,
      endpoint: emu.endpoints.bedrockRuntime,
      credentials: creds,
    });
    await rejectsWith(
      client.send(
        new ConverseCommand({
          modelId: 'amazon.nova-lite-v1:0',
          messages: [{ role: 'user', content: [{ text: 'hi' }] }],
          inferenceConfig: { temperature: 1.5 },
        }),
      ),
      'ValidationException',
      "1 validation error detected: Value at 'inferenceConfig.temperature' failed to satisfy constraint: Member must have value less than or equal to 1",
    );
    await rejectsWith(
      client.send(
        new ConverseCommand({ modelId: 'm'.repeat(2049), messages: [{ role: 'user', content: [{ text: 'hi' }] }] }),
      ),
      'ValidationException',
      /Value at 'modelId' failed to satisfy constraint: Member must have length less than or equal to 2048/,
    );
  });

  it('serves the admin API only to local tools: a loopback Host and no browser Origin', async () => {
    const base = { method: 'POST', path: '/_emulator/faults', body: JSON.stringify({ kind: 'latency', ms: 5000 }) };
    const evilHost = await send(emu.port, {
      ...base,
      headers: { host: 'attacker.example:4566', 'content-type': 'text/plain' },
    });
    assert.equal(evilHost.status, 403);
    const crossOrigin = await send(emu.port, {
      ...base,
      headers: { host: `127.0.0.1:${emu.port}`, origin: 'https://attacker.example', 'content-type': 'text/plain' },
    });
    assert.equal(crossOrigin.status, 403);
    const faults = (await (await fetch(`${emu.endpoints.cognitoIdp}/_emulator/faults`)).json()) as {
      faults: unknown[];
    };
    assert.deepEqual(faults.faults, [], 'nothing was armed');
    for (const host of [`localhost:${emu.port}`, `[::1]:${emu.port}`, '127.0.0.1']) {
      const res = await send(emu.port, { method: 'GET', path: '/_emulator/counters', body: '', headers: { host } });
      assert.equal(res.status, 200, host);
    }
    // Node's fetch (the tests, the demo, the benchmarks) sends no Origin: allowed.
    assert.equal((await fetch(`${emu.endpoints.cognitoIdp}/_emulator/counters`)).status, 200);
  });
});
