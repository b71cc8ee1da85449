// Malformed requests to managed login get a 4xx answer (an error page or OAuth error JSON),
// never a 5xx or a crash, and the emulator keeps serving.
import * as assert from 'node:assert/strict';
import type { RunningEmulator } from '../../src/emulator';
import { startManagedLogin } from './helpers';

describe('managed login: bad requests', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await startManagedLogin();
  });
  after(() => emu.stop());

  it('answers each with a 4xx', async () => {
    const base = emu.endpoints.cognitoIdp;
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const requests: [string, RequestInit][] = [
      ['/oauth2/authorize', {}],
      ['/oauth2/authorize?client_id=%E0%A4%A', {}],
      ['/login', {}],
      ['/login', { method: 'POST', headers: form, body: 'a=%' }],
      ['/oauth2/idpresponse', {}],
      ['/oauth2/idpresponse?state=nope&code=x', {}],
      ['/local-idp/Nobody/authorize', {}],
      ['/local-idp/LoginWithAmazon/authorize?client_id=x', { method: 'POST', headers: form, body: '' }],
      ['/oauth2/token', {}],
      ['/oauth2/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }],
      [
        '/oauth2/token',
        {
          method: 'POST',
          headers: { ...form, authorization: `Basic ${Buffer.from('%E0%A4%A:%').toString('base64')}` },
          body: 'grant_type=refresh_token&refresh_token=x',
        },
      ],
      ['/oauth2/token', { method: 'POST', headers: { ...form, authorization: 'Basic !!!' }, body: 'grant_type=x' }],
      ['/oauth2/revoke', { method: 'POST', headers: form, body: 'token=x' }],
      ['/oauth2/userInfo', { headers: { authorization: 'Bearer not.a.token' } }],
      ['/logout', {}],
      ['/error', {}],
    ];
    for (const [path, init] of requests) {
      const res = await fetch(base + path, { redirect: 'manual', ...init });
      await res.arrayBuffer();
      assert.ok(res.status >= 400 && res.status < 500, `${init.method ?? 'GET'} ${path}: ${res.status}`);
    }
    assert.equal((await fetch(`${base}/${emu.userPoolId}/.well-known/openid-configuration`)).status, 200);
  });
});
