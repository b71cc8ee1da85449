// `npm run check:stack` against the emulator, through the real AWS SDK clients: every template
// mode passes, and each failure it can name (injected with the emulator's faults, or a stack that
// differs from its outputs) prints its line and its fix. The throwaway user is gone every time.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { resolve } from 'node:path';
import { ListUsersCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { startEmulator } from '../../../emulator/src/emulator';
import type { RunningEmulator } from '../../../emulator/src/emulator';
import { DIRECT_MODE_TEAM, NO_GUARDRAILS } from '../../../emulator/src/presets';
import { allPassed, formatLine } from '../../../scripts/checkStack/report';
import type { CheckResult } from '../../../scripts/checkStack/report';
import { runChecks } from '../../../scripts/checkStack/run';
import type { CheckOptions } from '../../../scripts/checkStack/stack';

const ROOT = resolve(__dirname, '../../..');
const ADMIN = { accessKeyId: 'AKIDLOCALADMIN000000', secretAccessKey: 'local-admin-secret' };
// Without guardrails until check:stack sends the stack's (#27).
const NO_BURST = { ...NO_GUARDRAILS, RequestBurstPerUser: '0', RequestsPerMinutePerUser: '0' };

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

async function check(
  emu: RunningEmulator,
  overrides: Record<string, string> = {},
  options: Partial<CheckOptions> = {},
): Promise<CheckResult[]> {
  const results = await runChecks({
    outputsText: outputsOf(emu, overrides),
    endpoint: emu.endpoints.cognitoIdp,
    adminCredentials: ADMIN,
    ...options,
  });
  await assertNoThrowawayUser(emu);
  return results;
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

const byId = (results: readonly CheckResult[], id: string): CheckResult => {
  const r = results.find((x) => x.id === id);
  assert.ok(r, `no check ${id} in ${results.map((x) => x.id).join(', ')}`);
  return r;
};

function assertAllPass(results: readonly CheckResult[]): void {
  const failed = results.filter((r) => r.status === 'fail');
  assert.deepEqual(failed.map(formatLine), []);
  assert.ok(allPassed(results));
}

/** The one failure: its id, its line (✗ title: detail) and its fix. */
function assertOnlyFailure(results: readonly CheckResult[], id: string, detail: RegExp, fix: RegExp): void {
  const failed = results.filter((r) => r.status === 'fail');
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

describe('npm run check:stack: direct mode', function () {
  this.timeout(60_000);
  let emu: RunningEmulator;
  before(async () => {
    emu = await startEmulator({ params: DIRECT_MODE_TEAM });
  });
  after(() => emu.stop());
  afterEach(() => emu.clearFaults());

  it('passes every check: app client, sign-in with SRP, refresh, credentials, each allowed model', async () => {
    const results = await check(emu);
    assertAllPass(results);
    for (const id of [
      'appClient.flows',
      'appClient.revocation',
      'appClient.secret',
      'user.create',
      'signIn.srp',
      'signIn.refresh',
      'credentials',
      'user.delete',
    ])
      assert.equal(byId(results, id).status, 'pass', id);
    assert.equal(byId(results, 'model:amazon.nova-lite-v1:0').status, 'pass');
    assert.equal(byId(results, 'model:amazon.nova-micro-v1:0').status, 'pass');
    assert.match(
      formatLine(byId(results, 'managedLogin')),
      /^– Managed login: skipped, the stack has no managed login domain/,
    );
    assert.equal(byId(results, 'contentSafety').status, 'skip');
  });

  it('--stack: reads the outputs with DescribeStacks (the emulator’s own stack) and passes every check', async () => {
    const results = await runChecks({
      stackName: emu.stackName,
      endpoint: emu.endpoints.cognitoIdp,
      adminCredentials: ADMIN,
    });
    await assertNoThrowawayUser(emu);
    assertAllPass(results);
    assert.match(
      formatLine(byId(results, 'outputs')),
      /^✓ Stack outputs: bedrock-storyteller-local in us-east-1, direct mode/,
    );
    assert.equal(byId(results, 'signIn.srp').status, 'pass');
    assert.equal(byId(results, 'model:amazon.nova-lite-v1:0').status, 'pass');
  });

  it('--stack with a name the account does not have: one ✗ line with CloudFormation’s words and the fix', async () => {
    const results = await runChecks({
      stackName: 'storyteller-typo',
      endpoint: emu.endpoints.cognitoIdp,
      adminCredentials: ADMIN,
    });
    assertOnlyFailure(
      results,
      'outputs',
      /Stack with id storyteller-typo does not exist/,
      /stack name and the Region.*--region/,
    );
    assert.equal(results.length, 1, 'nothing else runs without the outputs');
    assert.equal(emu.userCount(), 0);
  });

  it('model access not granted: the model’s line says so and names the Bedrock console page', async () => {
    emu.fault({
      kind: 'error',
      operation: 'Converse',
      error: 'AccessDeniedException',
      message: "You don't have access to the model with the specified model ID.",
    });
    const results = await check(emu);
    assertOnlyFailure(
      results,
      'model:amazon.nova-lite-v1:0',
      /model access not granted/,
      /Bedrock console \(us-east-1\) → Model access/,
    );
  });

  it('a model the role does not allow: the fix is AllowedModelIds', async () => {
    const results = await check(emu, { AllowedModelIds: 'amazon.nova-lite-v1:0,amazon.nova-pro-v1:0' });
    assertOnlyFailure(results, 'model:amazon.nova-pro-v1:0', /role does not allow it/, /AllowedModelIds/);
  });

  it('throttled: the line says throttled and the fix names Service Quotas', async () => {
    emu.fault({
      kind: 'error',
      operation: 'Converse',
      error: 'ThrottlingException',
      message: 'Too many requests, please wait before trying again.',
    });
    const results = await check(emu);
    assertOnlyFailure(results, 'model:amazon.nova-lite-v1:0', /throttled/, /Service Quotas/);
  });

  it('an email domain the pre sign-up trigger refuses: the fix is --email-domain, nothing is left behind', async () => {
    const results = await check(emu, {}, { emailDomain: 'elsewhere.org' });
    assertOnlyFailure(results, 'user.create', /UserLambdaValidationException/, /--email-domain/);
    assert.equal(byId(results, 'signIn.srp').status, 'skip');
  });

  it('a managed login domain in the outputs that the pool does not have: the domain’s line and its console page', async () => {
    const results = await check(emu, { HostedUiDomain: emu.endpoints.cognitoIdp });
    assertOnlyFailure(results, 'managedLogin.discovery', /without a domain/, /Branding → Domain|HostedUiDomainPrefix/);
  });

  it('unreadable outputs: one line, exit status not 0, no AWS call', async () => {
    emu.resetCounters();
    const results = await runChecks({
      outputsText: '{"Stacks": []}',
      endpoint: emu.endpoints.cognitoIdp,
      adminCredentials: ADMIN,
    });
    assertOnlyFailure(results, 'outputs', /No stack outputs found/, /describe-stacks/);
    assert.deepEqual(emu.counters(), {});
  });
});

describe('npm run check:stack: direct mode with content safety (Standard)', function () {
  this.timeout(60_000);
  let emu: RunningEmulator;
  before(async () => {
    emu = await startEmulator({ params: { ...DIRECT_MODE_TEAM, ContentSafety: 'Standard' } });
  });
  after(() => emu.stop());

  it('each model answers with the stack’s guardrail, and a call without it is denied', async () => {
    const results = await check(emu);
    assertAllPass(results);
    assert.equal(byId(results, 'model:amazon.nova-lite-v1:0').status, 'pass');
    assert.equal(byId(results, 'contentSafety').status, 'pass');
  });

  it('outputs without the guardrail ids: the models are refused, and the lines say the role refused them', async () => {
    const results = await check(emu, { ContentSafety: 'Off' });
    const failed = results.filter((r) => r.status === 'fail').map((r) => r.id);
    assert.deepEqual(failed, ['model:amazon.nova-lite-v1:0', 'model:amazon.nova-micro-v1:0']);
    assert.match(byId(results, 'model:amazon.nova-lite-v1:0').detail ?? '', /role does not allow it/);
  });
});

describe('npm run check:stack: a model that needs an inference profile', function () {
  this.timeout(60_000);
  let emu: RunningEmulator;
  before(async () => {
    emu = await startEmulator({
      params: { ...DIRECT_MODE_TEAM, AllowedModelIds: 'anthropic.claude-haiku-4-5-20251001-v1:0' },
    });
  });
  after(() => emu.stop());

  it('says so and names the profile id to use', async () => {
    const results = await check(emu);
    assertOnlyFailure(
      results,
      'model:anthropic.claude-haiku-4-5-20251001-v1:0',
      /inference profile/,
      /us\.anthropic\.claude-haiku-4-5-20251001-v1:0 in AllowedModelIds/,
    );
  });
});

describe('npm run check:stack: budget mode', function () {
  this.timeout(90_000);
  let emu: RunningEmulator;
  before(async () => {
    emu = await startEmulator({ params: NO_BURST });
  });
  after(() => emu.stop());
  afterEach(() => emu.clearFaults());

  it('Bedrock refuses the users, the gateway serves a one-token story per model and /usage', async () => {
    const results = await check(emu);
    assertAllPass(results);
    assert.equal(byId(results, 'bedrock.refused').status, 'pass');
    assert.equal(byId(results, 'gateway:amazon.nova-lite-v1:0').status, 'pass');
    assert.equal(byId(results, 'gateway:amazon.nova-micro-v1:0').status, 'pass');
    assert.match(byId(results, 'gateway.usage').detail ?? '', /tokens left today/);
    assert.equal(results.filter((r) => r.id.startsWith('model:')).length, 0);
  });

  it('--stack: the gateway’s function URL comes from DescribeStacks (the emulator’s address) and serves', async () => {
    const results = await runChecks({
      stackName: emu.stackName,
      endpoint: emu.endpoints.cognitoIdp,
      adminCredentials: ADMIN,
    });
    await assertNoThrowawayUser(emu);
    assertAllPass(results);
    assert.match(formatLine(byId(results, 'outputs')), /budget mode$/);
    assert.equal(byId(results, 'gateway:amazon.nova-lite-v1:0').status, 'pass');
    assert.equal(byId(results, 'gateway.usage').status, 'pass');
  });

  it('no requestContext.authorizer.iam.cognitoIdentity in the function URL event: said plainly', async () => {
    emu.fault({ kind: 'noCallerIdentity', count: 10 });
    const results = await check(emu);
    const failed = results.filter((r) => r.status === 'fail');
    assert.deepEqual(
      failed.map((r) => r.id),
      ['gateway:amazon.nova-lite-v1:0', 'gateway:amazon.nova-micro-v1:0', 'gateway.usage'],
    );
    for (const r of failed) {
      assert.match(formatLine(r), /had no requestContext\.authorizer\.iam\.cognitoIdentity/);
      assert.match(r.fix ?? '', /identity-pool credentials/);
    }
  });

  it('a missing function URL permission (Lambda’s 403 before the gateway): the fix names both permissions', async () => {
    emu.fault({
      kind: 'error',
      operation: 'InvokeFunctionUrl',
      error: 'AccessDeniedException',
      message: 'Forbidden',
      count: 10,
    });
    const results = await check(emu);
    const failed = results.filter((r) => r.status === 'fail');
    assert.deepEqual(
      failed.map((r) => r.id),
      ['gateway:amazon.nova-lite-v1:0', 'gateway:amazon.nova-micro-v1:0', 'gateway.usage'],
    );
    for (const r of failed) {
      assert.match(formatLine(r), /Lambda refused the call before the gateway ran/);
      assert.match(r.fix ?? '', /lambda:InvokeFunctionUrl and lambda:InvokeFunction/);
    }
  });
});

describe('npm run check:stack: managed login with Google', function () {
  this.timeout(60_000);
  let emu: RunningEmulator;
  before(async () => {
    emu = await startEmulator({
      params: {
        ...NO_BURST,
        HostedUiDomainPrefix: 'storyteller-check',
        GoogleClientId: 'google-client',
        GoogleClientSecret: 'google-secret',
      },
    });
  });
  after(() => emu.stop());

  it('passes: discovery document, the domain’s sign-in page, the Google hand-off, callback URLs', async () => {
    const results = await check(emu);
    assertAllPass(results);
    for (const id of [
      'appClient.urls',
      'managedLogin.discovery',
      'managedLogin.domain',
      'managedLogin.provider:Google',
    ])
      assert.equal(byId(results, id).status, 'pass', id);
  });

  it('an identity provider the outputs list but the pool lacks: its line and where to add it', async () => {
    const results = await check(emu, { IdentityProviders: 'COGNITO,Google,LoginWithAmazon' });
    assertOnlyFailure(
      results,
      'managedLogin.provider:LoginWithAmazon',
      /without a hand-off/,
      /Social and external providers/,
    );
  });

  it('a callback port the app client does not list: the app client’s and the domain’s lines', async () => {
    const results = await check(emu, { LoopbackCallbackPort: '54000' });
    const failed = results.filter((r) => r.status === 'fail').map((r) => r.id);
    assert.deepEqual(failed, ['appClient.urls', 'managedLogin.domain']);
    assert.match(byId(results, 'managedLogin.domain').fix ?? '', /http:\/\/127\.0\.0\.1:54000\/callback/);
  });
});

describe('npm run check:stack: an app client with a secret', function () {
  this.timeout(60_000);
  let emu: RunningEmulator;
  before(async () => {
    emu = await startEmulator({ params: { ...DIRECT_MODE_TEAM, GenerateClientSecret: 'true' } });
  });
  after(() => emu.stop());

  it('is a failure unless meant, and signs in with the secret either way', async () => {
    const results = await check(emu);
    assertOnlyFailure(results, 'appClient.secret', /has a secret/, /GenerateClientSecret=false|--with-client-secret/);
    assert.equal(byId(results, 'signIn.srp').status, 'pass');
  });

  it('passes with --with-client-secret', async () => {
    assertAllPass(await check(emu, {}, { clientSecretMeant: true }));
  });
});

describe('npm run check:stack: the command', function () {
  this.timeout(60_000);
  let emu: RunningEmulator;
  before(async () => {
    emu = await startEmulator({ params: DIRECT_MODE_TEAM });
  });
  after(() => emu.stop());
  afterEach(() => emu.clearFaults());

  /** The CLI as `npm run check:stack` runs it, the outputs on stdin. */
  function cli(args: string[], outputs: string): ChildProcessWithoutNullStreams {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'scripts/checkStack/cli.ts', '-', '--endpoint', emu.endpoints.cognitoIdp, ...args],
      {
        cwd: ROOT,
        env: { ...process.env, AWS_ACCESS_KEY_ID: ADMIN.accessKeyId, AWS_SECRET_ACCESS_KEY: ADMIN.secretAccessKey },
      },
    );
    child.stdin.end(outputs);
    return child;
  }

  const exited = (child: ChildProcessWithoutNullStreams) =>
    new Promise<number | null>((done) => child.once('exit', (code) => done(code)));

  it('--json: the results for CI, exit 0 when all pass and 1 when one fails', async () => {
    const good = cli(['--json'], outputsOf(emu));
    let out = '';
    good.stdout.on('data', (d: Buffer) => (out += d.toString()));
    assert.equal(await exited(good), 0);
    const parsed = JSON.parse(out) as { ok: boolean; results: CheckResult[] };
    assert.equal(parsed.ok, true);
    assert.ok(parsed.results.some((r) => r.id === 'signIn.srp' && r.status === 'pass'));

    emu.fault({ kind: 'error', operation: 'Converse', error: 'ThrottlingException' });
    assert.equal(await exited(cli(['--json'], outputsOf(emu))), 1);
    await assertNoThrowawayUser(emu);
  });

  it('--stack <unknown name>: the ✗ line and its fix on stdout, exit status 1', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'scripts/checkStack/cli.ts',
        '--stack',
        'no-such-stack',
        '--endpoint',
        emu.endpoints.cognitoIdp,
      ],
      {
        cwd: ROOT,
        env: { ...process.env, AWS_ACCESS_KEY_ID: ADMIN.accessKeyId, AWS_SECRET_ACCESS_KEY: ADMIN.secretAccessKey },
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    assert.equal(await exited(child as ChildProcessWithoutNullStreams), 1);
    assert.match(
      out,
      /^✗ Stack outputs: DescribeStacks no-such-stack: ValidationError: Stack with id no-such-stack does not exist$/m,
    );
    assert.match(out, /^ {4}→ Check the stack name and the Region/m);
    assert.match(out, /0 passed, 1 failed, 0 skipped/);
  });

  it('Ctrl-C mid-check deletes the throwaway user before it exits (130)', async () => {
    // The first model call hangs, so the interrupt lands between sign-in and the models.
    emu.fault({ kind: 'latency', operation: 'Converse', ms: 5_000, count: 1 });
    const child = cli([], outputsOf(emu));
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exit = exited(child);
    await new Promise<void>((ready) =>
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (/Identity-pool credentials/.test(out)) ready();
      }),
    );
    assert.equal(emu.userCount(), 1);
    child.kill('SIGINT');
    assert.equal(await exit, 130);
    assert.match(err, /✓ Throwaway user deleted/);
    await assertNoThrowawayUser(emu);
  });
});
