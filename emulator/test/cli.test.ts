import { InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { strict as assert } from 'node:assert';
import { PASSWORD, idpClient, newSignedInUser, start } from './helpers';

const ROOT = resolve(__dirname, '..', '..');

describe('npm run local (emulator/src/cli.ts)', () => {
  it('prints the JSON contract as its first line, binds 127.0.0.1 and exits cleanly on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'emulator/src/cli.ts',
        '--port',
        '0',
        '--param',
        'GenerateClientSecret=true',
        '--stream-rate',
        '0',
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      const first = await new Promise<string>((done, fail) => {
        const lines = createInterface({ input: child.stdout });
        lines.once('line', done);
        child.once('exit', (code) => fail(new Error(`exited early with ${code}`)));
      });
      const info = JSON.parse(first) as Record<string, unknown> & { endpoints: Record<string, string>; outbox: string };
      assert.deepEqual(Object.keys(info).sort(), [
        'clientId',
        'clientSecret',
        'endpoints',
        'hostedUiDomain',
        'identityPoolId',
        'outbox',
        'region',
        'storyGatewayUrl',
        'userPoolId',
      ]);
      // Budget mode by default (#23, N4): the story gateway's function URL.
      assert.match(String(info['storyGatewayUrl']), /^http:\/\/127\.0\.0\.1:\d+\/lambda-url\/[a-z0-9]+\/$/);
      // No HostedUiDomainPrefix: no managed login (#15).
      assert.equal(info['hostedUiDomain'], null);
      assert.deepEqual(Object.keys(info.endpoints).sort(), [
        'bedrock',
        'bedrockRuntime',
        'cognitoIdentity',
        'cognitoIdp',
      ]);
      assert.equal(typeof info.clientSecret, 'string');
      assert.match(info.endpoints.cognitoIdp ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
      const res = await fetch(info.outbox);
      assert.equal(res.status, 200);
      const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('writes the stack outputs JSON (--stack-name) and prints its path and the check:stack command', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'emulator/src/cli.ts',
        '--port',
        '0',
        '--stack-name',
        'storyteller-cli',
        '--stream-rate',
        '0',
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      const lines: string[] = [];
      await new Promise<void>((done, fail) => {
        createInterface({ input: child.stdout }).on('line', (line) => {
          lines.push(line);
          if (/check:stack/.test(line)) done();
        });
        child.once('exit', (code) => fail(new Error(`exited early with ${code}`)));
      });
      const info = JSON.parse(lines[0] ?? '') as {
        userPoolId: string;
        storyGatewayUrl: string;
        endpoints: { cognitoIdp: string };
      };
      const path = /^ {2}stack storyteller-cli: outputs \(for Configure from Stack Outputs\) in (\S+)$/m.exec(
        lines.join('\n'),
      )?.[1];
      assert.ok(path, lines.join('\n'));
      const written = JSON.parse(readFileSync(path, 'utf8')) as {
        Stacks: { StackName: string; Outputs: { OutputKey: string; OutputValue: string }[] }[];
      };
      rmSync(path);
      assert.equal(written.Stacks[0]?.StackName, 'storyteller-cli');
      const outputs = new Map(written.Stacks[0]?.Outputs.map((o) => [o.OutputKey, o.OutputValue]));
      assert.equal(outputs.get('UserPoolId'), info.userPoolId);
      assert.equal(outputs.get('StoryGatewayUrl'), info.storyGatewayUrl);
      assert.equal(
        lines.find((l) => l.includes('check:stack')),
        `  check it: npm run check:stack -- --stack storyteller-cli --endpoint ${info.endpoints.cognitoIdp}`,
      );
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('rejects an unknown template parameter', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'emulator/src/cli.ts', '--port', '0', '--param', 'NoSuchThing=1'],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((done) => child.once('exit', (c) => done(c)));
    assert.notEqual(code, 0);
    assert.match(stderr, /Unknown template parameter NoSuchThing/);
  });
});

describe('--state DIR', () => {
  it('keeps users, refresh tokens and the signing key across restarts; stores only password hashes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emulator-state-'));
    try {
      const first = await start({ stateDir: dir });
      const { email, tokens } = await newSignedInUser(first);
      await first.stop();
      const saved = readFileSync(join(dir, 'emulator-state.json'), 'utf8');
      assert.ok(!saved.includes(PASSWORD), 'the password must never be stored');
      assert.match(saved, /scrypt\$/);
      const second = await start({ stateDir: dir });
      try {
        assert.equal(second.userPoolId, first.userPoolId);
        const idp = idpClient(second);
        const again = await idp.send(
          new InitiateAuthCommand({
            ClientId: second.clientId,
            AuthFlow: 'USER_PASSWORD_AUTH',
            AuthParameters: { USERNAME: email, PASSWORD },
          }),
        );
        assert.ok(again.AuthenticationResult);
        const refreshed = await idp.send(
          new InitiateAuthCommand({
            ClientId: second.clientId,
            AuthFlow: 'REFRESH_TOKEN_AUTH',
            AuthParameters: { REFRESH_TOKEN: tokens.RefreshToken as string },
          }),
        );
        assert.ok(refreshed.AuthenticationResult?.AccessToken);
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
