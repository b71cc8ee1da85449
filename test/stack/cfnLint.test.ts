// cfn-lint (the CloudFormation linter, with AWS's SAM translator) on infra/template.yaml: clean,
// and planted defects that only it catches, all in one cfn-lint run (it takes seconds to start).
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatFinding } from '../../infra/check/finding';
import type { Finding } from '../../infra/check/finding';
import { CFN_LINT_VERSION, CfnLintMissing, findCfnLint, runCfnLint } from '../../infra/check/cfnLint';
import { Scratch, TEMPLATE_PATH, plantText } from '../unit/infra/plant';

const PLANTS = {
  deprecatedRuntime: ['Runtime: nodejs22.x', 'Runtime: nodejs16.x'],
  badRetention: ['RetentionInDays: !Ref TriggerLogRetentionDays', 'RetentionInDays: 31'],
  ruleTypo: ["- Assert: !Equals [!Ref AllowSelfSignUp, 'false']", "- Assert: !Equals [!Ref AllowSelfSignup, 'false']"],
  retentionChoices: ['AllowedValues: [1, 3, 5, 7, 14, 30,', 'AllowedValues: [1, 2, 5, 7, 14, 30,'],
} as const;

describe('cfn-lint on the SAM template', function () {
  this.timeout(120_000);
  const scratch = new Scratch();
  const planted = new Map<keyof typeof PLANTS, string>();
  let results: Map<string, Finding[]>;

  before(() => {
    for (const [name, [from, to]] of Object.entries(PLANTS))
      planted.set(name as keyof typeof PLANTS, scratch.write(plantText(from, to)));
    results = runCfnLint([TEMPLATE_PATH, ...planted.values()]);
  });
  after(() => scratch.cleanup());

  const findings = (name: keyof typeof PLANTS): string[] => (results.get(planted.get(name)!) ?? []).map(formatFinding);

  it('is installed (bash .ci/run installs it when missing)', () => {
    assert.doesNotThrow(() => findCfnLint());
    assert.throws(
      () => findCfnLint({ PATH: '/nonexistent' }, '/nonexistent'),
      (e: unknown) => e instanceof CfnLintMissing && /pip install cfn-lint==1\.51\.0/.test(e.message),
    );
  });

  it('is what .ci/run installs with pip when it is missing, at the pinned version', () => {
    const ci = readFileSync(join(__dirname, '..', '..', '.ci', 'run'), 'utf8');
    assert.match(ci, /if ! command -v cfn-lint/);
    assert.ok(
      ci.includes(`pip install --quiet --disable-pip-version-check cfn-lint==${CFN_LINT_VERSION}`),
      '.ci/run pins the version infra/check/cfnLint.ts names',
    );
  });

  it('finds nothing in infra/template.yaml: no error, warning or informational finding', () => {
    assert.deepEqual((results.get(TEMPLATE_PATH) ?? []).map(formatFinding), []);
  });

  it('catches a deprecated Lambda runtime', () => {
    assert.match(
      findings('deprecatedRuntime').join('\n'),
      /^PreSignUpFunction.*\[cfn-lint E2533 error, line \d+\] Runtime 'nodejs16\.x' was deprecated/m,
    );
  });

  it('catches a log retention CloudWatch Logs does not offer', () => {
    assert.deepEqual(findings('badRetention').length, 1, findings('badRetention').join('\n'));
    assert.match(
      findings('badRetention')[0]!,
      /^PreSignUpLogGroup\.RetentionInDays: \[cfn-lint E3030 error, line \d+\] 31 is not one of/,
    );
  });

  it('catches a Rule that names a parameter that does not exist', () => {
    assert.match(
      findings('ruleTypo').join('\n'),
      /^Rules\.AutoConfirmNeedsAdminCreatedUsers.*E1020.*'AllowSelfSignup' is not one of/m,
    );
  });

  it('catches a parameter whose allowed values the property refuses', () => {
    assert.match(
      findings('retentionChoices').join('\n'),
      /^Parameters\.TriggerLogRetentionDays\.AllowedValues\.1: \[cfn-lint W1030 warning.*PreSignUpLogGroup\/Properties\/RetentionInDays/m,
    );
  });
});
