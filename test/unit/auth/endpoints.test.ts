// Where credentials may go: the endpoint policy, the per-host question, and where the signing
// keys (JWKS) come from, with tokens minted here by a key that an attacker's endpoint would serve.
import * as assert from 'node:assert/strict';
import { createSign, generateKeyPairSync, randomUUID } from 'node:crypto';
import {
  endpointProblem,
  EndpointConsent,
  hostNeedingConsent,
  isAwsHost,
  jwksUrl,
} from '../../../src/core/auth/endpoints';
import type { AuthError } from '../../../src/core/auth/errors';
import { createTokenVerifier } from '../../../src/core/auth/tokens';

describe('endpoint policy', () => {
  const cases: [string, string | undefined][] = [
    ['https://cognito-idp.us-east-1.amazonaws.com', undefined],
    ['https://vpce-0abc.cognito-idp.us-east-1.vpce.amazonaws.com/', undefined],
    ['https://proxy.example.com/cognito', undefined],
    ['http://127.0.0.1:4566', undefined],
    ['http://localhost:4566/', undefined],
    ['http://[::1]:4566', undefined],
    ['http://evil.example.com', 'plain http is allowed only for the local emulator on 127.0.0.1, localhost or [::1]'],
    ['http://127.0.0.2:4566', 'plain http is allowed only for the local emulator on 127.0.0.1, localhost or [::1]'],
    [
      'http://localhost.evil.example.com',
      'plain http is allowed only for the local emulator on 127.0.0.1, localhost or [::1]',
    ],
    ['https://user:pass@cognito-idp.us-east-1.amazonaws.com', 'a URL must not contain a user name or password'],
    ['http://user@127.0.0.1:4566', 'a URL must not contain a user name or password'],
    ['https://cognito-idp.us-east-1.amazonaws.com?x=1', 'a URL must not have a query or fragment'],
    ['ftp://example.com', 'only https URLs are allowed'],
    ['localhost:4566', 'only https URLs are allowed'],
    ['not a url', 'it is not a URL'],
  ];
  for (const [url, problem] of cases) {
    it(`${url} → ${problem ?? 'allowed'}`, () => assert.equal(endpointProblem(url), problem));
  }

  it('asks about hosts outside AWS only; never about AWS, loopback or the default', () => {
    assert.equal(hostNeedingConsent(undefined), undefined);
    assert.equal(hostNeedingConsent('https://cognito-idp.eu-west-1.amazonaws.com'), undefined);
    assert.equal(hostNeedingConsent('https://bedrock-runtime.cn-north-1.amazonaws.com.cn'), undefined);
    assert.equal(hostNeedingConsent('http://127.0.0.1:4566'), undefined);
    assert.equal(hostNeedingConsent('https://Proxy.Example.com:8443/x'), 'proxy.example.com:8443');
    assert.equal(hostNeedingConsent('https://amazonaws.com.evil.example'), 'amazonaws.com.evil.example');
    assert.equal(isAwsHost('evilamazonaws.com'), false);
  });

  describe('EndpointConsent', () => {
    let remembered: string[];
    let asked: string[];
    let answer: boolean;
    const consent = () =>
      new EndpointConsent(
        { get: () => remembered, set: async (hosts) => void (remembered = [...hosts]) },
        async (host) => {
          asked.push(host);
          await new Promise((r) => setTimeout(r, 5));
          return answer;
        },
      );
    beforeEach(() => {
      remembered = [];
      asked = [];
      answer = true;
    });

    it('asks once per host, remembers a yes, and shares one question among concurrent callers', async () => {
      const c = consent();
      await Promise.all([
        c.approve(['https://idp.example.com']),
        c.approve(['https://idp.example.com', 'http://127.0.0.1:1']),
      ]);
      await c.approve(['https://idp.example.com']);
      assert.deepEqual(asked, ['idp.example.com']);
      assert.deepEqual(remembered, ['idp.example.com']);
      await consent().approve(['https://idp.example.com']);
      assert.deepEqual(asked, ['idp.example.com'], 'remembered across instances (windows)');
    });

    it('refuses without a yes, remembers nothing, and asks again next time', async () => {
      answer = false;
      const c = consent();
      await assert.rejects(
        c.approve(['https://idp.example.com']),
        (e: AuthError) => e.code === 'EndpointNotConfirmed' && /Nothing was sent to idp\.example\.com/.test(e.message),
      );
      assert.deepEqual(remembered, []);
      await assert.rejects(c.approve(['https://idp.example.com']));
      assert.equal(asked.length, 2);
    });

    it('asks about a Lambda function URL (any AWS account can make one), and not after a yes given elsewhere (#23 N8)', async () => {
      const gateway = 'https://abc123.lambda-url.us-east-1.on.aws/';
      assert.equal(hostNeedingConsent(gateway), 'abc123.lambda-url.us-east-1.on.aws');
      await consent().grant([gateway, undefined, 'http://127.0.0.1:9', gateway]);
      assert.deepEqual(remembered, ['abc123.lambda-url.us-east-1.on.aws'], 'once, and never loopback');
      await consent().approve([gateway]);
      assert.deepEqual(asked, []);
    });

    it('never asks for AWS or loopback endpoints', async () => {
      await consent().approve([undefined, 'https://cognito-idp.us-east-1.amazonaws.com', 'http://localhost:4566']);
      assert.deepEqual(asked, []);
    });
  });
});

