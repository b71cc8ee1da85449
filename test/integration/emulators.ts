// The emulators that test/host/cli.ts started for this run, and helpers to talk to them.
import * as vscode from 'vscode';

export interface EmulatorInfo {
  readonly region: string;
  readonly userPoolId: string;
  readonly clientId: string;
  readonly clientSecret: string | null;
  readonly identityPoolId: string;
  readonly endpoints: { readonly cognitoIdp: string; readonly cognitoIdentity: string; readonly bedrockRuntime: string; readonly bedrock: string };
  readonly outbox: string;
}

export function emulators(): Record<'public' | 'secret', EmulatorInfo> {
  const raw = process.env.STORYTELLER_EMULATORS;
  if (!raw) throw new Error('STORYTELLER_EMULATORS is not set: run the suites with `npm run test:integration`.');
  return JSON.parse(raw);
}

/** Points the extension at an emulator, at workspace scope. */
export async function useEmulator(emu: EmulatorInfo): Promise<void> {
  const section = vscode.workspace.getConfiguration('storyteller');
  const values = [emu.region, emu.userPoolId, emu.clientId, emu.identityPoolId, emu.endpoints.cognitoIdp, emu.endpoints.cognitoIdentity, emu.endpoints.bedrockRuntime];
  for (const [i, key] of KEYS.entries()) await section.update(key, values[i], vscode.ConfigurationTarget.Workspace);
}

const KEYS = ['region', 'userPoolId', 'clientId', 'identityPoolId', 'endpoints.cognitoIdp', 'endpoints.cognitoIdentity', 'endpoints.bedrockRuntime'];

export async function forgetEmulator(): Promise<void> {
  const section = vscode.workspace.getConfiguration('storyteller');
  for (const key of KEYS) await section.update(key, undefined, vscode.ConfigurationTarget.Workspace);
}

export async function latestCode(emu: EmulatorInfo, to: string, kind = 'confirmation'): Promise<string> {
  const list = (await (await fetch(`${emu.outbox}?to=${encodeURIComponent(to)}`)).json()) as { kind: string; code: string }[];
  const found = list.filter((m) => m.kind === kind).pop();
  if (!found) throw new Error(`no ${kind} code for ${to}`);
  return found.code;
}

export async function counters(emu: EmulatorInfo): Promise<Record<string, number>> {
  return (await fetch(`${emu.endpoints.cognitoIdp}/_emulator/counters`)).json() as Promise<Record<string, number>>;
}
