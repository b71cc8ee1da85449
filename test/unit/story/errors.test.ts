import * as assert from 'node:assert/strict';
import { AuthError } from '../../../src/core/auth/errors';
import { CredentialsError, StoryError, isCredentialError, toStoryError } from '../../../src/core/story/errors';

/** An error shaped like the SDK's service exceptions. */
function aws(name: string, message = 'AWS says no', status = 400): Error {
  return Object.assign(new Error(message), {
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
  });
}
function net(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:9`), { code });
}

describe('story error messages', () => {
  const model = { modelId: 'amazon.titan-text-lite-v1' };

  it('AccessDenied: no access to this model, how to grant it, or pick another', () => {
    const e = toStoryError(aws('AccessDeniedException', 'not authorized', 403), model);
    assert.equal(e.code, 'accessDenied');
    assert.match(e.message, /no access to model amazon\.titan-text-lite-v1/);
    assert.match(e.message, /Model access/);
    assert.match(e.message, /AllowedModelIds/);
    assert.deepEqual(e.actions, ['pickModel']);
    assert.equal(e.partialKept, false);
  });

  for (const [name, status, code] of [
    ['ThrottlingException', 429, 'throttled'],
    ['ModelNotReadyException', 429, 'modelNotReady'],
    ['ServiceUnavailableException', 503, 'unavailable'],
    ['InternalServerException', 500, 'unavailable'],
  ] as const) {
    it(`${name} → ${code} with retry`, () => {
      const e = toStoryError(aws(name, 'x', status), model);
      assert.equal(e.code, code);
      assert.deepEqual(e.actions, ['retry']);
    });
  }

  it("ValidationException shows the model's own message", () => {
    const e = toStoryError(
      aws('ValidationException', 'The maximum tokens you requested exceeds the model limit'),
      model,
    );
    assert.equal(e.message, 'Bedrock rejected the request: The maximum tokens you requested exceeds the model limit.');
    const onDemand = toStoryError(
      aws('ValidationException', "Invocation of model ID x with on-demand throughput isn't supported."),
      model,
    );
    assert.deepEqual(onDemand.actions, ['pickModel']);
  });

  it('an error after some text keeps the text and offers continue, for stream errors and cut connections', () => {
    for (const error of [
      aws('ModelStreamErrorException', 'boom'),
      aws('InternalServerException', 'oops', 500),
      net('ECONNRESET'),
      aws('ThrottlingException', 'slow', 429),
    ]) {
      const e = toStoryError(error, { ...model, receivedChars: 120 });
      assert.equal(e.partialKept, true, error.name);
      assert.equal(e.actions[0], 'continue', error.name);
      assert.ok(!e.actions.includes('retry'), 'retry would throw the text away');
      assert.match(e.message, /text so far is kept/);
    }
    assert.equal(
      toStoryError(net('ECONNRESET'), { receivedChars: 5 }).message,
      'The story was interrupted: the connection to Bedrock was cut. The text so far is kept: choose Continue to carry on from there.',
    );
  });

  it('network down: "can\'t reach Bedrock" with retry, never sign-in', () => {
    for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT']) {
      const e = toStoryError(net(code), { endpoint: 'http://127.0.0.1:9' });
      assert.equal(e.code, 'network');
      assert.match(e.message, /^Can't reach Amazon Bedrock at http:\/\/127\.0\.0\.1:9\./);
      assert.match(e.message, /You stay signed in/);
      assert.deepEqual(e.actions, ['retry']);
    }
    const wrapped = Object.assign(new Error('fetch failed'), { cause: net('ECONNREFUSED') });
    assert.equal(toStoryError(wrapped).code, 'network');
    assert.equal(toStoryError(new CredentialsError(net('ECONNREFUSED'))).code, 'network');
  });

  it('refused credentials: retryable once, then "sign in again"', () => {
    for (const name of ['ExpiredTokenException', 'UnrecognizedClientException', 'InvalidSignatureException']) {
      assert.ok(isCredentialError(aws(name)), name);
      assert.deepEqual(toStoryError(aws(name, 'x', 403)).actions, ['retry']);
      const after = toStoryError(aws(name, 'x', 403), { afterCredentialRefresh: true });
      assert.equal(after.code, 'sessionExpired');
      assert.deepEqual(after.actions, ['signIn']);
      assert.match(after.message, /Sign in again/);
    }
    const fromPool = new CredentialsError(aws('NotAuthorizedException', 'Invalid login token. Token expired'));
    assert.ok(isCredentialError(fromPool));
    assert.deepEqual(toStoryError(fromPool, { afterCredentialRefresh: true }).actions, ['signIn']);
    assert.ok(!isCredentialError(aws('AccessDeniedException')));
    assert.ok(!isCredentialError(new CredentialsError(aws('ResourceNotFoundException'))));
    const missingPool = toStoryError(new CredentialsError(aws('ResourceNotFoundException')));
    // A setting names a pool that is not there: fix the settings (not configured at all would be 'configure').
    assert.deepEqual([missingPool.code, missingPool.actions], ['badSettings', ['openSettings']]);
  });

  it('not signed in → signIn; Cognito offline → retry, not sign-in', () => {
    const notSignedIn = toStoryError(
      new AuthError('You are not signed in. Sign in to write stories.', 'NotSignedIn', 'user', 'signIn'),
    );
    assert.equal(notSignedIn.code, 'notSignedIn');
    assert.deepEqual(notSignedIn.actions, ['signIn']);
    const offline = toStoryError(
      new CredentialsError(new AuthError('Cannot reach Amazon Cognito.', 'NetworkError', 'transient', 'retry')),
    );
    assert.deepEqual(offline.actions, ['retry']);
    assert.equal(offline.code, 'network');
  });

  it('passes a StoryError through and serialises to the protocol shape', () => {
    const e = new StoryError('m', 'c', ['retry'], false);
    assert.equal(toStoryError(e), e);
    assert.deepEqual(JSON.parse(JSON.stringify(e)), {
      code: 'c',
      message: 'm',
      actions: ['retry'],
      partialKept: false,
    });
  });
});

describe("the story gateway's refusal details, read by its contract (GatewayErrorDetails)", () => {
  const gateway = {
    gateway: { attempts: 1, waitedMs: 0 },
    now: Date.parse('2026-12-01T23:59:30Z'),
    modelId: 'amazon.nova-lite-v1:0',
  };
  /** A refusal as the SDK raises it: the JSON body's fields copied onto the error. */
  const refusal = (body: Record<string, unknown>) =>
    Object.assign(new Error('Budget spent.'), body, {
      name: 'BudgetExceededException',
      $fault: 'client',
      $metadata: { httpStatusCode: 429 },
    });

  it('keeps the fields the contract allows and leaves out a malformed one', () => {
    const e = toStoryError(
      refusal({ limit: 'stack', tokensLeft: -3, tokensRequested: 900, resetsAt: '2026-12-02T00:00:00.000Z' }),
      gateway,
    );
    assert.equal(e.code, 'budgetExceeded');
    assert.equal(
      e.message,
      "The stack's daily token budget, shared by all its users, has 0 tokens left and this story may need 900; it resets in 1 min (00:00 UTC). Choose a shorter length or wait until then.",
    );
    assert.equal(e.retryAt, Date.parse('2026-12-02T00:00:00.000Z'));
  });

  it('takes no reset time that is not an ISO timestamp, nor a limit it does not know', () => {
    const e = toStoryError(
      refusal({ limit: 'team', tokensLeft: 0, tokensRequested: 2.5, resetsAt: '2026-12-02' }),
      gateway,
    );
    assert.equal(e.retryAt, undefined);
    assert.match(e.message, /^Your daily token budget has 0 tokens left; it resets /);
  });
});
