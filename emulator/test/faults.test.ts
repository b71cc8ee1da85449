import {
  ConverseCommand,
  ConverseStreamCommand,
  ModelStreamErrorException,
  ThrottlingException,
} from '@aws-sdk/client-bedrock-runtime';
import { GetCredentialsForIdentityCommand, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { strict as assert } from 'node:assert';
import type { RunningEmulator } from '../src/emulator';
import { credentialsFor, runtime, streamStory } from './bedrockHelpers';
import { identityClient, idpClient, newSignedInUser, rejectsWith, start } from './helpers';
import { DIRECT_MODE_TEAM } from '../src/presets';

const user = (text: string) => [{ role: 'user' as const, content: [{ text }] }];
const PROMPT = 'A bedtime story about an otter named Pip.';

async function post(emu: RunningEmulator, body: unknown): Promise<Response> {
  return fetch(`${emu.endpoints.cognitoIdp}/_emulator/faults`, { method: 'POST', body: JSON.stringify(body) });
}

async function counters(emu: RunningEmulator): Promise<Record<string, number>> {
  return (await (await fetch(`${emu.endpoints.cognitoIdp}/_emulator/counters`)).json()) as Record<string, number>;
}

describe('faults on demand and counters', () => {
  let emu: RunningEmulator;
  let creds: Awaited<ReturnType<typeof credentialsFor>>;
  before(async () => {
    emu = await start({ params: DIRECT_MODE_TEAM });
    creds = await credentialsFor(emu);
  });
  beforeEach(async () => {
    await fetch(`${emu.endpoints.cognitoIdp}/_emulator/faults`, { method: 'DELETE' });
    await fetch(`${emu.endpoints.cognitoIdp}/_emulator/counters`, { method: 'DELETE' });
  });
  after(() => emu.stop());

  it('fails the next N calls with 429 throttling; the SDK retries and the counters show every attempt', async () => {
    assert.equal(
      (await post(emu, { kind: 'error', operation: 'Converse', error: 'ThrottlingException', count: 2 })).status,
      200,
    );
    const ok = await runtime(emu, creds).send(
      new ConverseCommand({ modelId: 'amazon.nova-lite-v1:0', messages: user(PROMPT) }),
    );
    assert.ok(ok.output?.message);
    assert.equal((await counters(emu)).Converse, 3);
    await post(emu, { kind: 'error', operation: 'Converse', error: 'ThrottlingException', count: 3 });
    const err = await rejectsWith(
      runtime(emu, creds).send(new ConverseCommand({ modelId: 'amazon.nova-lite-v1:0', messages: user(PROMPT) })),
      'ThrottlingException',
    );
    assert.ok(err instanceof ThrottlingException);
    assert.equal(err.$metadata?.httpStatusCode, 429);
  });

  it('injects 500, 503 and ModelNotReady with their statuses', async () => {
    const client = runtime(emu, { ...creds });
    for (const [error, status] of [
      ['InternalServerException', 500],
      ['ServiceUnavailableException', 503],
      ['ModelNotReadyException', 429],
    ] as const) {
      await post(emu, { kind: 'error', operation: 'Converse', error, count: 5 });
      const e = await rejectsWith(
        client.send(new ConverseCommand({ modelId: 'amazon.nova-lite-v1:0', messages: user(PROMPT) })),
        error,
      );
      assert.equal(e.$metadata?.httpStatusCode, status);
      await fetch(`${emu.endpoints.cognitoIdp}/_emulator/faults`, { method: 'DELETE' });
    }
  });

  it('fails a Cognito operation too (awsJson error shape)', async () => {
    await post(emu, {
      kind: 'error',
      operation: 'GetCredentialsForIdentity',
      error: 'TooManyRequestsException',
      count: 1,
      message: 'slow down',
    });
    const { tokens } = await newSignedInUser(emu);
    const logins = { [`cognito-idp.${emu.region}.amazonaws.com/${emu.userPoolId}`]: tokens.IdToken as string };
    const ci = identityClient(emu);
    const id = await ci.send(new GetIdCommand({ IdentityPoolId: emu.identityPoolId, Logins: logins }));
    // TooManyRequestsException is a throttling error: the SDK retries it and succeeds.
    const creds2 = await ci.send(new GetCredentialsForIdentityCommand({ IdentityId: id.IdentityId, Logins: logins }));
    assert.ok(creds2.Credentials?.AccessKeyId);
    assert.equal((await counters(emu)).GetCredentialsForIdentity, 2);
  });

  it('cuts a stream after K tokens with an exception frame', async () => {
    await post(emu, { kind: 'cut', operation: 'ConverseStream', afterTokens: 5, mode: 'exception' });
    const client = runtime(emu, creds);
    let received = '';
    const err = await rejectsWith(
      (async () => {
        const out = await client.send(
          new ConverseStreamCommand({ modelId: 'amazon.nova-lite-v1:0', messages: user(PROMPT) }),
        );
        for await (const e of out.stream ?? []) received += e.contentBlockDelta?.delta?.text ?? '';
      })(),
      'ModelStreamErrorException',
    );
    assert.ok(err instanceof ModelStreamErrorException);
    assert.ok(received.length > 0);
    assert.equal((await counters(emu)).ConverseStream, 1, 'a stream error is not retried');
  });

  it('cuts a stream with an abrupt reset', async () => {
    await post(emu, { kind: 'cut', operation: 'ConverseStream', afterTokens: 3, mode: 'reset' });
    await assert.rejects(
      streamStory(runtime(emu, creds), { modelId: 'amazon.nova-lite-v1:0', messages: user(PROMPT) }),
    );
    // The next stream is whole again.
    const r = await streamStory(runtime(emu, creds), { modelId: 'amazon.nova-lite-v1:0', messages: user(PROMPT) });
    assert.equal(r.stopReason, 'end_turn');
  });

  it('tells a given story, or one of a given length, and times the last stream', async () => {
    const put = (body: unknown) =>
      fetch(`${emu.endpoints.cognitoIdp}/_emulator/story`, { method: 'PUT', body: JSON.stringify(body) });
    assert.equal((await put({})).status, 400);
    assert.equal((await put({ tokens: 0 })).status, 400);
    assert.equal((await put({ text: 1 })).status, 400);
    assert.equal((await put({ text: 'x', extra: true })).status, 400);
    try {
      const hostile = '<script>alert(1)</script> and [a](javascript:alert(2))';
      assert.equal((await put({ text: hostile })).status, 200);
      const told = await streamStory(runtime(emu, creds), {
        modelId: 'amazon.nova-lite-v1:0',
        messages: user(PROMPT),
        inferenceConfig: { maxTokens: 5 },
      });
      assert.equal(told.text, hostile, 'told verbatim, maxTokens not applied');

      assert.equal((await put({ tokens: 3000 })).status, 200);
      const t0 = Date.now();
      const long = await streamStory(runtime(emu, creds), { modelId: 'amazon.nova-lite-v1:0', messages: user(PROMPT) });
      assert.equal(long.usage?.outputTokens, 3000);
      const last = (await (await fetch(`${emu.endpoints.cognitoIdp}/_emulator/streams/last`)).json()) as {
        tokens: number;
        chars: number;
        startedAt: number;
        lastTokenAt: number;
        endedAt: number;
      };
      assert.equal(last.tokens, 3000);
      assert.equal(last.chars, long.text.length);
      assert.ok(
        last.startedAt >= t0 - 5 &&
          last.lastTokenAt >= last.startedAt &&
          last.endedAt >= last.lastTokenAt &&
          last.endedAt <= Date.now(),
        JSON.stringify(last),
      );
    } finally {
      assert.equal((await fetch(`${emu.endpoints.cognitoIdp}/_emulator/story`, { method: 'DELETE' })).status, 200);
    }
    const back = await streamStory(runtime(emu, creds), {
      modelId: 'amazon.nova-lite-v1:0',
      messages: user(PROMPT),
      inferenceConfig: { maxTokens: 40 },
    });
    assert.equal(back.usage?.outputTokens, 40, 'the story engine is back');
  });

  it('changes the stream rate at run time', async () => {
    const put = (tokensPerSecond: unknown) =>
      fetch(`${emu.endpoints.cognitoIdp}/_emulator/stream-rate`, {
        method: 'PUT',
        body: JSON.stringify({ tokensPerSecond }),
      });
    assert.equal((await put(-1)).status, 400);
    assert.equal((await put(200)).status, 200);
    try {
      const t0 = Date.now();
      const r = await streamStory(runtime(emu, creds), {
        modelId: 'amazon.nova-lite-v1:0',
        messages: user(PROMPT),
        inferenceConfig: { maxTokens: 60 },
      });
      assert.equal(r.usage?.outputTokens, 60);
      assert.ok(Date.now() - t0 >= 280, `60 tokens at 200/s took ${Date.now() - t0} ms`);
    } finally {
      await put(0);
    }
  });

  it('adds latency', async () => {
    await post(emu, { kind: 'latency', operation: 'Converse', ms: 300, count: 1 });
    const t0 = Date.now();
    await runtime(emu, creds).send(new ConverseCommand({ modelId: 'amazon.nova-lite-v1:0', messages: user(PROMPT) }));
    assert.ok(Date.now() - t0 >= 290);
  });

  it('skews the clock: the SDK sees a signature-time error and corrects its own clock', async () => {
    await post(emu, { kind: 'clockSkew', seconds: 900 });
    const client = runtime(emu, creds);
    const out = await client.send(new ConverseCommand({ modelId: 'amazon.nova-lite-v1:0', messages: user(PROMPT) }));
    assert.ok(out.output);
    assert.equal((await counters(emu)).Converse, 2, 'one skewed attempt, one corrected retry');
  });

  it('expires all issued credentials now', async () => {
    const mine = await credentialsFor(emu);
    await post(emu, { kind: 'expireCredentials' });
    await rejectsWith(
      runtime(emu, mine).send(new ConverseCommand({ modelId: 'amazon.nova-lite-v1:0', messages: user(PROMPT) })),
      'ExpiredTokenException',
    );
  });

  it('revokes all refresh tokens; counters count refreshes by flow', async () => {
    const { tokens } = await newSignedInUser(emu);
    const refresh = () =>
      idpClient(emu).send(
        new InitiateAuthCommand({
          ClientId: emu.clientId,
          AuthFlow: 'REFRESH_TOKEN_AUTH',
          AuthParameters: { REFRESH_TOKEN: tokens.RefreshToken as string },
        }),
      );
    await refresh();
    assert.equal((await counters(emu))['InitiateAuth:REFRESH_TOKEN_AUTH'], 1);
    await post(emu, { kind: 'revokeRefreshTokens' });
    await rejectsWith(refresh(), 'NotAuthorizedException', 'Refresh Token has been revoked');
  });

  it('rejects an unknown fault kind with 400', async () => {
    const res = await post(emu, { kind: 'meteor' });
    assert.equal(res.status, 400);
  });

  it('answers a bad admin body with 400 and one sentence saying what is wrong, arming nothing', async () => {
    const send = (method: string, path: string, body: string) =>
      fetch(`${emu.endpoints.cognitoIdp}/_emulator/${path}`, { method, body });
    const cases: [string, string, string, string][] = [
      ['POST', 'faults', '{', 'The body must be JSON'],
      ['POST', 'faults', '"error"', 'The body must be a JSON object'],
      ['POST', 'faults', '[{"kind":"expireCredentials"}, 5]', 'Each fault is a JSON object'],
      ['POST', 'faults', '{"kind":"error","operation":"Converse"}', 'an error fault needs operation and error'],
      [
        'POST',
        'faults',
        '{"kind":"error","operation":"Converse","error":"X","count":0}',
        'count must be a positive integer',
      ],
      [
        'POST',
        'faults',
        '{"kind":"error","operation":"Converse","error":"X","status":200}',
        'status must be an HTTP error status from 400 to 599',
      ],
      [
        'POST',
        'faults',
        '{"kind":"cut","operation":"ConverseStream","afterTokens":-1}',
        'a cut fault needs operation and afterTokens >= 0',
      ],
      ['POST', 'faults', '{"kind":"cut","operation":"ConverseStream","mode":"explode"}', 'mode is exception or reset'],
      ['POST', 'faults', '{"kind":"latency","ms":"slow"}', 'a latency fault needs ms >= 0'],
      ['POST', 'faults', '{"kind":"latency","ms":5,"operaton":"Converse"}', 'operaton is not a field of this fault'],
      ['POST', 'faults', '{"kind":"clockSkew"}', 'clockSkew needs seconds'],
      ['PUT', 'stream-rate', '[]', 'The body must be a JSON object'],
      ['PUT', 'stream-rate', '{}', 'tokensPerSecond must be a number >= 0'],
      ['POST', 'faults', '{"kind":"latency"}', 'a latency fault needs ms >= 0'],
      ['PUT', 'stream-rate', '{"tokensPerSecond":"fast"}', 'tokensPerSecond must be a number >= 0'],
      ['PUT', 'stream-rate', '{"tokensPerSecond":5,"burst":1}', 'tokensPerSecond must be a number >= 0'],
      ['PUT', 'story', '{}', 'The body is {"text"?: string, "tokens"?: integer >= 1}, with at least one of them'],
      [
        'PUT',
        'story',
        '{"text":"x","extra":true}',
        'The body is {"text"?: string, "tokens"?: integer >= 1}, with at least one of them',
      ],
      ['PUT', 'story', '{"text":1}', 'text must be a string'],
      ['PUT', 'story', '{"tokens":1.5}', 'tokens must be an integer >= 1'],
    ];
    for (const [method, path, body, message] of cases) {
      const res = await send(method, path, body);
      assert.equal(res.status, 400, `${path} ${body}`);
      assert.deepEqual(await res.json(), { error: 'ValidationException', message }, `${path} ${body}`);
    }
    const faults = (await (await fetch(`${emu.endpoints.cognitoIdp}/_emulator/faults`)).json()) as {
      faults: unknown[];
    };
    assert.deepEqual(faults.faults, [], 'nothing was armed');
  });
});
