// The loader evaluates intrinsics generically; these cases use small templates written here.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strict as assert } from 'node:assert';
import { loadStack } from '../src/template';
import { FIXTURE_TEMPLATE } from './helpers';
import { DEFAULT_TEMPLATE } from '../src/emulator';
import { buildConfig } from '../src/config';
import { DIRECT_MODE_TEAM } from '../src/presets';

function withTemplate(body: string, run: (path: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'tpl-'));
  try {
    const path = join(dir, 'template.yaml');
    writeFileSync(path, body);
    run(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const SMALL = `
Parameters:
  Names: { Type: CommaDelimitedList, Default: 'a,b,c' }
  Mode: { Type: String, Default: 'x', AllowedValues: [x, y] }
Conditions:
  IsY: !Equals [!Ref Mode, y]
  NotY: !Not [!Condition IsY]
  Both: !And [!Condition NotY, !Or [!Equals [1, '1'], !Condition IsY]]
Resources:
  Thing:
    Type: AWS::SNS::Topic
    Properties:
      Second: !Select [1, !Ref Names]
      Joined: !Join ['-', !Ref Names]
      Split: !Split ['|', 'p|q']
      Sub: !Sub '\${AWS::Region}/\${Mode}/\${!Literal}'
      SubVars: !Sub ['\${A}+\${B}', { A: !Ref Mode, B: !Select [0, !Ref Names] }]
      Chosen: !If [IsY, yes, no]
      Dropped: !If [IsY, yes, !Ref AWS::NoValue]
      Both: !If [Both, on, off]
  OnlyY:
    Type: AWS::SNS::Topic
    Condition: IsY
`;

describe('template loader', () => {
  it('evaluates Ref, Select, Join, Split, Sub, If, NoValue and conditions', () => {
    withTemplate(SMALL, (path) => {
      const stack = loadStack({ templatePath: path });
      const p = stack.resources.Thing?.properties ?? {};
      assert.deepEqual(p, {
        Second: 'b',
        Joined: 'a-b-c',
        Split: ['p', 'q'],
        Sub: 'us-east-1/x/${Literal}',
        SubVars: 'x+a',
        Chosen: 'no',
        Both: 'on',
      });
      assert.equal(stack.resources.OnlyY, undefined);
      const y = loadStack({ templatePath: path, params: { Mode: 'y' } });
      assert.equal(y.resources.Thing?.properties.Chosen, 'yes');
      assert.ok(y.resources.OnlyY);
    });
  });

  it('refuses unknown parameters and values outside AllowedValues', () => {
    withTemplate(SMALL, (path) => {
      assert.throws(() => loadStack({ templatePath: path, params: { Nope: '1' } }), /Unknown template parameter Nope/);
      assert.throws(() => loadStack({ templatePath: path, params: { Mode: 'z' } }), /not one of x, y/);
    });
  });

  it("refuses a stack whose Rules fail, with the assertion's description, as CloudFormation does", () => {
    assert.throws(
      () => loadStack({ templatePath: DEFAULT_TEMPLATE, params: { AutoConfirmUsers: 'true' } }),
      /Rules\.AutoConfirmNeedsAdminCreatedUsers: AutoConfirmUsers=true needs AllowSelfSignUp=false/,
    );
    const stack = loadStack({
      templatePath: DEFAULT_TEMPLATE,
      params: { AutoConfirmUsers: 'true', AllowSelfSignUp: 'false' },
    });
    assert.equal(stack.parameters['AutoConfirmUsers'], 'true');
    // The outputs say whether people may sign up themselves: the extension offers it only then (#24).
    assert.equal(stack.outputs['SelfSignUpAllowed'], 'false');
    assert.equal(loadStack({ templatePath: DEFAULT_TEMPLATE }).outputs['SelfSignUpAllowed'], 'true');
    // Unbounded spend for strangers (#23, N4): direct mode, or no ceiling, with sign-up open to all.
    assert.throws(
      () => loadStack({ templatePath: DEFAULT_TEMPLATE, params: { DailyTokensPerUser: '0' } }),
      /Rules\.StrangersNeedBudgetMode: DailyTokensPerUser=0 \(direct mode\) needs AllowSelfSignUp=false or AllowedEmailDomains/,
    );
    assert.throws(
      () => loadStack({ templatePath: DEFAULT_TEMPLATE, params: { DailyTokensTotal: '0' } }),
      /Rules\.StrangersNeedStackCeiling: DailyTokensTotal=0/,
    );
    // A blank domain list is not a list: refused by AllowedPattern before the Rules.
    assert.throws(() =>
      loadStack({ templatePath: DEFAULT_TEMPLATE, params: { DailyTokensPerUser: '0', AllowedEmailDomains: ' ' } }),
    );
    assert.equal(
      loadStack({ templatePath: DEFAULT_TEMPLATE, params: DIRECT_MODE_TEAM }).parameters['DailyTokensPerUser'],
      '0',
    );
    withTemplate(
      `Parameters:
  Names: { Type: CommaDelimitedList, Default: 'a,b' }
Rules:
  OnlyKnown:
    Assertions:
      - Assert: { 'Fn::EachMemberIn': [{ Ref: Names }, [a, b, c]] }
        AssertDescription: Names must be a, b or c.
      - Assert: { 'Fn::Contains': [{ Ref: Names }, a] }
        AssertDescription: Names must include a.
Resources: {}
`,
      (path) => {
        assert.doesNotThrow(() => loadStack({ templatePath: path }));
        assert.throws(
          () => loadStack({ templatePath: path, params: { Names: 'a,d' } }),
          /Rules\.OnlyKnown: Names must be a, b or c\./,
        );
        assert.throws(
          () => loadStack({ templatePath: path, params: { Names: 'b,c' } }),
          /Rules\.OnlyKnown: Names must include a\./,
        );
      },
    );
  });

  it('reads the real template: role ARNs from AllowedModelIds drive authorisation', () => {
    const stack = loadStack({
      templatePath: DEFAULT_TEMPLATE,
      params: {
        ...DIRECT_MODE_TEAM,
        AllowedModelIds: 'amazon.nova-lite-v1:0,us.anthropic.claude-haiku-4-5-20251001-v1:0',
      },
    });
    const config = buildConfig(stack, () => 'secret');
    const resources = config.identityPool.authenticatedRole?.statements.flatMap((s) => s.resources) ?? [];
    assert.ok(resources.includes('arn:*:bedrock:*::foundation-model/amazon.nova-lite-v1:0'));
    assert.ok(resources.includes('arn:*:bedrock:*::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0'));
    assert.ok(resources.includes('arn:*:bedrock:*:*:inference-profile/us.anthropic.claude-haiku-4-5-20251001-v1:0'));
    assert.equal(config.userPool.passwordPolicy.minimumLength, 10);
    assert.equal(config.clients[0]?.preventUserExistenceErrors, true);
    assert.equal(config.userPool.triggers.PreSignUp?.environment.ALLOWED_EMAIL_DOMAINS, 'example.com');
  });

  it('gives stable, real-looking ids for the same stack name', () => {
    const a = buildConfig(loadStack({ templatePath: FIXTURE_TEMPLATE }), () => 's');
    const b = buildConfig(loadStack({ templatePath: FIXTURE_TEMPLATE }), () => 's');
    assert.equal(a.userPool.id, b.userPool.id);
    assert.match(a.userPool.id, /^us-east-1_[0-9A-Za-z]{9}$/);
    assert.match(a.primaryClientId, /^[a-z0-9]{26}$/);
  });
});
