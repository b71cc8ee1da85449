// Budget mode (#16), the pure parts: where requests go, the Retry-After and backoff rules,
// GET /usage as the gateway's contract states it (signed), and the gateway's refusals as story errors.
import * as assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { Readable } from 'node:stream';
import type { NodeHttpHandler } from '@smithy/node-http-handler';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Checksum, HttpRequest, SourceData } from '@smithy/types';
import { ERROR_TYPE_HEADER, GATEWAY_PATHS, ID_TOKEN_HEADER } from '../../../../infra/src/gateway/contract';
import { toStoryError } from '../../../../src/core/story/errors';
import { fetchGatewayUsage, retryAfterMs, sleep, throttleDelay } from '../../../../src/core/story/generation/gateway';
import { gatewayUrl, isFunctionUrl } from '../../../../src/core/story/generation/gatewayUrl';
import type { ThrottleRetryPolicy } from '../../../../src/core/story/generation/gateway';

/** A gateway refusal as the SDK raises it: the JSON body's fields on the error, the response hidden. */
function refusal(name: string, body: Record<string, unknown>, headers: Record<string, string> = {}, status = 429) {
  const error = Object.assign(new Error(String(body['message'] ?? name)), body, {
    name,
    $fault: 'client',
    $metadata: { httpStatusCode: status },
  });
  Object.defineProperty(error, '$response', { value: { statusCode: status, headers }, enumerable: false });
  return error;
}

/** An independent SHA-256 for the signature oracle, straight from node:crypto. */
class NodeCryptoSha256 implements Checksum {
  private readonly chunks: Buffer[] = [];
  constructor(private readonly secret?: SourceData) {}
  update(data: Uint8Array | string): void {
    this.chunks.push(Buffer.from(data));
  }
  digest(): Promise<Uint8Array> {
    const key = this.secret;
    const h =
      key === undefined
        ? createHash('sha256')
        : createHmac('sha256', typeof key === 'string' ? key : Buffer.from(key as Uint8Array));
    return Promise.resolve(new Uint8Array(h.update(Buffer.concat(this.chunks)).digest()));
  }
  reset(): void {
    this.chunks.length = 0;
  }
}

const NOW = Date.parse('2026-12-01T20:40:00Z');
const RESET = '2026-12-02T00:00:00.000Z';
const GATEWAY = { gateway: { attempts: 1, waitedMs: 0 }, now: NOW, modelId: 'amazon.nova-lite-v1:0' };

