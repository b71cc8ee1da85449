// A browser sign-in's session is the password sign-in's shape plus how the user signed in; it
// survives storage and every refresh (the refresher, REFRESH_TOKEN_AUTH, knows nothing of it).
import * as assert from 'node:assert/strict';
import { parseSession, SessionManager } from '../../../src/core/auth/session';
import type { Session } from '../../../src/core/auth/session';
import { MemoryStore } from '../../support/sessionStore';

const now = Date.now();
const browserSession: Session = {
  idToken: 'id-1',
  accessToken: 'access-1',
  refreshToken: 'refresh-1',
  username: 'LoginWithAmazon_amzn1.account.X',
  email: 'ada@example.com',
  name: 'Ada Lovelace',
  sub: '0f8fad5b-d9cb-469f-a165-70867728950e',
  issuedAt: now - 3_600_000,
  expiresAt: now - 1000,
  receivedAt: now - 3_600_000,
  method: 'browser',
  provider: 'LoginWithAmazon',
};

describe('browser session', () => {
  it('is stored and read back with its method, provider and name', () => {
    assert.deepEqual(parseSession(JSON.stringify(browserSession)), browserSession);
    assert.equal(parseSession(JSON.stringify({ ...browserSession, method: 'magic' })), undefined);
    assert.equal(parseSession(JSON.stringify({ ...browserSession, provider: '' })), undefined);
  });

  it('keeps method and provider through a refresh that returns plain verified tokens', async () => {
    const store = new MemoryStore();
    await store.write(JSON.stringify(browserSession));
    const refreshed: Session[] = [];
    const { method: _m, provider: _p, ...plain } = browserSession;
    const manager = new SessionManager({
      store,
      refresh: async (s) => {
        refreshed.push(s);
        return {
          ...plain,
          accessToken: 'access-2',
          idToken: 'id-2',
          issuedAt: Date.now(),
          expiresAt: Date.now() + 3_600_000,
        };
      },
    });
    const session = await manager.getSession();
    manager.dispose();
    assert.equal(refreshed.length, 1);
    assert.equal(session.accessToken, 'access-2');
    assert.equal(session.method, 'browser');
    assert.equal(session.provider, 'LoginWithAmazon');
    assert.equal(parseSession((await store.read())!)?.provider, 'LoginWithAmazon');
  });
});
