// The ID token goes only to the identity pool its session was signed in for: a session bound to
// other settings gets no AWS credentials, and the identity endpoint hears nothing.
import * as assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SessionOrigin } from '../../../src/core/auth/origin';
import { CognitoCredentials, OTHER_ORIGIN } from '../../../src/core/story/generation/credentials';

describe('CognitoCredentials and the session origin', () => {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.headers['x-amz-target'] ?? req.url}`);
    res
      .writeHead(400, { 'content-type': 'application/x-amz-json-1.1' })
      .end('{"__type":"NotAuthorizedException","message":"no"}');
  });
  let endpoint: string;
  before(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => void requests.splice(0));

  const origin = (): SessionOrigin => ({
    region: 'us-east-1',
    userPoolId: 'us-east-1_Pool1',
    clientId: 'client1',
    cognitoIdp: '',
    identityPoolId: 'us-east-1:11111111-2222-3333-4444-555555555555',
    cognitoIdentity: endpoint,
  });
  const credentials = (sessionOrigin: SessionOrigin) =>
    new CognitoCredentials({
      region: 'us-east-1',
      userPoolId: 'us-east-1_Pool1',
      identityPoolId: 'us-east-1:11111111-2222-3333-4444-555555555555',
      endpoint,
      sessions: {
        peek: async () => ({ sub: 'a1b2c3d4-0000-4000-8000-00000000000a', origin: sessionOrigin }),
        getSession: async () => ({
          idToken: 'id-token',
          sub: 'a1b2c3d4-0000-4000-8000-00000000000a',
          origin: sessionOrigin,
        }),
      },
    });

  for (const [label, change] of [
    ['identity pool', { identityPoolId: 'us-east-1:99999999-2222-3333-4444-555555555555' }],
    ['identity endpoint', { cognitoIdentity: 'https://identity.example.com' }],
    ['user pool', { userPoolId: 'us-east-1_Other' }],
  ] as const) {
    it(`sends nothing when the session's ${label} differs`, async () => {
      await assert.rejects(credentials({ ...origin(), ...change }).get(), (e: Error) => e.message === OTHER_ORIGIN);
      assert.deepEqual(requests, []);
    });
  }

  it('does call its identity endpoint for a session of the same origin (the listener works)', async () => {
    await assert.rejects(credentials(origin()).get());
    assert.ok(requests.length > 0, 'the identity endpoint was called');
  });
});
