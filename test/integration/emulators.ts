// The emulators that test/host/cli.ts started for this run, and helpers to talk to them.
import * as vscode from 'vscode';

export interface EmulatorInfo {
  readonly region: string;
  readonly userPoolId: string;
  readonly clientId: string;
  readonly clientSecret: string | null;
  readonly identityPoolId: string;
  readonly endpoints: {
    readonly cognitoIdp: string;
    readonly cognitoIdentity: string;
    readonly bedrockRuntime: string;
    readonly bedrock: string;
  };
  readonly outbox: string;
  /** Managed login's origin (test/host/cli.ts starts both emulators with a hosted domain). */
  readonly hostedUiDomain: string | null;
  /** The stack's outputs (describe-stacks' OutputKey → OutputValue). */
  readonly outputs: Readonly<Record<string, string>>;
}

export function emulators(): Record<'public' | 'secret', EmulatorInfo> {
  const raw = process.env.STORYTELLER_EMULATORS;
  if (!raw) throw new Error('STORYTELLER_EMULATORS is not set: run the suites with `npm run test:integration`.');
  return JSON.parse(raw);
}

/** Points the extension at an emulator, in user settings: the only place these settings count. */
export async function useEmulator(emu: EmulatorInfo): Promise<void> {
  const section = vscode.workspace.getConfiguration('storyteller');
  const values = [
    emu.region,
    emu.userPoolId,
    emu.clientId,
    emu.identityPoolId,
    emu.endpoints.cognitoIdp,
    emu.endpoints.cognitoIdentity,
    emu.endpoints.bedrockRuntime,
    emu.endpoints.bedrock,
  ];
  for (const [i, key] of KEYS.entries()) await section.update(key, values[i], vscode.ConfigurationTarget.Global);
}

const KEYS = [
  'region',
  'userPoolId',
  'clientId',
  'identityPoolId',
  'endpoints.cognitoIdp',
  'endpoints.cognitoIdentity',
  'endpoints.bedrockRuntime',
  'endpoints.bedrock',
];

export async function forgetEmulator(): Promise<void> {
  const section = vscode.workspace.getConfiguration('storyteller');
  for (const key of KEYS) await section.update(key, undefined, vscode.ConfigurationTarget.Global);
}

export async function latestCode(emu: EmulatorInfo, to: string, kind = 'confirmation'): Promise<string> {
  const list = (await (await fetch(`${emu.outbox}?to=${encodeURIComponent(to)}`)).json()) as {
    kind: string;
    code: string;
  }[];
  const found = list.filter((m) => m.kind === kind).pop();
  if (!found) throw new Error(`no ${kind} code for ${to}`);
  return found.code;
}

export async function counters(emu: EmulatorInfo): Promise<Record<string, number>> {
  return (await fetch(`${emu.endpoints.cognitoIdp}/_emulator/counters`)).json() as Promise<Record<string, number>>;
}

export async function resetCounters(emu: EmulatorInfo): Promise<void> {
  await fetch(`${emu.endpoints.cognitoIdp}/_emulator/counters`, { method: 'DELETE' });
}

/** Arms a fault (see emulator/README.md "Faults"). */
export async function fault(emu: EmulatorInfo, spec: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${emu.endpoints.cognitoIdp}/_emulator/faults`, {
    method: 'POST',
    body: JSON.stringify(spec),
  });
  if (!response.ok) throw new Error(`fault ${JSON.stringify(spec)} refused: ${await response.text()}`);
}

export async function clearFaults(emu: EmulatorInfo): Promise<void> {
  await fetch(`${emu.endpoints.cognitoIdp}/_emulator/faults`, { method: 'DELETE' });
}

/** One Cognito user pool call, as the AWS JSON protocol sends it. Any Authorization header makes an admin. */
export async function cognito(
  emu: EmulatorInfo,
  operation: string,
  input: Record<string, unknown>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(emu.endpoints.cognitoIdp, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AWSCognitoIdentityProviderService.${operation}`,
      ...(operation.startsWith('Admin') ? { authorization: 'AWS4-HMAC-SHA256 Credential=test' } : {}),
    },
    body: JSON.stringify(input),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Tokens per second of streams that start from now on; 0 = as fast as possible. */
export async function setStreamRate(emu: EmulatorInfo, tokensPerSecond: number): Promise<void> {
  await fetch(`${emu.endpoints.cognitoIdp}/_emulator/stream-rate`, {
    method: 'PUT',
    body: JSON.stringify({ tokensPerSecond }),
  });
}

/** The storyteller.contentSafety.* settings and the stack outputs they come from. */
const SAFETY_SETTINGS: Record<string, string> = {
  'contentSafety.policy': 'ContentSafety',
  'contentSafety.standardGuardrailId': 'StandardGuardrailId',
  'contentSafety.standardGuardrailVersion': 'StandardGuardrailVersion',
  'contentSafety.strictGuardrailId': 'StrictGuardrailId',
  'contentSafety.strictGuardrailVersion': 'StrictGuardrailVersion',
};

/** The emulator's guardrails as user settings, as Configure from Stack Outputs writes them; undefined clears them. */
export async function useSafetySettings(emu: EmulatorInfo | undefined): Promise<void> {
  const section = vscode.workspace.getConfiguration('storyteller');
  for (const [key, output] of Object.entries(SAFETY_SETTINGS))
    await section.update(key, emu ? emu.outputs[output] : undefined, vscode.ConfigurationTarget.Global);
}
