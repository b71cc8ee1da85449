// The core Cognito client against the local emulator, through the real SDK, with and without a
// client secret, with SRP and with password auth.
import * as assert from 'node:assert/strict';
import { CognitoAuth } from '../../../src/core/auth/cognito';
import { AuthError, endsSession } from '../../../src/core/auth/errors';
import { SessionManager } from '../../../src/core/auth/session';
import type { AuthFlow, SignInStep } from '../../../src/core/auth/flows/flow';
import { startEmulator } from '../../../emulator/src/emulator';
import type { RunningEmulator } from '../../../emulator/src/emulator';
import { PASSWORD, uniqueEmail } from '../../support/accounts';
import { MemoryStore } from '../../support/sessionStore';

async function code(emu: RunningEmulator, to: string, kind: string): Promise<string> {
  const found = emu
    .outboxMessages(to)
    .filter((m) => m.kind === kind)
    .pop();
  assert.ok(found, `no ${kind} code for ${to}`);
  return found.code;
}

function done(step: SignInStep) {
  assert.equal(step.kind, 'done');
  return step.session;
}

for (const withSecret of [false, true]) {
  for (const flow of ['USER_SRP_AUTH', 'USER_PASSWORD_AUTH'] as AuthFlow[]) {
    describe(`CognitoAuth (${flow}, ${withSecret ? 'with' : 'without'} client secret)`, function () {
      this.timeout(20_000);
      let emu: RunningEmulator;
      let auth: CognitoAuth;
      let secret: string | undefined;

      before(async () => {
        emu = await startEmulator({ params: { GenerateClientSecret: String(withSecret) } });
        secret = emu.clientSecret ?? undefined;
        assert.equal(Boolean(secret), withSecret);
        auth = new CognitoAuth({
          region: emu.region,
          userPoolId: emu.userPoolId,
          clientId: emu.clientId,
          authFlow: flow,
          endpoint: emu.endpoints.cognitoIdp,
          clientSecret: async () => secret,
        });
      });
      after(async () => {
        auth.dispose();
        await emu.stop();
      });

      async function signedUpUser(): Promise<string> {
        const address = uniqueEmail();
        const result = await auth.signUp(address, PASSWORD, 'Ann Reader');
        assert.equal(result.confirmed, false);
        await auth.confirmSignUp(address, await code(emu, address, 'confirmation'));
        return address;
      }

      it('signs up, confirms with the emailed code, signs in, and verifies the tokens', async () => {
        const address = await signedUpUser();
        const session = done(await auth.signIn(address.toUpperCase(), PASSWORD));
        assert.equal(session.email, address);
        assert.ok(session.sub.length > 0);
        assert.ok(session.expiresAt > Date.now());
        assert.ok(session.refreshToken.length > 0);
      });

      it('refreshes, and the refresh stops working after sign-out revokes it', async () => {
        const session = done(await auth.signIn(await signedUpUser(), PASSWORD));
        const refreshes = () => emu.counters()['InitiateAuth:REFRESH_TOKEN_AUTH'] ?? 0;
        const before = refreshes();
        const refreshed = await auth.refresh(session);
        assert.equal(refreshed.sub, session.sub);
        assert.equal(refreshed.refreshToken, session.refreshToken);
        assert.equal(refreshes(), before + 1);

        await auth.revoke(session);
        await assert.rejects(
          auth.refresh(session),
          (e: AuthError) => endsSession(e) && e.message === 'Your session has ended. Sign in again.',
        );
      });

      it('signs out everywhere', async () => {
        const address = await signedUpUser();
        const a = done(await auth.signIn(address, PASSWORD));
        const b = done(await auth.signIn(address, PASSWORD));
        await auth.globalSignOut(a);
        await assert.rejects(auth.refresh(b), (e: AuthError) => endsSession(e));
      });

      it('resets a forgotten password', async () => {
        const address = await signedUpUser();
        await auth.forgotPassword(address);
        await auth.confirmForgotPassword(address, await code(emu, address, 'reset'), 'Another-Horse-10');
        done(await auth.signIn(address, 'Another-Horse-10'));
        await assert.rejects(auth.signIn(address, PASSWORD), {
          message: 'Incorrect email or password. Try again, or use "Forgot Password".',
        });
      });

      it('resends the confirmation code, and the new code works', async () => {
        const address = uniqueEmail();
        await auth.signUp(address, PASSWORD);
        const first = await code(emu, address, 'confirmation');
        await auth.resendCode(address);
        const second = await code(emu, address, 'confirmation');
        await auth.confirmSignUp(address, second);
        done(await auth.signIn(address, PASSWORD));
        assert.ok(first && second);
      });

      const failures: [string, () => Promise<unknown>, string][] = [
        [
          'a wrong password',
          async () => auth.signIn(await signedUpUser(), 'Wrong-Horse-99'),
          'Incorrect email or password. Try again, or use "Forgot Password".',
        ],
        [
          'an unconfirmed account',
          async () => {
            const address = uniqueEmail();
            await auth.signUp(address, PASSWORD);
            return auth.signIn(address, PASSWORD);
          },
          'Your account is not confirmed yet. Enter the 6-digit code from the confirmation email.',
        ],
        [
          'a wrong confirmation code',
          async () => {
            const address = uniqueEmail();
            await auth.signUp(address, PASSWORD);
            const right = await code(emu, address, 'confirmation');
            return auth.confirmSignUp(address, right === '000000' ? '111111' : '000000');
          },
          'That code is not right. Check the latest email and type the 6 digits again.',
        ],
        [
          'an email that is taken',
          async () => auth.signUp(await signedUpUser(), PASSWORD),
          'An account with this email already exists. Sign in, or reset the password if you forgot it.',
        ],
        [
          'a password the pool refuses',
          async () => auth.signUp(uniqueEmail(), 'short'),
          'The password does not meet the policy',
        ],
      ];
      for (const [label, act, message] of failures) {
        it(`explains ${label}`, async () => {
          await assert.rejects(act(), (e: unknown) => {
            assert.ok(e instanceof AuthError, String(e));
            assert.ok(e.message.startsWith(message), e.message);
            return true;
          });
        });
      }

      if (withSecret) {
        it('explains a missing or wrong client secret', async () => {
          const address = await signedUpUser();
          const saved = secret;
          try {
            secret = undefined;
            await assert.rejects(auth.signIn(address, PASSWORD), /client secret/);
            secret = 'not-the-secret';
            await assert.rejects(auth.signIn(address, PASSWORD), /client secret/);
          } finally {
            secret = saved;
          }
        });
      }
    });
  }
}

