import * as assert from 'node:assert/strict';
import * as l10n from '@vscode/l10n';
import type { AuthError } from '../../../src/core/auth/errors';
import { originChangedMessage, unboundMessage } from '../../../src/core/auth/origin';
import type { SessionOrigin } from '../../../src/core/auth/origin';
import { clockSkewMessage, parseSession, sessionExpiredMessage, SessionManager } from '../../../src/core/auth/session';
import type { Clock, Session, SessionState } from '../../../src/core/auth/session';
import { MemoryStore } from '../../support/sessionStore';

class FakeClock implements Clock {
  time = 1_000_000;
  timers: { at: number; callback: () => void; disposed: boolean }[] = [];
  now() {
    return this.time;
  }
  setTimeout(callback: () => void, ms: number) {
    const timer = { at: this.time + ms, callback, disposed: false };
    this.timers.push(timer);
    return { dispose: () => void (timer.disposed = true) };
  }
  pendingDelay(): number | undefined {
    const live = this.timers.filter((t) => !t.disposed);
    return live.length ? Math.min(...live.map((t) => t.at)) - this.time : undefined;
  }
  async advance(ms: number) {
    this.time += ms;
    for (const t of this.timers.filter((t) => !t.disposed && t.at <= this.time)) {
      t.disposed = true;
      t.callback();
    }
    await flush();
  }
}

const flush = () => new Promise((r) => setImmediate(r));
const SUB = 'a1b2c3d4-0000-4000-8000-00000000000a';
const HOUR = 3_600_000;

function session(clock: FakeClock, n: number, lifetimeMs = HOUR): Session {
  return {
    idToken: `id-${n}`,
    accessToken: `access-${n}`,
    refreshToken: 'refresh-1',
    username: SUB,
    email: 'ann@example.com',
    sub: SUB,
    issuedAt: clock.now(),
    expiresAt: clock.now() + lifetimeMs,
  };
}

function awsError(name: string, message = name): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 } });
}

function networkError(): Error {
  return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4566'), { code: 'ECONNREFUSED' });
}

