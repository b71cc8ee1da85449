// `npm run check:stack` against the emulator, through the real AWS SDK clients: every template
// mode passes, and each failure it can name (injected with the emulator's faults, or a stack that
// differs from its outputs) prints its line and its fix. The throwaway user is gone every time.
import * as assert from 'node:assert/strict';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { DIRECT_MODE_TEAM, NO_GUARDRAILS } from '../../../emulator/src/presets';
import { formatLine } from '../../../scripts/checkStack/report';
import type { CheckResult } from '../../../scripts/checkStack/report';
import {
  assertAllPass,
  assertNoThrowawayUser,
  assertOnlyFailure,
  byId,
  exited,
  failures,
  outputsOf,
  spawnCli,
  useLocalStack,
} from './localStack';

// Without guardrails until check:stack sends the stack's (#27).
const NO_BURST = { ...NO_GUARDRAILS, RequestBurstPerUser: '0', RequestsPerMinutePerUser: '0' };
/** Budget mode's checks that go through the gateway, one a model and /usage. */
const GATEWAY_CHECKS = ['gateway:amazon.nova-lite-v1:0', 'gateway:amazon.nova-micro-v1:0', 'gateway.usage'];

/** Every gateway check fails, each with `line` and `fix`. */
function assertGatewayFails(results: readonly CheckResult[], line: RegExp, fix: RegExp): void {
  const failed = failures(results);
  assert.deepEqual(
    failed.map((r) => r.id),
    GATEWAY_CHECKS,
  );
  for (const r of failed) {
    assert.match(formatLine(r), line);
    assert.match(r.fix ?? '', fix);
  }
}

describe('npm run check:stack: direct mode', function () {
  this.timeout(60_000);
  const stack = useLocalStack(DIRECT_MODE_TEAM);

  it('passes every check: app client, sign-in with SRP, refresh, credentials, each allowed model', async () => {
    const results = await stack.check();
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
    const results = await stack.run({ stackName: stack.emu.stackName });
    await assertNoThrowawayUser(stack.emu);
    assertAllPass(results);
    assert.match(
      formatLine(byId(results, 'outputs')),
      /^✓ Stack outputs: bedrock-storyteller-local in us-east-1, direct mode/,
    );
    assert.equal(byId(results, 'signIn.srp').status, 'pass');
    assert.equal(byId(results, 'model:amazon.nova-lite-v1:0').status, 'pass');
  });

  it('--stack with a name the account does not have: one ✗ line with CloudFormation’s words and the fix', async () => {
    const results = await stack.run({ stackName: 'storyteller-typo' });
    assertOnlyFailure(
      results,
      'outputs',
      /Stack with id storyteller-typo does not exist/,
      /stack name and the Region.*--region/,
    );
    assert.equal(results.length, 1, 'nothing else runs without the outputs');
    assert.equal(stack.emu.userCount(), 0);
  });

  it('model access not granted: the model’s line says so and names the Bedrock console page', async () => {
    stack.emu.fault({
      kind: 'error',
      operation: 'Converse',
      error: 'AccessDeniedException',
      message: "You don't have access to the model with the specified model ID.",
    });
    const results = await stack.check();
    assertOnlyFailure(
      results,
      'model:amazon.nova-lite-v1:0',
      /model access not granted/,
      /Bedrock console \(us-east-1\) → Model access/,
    );
  });

  it('a model the role does not allow: the fix is AllowedModelIds', async () => {
    const results = await stack.check({ AllowedModelIds: 'amazon.nova-lite-v1:0,amazon.nova-pro-v1:0' });
    assertOnlyFailure(results, 'model:amazon.nova-pro-v1:0', /role does not allow it/, /AllowedModelIds/);
  });

  it('throttled: the line says throttled and the fix names Service Quotas', async () => {
    stack.emu.fault({
      kind: 'error',
      operation: 'Converse',
      error: 'ThrottlingException',
      message: 'Too many requests, please wait before trying again.',
    });
    const results = await stack.check();
    assertOnlyFailure(results, 'model:amazon.nova-lite-v1:0', /throttled/, /Service Quotas/);
  });

  it('an email domain the pre sign-up trigger refuses: the fix is --email-domain, nothing is left behind', async () => {
    const results = await stack.check({}, { emailDomain: 'elsewhere.org' });
    assertOnlyFailure(results, 'user.create', /UserLambdaValidationException/, /--email-domain/);
    assert.equal(byId(results, 'signIn.srp').status, 'skip');
  });

  it('a managed login domain in the outputs that the pool does not have: the domain’s line and its console page', async () => {
    const results = await stack.check({ HostedUiDomain: stack.emu.endpoints.cognitoIdp });
    assertOnlyFailure(results, 'managedLogin.discovery', /without a domain/, /Branding → Domain|HostedUiDomainPrefix/);
  });

  it('unreadable outputs: one line, exit status not 0, no AWS call', async () => {
    stack.emu.resetCounters();
    const results = await stack.run({ outputsText: '{"Stacks": []}' });
    assertOnlyFailure(results, 'outputs', /No stack outputs found/, /describe-stacks/);
    assert.deepEqual(stack.emu.counters(), {});
  });
});

