// Check Setup's pure logic: which steps run, what each failure says and which fix it offers, and
// that outside text stays text in the report.
import * as assert from 'node:assert/strict';
import { readConfig } from '../../../src/core/config';
import type { SettingKey } from '../../../src/core/config';
import { endpointsOf, fixesOf, runSetupChecks, setupReport } from '../../../src/core/setup/setupChecks';
import type { SetupDeps, SetupService } from '../../../src/core/setup/setupChecks';

const CONFIGURED: Partial<Record<SettingKey, unknown>> = {
  region: 'eu-west-1',
  userPoolId: 'eu-west-1_Abc123',
  clientId: 'client123',
  identityPoolId: 'eu-west-1:11111111-2222-3333-4444-555555555555',
};
const settings = (values: Partial<Record<SettingKey, unknown>> = CONFIGURED) => readConfig((k) => values[k]);

const service = (over: Partial<SetupService> = {}): SetupService => ({
  budgetMode: false,
  credentials: async () => undefined,
  probe: async () => undefined,
  budget: async () => null,
  ...over,
});

const deps = (over: Partial<SetupDeps> = {}): SetupDeps => ({
  settings: settings(),
  workspaceValues: [],
  reach: async () => undefined,
  session: async () => 'ada@example.com',
  service: async () => service(),
  ...over,
});

const statuses = (results: { id: string; status: string }[]) => results.map((r) => `${r.id}:${r.status}`);

describe('Check Setup (pure logic)', () => {
  it('a good setup: every step passes, no fix offered', async () => {
    const results = await runSetupChecks(deps());
    assert.deepEqual(statuses(results), [
      'settings:pass',
      'endpoint:Cognito user pools:pass',
      'endpoint:Cognito identity pools:pass',
      'endpoint:Bedrock:pass',
      'session:pass',
      'credentials:pass',
      'model:pass',
    ]);
    assert.deepEqual(fixesOf(results), []);
  });

  it('not configured: one failure, Configure from Stack Outputs, nothing else tried', async () => {
    let reached = 0;
    const results = await runSetupChecks(deps({ settings: settings({}), reach: async () => void reached++ }));
    assert.deepEqual(statuses(results), ['settings:fail']);
    assert.deepEqual(fixesOf(results), ['configure']);
    assert.equal(reached, 0);
  });

  it('credential settings in workspace settings are named, with Open Settings', async () => {
    const results = await runSetupChecks(deps({ workspaceValues: ['storyteller.region'] }));
    assert.equal(results[0]!.status, 'fail');
    assert.match(results[0]!.detail, /storyteller\.region are set in workspace settings/);
    assert.deepEqual(fixesOf(results), ['openSettings']);
  });

  it('an unreachable endpoint and a signed-out user: their lines and fixes, no credentials tried', async () => {
    let asked = false;
    const results = await runSetupChecks(
      deps({
        reach: async (url) => {
          if (url.includes('bedrock-runtime')) throw new Error('getaddrinfo ENOTFOUND');
        },
        session: async () => undefined,
        service: async () => ((asked = true), service()),
      }),
    );
    assert.equal(results.find((r) => r.id === 'endpoint:Bedrock')?.status, 'fail');
    assert.equal(results.find((r) => r.id === 'session')?.fix, 'signIn');
    assert.deepEqual(fixesOf(results), ['openSettings', 'signIn']);
    assert.equal(asked, false);
  });

  it('a session that cannot be refreshed (network) says why, and is not called signed out', async () => {
    const results = await runSetupChecks(
      deps({
        session: async () => {
          throw new Error('Cannot reach Amazon Cognito.');
        },
      }),
    );
    const session = results.find((r) => r.id === 'session');
    assert.deepEqual(
      [session?.status, session?.detail, session?.fix],
      ['fail', 'Cannot reach Amazon Cognito.', undefined],
    );
  });

  it('budget mode: the gateway is the endpoint, the one-token request goes there, the budget line is read', async () => {
    const config = settings({ ...CONFIGURED, storyGatewayUrl: 'https://abc.lambda-url.eu-west-1.on.aws' });
    assert.ok(config.ok);
    assert.deepEqual(
      endpointsOf(config.config).map(([name]) => name),
      ['Cognito user pools', 'Cognito identity pools', 'Story gateway'],
    );
    const usage = {
      day: '2026-01-01',
      dailyTokens: 50000,
      tokensUsed: 0,
      tokensReserved: 0,
      tokensLeft: 50000,
      requestsLeftThisMinute: null,
      resetsAt: '2026-01-02T00:00:00.000Z',
    };
    const results = await runSetupChecks(
      deps({
        settings: config,
        service: async () =>
          service({
            budgetMode: true,
            budget: async () => usage,
            probe: async () => ({ code: 'accessDenied', message: 'No access.' }),
          }),
      }),
    );
    const model = results.find((r) => r.id === 'model');
    assert.deepEqual([model?.status, model?.fix], ['fail', 'pickModel']);
    assert.match(model?.title ?? '', /Story gateway answers/);
    assert.equal(results.find((r) => r.id === 'budget')?.detail, '50000 of 50000 tokens left today.');
  });

  it('the report keeps outside text as text: no link, no command, no heading from a message', async () => {
    const results = await runSetupChecks(
      deps({
        service: async () =>
          service({ probe: async () => ({ code: 'validation', message: '[Fix](command:evil) # now' }) }),
      }),
    );
    const report = setupReport(results);
    assert.match(report, /✗ \*\*Model amazon\.nova-lite-v1:0 answers\*\*: \\\[Fix\\\]\\\(command:evil\\\) \\# now/);
    assert.doesNotMatch(report, /\]\(command:/);
  });
});
