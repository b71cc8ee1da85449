import * as assert from 'node:assert/strict';
import { isNetworkError } from '../../src/core/networkError';
import { toAuthError } from '../../src/core/auth/errors';

describe('isNetworkError: one rule for Cognito and Bedrock', () => {
  it('knows socket, DNS, timeout and HTTP/2 failures, also wrapped up to four causes down', () => {
    for (const code of ['ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'ERR_HTTP2_GOAWAY_SESSION', 'ECONNABORTED'])
      assert.equal(isNetworkError(Object.assign(new Error('x'), { code })), true, code);
    const wrapped = new Error('outer', {
      cause: new Error('middle', { cause: Object.assign(new Error('inner'), { code: 'EPIPE' }) }),
    });
    assert.equal(isNetworkError(wrapped), true);
    assert.equal(isNetworkError(Object.assign(new Error('t'), { name: 'TimeoutError' })), true);
  });

  it('is not fooled by other failures, or by what is not an error', () => {
    for (const value of [
      new Error('NotAuthorizedException'),
      Object.assign(new Error('x'), { code: 'EACCES' }),
      null,
      undefined,
      'ECONNRESET',
      42,
    ])
      assert.equal(isNetworkError(value), false, String(value));
  });

  it('keeps a sign-in whose Cognito call failed on the way: transient, never an end of session', () => {
    const e = toAuthError(Object.assign(new Error('http2'), { code: 'ERR_HTTP2_STREAM_ERROR' }));
    assert.equal(e.severity, 'transient');
  });
});