describe('SessionManager', () => {
  let clock: FakeClock;
  let store: MemoryStore;
  let refreshCalls: number;
  let nextRefresh: () => Promise<Session>;
  let managers: SessionManager[];

  const manager = () => {
    const m = new SessionManager({
      store,
      clock,
      refresh: async () => {
        refreshCalls++;
        await flush();
        return nextRefresh();
      },
    });
    managers.push(m);
    return m;
  };

  beforeEach(() => {
    clock = new FakeClock();
    store = new MemoryStore();
    refreshCalls = 0;
    let n = 1;
    nextRefresh = async () => session(clock, ++n);
    managers = [];
  });
  afterEach(() => managers.forEach((m) => m.dispose()));

  it('returns a fresh stored session without any refresh', async () => {
    store.value = JSON.stringify(session(clock, 1));
    const s = await manager().getSession();
    assert.equal(s.accessToken, 'access-1');
    assert.equal(refreshCalls, 0);
  });

  it('throws a sign-in prompt when nobody is signed in', async () => {
    await assert.rejects(manager().getSession(), (e: AuthError) => e.code === 'NotSignedIn' && e.action === 'signIn');
  });

  it('refreshes once for 30 concurrent callers on an expired token', async () => {
    store.value = JSON.stringify(session(clock, 1));
    const m = manager();
    await m.load();
    clock.time += 2 * HOUR;
    const sessions = await Promise.all(Array.from({ length: 30 }, () => m.getSession()));
    assert.equal(refreshCalls, 1);
    assert.ok(sessions.every((s) => s.accessToken === 'access-2'));
    assert.equal(JSON.parse(store.value!).accessToken, 'access-2', 'the refreshed session is stored');
  });

  it('treats a token within the skew of expiry as expired', async () => {
    store.value = JSON.stringify(session(clock, 1));
    const m = manager();
    await m.load();
    clock.time += HOUR - 30_000;
    assert.equal((await m.getSession()).accessToken, 'access-2');
  });

  it('keeps a rotated refresh token', async () => {
    store.value = JSON.stringify(session(clock, 1, 1000));
    nextRefresh = async () => ({ ...session(clock, 2), refreshToken: 'refresh-2' });
    const m = manager();
    await m.load();
    clock.time += 5000;
    await m.getSession();
    assert.equal(JSON.parse(store.value!).refreshToken, 'refresh-2');
  });

  it('refreshes proactively at two thirds of the lifetime', async () => {
    store.value = JSON.stringify(session(clock, 1, 60 * 60_000));
    const m = manager();
    await m.load();
    assert.equal(clock.pendingDelay(), 40 * 60_000);
    await clock.advance(40 * 60_000 - 1);
    assert.equal(refreshCalls, 0);
    await clock.advance(1);
    await flush();
    assert.equal(refreshCalls, 1);
    assert.equal(m.current.kind, 'signedIn');
  });

  for (const name of [
    'NotAuthorizedException',
    'UserNotFoundException',
    'PasswordResetRequiredException',
    'UserNotConfirmedException',
  ]) {
    it(`signs out on ${name} during refresh, with a message`, async () => {
      store.value = JSON.stringify(session(clock, 1, 1000));
      nextRefresh = async () => {
        throw awsError(name, 'Refresh Token has been revoked');
      };
      const m = manager();
      const states: SessionState[] = [];
      m.onDidChange((s) => states.push(s));
      await m.load();
      clock.time += 5000;
      const expired = sessionExpiredMessage();
      await assert.rejects(m.getSession(), (e: AuthError) => e.message === expired && e.action === 'signIn');
      assert.equal(store.value, undefined, 'the stored session is gone');
      assert.deepEqual(m.current, { kind: 'signedOut', cause: 'expired', message: expired });
      assert.ok(states.some((s) => s.kind === 'signedOut'));
    });
  }

  it('says a session expired by its cause, whatever language the message is in', async () => {
    l10n.config({ contents: { 'Your session has expired. Sign in again.': 'Ihre Sitzung ist abgelaufen.' } });
    try {
      store.value = JSON.stringify(session(clock, 1, 1000));
      nextRefresh = async () => {
        throw awsError('NotAuthorizedException', 'Refresh Token has expired');
      };
      const m = manager();
      await m.load();
      clock.time += 5000;
      await assert.rejects(m.getSession(), /Ihre Sitzung ist abgelaufen/);
      assert.deepEqual(m.current, { kind: 'signedOut', cause: 'expired', message: 'Ihre Sitzung ist abgelaufen.' });
    } finally {
      l10n.config({ contents: {} });
    }
  });

  it('says nothing when the user signs out', async () => {
    store.value = JSON.stringify(session(clock, 1));
    const m = manager();
    await m.load();
    await m.signOut();
    assert.deepEqual(m.current, { kind: 'signedOut', cause: 'signedOut' });
  });

  it('stays signed in on a client secret problem, which a new secret fixes', async () => {
    store.value = JSON.stringify(session(clock, 1, 1000));
    nextRefresh = async () => {
      throw awsError('NotAuthorizedException', 'Unable to verify secret hash for client abc');
    };
    const m = manager();
    await m.load();
    clock.time += 5000;
    await assert.rejects(m.getSession(), /client secret/);
    assert.notEqual(store.value, undefined);
  });

  for (const [label, error] of [
    ['the network is down', networkError()],
    ['Cognito throttles', awsError('TooManyRequestsException')],
    [
      'Cognito answers 503',
      Object.assign(new Error('unavailable'), { name: 'ServiceUnavailable', $metadata: { httpStatusCode: 503 } }),
    ],
  ] as const) {
    it(`stays signed in, offline, when ${label}, and recovers by itself`, async () => {
      store.value = JSON.stringify(session(clock, 1, 1000));
      let fail = true;
      nextRefresh = async () => {
        if (fail) throw error;
        return session(clock, 9);
      };
      const m = manager();
      await m.load();
      clock.time += 5000;
      await assert.rejects(m.getSession(), (e: AuthError) => e.severity === 'transient');
      assert.equal(m.current.kind, 'offline');
      assert.notEqual(store.value, undefined, 'a transient error never signs out');

      fail = false;
      await clock.advance(clock.pendingDelay()!);
      await flush();
      assert.equal(m.current.kind, 'signedIn');
      assert.equal((await m.getSession()).accessToken, 'access-9');
    });
  }

  it('backs off 1 s, 2 s, 4 s … while offline, capped', async () => {
    store.value = JSON.stringify(session(clock, 1, 1000));
    nextRefresh = async () => {
      throw networkError();
    };
    const m = new SessionManager({ store, clock, refresh: () => nextRefresh(), maxBackoffMs: 10_000 });
    managers.push(m);
    await m.load();
    clock.time += 5000;
    await m.getSession().catch(() => undefined);
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      const delay = clock.pendingDelay()!;
      delays.push(delay);
      await clock.advance(delay);
      await flush();
    }
    assert.deepEqual(delays, [1000, 2000, 4000, 8000, 10_000, 10_000]);
  });

  it('clears a corrupt stored session with a message', async () => {
    store.value = '{"idToken": 42';
    const m = manager();
    await m.load();
    assert.equal(store.value, undefined);
    assert.deepEqual(m.current, {
      kind: 'signedOut',
      cause: 'corrupt',
      message: 'The stored session could not be read, so it was cleared. Sign in again.',
    });
  });

  it('follows sign-in and sign-out from another window', async () => {
    const a = manager();
    const b = manager();
    await Promise.all([a.load(), b.load()]);
    await a.signIn(session(clock, 1));
    await flush();
    assert.equal(b.current.kind, 'signedIn');
    await a.signOut();
    await flush();
    assert.equal(b.current.kind, 'signedOut');
  });

  it('loses no session when two windows refresh at once', async () => {
    store.value = JSON.stringify(session(clock, 1, 1000));
    const a = manager();
    const b = manager();
    await Promise.all([a.load(), b.load()]);
    clock.time += 5000;
    const [sa, sb] = await Promise.all([a.getSession(), b.getSession()]);
    await flush();
    assert.ok(sa.accessToken && sb.accessToken);
    assert.notEqual(store.value, undefined);
    assert.equal(a.current.kind, 'signedIn');
    assert.equal(b.current.kind, 'signedIn');
    assert.ok(refreshCalls <= 2);
  });

  it('uses the tokens another window refreshed instead of refreshing again', async () => {
    store.value = JSON.stringify(session(clock, 1, 1000));
    const a = manager();
    await a.load();
    clock.time += 5000;
    // Another window wrote fresh tokens, and a has not heard of it yet.
    const fresh = session(clock, 7);
    store.value = JSON.stringify(fresh);
    assert.equal((await a.getSession()).accessToken, 'access-7');
    assert.equal(refreshCalls, 0);
  });

  it('adopts a new sign-in from another window when its own refresh token was revoked', async () => {
    store.value = JSON.stringify(session(clock, 1, 1000));
    const a = manager();
    await a.load();
    clock.time += 5000;
    nextRefresh = async () => {
      // Meanwhile, the user signed in again in another window.
      store.value = JSON.stringify({ ...session(clock, 5), refreshToken: 'refresh-new' });
      throw awsError('NotAuthorizedException', 'Refresh Token has been revoked');
    };
    const s = await a.getSession();
    assert.equal(s.refreshToken, 'refresh-new');
    assert.equal(a.current.kind, 'signedIn');
  });

  describe('bound to its origin', () => {
    const ORIGIN: SessionOrigin = {
      region: 'us-east-1',
      userPoolId: 'us-east-1_Pool1',
      clientId: 'client1',
      cognitoIdp: '',
      identityPoolId: 'us-east-1:11111111-2222-3333-4444-555555555555',
      cognitoIdentity: '',
    };
    let current: SessionOrigin | undefined;
    const bound = () => {
      const m = new SessionManager({
        store,
        clock,
        origin: () => current,
        refresh: async () => {
          refreshCalls++;
          return nextRefresh();
        },
      });
      managers.push(m);
      return m;
    };
    beforeEach(() => {
      current = ORIGIN;
    });

    it('is used, refreshed and stays bound while the settings are those it came from', async () => {
      store.value = JSON.stringify({ ...session(clock, 1, 1000), origin: ORIGIN });
      const m = bound();
      await m.load();
      clock.time += 5000;
      const s = await m.getSession();
      assert.equal(s.accessToken, 'access-2');
      assert.deepEqual(JSON.parse(store.value!).origin, ORIGIN, 'the refreshed session keeps its origin');
    });

    for (const [label, change] of [
      ['user pool', { userPoolId: 'us-east-1_Other' }],
      ['app client', { clientId: 'client2' }],
      ['Cognito user pool endpoint', { cognitoIdp: 'https://cognito.example.net' }],
      ['identity pool', { identityPoolId: 'us-east-1:99999999-2222-3333-4444-555555555555' }],
    ] as const) {
      it(`is never refreshed or handed out once the ${label} changed, and says what changed`, async () => {
        store.value = JSON.stringify({ ...session(clock, 1, 1000), origin: ORIGIN });
        const m = bound();
        await m.load();
        assert.equal(m.current.kind, 'signedIn');
        current = { ...ORIGIN, ...change };
        clock.time += 5000;
        const expected = originChangedMessage(ORIGIN, current);
        await assert.rejects(m.getSession(), (e: AuthError) => e.message === expected && e.action === 'signIn');
        assert.equal(await m.peek(), undefined, 'peek hands out nothing either');
        assert.equal(refreshCalls, 0, 'nothing was sent');
        assert.deepEqual(m.current, { kind: 'signedOut', cause: 'otherSettings', message: expected });
        assert.match(expected, new RegExp(`the ${label}`));
        await clock.advance(HOUR);
        assert.equal(refreshCalls, 0, 'no scheduled refresh either');
        assert.notEqual(store.value, undefined, 'the session is left for the settings it belongs to');

        current = ORIGIN;
        await m.sync();
        assert.equal(m.current.kind, 'signedIn', 'back to its settings, it is used again');
      });
    }

    it('refuses a session whose origin changes while the state still says signed in (no sync yet)', async () => {
      store.value = JSON.stringify({ ...session(clock, 1), origin: ORIGIN });
      const m = bound();
      await m.load();
      current = { ...ORIGIN, cognitoIdp: 'https://evil.example.com' };
      await assert.rejects(m.getSession(), /Cognito user pool endpoint \(AWS default → https:\/\/evil\.example\.com\)/);
      assert.equal(refreshCalls, 0);
    });

    it('treats a stored session without an origin (from an older version) as needing sign-in', async () => {
      store.value = JSON.stringify(session(clock, 1, 1000));
      const m = bound();
      await m.load();
      assert.deepEqual(m.current, { kind: 'signedOut', cause: 'otherSettings', message: unboundMessage() });
      clock.time += 5000;
      await assert.rejects(m.getSession(), (e: AuthError) => e.message === unboundMessage());
      await clock.advance(HOUR);
      assert.equal(refreshCalls, 0);
    });

    it('uses no stored session while Storyteller is not configured', async () => {
      current = undefined;
      store.value = JSON.stringify({ ...session(clock, 1), origin: ORIGIN });
      const m = bound();
      await m.load();
      assert.equal(m.current.kind, 'signedOut');
      assert.equal(await m.peek(), undefined);
    });
  });

  describe('compare-and-set after a refresh', () => {
    /** A refresh that waits until the test lets it answer. */
    function gatedRefresh() {
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      nextRefresh = async () => {
        await gate;
        return session(clock, 2);
      };
      return release;
    }

    it('a sign-out during an in-flight refresh sticks', async () => {
      store.value = JSON.stringify(session(clock, 1, 1000));
      const m = manager();
      await m.load();
      clock.time += 5000;
      const release = gatedRefresh();
      const pending = m.getSession();
      await flush();
      await m.signOut();
      release();
      await assert.rejects(pending, (e: AuthError) => e.code === 'NotSignedIn');
      assert.equal(store.value, undefined, 'the refreshed tokens did not bring the session back');
      assert.equal(m.current.kind, 'signedOut');
    });

    it('a sign-out in another window between the refresh’s compare and its write still sticks (#23)', async () => {
      store.value = JSON.stringify(session(clock, 1, 1000));
      const a = manager();
      const b = manager();
      await Promise.all([a.load(), b.load()]);
      clock.time += 5000;
      // Window b signs out exactly when a has compared the store and is about to write.
      const write = store.write.bind(store);
      let raced = false;
      store.write = async (value: string) => {
        if (!raced) {
          raced = true;
          await b.signOut();
        }
        return write(value);
      };
      await assert.rejects(a.getSession(), (e: AuthError) => e.code === 'NotSignedIn');
      assert.ok(raced, 'the sign-out ran inside the window');
      assert.equal(store.value, undefined, 'the refreshed tokens did not bring the session back');
      assert.equal(a.current.kind, 'signedOut');
      await flush();
      assert.equal(b.current.kind, 'signedOut');
      // The next sign-in is a new session: its refreshes are not undone.
      store.write = write;
      await a.signIn({ ...session(clock, 3, 1000), refreshToken: 'refresh-3' });
      clock.time += 60_000;
      await a.refresh();
      assert.equal(a.current.kind, 'signedIn');
      assert.notEqual(store.value, undefined, 'refreshed and kept');
    });

    it("a refresh in window A never overwrites bob's sign-in in window B", async () => {
      store.value = JSON.stringify({ ...session(clock, 1, 1000), email: 'alice@example.com' });
      const a = manager();
      const b = manager();
      await Promise.all([a.load(), b.load()]);
      clock.time += 5000;
      const release = gatedRefresh();
      const pending = a.getSession();
      await flush();
      const bob = {
        ...session(clock, 50),
        email: 'bob@example.com',
        refreshToken: 'refresh-bob',
        sub: 'b0b00000-0000-4000-8000-000000000000',
      };
      await b.signIn(bob);
      release();
      const got = await pending;
      await flush();
      assert.equal(JSON.parse(store.value!).email, 'bob@example.com', "bob's tokens are still stored");
      assert.equal(got.email, 'bob@example.com');
      assert.equal(a.current.kind === 'signedIn' && a.current.session.email, 'bob@example.com');
      assert.equal(b.current.kind === 'signedIn' && b.current.session.email, 'bob@example.com');
    });
  });

  describe('a local clock that is off', () => {
    const AHEAD = 4 * 60_000;
    const LIFETIME = 5 * 60_000;
    /** Tokens as the server issues them, its clock AHEAD ms behind ours. */
    const serverSession = (n: number): Session => ({
      ...session(clock, n, LIFETIME),
      issuedAt: clock.now() - AHEAD,
      expiresAt: clock.now() - AHEAD + LIFETIME,
    });

    it('does not refresh in a storm with the clock 4 min ahead and 5-minute tokens', async () => {
      let n = 1;
      nextRefresh = async () => serverSession(++n);
      const m = manager();
      await m.load();
      await m.signIn(serverSession(1));
      for (let i = 0; i < 2000; i++) await clock.advance(1); // 2 s
      for (let i = 0; i < 20; i++) await m.getSession();
      assert.equal(refreshCalls, 0, `refreshed ${refreshCalls} times in 2 s`);
      // It refreshes at 2/3 of the server's lifetime after the tokens arrived.
      await clock.advance(clock.pendingDelay()!);
      await flush();
      assert.equal(refreshCalls, 1);
      assert.equal(Math.round(clock.pendingDelay()! / 1000), 200, 'the next one 3 min 20 s later');
    });

    it('45 min ahead with 60-minute tokens: one refresh per 40 minutes', async () => {
      const ahead = 45 * 60_000;
      let n = 1;
      const issued = (k: number): Session => ({
        ...session(clock, k, HOUR),
        issuedAt: clock.now() - ahead,
        expiresAt: clock.now() - ahead + HOUR,
      });
      nextRefresh = async () => issued(++n);
      const m = manager();
      await m.signIn(issued(1));
      for (let i = 0; i < 200; i++) await clock.advance(10);
      assert.equal(refreshCalls, 0);
      assert.equal(clock.pendingDelay(), 40 * 60_000 - 2000);
    });

    it('keeps a floor between refreshes even for a token that arrives nearly expired', async () => {
      const m = new SessionManager({
        store,
        clock,
        refresh: async () => (
          refreshCalls++,
          { ...session(clock, 9, 3 * 60_000), receivedAt: clock.now() - 3 * 60_000 }
        ),
      });
      managers.push(m);
      await m.signIn({ ...session(clock, 1, 3 * 60_000), receivedAt: clock.now() - 3 * 60_000 });
      for (let i = 0; i < 100; i++) await clock.advance(100); // 10 s
      assert.ok(refreshCalls <= 1, `refreshed ${refreshCalls} times in 10 s`);
    });

    it('says so at sign-in when the clock is badly off, and not when it is close', () => {
      assert.equal(clockSkewMessage(30_000), undefined);
      assert.equal(
        clockSkewMessage(AHEAD),
        "Your computer's clock is 4 minutes ahead of Amazon Cognito's. You are signed in, but set the clock right (turn on automatic time) to avoid sign-in problems.",
      );
      assert.match(clockSkewMessage(-3 * HOUR)!, /clock is 3 hours behind/);
    });
  });

  it('reads the store again after a failed read at start-up (a keyring that unlocks late)', async () => {
    store.value = JSON.stringify(session(clock, 1));
    let locked = true;
    const read = store.read.bind(store);
    store.read = async () => {
      if (locked) throw new Error('Cannot unlock the keyring');
      return read();
    };
    const m = manager();
    await assert.rejects(m.load(), (e: AuthError) => e.code === 'StoreUnavailable' && e.severity === 'transient');
    await assert.rejects(m.getSession(), (e: AuthError) => e.code === 'StoreUnavailable');
    locked = false;
    assert.equal((await m.getSession()).accessToken, 'access-1', 'the next use reads again');
    assert.equal(m.current.kind, 'signedIn');
  });

  it("accepts only Cognito's UUID form of sub, which becomes a folder name", () => {
    const good = session(clock, 1);
    assert.ok(parseSession(JSON.stringify(good)));
    for (const sub of ['../../tmp/x', 'a1b2c3d4-sub', '', 'A1B2C3D4-0000-4000-8000-00000000000a/..']) {
      assert.equal(parseSession(JSON.stringify({ ...good, sub })), undefined, sub);
    }
  });

  it('reads only the stored shape: no unknown fields, a whole origin, finite times', () => {
    const good = session(clock, 1);
    const origin = {
      region: 'us-east-1',
      userPoolId: 'us-east-1_A',
      clientId: 'c',
      cognitoIdp: '',
      identityPoolId: 'us-east-1:1',
      cognitoIdentity: '',
    };
    assert.deepEqual(parseSession(JSON.stringify({ ...good, receivedAt: 5, origin })), {
      ...good,
      receivedAt: 5,
      origin,
    });
    for (const bad of [
      { ...good, password: 'x' },
      { ...good, origin: { ...origin, region: undefined } },
      { ...good, origin: { ...origin, extra: 1 } },
      { ...good, receivedAt: 'soon' },
      { ...good, expiresAt: null },
      { ...good, email: '' },
    ]) {
      assert.equal(parseSession(JSON.stringify(bad)), undefined, JSON.stringify(bad));
    }
    assert.equal(parseSession('[1]'), undefined);
    assert.equal(parseSession('{'), undefined);
  });
});