describe('signing keys (JWKS) come only from AWS or the loopback emulator', () => {
  const POOL = 'us-east-1_Pool1';
  const CLIENT = 'client1';
  const AWS_JWKS = `https://cognito-idp.us-east-1.amazonaws.com/${POOL}/.well-known/jwks.json`;
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwks = { keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'attacker', alg: 'RS256', use: 'sig' }] };
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const sign = (payload: Record<string, unknown>) => {
    const head = `${b64({ alg: 'RS256', kid: 'attacker', typ: 'JWT' })}.${b64(payload)}`;
    return `${head}.${createSign('RSA-SHA256').update(head).sign(privateKey).toString('base64url')}`;
  };
  /** Tokens for the pool, signed by the attacker's key; `iat` seconds ago (server time). */
  const tokens = (sub: string, ageSeconds = 0) => {
    const iat = Math.floor(Date.now() / 1000) - ageSeconds;
    const common = {
      sub,
      iss: `https://cognito-idp.us-east-1.amazonaws.com/${POOL}`,
      iat,
      exp: iat + 300,
      auth_time: iat,
      jti: randomUUID(),
    };
    return {
      idToken: sign({ ...common, aud: CLIENT, token_use: 'id', 'cognito:username': sub, email: 'ann@example.com' }),
      accessToken: sign({
        ...common,
        client_id: CLIENT,
        token_use: 'access',
        username: sub,
        scope: 'aws.cognito.signin.user.admin',
      }),
      refreshToken: 'refresh',
    };
  };

  let fetched: string[];
  const realFetch = globalThis.fetch;
  beforeEach(() => {
    fetched = [];
    // Every host but AWS's serves the attacker's keys; AWS does not know them.
    globalThis.fetch = (async (input: string | URL) => {
      const url = String(input);
      fetched.push(url);
      if (url.startsWith('https://cognito-idp.')) return new Response('{"message":"not found"}', { status: 404 });
      return new Response(JSON.stringify(jwks), { status: 200, headers: { 'content-type': 'application/json' } });
    }) as typeof fetch;
  });
  afterEach(() => {
    globalThis.fetch = realFetch;
  });

  it('builds the AWS issuer URL, or the loopback emulator URL, and nothing else', () => {
    assert.equal(jwksUrl(POOL), AWS_JWKS);
    assert.equal(jwksUrl(POOL, 'https://evil.example.com'), AWS_JWKS);
    assert.equal(jwksUrl(POOL, 'https://vpce-1.cognito-idp.us-east-1.vpce.amazonaws.com'), AWS_JWKS);
    assert.equal(jwksUrl(POOL, 'http://127.0.0.1:4566'), `http://127.0.0.1:4566/${POOL}/.well-known/jwks.json`);
  });

  it('an https endpoint outside AWS cannot supply the keys that make its own tokens valid', async () => {
    const verify = createTokenVerifier({ userPoolId: POOL, clientId: CLIENT, endpoint: 'https://evil.example.com' });
    await assert.rejects(verify(tokens(randomUUID())));
    assert.ok(fetched.length > 0);
    assert.deepEqual([...new Set(fetched)], [AWS_JWKS], 'the keys were asked of AWS only');
  });

  it('the loopback emulator supplies its keys (so the same tokens verify there)', async () => {
    const sub = randomUUID();
    const verify = createTokenVerifier({ userPoolId: POOL, clientId: CLIENT, endpoint: 'http://127.0.0.1:4566' });
    const session = await verify(tokens(sub));
    assert.equal(session.sub, sub);
    assert.deepEqual([...new Set(fetched)], [`http://127.0.0.1:4566/${POOL}/.well-known/jwks.json`]);
  });

  it('refuses a sub that is not a UUID: it would become a path', async () => {
    const verify = createTokenVerifier({ userPoolId: POOL, clientId: CLIENT, endpoint: 'http://127.0.0.1:4566' });
    await assert.rejects(verify(tokens('../../tmp/x')), (e: AuthError) => e.code === 'BadSubject');
  });

  it('says the clock is ahead when brand-new tokens look expired', async () => {
    const verify = createTokenVerifier({ userPoolId: POOL, clientId: CLIENT, endpoint: 'http://127.0.0.1:4566' });
    // Issued "now" by the server, while the local clock is 10 minutes ahead of it.
    await assert.rejects(
      verify(tokens(randomUUID(), 600)),
      (e: AuthError) => e.code === 'ClockSkew' && /clock is about 10 minutes ahead/.test(e.message),
    );
  });
});
