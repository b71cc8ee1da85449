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
    assert.equal(
      redact('key ASIAABCDEFGHIJKLMNOP and AKIAABCDEFGHIJKLMNOP'),
      'key [redacted key id] and [redacted key id]',
    );
  });

  it('masks secret fields in AWS JSON payloads', () => {
    const body = JSON.stringify({
      Username: 'ann@example.com',
      Password: 'Hunter2-Hunter2',
      SecretKey: 'abc/def',
      SessionToken: 'zzz',
    });
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

  // Values built at run time: a secret-shaped literal in the source would look like a leak.
  const secretKey = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCY' + 'EXAMPLEKEY';
  const sessionToken =
    'IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD' + 'a1B2c3D4e5F6g7H8i9J0'.repeat(12) + '==';
  const clientSecret = '1k2j3h4g5f6d7s8a9q0w1e2r3t4y5u6i7o8p9l0k1j2h3g4f5d';
  const totp = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSW';
  const refresh = 'opaque-refresh-' + 'Zx9'.repeat(20);

  const cases: [string, string, string][] = [
    ['a bare AWS secret access key', `secret ${secretKey} end`, 'secret [redacted secret] end'],
    ['a bare session token', `token ${sessionToken} end`, 'token [redacted token] end'],
    [
      'an x-amz-security-token header',
      `x-amz-security-token: ${refresh}\nhost: a`,
      'x-amz-security-token: [redacted]\nhost: a',
    ],
    [
      'an X-Amz-Security-Token query field',
      `?X-Amz-Date=1&X-Amz-Security-Token=${refresh}&b=2`,
      '?X-Amz-Date=1&X-Amz-Security-Token=[redacted]&b=2',
    ],
    [
      'an Authorization header',
      'authorization: AWS4-HMAC-SHA256 Credential=x/20260101/us-east-1/bedrock/aws4_request, Signature=abc\nnext',
      'authorization: [redacted]\nnext',
    ],
    ['a bare TOTP secret', `key ${totp} end`, 'key [redacted secret] end'],
    [
      'an otpauth:// URI',
      `open otpauth://totp/Storyteller:ann?secret=${totp}&issuer=Storyteller now`,
      'open [redacted otpauth URI] now',
    ],
    ['a bare client secret', `secret=${clientSecret}`, 'secret=[redacted secret]'],
    [
      'util.inspect form',
      `{ Username: 'ann', Password: 'Hunter2-Hunter2' }`,
      `{ Username: 'ann', Password: '[redacted]' }`,
    ],
    ['util.inspect with an escaped quote', `{ Password: 'it\\'s-a-secret' }`, `{ Password: '[redacted]' }`],
    ['form-encoded Password=', 'Username=ann&Password=Hunter2-Hunter2&x=1', 'Username=ann&Password=[redacted]&x=1'],
    [
      'a non-JWT REFRESH_TOKEN',
      `{"AuthParameters":{"REFRESH_TOKEN":"${refresh}","SECRET_HASH":"abc"}}`,
      '{"AuthParameters":{"REFRESH_TOKEN":"[redacted]","SECRET_HASH":"[redacted]"}}',
    ],
    [
      'REFRESH_TOKEN in inspect form',
      `AuthParameters: { REFRESH_TOKEN: '${refresh}' }`,
      `AuthParameters: { REFRESH_TOKEN: '[redacted]' }`,
    ],
    [
      'text after an escaped quote',
      '{"Password":"abc\\"def-secret","Username":"ann"}',
      '{"Password":"[redacted]","Username":"ann"}',
    ],
    [
      'escaped JSON inside a string',
      '"{\\"Password\\":\\"Hunter2\\\\\\"x\\",\\"a\\":1}"',
      '"{\\"Password\\":\\"[redacted]\\",\\"a\\":1}"',
    ],
    [
      'a client secret by key',
      `{ ClientSecret: '${'x'.repeat(10)}' } client_secret=abc`,
      `{ ClientSecret: '[redacted]' } client_secret=[redacted]`,
    ],
    [
      'aws credentials file keys',
      `aws_secret_access_key=${secretKey}\naws_session_token=${refresh}`,
      'aws_secret_access_key=[redacted]\naws_session_token=[redacted]',
    ],
    [
      'SRP challenge responses and parameters',
      `ChallengeResponses: { PASSWORD_CLAIM_SIGNATURE: 'c2ln', PASSWORD_CLAIM_SECRET_BLOCK: 'YmxvY2s=', USERNAME: 'ann' } ChallengeParameters: { SECRET_BLOCK: 'YmxvY2s=' }`,
      `ChallengeResponses: { PASSWORD_CLAIM_SIGNATURE: '[redacted]', PASSWORD_CLAIM_SECRET_BLOCK: '[redacted]', USERNAME: 'ann' } ChallengeParameters: { SECRET_BLOCK: '[redacted]' }`,
    ],
    [
      'NEW_PASSWORD challenge responses',
      `ChallengeResponses: { NEW_PASSWORD: 'Brand-New-1', USERNAME: 'ann' }`,
      `ChallengeResponses: { NEW_PASSWORD: '[redacted]', USERNAME: 'ann' }`,
    ],
    [
      'an OAuth callback’s code and state (#23)',
      'GET http://127.0.0.1:53682/callback?code=3c5f1a2e-77b1-4e0b&state=Qx7_kP9s-2 from vscode://x/auth-callback#code=abc&state=def',
      'GET http://127.0.0.1:53682/callback?code=[redacted]&state=[redacted] from vscode://x/auth-callback#code=[redacted]&state=[redacted]',
    ],
    [
      'a token request’s code and PKCE verifier (#23)',
      'grant_type=authorization_code&code=3c5f1a2e&code_verifier=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk&redirect_uri=x',
      'grant_type=authorization_code&code=[redacted]&code_verifier=[redacted]&redirect_uri=x',
    ],
    [
      'a nonce and a verifier in JSON (#23)',
      `{"nonce":"n-0S6_WzA2Mj","code_verifier":"abc"} { nonce: 'n-0S6' }`,
      `{"nonce":"[redacted]","code_verifier":"[redacted]"} { nonce: '[redacted]' }`,
    ],
  ];
  for (const [name, input, expected] of cases) {
    it(`masks ${name}`, () => assert.equal(redact(input), expected));
  }

  const ordinary = [
    'Signed in as ann@example.com to us-east-1_AbCdEf123 in 120 ms.',
    'Story 4f8c2b1e-9a7d-4c3b-8e2f-1a2b3c4d5e6f new: done, 1,234 tokens · ≈ $0.0003 (estimate)',
    'Model list from settings: AccessDeniedException (amazon.nova-lite-v1:0, anthropic.claude-3-haiku-20240307-v1:0)',
    'commit 3f786850e387550fdab836ed7e6dc881de23001b (a SHA-1 hash is not a key)',
    'USER_PASSWORD_AUTH and USER_SRP_AUTH are both allowed; Session: expired, sign in again.',
    'Password must be at least 8 characters. The password field is empty. outputTokens: 512',
    'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123/.well-known/jwks.json',
    'Refresh scheduled in 2400 s; SessionManager ready; AccessDenied for RefreshTokenRotation',
    'THE LIGHTHOUSE KEEPER AND THE STORM, CHAPTER ONE',
    'Browser sign-in failed: StateMismatch (code: oauth_error); session state=signedIn',
  ];
  it('leaves ordinary lines alone (ids, model names, hashes, words like Password and Session)', () => {
    for (const line of ordinary) assert.equal(redact(line), line);
  });
});
