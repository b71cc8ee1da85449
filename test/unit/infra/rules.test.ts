// The template's Rules section, checked offline (infra/check/rules.ts): planted defects.
import * as assert from 'node:assert/strict';
import { formatFinding } from '../../../infra/check/finding';
import { checkRules, evaluateRules } from '../../../infra/check/rules';
import { parseTemplate } from '../../../infra/check/template';
import { TEMPLATE_TEXT, plantTemplate } from './plant';

const ASSERT = "      - Assert: !Equals [!Ref AllowSelfSignUp, 'false']";
const lines = (template: ReturnType<typeof parseTemplate>) => checkRules(template).map(formatFinding);

describe('Rules check (infra/check/rules.ts)', () => {
  it('finds nothing wrong with infra/template.yaml', () => {
    assert.deepEqual(lines(parseTemplate(TEMPLATE_TEXT)), []);
  });

  it('catches defaults that CloudFormation would refuse to deploy', () => {
    const planted = plantTemplate(
      "  AutoConfirmUsers:\n    Type: String\n    Default: 'false'",
      "  AutoConfirmUsers:\n    Type: String\n    Default: 'true'",
    );
    assert.deepEqual(lines(planted), [
      "Rules.AutoConfirmNeedsAdminCreatedUsers: the parameters' defaults fail this rule: AutoConfirmUsers=true needs AllowSelfSignUp=false. With self sign-up it would confirm and verify email addresses that nobody proved they own.",
    ]);
  });

  it('catches a Ref to something that is not a parameter', () => {
    const planted = plantTemplate(ASSERT, "      - Assert: !Equals [!Ref AllowSelfSignup, 'false']");
    assert.deepEqual(lines(planted), [
      'Rules.AutoConfirmNeedsAdminCreatedUsers.Assertions[0].Assert: Ref to "AllowSelfSignup", which is not a parameter',
    ]);
  });

  it('catches a function Rules cannot use', () => {
    const planted = plantTemplate(ASSERT, "      - Assert: !Equals [!GetAtt UserPool.Arn, 'false']");
    assert.match(lines(planted).join('\n'), /Assertions\[0\]\.Assert: Fn::GetAtt cannot be used in Rules/);
  });

  it('catches an assertion that does not say why it refuses', () => {
    const planted = plantTemplate(
      '        AssertDescription: >-\n          AutoConfirmUsers=true needs',
      '        Description: >-\n          AutoConfirmUsers=true needs',
    );
    assert.ok(
      lines(planted).includes(
        'Rules.AutoConfirmNeedsAdminCreatedUsers.Assertions[0].AssertDescription: say why the deployment is refused (AssertDescription)',
      ),
      lines(planted).join('\n'),
    );
  });

  it('evaluates the rule functions as CloudFormation does', () => {
    const template = parseTemplate(`
Parameters:
  Mode: { Type: String, Default: a }
  Ids: { Type: CommaDelimitedList, Default: 'x,y' }
Rules:
  R1:
    RuleCondition: !Or [!Equals [!Ref Mode, b], !Not [!Contains [[a, c], !Ref Mode]]]
    Assertions:
      - Assert: !EachMemberIn [!Ref Ids, [x, y]]
        AssertDescription: ids are x or y
  R2:
    Assertions:
      - Assert: !And [!Contains [!Ref Ids, x], !Not [!EachMemberEquals [!Ref Ids, z]]]
        AssertDescription: x is among the ids
Resources: {}
`);
    assert.deepEqual(evaluateRules(template, {}), []);
    assert.deepEqual(
      evaluateRules(template, { Mode: 'b', Ids: 'x,q' }).map((f) => f.rule),
      ['R1'],
    );
    assert.deepEqual(
      evaluateRules(template, { Mode: 'a', Ids: 'q' }).map((f) => f.rule),
      ['R2'],
    );
    assert.deepEqual(
      evaluateRules(template, { Mode: 'd', Ids: 'y' }).map((f) => f.description),
      ['x is among the ids'],
    );
  });
});
