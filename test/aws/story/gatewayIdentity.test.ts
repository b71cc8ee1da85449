// The story gateway's caller check (infra/src/gateway/identity.ts) against the emulator's user pool
// and identity pool, with the real SDK clients and a clock the test moves: a signed-out, revoked or
// disabled session is refused within SESSION_RECHECK_MS, and an unreachable pool is not a sign-out.
import * as assert from 'node:assert/strict';
import { CognitoIdentityClient, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import {
  AdminDisableUserCommand,
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { ID_TOKEN_HEADER } from '../../../infra/src/gateway/contract';
import { CallerIdentity, SESSION_RECHECK_MS } from '../../../infra/src/gateway/identity';
import { GatewayError } from '../../../infra/src/gateway/wire';
import { startEmulator } from '../../../emulator/src/emulator';
import type { RunningEmulator } from '../../../emulator/src/emulator';
import { NO_GUARDRAILS } from '../../../emulator/src/presets';
import type { CognitoAuth } from '../../../src/core/auth/cognito';
import type { Session } from '../../../src/core/auth/session';
import { authFor, signedIn } from '../../support/emulatorSession';

const ADMIN = { accessKeyId: 'AKIDLOCALADMIN000000', secretAccessKey: 'local-admin-secret' };

describe('Story gateway: a signed-out session is refused within SESSION_RECHECK_MS', function () {
  this.timeout(30_000);
  let emu: RunningEmulator;
  let auth: CognitoAuth;
  let pool: CognitoIdentityClient;
  let now: number;
  let gateway: CallerIdentity;

  before(async () => {
    emu = await startEmulator({ params: NO_GUARDRAILS });
    auth = authFor(emu);
    pool = new CognitoIdentityClient({
      region: emu.region,
      endpoint: emu.endpoints.cognitoIdentity,
      credentials: ADMIN,
    });
  });
  after(async () => {
    pool.destroy();
    await emu.stop();
  });
  beforeEach(() => {
    now = Date.now();
    gateway = new CallerIdentity(
      {
        region: emu.region,
        userPoolId: emu.userPoolId,
        clientId: emu.clientId,
        identityPoolId: emu.identityPoolId,
        userPoolEndpoint: emu.endpoints.cognitoIdp,
      },
      { now: () => now, cognito: pool },
    );
  });

  /** A function URL event as Lambda builds it for identity-pool credentials, carrying the session's ID token. */
  async function eventFor(session: Session): Promise<LambdaFunctionURLEvent> {
    const provider = `cognito-idp.${emu.region}.amazonaws.com/${emu.userPoolId}`;
    const { IdentityId } = await pool.send(
      new GetIdCommand({ IdentityPoolId: emu.identityPoolId, Logins: { [provider]: session.idToken } }),
    );
    return {
      headers: { [ID_TOKEN_HEADER]: session.idToken },
      requestContext: {
        http: { method: 'GET' },
        authorizer: { iam: { cognitoIdentity: { identityId: IdentityId, identityPoolId: emu.identityPoolId } } },
      },
    } as unknown as LambdaFunctionURLEvent;
  }

  async function refusal(event: LambdaFunctionURLEvent): Promise<GatewayError> {
    const err = await gateway.identify(event).then(
      () => assert.fail('the gateway served the session'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof GatewayError, String(err));
    return err;
  }

  function userOf(session: Session): string {
    const payload = JSON.parse(Buffer.from(session.idToken.split('.')[1] ?? '', 'base64url').toString()) as {
      'cognito:username': string;
    };
    return payload['cognito:username'];
  }

  it('serves a session until sign-out (RevokeToken), then refuses it at the bound, with "Sign in again" words', async () => {
    const { session } = await signedIn(emu, auth);
    const event = await eventFor(session);
    const caller = await gateway.identify(event);
    assert.match(caller.identityId, /^us-east-1:|:/);
    assert.equal(caller.sub, JSON.parse(Buffer.from(session.idToken.split('.')[1] ?? '', 'base64url').toString()).sub);
    await auth.revoke(session);
    now += SESSION_RECHECK_MS;
    const err = await refusal(event);
    assert.equal(err.code, 'AccessDeniedException');
    assert.equal(err.status, 403);
    // The extension maps an "ID token" refusal to "Sign in again" (src/core/story/errors.ts).
    assert.match(err.message, /ID token was signed out or revoked/);
    // And it stays refused: a refusal is not remembered as a yes.
    now += 1;
    assert.equal((await refusal(event)).code, 'AccessDeniedException');
  });

  it('does not let one live session of a user vouch for another of theirs that was signed out', async () => {
    const { session: first } = await signedIn(emu, auth);
    const email = userOf(first);
    const second = await auth.signIn(email, 'Correct-Horse-9');
    assert.equal(second.kind, 'done');
    if (second.kind !== 'done') return;
    const [a, b] = [await eventFor(first), await eventFor(second.session)];
    await gateway.identify(a);
    await gateway.identify(b);
    await auth.revoke(first);
    now += SESSION_RECHECK_MS;
    // The second session is checked afresh and still served; the first is not carried by it.
    await gateway.identify(b);
    assert.equal((await refusal(a)).code, 'AccessDeniedException');
  });

  it('refuses every session of a user signed out everywhere (AdminUserGlobalSignOut) or disabled', async () => {
    const idp = new CognitoIdentityProviderClient({
      region: emu.region,
      endpoint: emu.endpoints.cognitoIdp,
      credentials: ADMIN,
    });
    try {
      const { session: globalOut } = await signedIn(emu, auth);
      const { session: disabled } = await signedIn(emu, auth);
      const [g, d] = [await eventFor(globalOut), await eventFor(disabled)];
      await gateway.identify(g);
      await gateway.identify(d);
      await idp.send(new AdminUserGlobalSignOutCommand({ UserPoolId: emu.userPoolId, Username: userOf(globalOut) }));
      await idp.send(new AdminDisableUserCommand({ UserPoolId: emu.userPoolId, Username: userOf(disabled) }));
      now += SESSION_RECHECK_MS;
      assert.equal((await refusal(g)).code, 'AccessDeniedException');
      assert.equal((await refusal(d)).code, 'AccessDeniedException');
    } finally {
      idp.destroy();
    }
  });

  it('asks the identity pool once per session per SESSION_RECHECK_MS, not once per story', async () => {
    const { session } = await signedIn(emu, auth);
    const event = await eventFor(session);
    emu.resetCounters();
    for (let i = 0; i < 5; i++) {
      await gateway.identify(event);
      now += SESSION_RECHECK_MS / 5 - 1;
    }
    assert.equal(emu.counters()['GetId'] ?? 0, 1);
    now += 5;
    await gateway.identify(event);
    assert.equal(emu.counters()['GetId'] ?? 0, 2);
  });

  it('an identity pool that cannot answer is "try again" (503), never a sign-out', async () => {
    const { session } = await signedIn(emu, auth);
    const event = await eventFor(session);
    await gateway.identify(event);
    now += SESSION_RECHECK_MS;
    emu.fault({ kind: 'error', operation: 'GetId', count: 10, error: 'InternalErrorException', status: 500 });
    try {
      const err = await refusal(event);
      assert.equal(err.code, 'ServiceUnavailableException');
      assert.equal(err.status, 503);
    } finally {
      emu.clearFaults();
    }
    // The pool answers again: the session is served.
    await gateway.identify(event);
  });
});