describe('story gateway client', () => {
  it('joins the setting (stored without its trailing slash) and the route with one slash', () => {
    assert.equal(
      gatewayUrl('https://abc.lambda-url.us-east-1.on.aws', 'converse-stream').href,
      'https://abc.lambda-url.us-east-1.on.aws/converse-stream',
    );
    assert.equal(gatewayUrl('http://127.0.0.1:4566/fn/xyz', 'usage').href, 'http://127.0.0.1:4566/fn/xyz/usage');
    assert.equal(gatewayUrl('http://127.0.0.1:4566/fn/xyz/', 'usage').href, 'http://127.0.0.1:4566/fn/xyz/usage');
  });

  it("knows the stack's own function URL (no approval needed) from any other host", () => {
    assert.equal(isFunctionUrl('https://abcdef123.lambda-url.us-east-1.on.aws/'), true);
    assert.equal(isFunctionUrl('https://abcdef123.lambda-url.us-gov-west-1.on.aws'), true);
    assert.equal(isFunctionUrl('http://abcdef123.lambda-url.us-east-1.on.aws/'), false, 'https only');
    assert.equal(isFunctionUrl('https://abcdef123.lambda-url.us-east-1.on.aws.example.com/'), false);
    assert.equal(isFunctionUrl('https://evil.example.com/abcdef123.lambda-url.us-east-1.on.aws'), false);
    assert.equal(isFunctionUrl('https://gateway.example.com/'), false);
    assert.equal(isFunctionUrl('not a url'), false);
  });

  describe('GET /usage, as the contract states it', () => {
    const usage = {
      day: '2026-12-01',
      dailyTokens: 50_000,
      tokensUsed: 1200,
      tokensReserved: 0,
      tokensLeft: 48_800,
      requestsLeftThisMinute: 9,
      resetsAt: RESET,
      allowedModelIds: ['amazon.nova-lite-v1:0'],
      maxTokensPerStory: 10_000,
    };
    const credentials = async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' });

    /** A request handler that answers every request with `status` and `body`, and keeps what it was sent. */
    function answering(status: number, body: string, headers: Record<string, string> = {}) {
      const sent: HttpRequest[] = [];
      const handler = {
        handle: (request: HttpRequest) => {
          sent.push(request);
          return Promise.resolve({
            response: { statusCode: status, headers, body: Readable.from([Buffer.from(body)]) },
          });
        },
      };
      return { sent, requestHandler: handler as unknown as NodeHttpHandler };
    }

    it('keeps every field the gateway sends, maxTokensPerStory included, and signs with SHA-256', async () => {
      const { sent, requestHandler } = answering(200, JSON.stringify(usage));
      const options = {
        url: 'https://abc.lambda-url.us-east-1.on.aws',
        region: 'us-east-1',
        credentials,
        idToken: () => Promise.resolve('id-token'),
        requestHandler,
      };
      assert.deepEqual(await fetchGatewayUsage(options), usage);
      const request = sent[0];
      assert.ok(request);
      assert.equal(request.path, `/${GATEWAY_PATHS.usage}`);
      assert.equal(request.headers[ID_TOKEN_HEADER], 'id-token');
      // The signature, recomputed with node:crypto directly at the same time: the signer's hash is right.
      const amzDate = request.headers['x-amz-date'] ?? '';
      const at = new Date(amzDate.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'));
      const oracle = new SignatureV4({ service: 'lambda', region: 'us-east-1', credentials, sha256: NodeCryptoSha256 });
      const expected = await oracle.sign(
        {
          method: 'GET',
          protocol: 'https:',
          hostname: 'abc.lambda-url.us-east-1.on.aws',
          path: '/usage',
          query: {},
          headers: { host: 'abc.lambda-url.us-east-1.on.aws', [ID_TOKEN_HEADER]: 'id-token' },
        },
        { signingDate: at },
      );
      assert.equal(request.headers['authorization'], expected.headers['authorization']);
    });

    it("refuses a body that is not the contract, and keeps a refusal's name and details", async () => {
      const base = {
        url: 'http://127.0.0.1:4566/fn/x',
        region: 'us-east-1',
        credentials,
        idToken: () => Promise.resolve('t'),
      };
      await assert.rejects(
        fetchGatewayUsage({ ...base, ...answering(200, JSON.stringify({ ...usage, tokensLeft: -1 })) }),
        (e: Error) => e.message === 'GET /usage answered oddly.',
      );
      const refusal = { message: 'Send your ID token.', retryAfterSeconds: 3 };
      await assert.rejects(
        fetchGatewayUsage({
          ...base,
          ...answering(403, JSON.stringify(refusal), { [ERROR_TYPE_HEADER]: 'AccessDeniedException' }),
        }),
        (e: Error & { retryAfterSeconds?: number }) =>
          e.name === 'AccessDeniedException' && e.message === refusal.message && e.retryAfterSeconds === 3,
      );
    });
  });

  describe('Retry-After', () => {
    it('reads seconds, an HTTP date, or the body’s retryAfterSeconds', () => {
      assert.equal(retryAfterMs(refusal('ThrottlingException', {}, { 'Retry-After': '7' })), 7000);
      assert.equal(
        retryAfterMs(refusal('ThrottlingException', {}, { 'retry-after': new Date(NOW + 3000).toUTCString() }), NOW),
        3000,
      );
      assert.equal(retryAfterMs(refusal('ThrottlingException', { retryAfterSeconds: 2 })), 2000);
      assert.equal(retryAfterMs(refusal('ThrottlingException', {})), undefined);
      assert.equal(retryAfterMs(null), undefined);
    });
  });

  describe('throttling retries', () => {
    const policy: ThrottleRetryPolicy = { maxAttempts: 4, maxWaitMs: 10_000, baseDelayMs: 500 };
    const throttled = (after?: string) =>
      refusal('ThrottlingException', { message: 'slow down' }, after ? { 'retry-after': after } : {});

    it('waits at least what Retry-After asks', () => {
      assert.equal(
        throttleDelay(throttled('2'), 1, 0, policy, () => 0),
        2000,
      );
    });

    it('backs off exponentially with jitter when the gateway does not say', () => {
      assert.equal(
        throttleDelay(throttled(), 1, 0, policy, () => 1),
        500,
      );
      assert.equal(
        throttleDelay(throttled(), 2, 0, policy, () => 1),
        1000,
      );
      assert.equal(
        throttleDelay(throttled(), 3, 0, policy, () => 0),
        1000,
      );
    });

    it('gives up after maxAttempts, or when the wait would pass maxWaitMs (a whole minute is not waited for)', () => {
      assert.equal(throttleDelay(throttled('1'), 4, 0, policy), undefined);
      assert.equal(throttleDelay(throttled('45'), 1, 0, policy), undefined);
      assert.equal(throttleDelay(throttled('3'), 2, 8000, policy), undefined);
      assert.equal(throttleDelay(throttled('2'), 2, 8000, policy), 2000);
    });

    it('never retries a budget refusal or any other error', () => {
      const budget = refusal('BudgetExceededException', { tokensLeft: 0, resetsAt: RESET });
      assert.equal(throttleDelay(budget, 1, 0, policy), undefined);
      assert.equal(throttleDelay(new Error('boom'), 1, 0, policy), undefined);
    });

    it('sleeps, and an abort ends the wait at once', async () => {
      assert.equal(await sleep(1), true);
      const c = new AbortController();
      const started = Date.now();
      const waiting = sleep(10_000, c.signal);
      c.abort();
      assert.equal(await waiting, false);
      assert.ok(Date.now() - started < 1000);
      assert.equal(await sleep(10_000, c.signal), false, 'already aborted');
    });
  });

  describe('refusals as story errors (one sentence: which limit, what is left, when it resets)', () => {
    it("the user's budget: tokens left, the story's need, the reset, and no Retry", () => {
      const e = toStoryError(
        refusal('BudgetExceededException', {
          message: 'Your daily token budget has 1200 tokens left, and this story may need 2350.',
          limit: 'user',
          tokensLeft: 1200,
          tokensRequested: 2350,
          resetsAt: RESET,
        }),
        GATEWAY,
      );
      assert.equal(e.code, 'budgetExceeded');
      assert.deepEqual(e.actions, []);
      assert.equal(
        e.message,
        'Your daily token budget has 1,200 tokens left and this story may need 2,350; it resets in 3 h 20 min (00:00 UTC). Choose a shorter length or wait until then.',
      );
      assert.equal(e.retryAt, Date.parse(RESET), 'the same request is not offered again before the reset');
      assert.equal(e.info().retryAt, Date.parse(RESET), 'the panel is told');
      assert.equal('retryAt' in e.toJSON(), false, 'the story file does not keep it');
    });

    it('a refusal without a reset time, or another error, sets no time to wait for', () => {
      const e = toStoryError(refusal('BudgetExceededException', { tokensLeft: 0, resetsAt: 'soon' }), GATEWAY);
      assert.equal(e.code, 'budgetExceeded');
      assert.equal(e.retryAt, undefined);
      assert.equal('retryAt' in e.info(), false);
      assert.equal(toStoryError(refusal('ThrottlingException', {}), GATEWAY).retryAt, undefined);
    });

    it("the stack's shared budget is named as such", () => {
      const e = toStoryError(
        refusal('BudgetExceededException', { limit: 'stack', tokensLeft: 0, tokensRequested: 900, resetsAt: RESET }),
        { ...GATEWAY, now: Date.parse('2026-12-01T23:59:30Z') },
      );
      assert.equal(
        e.message,
        "The stack's daily token budget, shared by all its users, has 0 tokens left and this story may need 900; it resets in 1 min (00:00 UTC). Choose a shorter length or wait until then.",
      );
      assert.deepEqual(e.actions, []);
    });

    it('throttling says which limit and when to try again, and that it retried', () => {
      const minute = toStoryError(
        refusal(
          'ThrottlingException',
          { message: 'You have started 10 stories this minute, the most allowed. Try again in 42 s.' },
          { 'retry-after': '42' },
        ),
        GATEWAY,
      );
      assert.equal(minute.code, 'rateLimited');
      assert.deepEqual(minute.actions, ['retry']);
      assert.equal(
        minute.message,
        'You have started as many stories this minute as the story gateway allows. Try again in 42 s.',
      );
      const second = toStoryError(
        refusal(
          'ThrottlingException',
          { message: 'You have started 3 stories this second, the most allowed. Try again in a second.' },
          { 'retry-after': '1' },
        ),
        { ...GATEWAY, gateway: { attempts: 4, waitedMs: 3000 } },
      );
      assert.equal(
        second.message,
        'You are starting stories faster than the story gateway allows; Storyteller retried for 3 s and it still refused. Try again in 1 s.',
      );
      const busy = toStoryError(
        refusal('ThrottlingException', { message: 'The budget store is busy.', retryAfterSeconds: 1 }),
        GATEWAY,
      );
      assert.equal(busy.message, 'The story gateway is busy. Try again in 1 s.');
    });

    it('access refusals: a model the stack does not allow, a bad ID token, or the role (the URL setting)', () => {
      const model = toStoryError(
        refusal(
          'AccessDeniedException',
          { message: 'The model amazon.nova-pro-v1:0 is not one this stack allows (AllowedModelIds).' },
          {},
          403,
        ),
        { ...GATEWAY, modelId: 'amazon.nova-pro-v1:0' },
      );
      assert.equal(model.code, 'modelNotAllowed');
      assert.deepEqual(model.actions, ['pickModel']);
      const token = toStoryError(
        refusal(
          'AccessDeniedException',
          { message: 'The ID token is not valid for this user pool, or it has expired. Sign in again.' },
          {},
          403,
        ),
        GATEWAY,
      );
      assert.equal(token.code, 'sessionExpired');
      assert.deepEqual(token.actions, ['signIn']);
      // A session signed out elsewhere (the gateway's identity-pool recheck, SESSION_RECHECK_MS).
      const revoked = toStoryError(
        refusal(
          'AccessDeniedException',
          { message: 'The ID token was signed out or revoked, or its user was disabled.' },
          {},
          403,
        ),
        GATEWAY,
      );
      assert.equal(revoked.code, 'sessionExpired');
      assert.deepEqual(revoked.actions, ['signIn']);
      assert.match(revoked.message, /signed out or revoked.*Sign in again\.$/);
      const role = toStoryError(refusal('AccessDeniedException', { Message: 'Forbidden' }, {}, 403), GATEWAY);
      assert.equal(role.code, 'accessDenied');
      assert.deepEqual(role.actions, ['openSettings']);
      assert.match(role.message, /storyteller\.storyGatewayUrl/);
    });

    it('a maxTokens the gateway does not allow asks for a shorter length', () => {
      const e = toStoryError(
        refusal('ValidationException', { message: 'maxTokens is 5000; the gateway allows at most 4096.' }, {}, 400),
        GATEWAY,
      );
      assert.equal(
        e.message,
        'The story gateway rejected the request: maxTokens is 5000; the gateway allows at most 4096. Choose a shorter length.',
      );
      assert.deepEqual(e.actions, []);
    });

    it('an unreachable gateway is named, and a cut stream keeps the text to continue', () => {
      const down = toStoryError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), {
        ...GATEWAY,
        endpoint: 'https://abc.lambda-url.us-east-1.on.aws',
      });
      assert.equal(down.code, 'network');
      assert.match(down.message, /^Can't reach the story gateway at https:\/\/abc\.lambda-url/);
      const cut = toStoryError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), {
        ...GATEWAY,
        receivedChars: 40,
      });
      assert.equal(cut.code, 'interrupted');
      assert.deepEqual(cut.actions, ['continue']);
      assert.match(cut.message, /the connection to the story gateway was cut/);
    });

    it('direct mode is unchanged: a Bedrock ThrottlingException stays "Bedrock is busy"', () => {
      const e = toStoryError(refusal('ThrottlingException', { message: 'Too many requests' }), {
        modelId: 'amazon.nova-lite-v1:0',
      });
      assert.equal(e.code, 'throttled');
      assert.match(e.message, /^Bedrock is busy/);
    });
  });
});
