import * as assert from 'node:assert/strict';
import { formatFinding } from '../../../infra/check/finding';
import type { Finding } from '../../../infra/check/finding';
import { checkSchema } from '../../../infra/check/schema';
import { parseTemplate } from '../../../infra/check/template';
import { TEMPLATE_TEXT, at, mutateTemplate, plantTemplate } from './plant';

/** Asserts exactly one finding, on the given resource and property, whose message matches. */
function assertOnly(findings: Finding[], resource: string, property: string | undefined, message: RegExp): void {
  assert.equal(findings.length, 1, `expected one finding, got:\n${findings.map(formatFinding).join('\n')}`);
  const [finding] = findings as [Finding];
  assert.equal(finding.resource, resource);
  assert.equal(finding.property, property);
  assert.match(finding.message, message);
}

describe('schema check (infra/check/schema.ts)', function () {
  this.timeout(30_000);

  it('finds nothing wrong with infra/template.yaml', () => {
    assert.deepEqual(checkSchema(parseTemplate(TEMPLATE_TEXT)).map(formatFinding), []);
  });

  it('catches a typo in a property name, and suggests the right one', () => {
    const findings = checkSchema(
      plantTemplate('      EnableTokenRevocation: true', '      EnableTokenRevokation: true'),
    );
    assertOnly(
      findings,
      'UserPoolClient',
      'EnableTokenRevokation',
      /unknown property \(did you mean EnableTokenRevocation\?\)/,
    );
  });

  it('checks properties SAM passes to the Lambda function (LoggingConfig), which the SAM specification lacks', () => {
    const findings = checkSchema(plantTemplate('        LogFormat: Text', '        LogFormatt: Text'));
    assertOnly(
      findings,
      'PreSignUpFunction',
      'LoggingConfig.LogFormatt',
      /unknown property \(did you mean LogFormat\?\)/,
    );
  });

  it('catches a typo in a nested property', () => {
    const findings = checkSchema(plantTemplate('          MinimumLength: 10', '          MinimumLenght: 10'));
    assertOnly(
      findings,
      'UserPool',
      'Policies.PasswordPolicy.MinimumLenght',
      /unknown property \(did you mean MinimumLength\?\)/,
    );
  });

  it('catches a dangling !GetAtt to a resource that does not exist', () => {
    const findings = checkSchema(
      plantTemplate('PreSignUp: !GetAtt PreSignUpFunction.Arn', 'PreSignUp: !GetAtt PreSignUpFuntion.Arn'),
    );
    assertOnly(
      findings,
      'UserPool',
      'LambdaConfig.PreSignUp',
      /PreSignUpFuntion, which is not a resource \(did you mean PreSignUpFunction\?\)/,
    );
  });

  it('catches a wrong attribute name, resolving SAM functions to AWS::Lambda::Function', () => {
    const findings = checkSchema(plantTemplate('!GetAtt AuthenticatedRole.Arn]', '!GetAtt AuthenticatedRole.RoleArn]'));
    assertOnly(
      findings,
      'IdentityPoolRoleAttachment',
      'Roles.authenticated',
      /AWS::IAM::Role has no attribute RoleArn/,
    );
    const sam = checkSchema(
      plantTemplate(
        'FunctionName: !GetAtt PreSignUpFunction.Arn',
        'FunctionName: !GetAtt PreSignUpFunction.FunctionArn',
      ),
    );
    assertOnly(sam, 'PreSignUpPermission', 'FunctionName', /AWS::Serverless::Function has no attribute FunctionArn/);
  });

  it('catches an unknown resource type', () => {
    const findings = checkSchema(
      plantTemplate('Type: AWS::Cognito::IdentityPool\n', 'Type: AWS::Cognito::IdentityPools\n'),
    );
    assertOnly(
      findings,
      'IdentityPool',
      'Type',
      /unknown resource type AWS::Cognito::IdentityPools \(did you mean AWS::Cognito::IdentityPool\?\)/,
    );
  });

  it('catches a SAM resource in a template without the SAM transform', () => {
    const findings = checkSchema(plantTemplate('Transform: AWS::Serverless-2016-10-31\n', ''));
    // Both SAM functions: the trigger and the story gateway.
    assert.deepEqual(findings.map((f) => `${f.resource}.${f.property}`).sort(), [
      'PreSignUpFunction.Type',
      'StoryGatewayFunction.Type',
    ]);
    for (const f of findings) assert.match(f.message, /needs "Transform: AWS::Serverless-2016-10-31"/);
  });

  it('catches a missing required property', () => {
    const findings = checkSchema(plantTemplate('      Principal: cognito-idp.amazonaws.com\n', ''));
    assertOnly(findings, 'PreSignUpPermission', 'Principal', /required property is missing/);
  });

  it('catches a value of the wrong shape', () => {
    const findings = checkSchema(
      plantTemplate(
        '      ExplicitAuthFlows:\n        - ALLOW_USER_SRP_AUTH\n        - ALLOW_USER_PASSWORD_AUTH\n        - ALLOW_REFRESH_TOKEN_AUTH\n',
        '      ExplicitAuthFlows: ALLOW_USER_SRP_AUTH\n',
      ),
    );
    assertOnly(findings, 'UserPoolClient', 'ExplicitAuthFlows', /expected a list/);
  });

  it('catches a !Ref to nothing', () => {
    const findings = checkSchema(
      plantTemplate(
        'UserPoolId: !Ref UserPool\n      GenerateSecret',
        'UserPoolId: !Ref UserPol\n      GenerateSecret',
      ),
    );
    assertOnly(
      findings,
      'UserPoolClient',
      'UserPoolId',
      /Ref to UserPol, which is neither a parameter nor a resource \(did you mean UserPool\?\)/,
    );
  });

  it('catches a dangling ${...} in !Sub, both a Ref and a GetAtt', () => {
    const ref = checkSchema(
      plantTemplate("ClientName: !Sub '${AWS::StackName}-vscode'", "ClientName: !Sub '${StackName}-vscode'"),
    );
    assertOnly(ref, 'UserPoolClient', 'ClientName', /Ref to StackName/);
    const getAtt = checkSchema(
      plantTemplate(
        "UserPoolName: !Sub '${AWS::StackName}-users'",
        "UserPoolName: !Sub '${PreSignUpFunction.Name}-users'",
      ),
    );
    assertOnly(getAtt, 'UserPool', 'UserPoolName', /has no attribute Name/);
  });

  it('catches DependsOn and Condition targets that do not exist', () => {
    const dependsOn = checkSchema(
      mutateTemplate((t) => {
        at(t, 'Resources', 'IdentityPoolRoleAttachment')['DependsOn'] = ['AuthenticatedRole', 'AuthRole'];
      }),
    );
    assertOnly(dependsOn, 'IdentityPoolRoleAttachment', 'DependsOn', /AuthRole, which is not a resource/);
    const condition = checkSchema(plantTemplate('    Condition: HasHostedUiDomain\n', '    Condition: HasHostedUi\n'));
    assertOnly(
      condition,
      'UserPoolDomain',
      'Condition',
      /condition HasHostedUi is not declared in Conditions \(did you mean HasHostedUiDomain\?\)/,
    );
    const ifCondition = checkSchema(
      plantTemplate(
        'GenerateSecret: !If [HasClientSecret, true, false]',
        'GenerateSecret: !If [HasSecret, true, false]',
      ),
    );
    assertOnly(ifCondition, 'UserPoolClient', 'GenerateSecret', /condition HasSecret is not declared/);
  });

  it('catches a parameter that is declared but never used', () => {
    const findings = checkSchema(plantTemplate('          AUTO_CONFIRM_USERS: !Ref AutoConfirmUsers\n', ''));
    assertOnly(findings, 'Parameters.AutoConfirmUsers', undefined, /declared but never used/);
  });

  it('catches a parameter default that its own AllowedPattern rejects', () => {
    const findings = checkSchema(
      plantTemplate('Default: amazon.nova-lite-v1:0,amazon.nova-micro-v1:0', "Default: 'amazon.nova-lite-v1:0, *'"),
    );
    assertOnly(findings, 'Parameters.AllowedModelIds', 'Default', /does not match AllowedPattern/);
  });

  it('checks both branches of !If against the property type', () => {
    const findings = checkSchema(
      plantTemplate(
        'EnabledMfas: !If [MfaOff, !Ref AWS::NoValue, [SOFTWARE_TOKEN_MFA]]',
        'EnabledMfas: !If [MfaOff, !Ref AWS::NoValue, {Mfa: SOFTWARE_TOKEN_MFA}]',
      ),
    );
    assertOnly(findings, 'UserPool', 'EnabledMfas', /expected a list/);
  });
});
