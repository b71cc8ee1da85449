// Sign-in flows as data: getFlows() chooses by what each flow needs, and each flow's options say
// truly what it sends. The flows run against a recording wire here (pure logic); against the
// emulator through the real SDK client in test/aws/auth/cognito.test.ts.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type {
  InitiateAuthCommandOutput,
  RespondToAuthChallengeCommandOutput,
} from '@aws-sdk/client-cognito-identity-provider';
import { asksPassword, AUTH_FLOWS } from '../../../src/core/auth/flows/flow';
import type { BrowserSignInRequest, PendingBrowserSignIn } from '../../../src/core/auth/browser/managedLogin';
import type { CognitoWire, SignInStep } from '../../../src/core/auth/flows/flow';
import { ALL_FLOWS, getFlows } from '../../../src/core/auth/flows/getFlows';
import { managedLoginFlow } from '../../../src/core/auth/flows/managedLoginFlow';
import { userPasswordAuth } from '../../../src/core/auth/flows/userPasswordAuth';
import { userSrpAuth } from '../../../src/core/auth/flows/userSrpAuth';
import { PASSWORD } from '../../support/accounts';

const SUB = '7d8f2a1c-0b3e-4c5d-9e6f-1a2b3c4d5e6f';

interface Call {
  readonly op: 'initiate' | 'respond';
  readonly name: string;
  readonly username: string;
  readonly params: Record<string, string>;
  readonly session?: string;
}

/** Plays Cognito's part: SRP gets a PASSWORD_VERIFIER challenge, anything else is done. */
function recordingWire(): { wire: CognitoWire; calls: Call[] } {
  const calls: Call[] = [];
  const done: SignInStep = { kind: 'mfaCode', respond: () => Promise.reject(new Error('unused')) };
  const wire: CognitoWire = {
    userPoolId: 'us-east-1_Flows1',
    initiate: async (authFlow, username, params) => {
      calls.push({ op: 'initiate', name: authFlow, username, params });
      if (authFlow !== 'USER_SRP_AUTH') return { $metadata: {} } as InitiateAuthCommandOutput;
      return {
        $metadata: {},
        ChallengeName: 'PASSWORD_VERIFIER',
        Session: 'srp-session',
        ChallengeParameters: {
          USER_ID_FOR_SRP: SUB,
          SALT: randomBytes(16).toString('hex'),
          SRP_B: randomBytes(384).toString('hex'),
          SECRET_BLOCK: randomBytes(64).toString('base64'),
        },
      };
    },
    respond: async (challenge, username, params, session) => {
      calls.push({ op: 'respond', name: challenge, username, params, ...(session ? { session } : {}) });
      return { $metadata: {} } as RespondToAuthChallengeCommandOutput;
    },
    next: async () => done,
  };
  return { wire, calls };
}

describe('sign-in flows as data', () => {
  it('getFlows chooses the SRP flow for USER_SRP_AUTH and the password flow for USER_PASSWORD_AUTH', () => {
    assert.deepEqual(getFlows({ authFlow: 'USER_SRP_AUTH', managedLogin: false }), [userSrpAuth]);
    assert.deepEqual(getFlows({ authFlow: 'USER_PASSWORD_AUTH', managedLogin: false }), [userPasswordAuth]);
  });

  it('getFlows offers the browser first when a managed login domain is set, and never without one', () => {
    assert.deepEqual(getFlows({ authFlow: 'USER_SRP_AUTH', managedLogin: true }), [managedLoginFlow, userSrpAuth]);
    assert.deepEqual(getFlows({ authFlow: 'USER_PASSWORD_AUTH', managedLogin: true }), [
      managedLoginFlow,
      userPasswordAuth,
    ]);
    assert.equal(asksPassword(managedLoginFlow), false);
    assert.equal(managedLoginFlow.options.sendsPassword, false);
  });

  it('has a password flow for every value storyteller.authFlow accepts, and unique flow ids and choices', () => {
    for (const authFlow of AUTH_FLOWS)
      assert.ok(getFlows({ authFlow, managedLogin: false }).some(asksPassword), `no flow for ${authFlow}`);
    assert.equal(new Set(ALL_FLOWS.map((f) => f.id)).size, ALL_FLOWS.length);
    assert.deepEqual(
      [...new Set(ALL_FLOWS.map((f) => f.label()))],
      ['Sign In with Browser…', 'Sign In with Email and Password…'],
      'the password flows are one choice for the user',
    );
  });

  it('the browser flow starts managed login with the request as given', async () => {
    const requests: unknown[] = [];
    const pending = { authorizeUrl: 'https://example.auth/oauth2/authorize' } as PendingBrowserSignIn;
    const login = {
      start: async (request: BrowserSignInRequest) => {
        requests.push(request);
        return pending;
      },
    };
    const request = { redirectUri: 'http://127.0.0.1:53682/callback', identityProvider: 'Google' };
    assert.equal(await managedLoginFlow.start(login, request), pending);
    assert.deepEqual(requests, [request]);
  });

  for (const flow of ALL_FLOWS.filter(asksPassword)) {
    it(`${flow.id}: sends the password exactly when its options say so`, async () => {
      const { wire, calls } = recordingWire();
      await flow.start(wire, { username: 'ann@example.com', password: PASSWORD });
      const sent = calls.some((c) => Object.values(c.params).some((v) => v.includes(PASSWORD)));
      assert.equal(sent, flow.options.sendsPassword, JSON.stringify(calls.map((c) => c.name)));
      assert.equal(calls[0]?.op, 'initiate');
      assert.equal(calls[0]?.name, flow.options.appClientFlow);
      assert.equal(calls[0]?.params.USERNAME, 'ann@example.com');
    });
  }

  it('SRP answers PASSWORD_VERIFIER as the user id Cognito names, in the challenge session', async () => {
    const { wire, calls } = recordingWire();
    await userSrpAuth.start(wire, { username: 'ann@example.com', password: PASSWORD });
    assert.equal(calls.length, 2);
    const [initiate, respond] = calls;
    assert.match(initiate!.params.SRP_A ?? '', /^[0-9a-f]+$/);
    assert.equal(respond!.name, 'PASSWORD_VERIFIER');
    // SECRET_HASH is computed for this username, so it must be the sub, not the email.
    assert.equal(respond!.username, SUB);
    assert.equal(respond!.params.USERNAME, SUB);
    assert.equal(respond!.session, 'srp-session');
    assert.ok(respond!.params.PASSWORD_CLAIM_SIGNATURE && respond!.params.TIMESTAMP);
  });

  it('the password flow is one InitiateAuth call with the password', async () => {
    const { wire, calls } = recordingWire();
    await userPasswordAuth.start(wire, { username: 'ann@example.com', password: PASSWORD });
    assert.deepEqual(calls, [
      {
        op: 'initiate',
        name: 'USER_PASSWORD_AUTH',
        username: 'ann@example.com',
        params: { USERNAME: 'ann@example.com', PASSWORD },
      },
    ]);
  });
});