describe('npm run check:stack: direct mode with content safety (Standard)', function () {
  this.timeout(60_000);
  const stack = useLocalStack({ ...DIRECT_MODE_TEAM, ContentSafety: 'Standard' });

  it('each model answers with the stack’s guardrail, and a call without it is denied', async () => {
    const results = await stack.check();
    assertAllPass(results);
    assert.equal(byId(results, 'model:amazon.nova-lite-v1:0').status, 'pass');
    assert.equal(byId(results, 'contentSafety').status, 'pass');
  });

  it('outputs without the guardrail ids: the models are refused, and the lines say the role refused them', async () => {
    const results = await stack.check({ ContentSafety: 'Off' });
    const failed = failures(results).map((r) => r.id);
    assert.deepEqual(failed, ['model:amazon.nova-lite-v1:0', 'model:amazon.nova-micro-v1:0']);
    assert.match(byId(results, 'model:amazon.nova-lite-v1:0').detail ?? '', /role does not allow it/);
  });
});

describe('npm run check:stack: a model that needs an inference profile', function () {
  this.timeout(60_000);
  const stack = useLocalStack({ ...DIRECT_MODE_TEAM, AllowedModelIds: 'anthropic.claude-haiku-4-5-20251001-v1:0' });

  it('says so and names the profile id to use', async () => {
    const results = await stack.check();
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
  const stack = useLocalStack(NO_BURST);

  it('Bedrock refuses the users, the gateway serves a one-token story per model and /usage', async () => {
    const results = await stack.check();
    assertAllPass(results);
    assert.equal(byId(results, 'bedrock.refused').status, 'pass');
    assert.equal(byId(results, 'gateway:amazon.nova-lite-v1:0').status, 'pass');
    assert.equal(byId(results, 'gateway:amazon.nova-micro-v1:0').status, 'pass');
    assert.match(byId(results, 'gateway.usage').detail ?? '', /tokens left today/);
    assert.equal(results.filter((r) => r.id.startsWith('model:')).length, 0);
  });

  it('--stack: the gateway’s function URL comes from DescribeStacks (the emulator’s address) and serves', async () => {
    const results = await stack.run({ stackName: stack.emu.stackName });
    await assertNoThrowawayUser(stack.emu);
    assertAllPass(results);
    assert.match(formatLine(byId(results, 'outputs')), /budget mode$/);
    assert.equal(byId(results, 'gateway:amazon.nova-lite-v1:0').status, 'pass');
    assert.equal(byId(results, 'gateway.usage').status, 'pass');
  });

  it('no requestContext.authorizer.iam.cognitoIdentity in the function URL event: said plainly', async () => {
    stack.emu.fault({ kind: 'noCallerIdentity', count: 10 });
    const results = await stack.check();
    assertGatewayFails(results, /had no requestContext\.authorizer\.iam\.cognitoIdentity/, /identity-pool credentials/);
  });

  it('a missing function URL permission (Lambda’s 403 before the gateway): the fix names both permissions', async () => {
    stack.emu.fault({
      kind: 'error',
      operation: 'InvokeFunctionUrl',
      error: 'AccessDeniedException',
      message: 'Forbidden',
      count: 10,
    });
    const results = await stack.check();
    assertGatewayFails(
      results,
      /Lambda refused the call before the gateway ran/,
      /lambda:InvokeFunctionUrl and lambda:InvokeFunction/,
    );
  });
});

describe('npm run check:stack: managed login with Google', function () {
  this.timeout(60_000);
  const stack = useLocalStack({
    ...NO_BURST,
    HostedUiDomainPrefix: 'storyteller-check',
    GoogleClientId: 'google-client',
    GoogleClientSecret: 'google-secret',
  });

  it('passes: discovery document, the domain’s sign-in page, the Google hand-off, callback URLs', async () => {
    const results = await stack.check();
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
    const results = await stack.check({ IdentityProviders: 'COGNITO,Google,LoginWithAmazon' });
    assertOnlyFailure(
      results,
      'managedLogin.provider:LoginWithAmazon',
      /without a hand-off/,
      /Social and external providers/,
    );
  });

  it('a callback port the app client does not list: the app client’s and the domain’s lines', async () => {
    const results = await stack.check({ LoopbackCallbackPort: '54000' });
    const failed = failures(results).map((r) => r.id);
    assert.deepEqual(failed, ['appClient.urls', 'managedLogin.domain']);
    assert.match(byId(results, 'managedLogin.domain').fix ?? '', /http:\/\/127\.0\.0\.1:54000\/callback/);
  });
});

describe('npm run check:stack: an app client with a secret', function () {
  this.timeout(60_000);
  const stack = useLocalStack({ ...DIRECT_MODE_TEAM, GenerateClientSecret: 'true' });

  it('is a failure unless meant, and signs in with the secret either way', async () => {
    const results = await stack.check();
    assertOnlyFailure(results, 'appClient.secret', /has a secret/, /GenerateClientSecret=false|--with-client-secret/);
    assert.equal(byId(results, 'signIn.srp').status, 'pass');
  });

  it('passes with --with-client-secret', async () => {
    assertAllPass(await stack.check({}, { clientSecretMeant: true }));
  });
});

describe('npm run check:stack: the command', function () {
  this.timeout(60_000);
  const stack = useLocalStack(DIRECT_MODE_TEAM);

  /** The CLI with the outputs on stdin. */
  function cli(args: string[], outputs: string): ChildProcessWithoutNullStreams {
    const child = spawnCli(['-', '--endpoint', stack.emu.endpoints.cognitoIdp, ...args]);
    child.stdin.end(outputs);
    return child;
  }

  it('--json: the results for CI, exit 0 when all pass and 1 when one fails', async () => {
    const good = cli(['--json'], outputsOf(stack.emu));
    let out = '';
    good.stdout.on('data', (d: Buffer) => (out += d.toString()));
    assert.equal(await exited(good), 0);
    const parsed = JSON.parse(out) as { ok: boolean; results: CheckResult[] };
    assert.equal(parsed.ok, true);
    assert.ok(parsed.results.some((r) => r.id === 'signIn.srp' && r.status === 'pass'));

    stack.emu.fault({ kind: 'error', operation: 'Converse', error: 'ThrottlingException' });
    assert.equal(await exited(cli(['--json'], outputsOf(stack.emu))), 1);
    await assertNoThrowawayUser(stack.emu);
  });

  it('--stack <unknown name>: the ✗ line and its fix on stdout, exit status 1', async () => {
    const child = spawnCli(['--stack', 'no-such-stack', '--endpoint', stack.emu.endpoints.cognitoIdp]);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    assert.equal(await exited(child), 1);
    assert.match(
      out,
      /^✗ Stack outputs: DescribeStacks no-such-stack: ValidationError: Stack with id no-such-stack does not exist$/m,
    );
    assert.match(out, /^ {4}→ Check the stack name and the Region/m);
    assert.match(out, /0 passed, 1 failed, 0 skipped/);
  });

  it('Ctrl-C mid-check deletes the throwaway user before it exits (130)', async () => {
    // The first model call hangs, so the interrupt lands between sign-in and the models.
    stack.emu.fault({ kind: 'latency', operation: 'Converse', ms: 5_000, count: 1 });
    const child = cli([], outputsOf(stack.emu));
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
    assert.equal(stack.emu.userCount(), 1);
    child.kill('SIGINT');
    assert.equal(await exit, 130);
    assert.match(err, /✓ Throwaway user deleted/);
    await assertNoThrowawayUser(stack.emu);
  });
});
