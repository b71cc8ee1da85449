// Shared set-up for the AWS tests and the benchmark: a signed-in SessionManager against the
// emulator, and a StorytellerConfig pointing at it.
import { CognitoAuth } from '../../src/core/auth/cognito';
import { SessionManager } from '../../src/core/auth/session';
import type { Session } from '../../src/core/auth/session';
import { readConfig } from '../../src/core/config';
import type { SettingKey, StorytellerConfig } from '../../src/core/config';
import type { RunningEmulator } from '../../emulator/src/emulator';
import { PASSWORD, uniqueEmail } from './accounts';
import { MemoryStore } from './sessionStore';

export function authFor(emu: RunningEmulator): CognitoAuth {
  return new CognitoAuth({
    region: emu.region,
    userPoolId: emu.userPoolId,
    clientId: emu.clientId,
    authFlow: 'USER_PASSWORD_AUTH',
    endpoint: emu.endpoints.cognitoIdp,
    clientSecret: async () => emu.clientSecret ?? undefined,
  });
}

/** Signs a new user up and in; returns their SessionManager (real refresh through Cognito). */
export async function signedIn(
  emu: RunningEmulator,
  auth: CognitoAuth,
): Promise<{ sessions: SessionManager; session: Session; store: MemoryStore }> {
  const email = uniqueEmail('writer');
  const signedUp = await auth.signUp(email, PASSWORD);
  if (!signedUp.confirmed) {
    const code = emu
      .outboxMessages(email)
      .filter((m) => m.kind === 'confirmation')
      .pop()?.code;
    if (!code) throw new Error(`no confirmation code for ${email}`);
    await auth.confirmSignUp(email, code);
  }
  const step = await auth.signIn(email, PASSWORD);
  if (step.kind !== 'done') throw new Error(`sign-in stopped at ${step.kind}`);
  const store = new MemoryStore();
  const sessions = new SessionManager({ store, refresh: (s) => auth.refresh(s) });
  await sessions.signIn(step.session);
  return { sessions, session: step.session, store };
}

export function configFor(
  emu: RunningEmulator,
  overrides: Partial<Record<SettingKey, unknown>> = {},
): StorytellerConfig {
  const values: Partial<Record<SettingKey, unknown>> = {
    region: emu.region,
    userPoolId: emu.userPoolId,
    clientId: emu.clientId,
    identityPoolId: emu.identityPoolId,
    'endpoints.cognitoIdp': emu.endpoints.cognitoIdp,
    'endpoints.cognitoIdentity': emu.endpoints.cognitoIdentity,
    'endpoints.bedrockRuntime': emu.endpoints.bedrockRuntime,
    'endpoints.bedrock': emu.endpoints.bedrock,
    ...overrides,
  };
  const result = readConfig((key) => values[key]);
  if (!result.ok) throw new Error(result.problems.map((p) => p.message).join(' '));
  return result.config;
}

/** The emulator's Cognito identity-pool and user-pool call counts. */
export function cognitoCalls(emu: RunningEmulator): { getId: number; getCredentials: number; initiateAuth: number } {
  const c = emu.counters();
  return { getId: c.GetId ?? 0, getCredentials: c.GetCredentialsForIdentity ?? 0, initiateAuth: c.InitiateAuth ?? 0 };
}
