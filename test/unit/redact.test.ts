import * as assert from 'node:assert/strict';
import { redact } from '../../src/core/redact';

describe('redact', () => {
  it('masks JWTs and JWE refresh tokens wherever they appear', () => {
    // Built at run time: a token-shaped literal in the source would look like a leaked secret.
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const jwt = `${b64({ kid: 'k1', alg: 'RS256' })}.${b64({ sub: 'u1' })}.${b64('signature')}`;
    const jwe = `${b64({ cty: 'JWT', enc: 'A256GCM' })}.a2V5.aXY.Y2lwaGVy.dGFn`;
    const out = redact(`id=${jwt} refresh ${jwe}.`);
    assert.equal(out, 'id=[redacted token] refresh [redacted token].');
  });

  it('masks AWS access key ids, long-term and temporary', () => {
    assert.equal(redact('key ASIAABCDEFGHIJKLMNOP and AKIAABCDEFGHIJKLMNOP'), 'key [redacted key id] and [redacted key id]');
  });

  it('masks secret fields in AWS JSON payloads', () => {
    const body = JSON.stringify({ Username: 'ann@example.com', Password: 'Hunter2-Hunter2', SecretKey: 'abc/def', SessionToken: 'zzz' });
    const out = redact(body);
    assert.ok(out.includes('"Username":"ann@example.com"'));
    assert.ok(!out.includes('Hunter2'));
    assert.ok(!out.includes('abc/def'));
    assert.ok(!out.includes('zzz'));
  });

  it('masks known secrets by value, but not short strings that would hide ordinary words', () => {
    assert.equal(redact('secret is s3cr3t-v4lue!', ['s3cr3t-v4lue']), 'secret is [redacted]!');
    assert.equal(redact('the cat sat', ['cat']), 'the cat sat');
  });

  it('leaves ordinary messages alone', () => {
    const line = 'Signed in as ann@example.com to us-east-1_AbCdEf123 in 120 ms.';
    assert.equal(redact(line), line);
  });
});