describe('CognitoAuth offline', () => {
  it('says the network is down, as a transient error', async () => {
    const auth = new CognitoAuth({
      region: 'us-east-1',
      userPoolId: 'us-east-1_Offline1',
      clientId: 'offlineclient',
      authFlow: 'USER_PASSWORD_AUTH',
      endpoint: 'http://127.0.0.1:9',
      clientSecret: async () => undefined,
    });
    await assert.rejects(
      auth.signIn('ann@example.com', PASSWORD),
      (e: AuthError) => e.severity === 'transient' && /Cannot reach Amazon Cognito/.test(e.message),
    );
    auth.dispose();
  });
});

describe('SessionManager with CognitoAuth against the emulator', function () {
  this.timeout(20_000);
  let emu: RunningEmulator;
  let auth: CognitoAuth;
  before(async () => {
    emu = await startEmulator({});
    auth = new CognitoAuth({
      region: emu.region,
      userPoolId: emu.userPoolId,
      clientId: emu.clientId,
      authFlow: 'USER_SRP_AUTH',
      endpoint: emu.endpoints.cognitoIdp,
      clientSecret: async () => undefined,
    });
  });
  after(async () => {
    auth.dispose();
    await emu.stop();
  });

  async function expiredSession() {
    const address = uniqueEmail();
    await auth.signUp(address, PASSWORD);
    await auth.confirmSignUp(address, await code(emu, address, 'confirmation'));
    const session = done(await auth.signIn(address, PASSWORD));
    // As if an hour had passed: the tokens are still real, only our record says expired.
    return { ...session, expiresAt: Date.now() - 1000, issuedAt: Date.now() - 3_600_000 };
  }

  it('30 concurrent callers on an expired token cause exactly 1 refresh request', async () => {
    const store = new MemoryStore(JSON.stringify(await expiredSession()));
    const manager = new SessionManager({ store, refresh: (s) => auth.refresh(s) });
    emu.resetCounters();
    const sessions = await Promise.all(Array.from({ length: 30 }, () => manager.getSession()));
    manager.dispose();
    assert.equal(emu.counters()['InitiateAuth:REFRESH_TOKEN_AUTH'], 1);
    assert.equal(new Set(sessions.map((s) => s.accessToken)).size, 1);
    assert.ok(sessions[0]!.expiresAt > Date.now());
  });

  it('stays signed in through Cognito 503s and recovers; signs out when the token is revoked', async () => {
    const expired = await expiredSession();
    const store = new MemoryStore(JSON.stringify(expired));
    const manager = new SessionManager({ store, refresh: (s) => auth.refresh(s) });
    // A function, so that TypeScript does not narrow the state across the awaits below.
    const kind = () => manager.current.kind;
    emu.fault({ kind: 'error', operation: 'InitiateAuth', count: 10, error: 'InternalErrorException', status: 500 });
    await assert.rejects(manager.getSession(), (e: AuthError) => e.severity === 'transient');
    assert.equal(kind(), 'offline');
    assert.notEqual(store.value, undefined);
    emu.clearFaults();
    assert.ok((await manager.getSession()).expiresAt > Date.now());
    assert.equal(kind(), 'signedIn');

    await auth.revoke(expired);
    await manager.refresh().catch(() => undefined);
    assert.equal(kind(), 'signedOut');
    assert.equal(store.value, undefined);
    manager.dispose();
  });
});
