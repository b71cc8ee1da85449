// What the check:stack tests share: an emulator per describe with the template mode under test,
// the stack's outputs as describe-stacks prints them for it, runs of the checks against it (the
// throwaway user gone after each), readers of the results, and the CLI as npm runs it.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { resolve } from 'node:path';
import { ListUsersCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { startEmulator } from '../../../emulator/src/emulator';
import type { RunningEmulator } from '../../../emulator/src/emulator';
import { allPassed, formatLine } from '../../../scripts/checkStack/report';
import type { CheckResult } from '../../../scripts/checkStack/report';
import { runChecks } from '../../../scripts/checkStack/run';
import type { CheckOptions } from '../../../scripts/checkStack/stack';

const ROOT = resolve(__dirname, '../../..');
export const ADMIN = { accessKeyId: 'AKIDLOCALADMIN000000', secretAccessKey: 'local-admin-secret' };

/** The stack's outputs as `aws cloudformation describe-stacks` prints them for this emulator. */
export function outputsOf(emu: RunningEmulator, overrides: Record<string, string> = {}): string {
  const p = emu.parameters;
  const providers = [
    'COGNITO',
    ...(p.GoogleClientId ? ['Google'] : []),
    ...(p.LoginWithAmazonClientId ? ['LoginWithAmazon'] : []),
  ];
  const values: Record<string, string> = {
    Region: emu.region,
    UserPoolId: emu.userPoolId,
    UserPoolClientId: emu.clientId,
    IdentityPoolId: emu.identityPoolId,
    HostedUiDomain: emu.hostedUiDomain ?? '',
    IdentityProviders: providers.join(','),
    LoopbackCallbackPort: String(p.LoopbackCallbackPort),
    StoryGatewayUrl: emu.storyGatewayUrl ?? '',
    AllowedModelIds: String(p.AllowedModelIds),
    // Content safety (#27): the policy and its guardrails, as the stack outputs them.
    ...Object.fromEntries(
      Object.entries(emu.outputs).filter(([k]) => /^(ContentSafety|(Standard|Strict)Guardrail(Id|Version))$/.test(k)),
    ),
    ...overrides,
  };
  const Outputs = Object.entries(values).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue }));
  return JSON.stringify({ Stacks: [{ StackName: 'storyteller-check', Outputs }] });
}

/** ListUsers finds no user the check created. */
export async function assertNoThrowawayUser(emu: RunningEmulator): Promise<void> {
  const idp = new CognitoIdentityProviderClient({
    region: emu.region,
    endpoint: emu.endpoints.cognitoIdp,
    credentials: ADMIN,
  });
  try {
    const out = await idp.send(
      new ListUsersCommand({ UserPoolId: emu.userPoolId, Filter: 'email ^= "storyteller-check-"' }),
    );
    assert.deepEqual(out.Users ?? [], [], 'the throwaway user is gone');
  } finally {
    idp.destroy();
  }
}

/** The emulator of a describe, and the checks run against it. */
export interface LocalStack {
  readonly emu: RunningEmulator;
  /** The checks on the emulator's outputs (with `overrides`); asserts the throwaway user is gone. */
  check(overrides?: Record<string, string>, options?: Partial<CheckOptions>): Promise<CheckResult[]>;
  /** The checks on outputs read some other way (`--stack`, or `outputsText`), as they come. */
  run(source: Pick<CheckOptions, 'stackName' | 'outputsText'>): Promise<CheckResult[]>;
}

/**
 * An emulator with the template's `params`, started before the describe's tests and stopped
 * after them; the faults a test injects are cleared after it.
 */
export function useLocalStack(params: Record<string, string>): LocalStack {
  let emu: RunningEmulator | undefined;
  before(async () => {
    emu = await startEmulator({ params });
  });
  after(() => emu?.stop());
  afterEach(() => emu?.clearFaults());
  const stack: LocalStack = {
    get emu() {
      assert.ok(emu, 'the emulator is started before the tests');
      return emu;
    },
    run: (source) => runChecks({ ...source, endpoint: stack.emu.endpoints.cognitoIdp, adminCredentials: ADMIN }),
    async check(overrides = {}, options = {}) {
      const results = await runChecks({
        outputsText: outputsOf(stack.emu, overrides),
        endpoint: stack.emu.endpoints.cognitoIdp,
        adminCredentials: ADMIN,
        ...options,
      });
      await assertNoThrowawayUser(stack.emu);
      return results;
    },
  };
  return stack;
}

export const byId = (results: readonly CheckResult[], id: string): CheckResult => {
  const r = results.find((x) => x.id === id);
  assert.ok(r, `no check ${id} in ${results.map((x) => x.id).join(', ')}`);
  return r;
};

export const failures = (results: readonly CheckResult[]): CheckResult[] => results.filter((r) => r.status === 'fail');

export function assertAllPass(results: readonly CheckResult[]): void {
  assert.deepEqual(failures(results).map(formatLine), []);
  assert.ok(allPassed(results));
}

/** The one failure: its id, its line (✗ title: detail) and its fix. */
export function assertOnlyFailure(results: readonly CheckResult[], id: string, detail: RegExp, fix: RegExp): void {
  const failed = failures(results);
  assert.deepEqual(
    failed.map((r) => r.id),
    [id],
    failed.map(formatLine).join('\n'),
  );
  const line = formatLine(failed[0]!);
  assert.match(line, /^✗ /);
  assert.match(line, detail);
  assert.match(failed[0]!.fix ?? '', fix);
  assert.ok(!allPassed(results));
}

/** The CLI as `npm run check:stack` runs it, with the deployer's credentials in its environment. */
export function spawnCli(args: readonly string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['--import', 'tsx', 'scripts/checkStack/cli.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, AWS_ACCESS_KEY_ID: ADMIN.accessKeyId, AWS_SECRET_ACCESS_KEY: ADMIN.secretAccessKey },
  });
}

export const exited = (child: ChildProcessWithoutNullStreams): Promise<number | null> =>
  new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
