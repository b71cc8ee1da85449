// Shared set-up for the conformance suite: an emulator per describe block and real SDK clients.
import { CognitoIdentityClient } from '@aws-sdk/client-cognito-identity';
import {
  CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  InitiateAuthCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { AuthenticationResultType } from '@aws-sdk/client-cognito-identity-provider';
import { createHmac } from 'node:crypto';
import { resolve } from 'node:path';
import { DEFAULT_TEMPLATE, startEmulator } from '../src/emulator';
import type { EmulatorOptions, RunningEmulator } from '../src/emulator';

export const FIXTURE_TEMPLATE = resolve(__dirname, 'fixtures', 'template.yaml');

/** Admin calls are signed; any static key will do locally. */
export const ADMIN_CREDENTIALS = { accessKeyId: 'AKIDLOCALADMIN000000', secretAccessKey: 'local-admin-secret' };

export const PASSWORD = 'Correct-Horse-9';

export function start(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator({ templatePath: DEFAULT_TEMPLATE, ...options });
}

export function idpClient(emu: RunningEmulator): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({
    region: emu.region,
    endpoint: emu.endpoints.cognitoIdp,
    credentials: ADMIN_CREDENTIALS,
  });
}

export function identityClient(emu: RunningEmulator): CognitoIdentityClient {
  return new CognitoIdentityClient({
    region: emu.region,
    endpoint: emu.endpoints.cognitoIdentity,
    credentials: ADMIN_CREDENTIALS,
  });
}

export function secretHash(emu: RunningEmulator, username: string): string | undefined {
  return emu.clientSecret
    ? createHmac('sha256', emu.clientSecret)
        .update(username + emu.clientId)
        .digest('base64')
    : undefined;
}

let counter = 0;
export function uniqueEmail(prefix = 'user'): string {
  return `${prefix}.${process.pid}.${Date.now().toString(36)}.${counter++}@example.com`;
}

export async function latestCode(emu: RunningEmulator, to: string, kind = 'confirmation'): Promise<string> {
  const res = await fetch(`${emu.outbox}?to=${encodeURIComponent(to)}`);
  const list = (await res.json()) as { kind: string; code: string }[];
  const found = list.filter((m) => m.kind === kind).pop();
  if (!found) throw new Error(`no ${kind} message for ${to}`);
  return found.code;
}

/** Signs up, confirms through the outbox, and signs in with USER_PASSWORD_AUTH. */
export async function newSignedInUser(
  emu: RunningEmulator,
  email = uniqueEmail(),
): Promise<{ email: string; tokens: AuthenticationResultType; sub: string }> {
  const idp = idpClient(emu);
  const hash = secretHash(emu, email);
  const up = await idp.send(
    new SignUpCommand({ ClientId: emu.clientId, Username: email, Password: PASSWORD, SecretHash: hash }),
  );
  if (!up.UserConfirmed) {
    await idp.send(
      new ConfirmSignUpCommand({
        ClientId: emu.clientId,
        Username: email,
        ConfirmationCode: await latestCode(emu, email),
        SecretHash: hash,
      }),
    );
  }
  const auth = await idp.send(
    new InitiateAuthCommand({
      ClientId: emu.clientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: email, PASSWORD, ...(hash ? { SECRET_HASH: hash } : {}) },
    }),
  );
  if (!auth.AuthenticationResult) throw new Error(`sign-in ended in challenge ${auth.ChallengeName}`);
  return { email, tokens: auth.AuthenticationResult, sub: up.UserSub ?? '' };
}

/** Asserts that a promise rejects with an AWS error of this name (and message, if given). */
export async function rejectsWith(
  p: Promise<unknown>,
  name: string,
  message?: string | RegExp,
): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await p;
  } catch (err) {
    const e = err as Error & { $metadata?: { httpStatusCode?: number } };
    if (e.name !== name) throw new Error(`expected ${name}, got ${e.name}: ${e.message}`, { cause: err });
    if (message !== undefined && !(typeof message === 'string' ? e.message === message : message.test(e.message))) {
      throw new Error(`expected message ${String(message)}, got "${e.message}"`, { cause: err });
    }
    return e;
  }
  throw new Error(`expected ${name}, but the call succeeded`);
}
