// A few thousand malformed requests (bad escapes, wrong methods and content types, truncated and
// oversized bodies, bad JSON, wrong X-Amz-Target, signed garbage for Bedrock, h2c garbage), then
// a normal sign-in and story: the emulator answers every one with a 4xx, never crashes, never
// leaks an unhandled error, and still works.
import { strict as assert } from 'node:assert';
import { Agent, request as httpRequest } from 'node:http';
import { connect as h2connect } from 'node:http2';
import { connect as netConnect } from 'node:net';
import type { RunningEmulator } from '../src/emulator';
import { credentialsFor, runtime, streamStory } from './bedrockHelpers';
import type { AwsCredentialIdentity } from './bedrockHelpers';
import { start } from './helpers';
import { aws4Sign } from './sigv4Clients';
import { DIRECT_MODE_TEAM } from '../src/presets';

/** A seeded generator, so a failure can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = 18;
const IDP = 'AWSCognitoIdentityProviderService';
const IDENTITY = 'AWSCognitoIdentityService';
const OPERATIONS = [
  'SignUp',
  'ConfirmSignUp',
  'InitiateAuth',
  'RespondToAuthChallenge',
  'GetUser',
  'RevokeToken',
  'ForgotPassword',
  'AdminCreateUser',
  'ChangePassword',
  'VerifySoftwareToken',
];

interface Outcome {
  status: number;
  errorType: string;
}

describe('fuzz: malformed requests never take the emulator down', function () {
  this.timeout(60_000);
  let emu: RunningEmulator;
  let creds: AwsCredentialIdentity;
  before(async () => {
    emu = await start({ params: { ...DIRECT_MODE_TEAM, AllowedModelIds: 'amazon.nova-lite-v1:0' } });
    creds = await credentialsFor(emu);
  });
  after(() => emu.stop());

  it('answers thousands of malformed requests with 4xx, then signs in and tells a story', async () => {
    const rand = prng(SEED);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
    const garbage = (n: number): string =>
      Array.from({ length: n }, () => String.fromCharCode(Math.floor(rand() * 0x7f))).join('');
    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    const port = emu.port;
    const outcomes: Outcome[] = [];
    const started = Date.now();

    const http = (
      method: string,
      path: string,
      headers: Record<string, string>,
      body: string | Buffer,
    ): Promise<void> =>
      new Promise((done) => {
        const r = httpRequest({ host: '127.0.0.1', port, method, path, headers, agent }, (res) => {
          res.resume();
          res.on('end', () => {
            outcomes.push({ status: res.statusCode ?? 0, errorType: String(res.headers['x-amzn-errortype'] ?? '') });
            done();
          });
        });
        // A refused oversized body may close the socket under us; that is an answer too.
        r.on('error', () => done());
        r.end(body);
      });

    const bodies = (): string =>
      pick([
        '',
        '{',
        '}',
        'null',
        '[]',
        '"x"',
        '42',
        'true',
        '{"a":',
        '{"Username":',
        garbage(40),
        '\u0000\u0001',
        '[['.repeat(5000),
        '{"ClientId":5,"Username":[1]}',
        '{"ClientId":"x","Username":"' + 'u'.repeat(300) + '"}',
        '{"AuthFlow":"MAGIC","ClientId":"x"}',
        '{"AuthParameters":"notamap","AuthFlow":"USER_PASSWORD_AUTH","ClientId":"x"}',
        '{"UserAttributes":{"Name":"x"}}',
        '{"UserAttributes":[null,1,{"Name":5}]}',
        '{"Logins":{"a":1}}',
        '{"IdentityPoolId":"us-east-1:' + 'f'.repeat(60) + '"}',
        '{"AccessToken":"a b c"}',
        '{"ChallengeResponses":{"USERNAME":{}}}',
        '{"__proto__":{"x":1},"constructor":1}',
      ]);

    const jobs: (() => Promise<void>)[] = [];
    // Bad percent-escapes anywhere in the target.
    for (let i = 0; i < 400; i++) {
      const path = pick([
        '/%E0%A4%A',
        '/%',
        '/%%',
        '/model/%ZZ/converse',
        '/model/%E0%A4%A/converse-stream',
        '/_emulator/%C0',
        '/foundation-models?byProvider=%E0%A4%A',
        `/${emu.userPoolId}/.well-known/%ff`,
        '/?%=%&&=',
        '//double//slash',
        '/model/a/../../converse',
        '/./invoke',
      ]);
      jobs.push(() => http(pick(['GET', 'POST']), path, { 'content-type': 'application/x-amz-json-1.1' }, ''));
    }
    // Wrong methods and content types; wrong or hostile X-Amz-Target.
    for (let i = 0; i < 800; i++) {
      const target = pick([
        `${IDP}.${pick(OPERATIONS)}`,
        `${IDENTITY}.GetId`,
        `${IDP}.`,
        `${IDP}.__proto__`,
        `${IDP}.constructor`,
        `${IDP}.toString`,
        `${IDENTITY}.hasOwnProperty`,
        'Nope.SignUp',
        garbage(10).replace(/[^\x21-\x7e]/g, ''),
        '',
      ]);
      const contentType = pick([
        'application/x-amz-json-1.1',
        'application/json',
        'text/plain',
        'multipart/form-data; boundary=x',
        '',
      ]);
      const headers: Record<string, string> = {
        'x-amz-target': target,
        ...(contentType ? { 'content-type': contentType } : {}),
      };
      jobs.push(() =>
        http(
          pick(['POST', 'POST', 'GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']),
          pick(['/', '/', '/model/x/converse', '/foundation-models']),
          headers,
          bodies(),
        ),
      );
    }
    // Bad JSON and bad field types for every served Cognito operation.
    for (let i = 0; i < 1200; i++) {
      jobs.push(() =>
        http(
          'POST',
          '/',
          {
            'content-type': 'application/x-amz-json-1.1',
            'x-amz-target': `${pick([IDP, IDENTITY])}.${pick([...OPERATIONS, 'GetId', 'GetCredentialsForIdentity'])}`,
          },
          bodies(),
        ),
      );
    }
    // Correctly signed garbage for Bedrock: the signature passes, the body does not.
    for (let i = 0; i < 300; i++) {
      const path = pick([
        '/model/amazon.nova-lite-v1%3A0/converse',
        '/model/amazon.nova-lite-v1%3A0/converse-stream',
        '/model/amazon.nova-lite-v1%3A0/invoke',
        '/model/amazon.nova-lite-v1%3A0/invoke-with-response-stream',
        `/model/${'m'.repeat(2100)}/converse`,
      ]);
      const body = pick([
        bodies(),
        '{"messages":[{"role":"user","content":[{"text":"hi"}]}],"inferenceConfig":{"temperature":7,"topP":-1,"maxTokens":"12"}}',
        '{"messages":[{"role":"user","content":"x"}],"system":"nope","inferenceConfig":[]}',
        '{"messages":[{"role":"user","content":[{"image":{}}]}]}',
        '{"anthropic_version":5,"max_tokens":"a","messages":7}',
        '{"inputText":7}',
        '{"messages":[{"role":"robot","content":[]}]}',
      ]);
      jobs.push(() => {
        const s = aws4Sign(
          port,
          { method: 'POST', path, headers: { 'content-type': 'application/json' }, body },
          creds,
        );
        return http(s.method, s.path, s.headers, s.body);
      });
    }
    // Oversized bodies: declared, and streamed without a length.
    for (let i = 0; i < 20; i++) {
      jobs.push(() =>
        http(
          'POST',
          '/',
          { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `${IDP}.SignUp` },
          Buffer.alloc(1_100_000, 0x61),
        ),
      );
      jobs.push(() =>
        http(
          'POST',
          '/',
          {
            'content-type': 'application/x-amz-json-1.1',
            'x-amz-target': `${IDP}.SignUp`,
            'transfer-encoding': 'chunked',
          },
          Buffer.alloc(1_100_000, 0x61),
        ),
      );
    }
    // Admin routes with garbage bodies (never a valid fault: these only must not break it).
    for (let i = 0; i < 200; i++) {
      jobs.push(() =>
        http(
          pick(['POST', 'PUT']),
          pick(['/_emulator/faults', '/_emulator/story', '/_emulator/stream-rate', '/_emulator/nope']),
          { 'content-type': 'text/plain' },
          pick(['', '{', '[1,2', 'null', '{"kind":5}', '{"tokensPerSecond":"fast"}', '{"text":5}', garbage(30)]),
        ),
      );
    }

    // Raw sockets: truncated bodies, garbage request lines, h2c garbage after the preface.
    const raw = (bytes: Buffer): Promise<void> =>
      new Promise((done) => {
        const s = netConnect(port, '127.0.0.1', () => {
          s.write(bytes);
          setTimeout(() => s.destroy(), 20);
        });
        s.on('error', () => undefined);
        s.on('close', () => done());
      });
    const PREFACE = 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n';
    for (let i = 0; i < 150; i++) {
      jobs.push(() =>
        raw(
          Buffer.from(
            `POST / HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-length: 500\r\nx-amz-target: ${IDP}.SignUp\r\n\r\n{"ClientId":"`,
          ),
        ),
      );
      jobs.push(() =>
        raw(
          Buffer.from(
            pick([
              garbage(64),
              `GET /${garbage(20)} HTTP/1.1\r\n\r\n`,
              'GET / HTTP/9.9\r\n\r\n',
              'PR',
              `${PREFACE}${garbage(200)}`,
              PREFACE,
            ]),
          ),
        ),
      );
      jobs.push(() =>
        raw(Buffer.concat([Buffer.from(PREFACE), Buffer.from([0, 0, 4, 1, 0, 0, 0, 0, 1]), Buffer.from(garbage(50))])),
      );
    }
    // h2c clients with malformed requests.
    const h2 = h2connect(`http://127.0.0.1:${port}`);
    h2.on('error', () => undefined);
    for (let i = 0; i < 200; i++) {
      jobs.push(
        () =>
          new Promise<void>((done) => {
            const stream = h2.request({
              ':method': pick(['GET', 'POST', 'DELETE']),
              ':path': pick(['/%E0%A4%A', '/model/%ZZ/converse', '/', '/_emulator/info', '/foundation-models']),
              'x-amz-target': pick(['', `${IDP}.SignUp`]),
            });
            stream.on('response', (headers) =>
              outcomes.push({
                status: Number(headers[':status']),
                errorType: String(headers['x-amzn-errortype'] ?? ''),
              }),
            );
            stream.on('error', () => undefined);
            stream.on('close', () => done());
            stream.resume();
            stream.end(bodies());
          }),
      );
    }

    // Run them 16 at a time, shuffled.
    for (let i = jobs.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [jobs[i], jobs[j]] = [jobs[j] as () => Promise<void>, jobs[i] as () => Promise<void>];
    }
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < jobs.length) await (jobs[next++] as () => Promise<void>)();
      }),
    );
    h2.close();
    agent.destroy();
    const seconds = (Date.now() - started) / 1000;

    assert.ok(jobs.length >= 3000, `${jobs.length} requests`);
    assert.ok(outcomes.length > jobs.length * 0.8, `only ${outcomes.length} of ${jobs.length} answered`);
    const fiveHundreds = outcomes.filter((o) => o.status >= 500);
    assert.deepEqual(fiveHundreds, [], 'no 5xx: AWS sends none for bad input');
    assert.deepEqual(
      outcomes.filter((o) => o.errorType === 'InternalEmulatorError'),
      [],
      'no unhandled error inside the emulator',
    );
    assert.ok(
      outcomes.some((o) => o.status === 413),
      'oversized bodies are refused with 413',
    );
    console.log(
      `      fuzz: ${jobs.length} malformed requests (${outcomes.length} answered with a status) in ${seconds.toFixed(1)} s`,
    );

    // And it still works, end to end.
    const fresh = await credentialsFor(emu);
    const story = await streamStory(runtime(emu, fresh), {
      modelId: 'amazon.nova-lite-v1:0',
      messages: [{ role: 'user', content: [{ text: 'A story about an otter named Pip.' }] }],
      inferenceConfig: { maxTokens: 30 },
    });
    assert.equal(story.usage?.outputTokens, 30);
    assert.match(story.text, /Pip/);
  });
});
