// The contract other parts of the project rely on (the emulator, "Configure from Stack Outputs"),
// and what the Bedrock policy's Split/Join expression really grants.
import * as assert from 'node:assert/strict';
import { checkRules, evaluateRules } from '../../../infra/check/rules';
import { parseTemplate } from '../../../infra/check/template';
import type { Template } from '../../../infra/check/template';
import { OPTIONAL_OUTPUTS, STACK_OUTPUTS } from '../../../src/core/stackOutputs';
import { INFERENCE_PROFILE_PREFIXES } from '../../../src/core/story/generation/inferenceProfiles';
import { TEMPLATE_TEXT, at } from './plant';

const template = parseTemplate(TEMPLATE_TEXT);
const resources = at(template, 'Resources');
const props = (id: string) => at(template, 'Resources', id, 'Properties');

/** Evaluates the few intrinsics the policy uses (Ref, Sub, Join, Split, Select) for given parameters. */
function evaluate(value: unknown, parameters: Record<string, string>): unknown {
  if (Array.isArray(value)) return value.map((v) => evaluate(v, parameters));
  if (typeof value !== 'object' || value === null) return value;
  const [[fn, arg]] = Object.entries(value) as [[string, unknown]];
  const args = arg as unknown[];
  switch (fn) {
    case 'Ref':
      return parameters[arg as string] ?? assert.fail(`no value for ${String(arg)}`);
    case 'Fn::Sub':
      return (arg as string).replace(
        /\$\{([^}]+)\}/g,
        (_, name: string) => parameters[name] ?? assert.fail(`no value for ${name}`),
      );
    case 'Fn::Join':
      return (evaluate(args[1], parameters) as string[]).join(args[0] as string);
    case 'Fn::Split':
      return (evaluate(args[1], parameters) as string).split(args[0] as string);
    case 'Fn::Select':
      return (evaluate(args[1], parameters) as unknown[])[args[0] as number];
    default:
      return assert.fail(`unexpected ${fn}`);
  }
}

function invokeResources(allowedModelIds: string): string[] {
  const statement = at(
    template,
    'Resources',
    'AuthenticatedRole',
    'Properties',
    'Policies',
    0,
    'PolicyDocument',
    'Statement',
    0,
  );
  assert.deepEqual(statement['Action'], ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream']);
  return evaluate(statement['Resource'], { AllowedModelIds: allowedModelIds }) as string[];
}

function parameterDefault(t: Template, name: string): unknown {
  return at(t, 'Parameters', name)['Default'];
}

describe('infra/template.yaml contract', () => {
  it('has the logical ids and types the emulator and docs rely on', () => {
    const types = Object.fromEntries(Object.entries(resources).map(([id, r]) => [id, (r as { Type: string }).Type]));
    assert.deepEqual(types, {
      UserPool: 'AWS::Cognito::UserPool',
      UserPoolClient: 'AWS::Cognito::UserPoolClient',
      UserPoolDomain: 'AWS::Cognito::UserPoolDomain',
      LoginWithAmazonIdentityProvider: 'AWS::Cognito::UserPoolIdentityProvider',
      GoogleIdentityProvider: 'AWS::Cognito::UserPoolIdentityProvider',
      IdentityPool: 'AWS::Cognito::IdentityPool',
      AuthenticatedRole: 'AWS::IAM::Role',
      IdentityPoolRoleAttachment: 'AWS::Cognito::IdentityPoolRoleAttachment',
      PreSignUpFunction: 'AWS::Serverless::Function',
      PreSignUpPermission: 'AWS::Lambda::Permission',
      PreSignUpLogGroup: 'AWS::Logs::LogGroup',
      GatewayCallerRole: 'AWS::IAM::Role',
      StoryGatewayFunction: 'AWS::Serverless::Function',
      StoryGatewayUrl: 'AWS::Lambda::Url',
      StoryGatewayLogGroup: 'AWS::Logs::LogGroup',
      StoryGatewayRole: 'AWS::IAM::Role',
      BudgetTable: 'AWS::DynamoDB::Table',
      StandardGuardrail: 'AWS::Bedrock::Guardrail',
      StandardGuardrailVersion: 'AWS::Bedrock::GuardrailVersion',
      StrictGuardrail: 'AWS::Bedrock::Guardrail',
      StrictGuardrailVersion: 'AWS::Bedrock::GuardrailVersion',
    });
    assert.equal(at(template, 'Resources', 'UserPoolDomain')['Condition'], 'HasHostedUiDomain');
    assert.equal(at(template, 'Resources', 'LoginWithAmazonIdentityProvider')['Condition'], 'HasLoginWithAmazon');
    assert.equal(at(template, 'Resources', 'GoogleIdentityProvider')['Condition'], 'HasGoogle');
    // Budget mode swaps the users' role: one that reaches Bedrock, or one that reaches only the gateway.
    assert.equal(at(template, 'Resources', 'AuthenticatedRole')['Condition'], 'DirectMode');
    for (const id of [
      'GatewayCallerRole',
      'StoryGatewayFunction',
      'StoryGatewayUrl',
      'StoryGatewayLogGroup',
      'StoryGatewayRole',
      'BudgetTable',
    ])
      assert.equal(at(template, 'Resources', id)['Condition'], 'BudgetMode', id);
    // Content safety (#27): the guardrails exist unless ContentSafety=Off.
    for (const id of ['StandardGuardrail', 'StandardGuardrailVersion', 'StrictGuardrail', 'StrictGuardrailVersion'])
      assert.equal(at(template, 'Resources', id)['Condition'], 'ContentSafetyOn', id);
  });

  it('has the parameters and defaults of the contract', () => {
    assert.deepEqual(Object.keys(at(template, 'Parameters')).sort(), [
      'AccessTokenValidityMinutes',
      'AllowPlusAddressing',
      'AllowSelfSignUp',
      'AllowedEmailDomains',
      'AllowedModelIds',
      'AutoConfirmUsers',
      'ContentSafety',
      'DailyTokensPerUser',
      'DailyTokensTotal',
      'GatewayLogRetentionDays',
      'GatewayReservedConcurrency',
      'GenerateClientSecret',
      'GoogleClientId',
      'GoogleClientSecret',
      'HostedUiDomainPrefix',
      'IdTokenValidityMinutes',
      'LoginWithAmazonClientId',
      'LoginWithAmazonClientSecret',
      'LoopbackCallbackPort',
      'MfaConfiguration',
      'RefreshTokenValidityDays',
      'RequestBurstPerUser',
      'RequestsPerMinutePerUser',
      'TriggerLogRetentionDays',
    ]);
    // Safe by default (#23, N4): budget mode and a stack-wide ceiling, the daily spend bounded.
    assert.equal(parameterDefault(template, 'DailyTokensPerUser'), 50000);
    // Safe by default (#27): every model call carries one of the stack's guardrails.
    assert.equal(parameterDefault(template, 'ContentSafety'), 'Standard');
    assert.equal(parameterDefault(template, 'DailyTokensTotal'), 1000000);
    assert.equal(parameterDefault(template, 'AllowSelfSignUp'), 'true');
    assert.equal(parameterDefault(template, 'AllowPlusAddressing'), 'true');
    assert.equal(parameterDefault(template, 'TriggerLogRetentionDays'), 30);
    assert.equal(parameterDefault(template, 'AllowedEmailDomains'), '');
    assert.equal(parameterDefault(template, 'AutoConfirmUsers'), 'false');
    assert.equal(parameterDefault(template, 'GenerateClientSecret'), 'false');
    assert.equal(parameterDefault(template, 'AllowedModelIds'), 'amazon.nova-lite-v1:0,amazon.nova-micro-v1:0');
    assert.equal(parameterDefault(template, 'MfaConfiguration'), 'OFF');
    assert.equal(parameterDefault(template, 'HostedUiDomainPrefix'), '');
    // Managed login (#15): a fixed loopback port (Cognito matches callback URLs exactly), social
    // providers off until their client ids are given, their secrets never echoed.
    assert.equal(parameterDefault(template, 'LoopbackCallbackPort'), 53682);
    for (const name of ['LoginWithAmazonClientId', 'GoogleClientId'])
      assert.equal(parameterDefault(template, name), '');
    for (const name of ['LoginWithAmazonClientSecret', 'GoogleClientSecret'])
      assert.equal(at(template, 'Parameters', name)['NoEcho'], true, name);
    for (const [name, parameter] of Object.entries(at(template, 'Parameters'))) {
      assert.ok((parameter as { Description?: string }).Description, `${name} has a description`);
    }
  });

  it('has every output "Configure from Stack Outputs" reads, required and optional, and no secret', () => {
    const outputs = Object.keys(at(template, 'Outputs'));
    assert.deepEqual(outputs, [
      'Region',
      'UserPoolId',
      'UserPoolClientId',
      'IdentityPoolId',
      'HostedUiDomain',
      'IdentityProviders',
      'SelfSignUpAllowed',
      'LoopbackCallbackPort',
      'StoryGatewayUrl',
      'AllowedModelIds',
      'ContentSafety',
      'StandardGuardrailId',
      'StandardGuardrailVersion',
      'StrictGuardrailId',
      'StrictGuardrailVersion',
    ]);
    for (const key of [...Object.keys(STACK_OUTPUTS), ...Object.keys(OPTIONAL_OUTPUTS)])
      assert.ok(outputs.includes(key), key);
    assert.doesNotMatch(JSON.stringify(at(template, 'Outputs')), /ClientSecret/);
  });

  it('builds the trigger with SAM esbuild from infra/src, and wires its parameters', () => {
    const fn = at(template, 'Resources', 'PreSignUpFunction');
    assert.deepEqual(
      {
        CodeUri: props('PreSignUpFunction')['CodeUri'],
        Handler: props('PreSignUpFunction')['Handler'],
        Runtime: props('PreSignUpFunction')['Runtime'],
        Architectures: props('PreSignUpFunction')['Architectures'],
      },
      { CodeUri: 'src/', Handler: 'preSignUp.handler', Runtime: 'nodejs22.x', Architectures: ['arm64'] },
    );
    const metadata = fn['Metadata'] as {
      BuildMethod: string;
      BuildProperties: { EntryPoints: string[]; Target: string };
    };
    assert.equal(metadata.BuildMethod, 'esbuild');
    assert.deepEqual(metadata.BuildProperties.EntryPoints, ['preSignUp.ts']);
    assert.equal(metadata.BuildProperties.Target, 'es2022');
    const variables = at(template, 'Resources', 'PreSignUpFunction', 'Properties', 'Environment', 'Variables');
    assert.deepEqual(variables['ALLOWED_EMAIL_DOMAINS'], { Ref: 'AllowedEmailDomains' });
    assert.deepEqual(variables['AUTO_CONFIRM_USERS'], { Ref: 'AutoConfirmUsers' });
    assert.deepEqual(variables['ALLOW_PLUS_ADDRESSING'], { Ref: 'AllowPlusAddressing' });
    // Cognito creates Google and Amazon users even with AllowAdminCreateUserOnly: the trigger refuses them (#23).
    assert.deepEqual(variables['ALLOW_SELF_SIGN_UP'], { Ref: 'AllowSelfSignUp' });
    assert.deepEqual(props('UserPool')['LambdaConfig'], { PreSignUp: { 'Fn::GetAtt': ['PreSignUpFunction', 'Arn'] } });
    assert.equal(props('PreSignUpPermission')['Principal'], 'cognito-idp.amazonaws.com');
  });

  describe('budget mode (#16)', () => {
    const statements = (id: string) =>
      at(template, 'Resources', id, 'Properties', 'Policies', 0, 'PolicyDocument')['Statement'] as {
        Sid: string;
        Action: string | string[];
        Resource: unknown;
        Condition?: unknown;
      }[];

    it("gives users' credentials only the gateway's URL, and no bedrock: action", () => {
      const list = statements('GatewayCallerRole');
      assert.deepEqual(
        list.map((s) => [s.Action, s.Resource, s.Condition]),
        [
          [
            'lambda:InvokeFunctionUrl',
            { 'Fn::GetAtt': ['StoryGatewayFunction', 'Arn'] },
            { StringEquals: { 'lambda:FunctionUrlAuthType': 'AWS_IAM' } },
          ],
          [
            'lambda:InvokeFunction',
            { 'Fn::GetAtt': ['StoryGatewayFunction', 'Arn'] },
            { Bool: { 'lambda:InvokedViaFunctionUrl': 'true' } },
          ],
        ],
      );
      assert.deepEqual(
        at(template, 'Resources', 'GatewayCallerRole', 'Properties')['AssumeRolePolicyDocument'],
        at(template, 'Resources', 'AuthenticatedRole', 'Properties')['AssumeRolePolicyDocument'],
      );
    });

    it("grants the gateway's role the same model ARNs as direct mode, the table's two item actions and its logs", () => {
      const [invoke, table, logs] = statements('StoryGatewayRole') as [
        typeof statements extends (id: string) => (infer S)[] ? S : never,
        { Action: string[]; Resource: unknown },
        { Action: string[]; Resource: unknown },
      ];
      assert.deepEqual(invoke.Action, ['bedrock:InvokeModelWithResponseStream']);
      assert.deepEqual(invoke.Resource, statements('AuthenticatedRole')[0]?.Resource);
      assert.deepEqual(table.Action, ['dynamodb:GetItem', 'dynamodb:UpdateItem']);
      assert.deepEqual(table.Resource, { 'Fn::GetAtt': ['BudgetTable', 'Arn'] });
      assert.deepEqual(logs.Resource, { 'Fn::GetAtt': ['StoryGatewayLogGroup', 'Arn'] });
      // Then the content-safety Deny and ApplyGuardrail (#27), both under ContentSafetyOn.
      assert.equal(statements('StoryGatewayRole').length, 5);
    });

    it('serves the gateway from a signed, streaming function URL, bundled from infra/src/gateway', () => {
      assert.deepEqual(props('StoryGatewayUrl'), {
        TargetFunctionArn: { 'Fn::GetAtt': ['StoryGatewayFunction', 'Arn'] },
        AuthType: 'AWS_IAM',
        InvokeMode: 'RESPONSE_STREAM',
      });
      const fn = props('StoryGatewayFunction');
      assert.equal(fn['CodeUri'], 'src/gateway/');
      assert.equal(fn['Handler'], 'handler.handler');
      assert.deepEqual(
        at(template, 'Resources', 'StoryGatewayFunction', 'Metadata', 'BuildProperties')['EntryPoints'],
        ['handler.ts'],
      );
      const table = props('BudgetTable');
      assert.equal(table['BillingMode'], 'PAY_PER_REQUEST');
      assert.deepEqual(table['TimeToLiveSpecification'], { AttributeName: 'ttl', Enabled: true });
    });
  });

  it('trusts only authenticated identities of this identity pool', () => {
    const [statement] = at(template, 'Resources', 'AuthenticatedRole', 'Properties', 'AssumeRolePolicyDocument')[
      'Statement'
    ] as Record<string, unknown>[];
    assert.deepEqual(statement, {
      Effect: 'Allow',
      Principal: { Federated: 'cognito-identity.amazonaws.com' },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: { 'cognito-identity.amazonaws.com:aud': { Ref: 'IdentityPool' } },
        'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' },
      },
    });
  });

  describe('spend: a stack open to strangers is bounded, whatever its parameters (#23, N4)', () => {
    const open = { AllowSelfSignUp: 'true', AllowedEmailDomains: '' };
    it('refuses direct mode while anyone may sign up, saying why and what to change', () => {
      const refused = evaluateRules(template, { ...open, DailyTokensPerUser: '0' });
      assert.deepEqual(
        refused.map((f) => f.rule),
        ['StrangersNeedBudgetMode'],
      );
      assert.match(refused[0]!.description, /anyone could create an account and call Bedrock without\s+a limit/);
      assert.match(refused[0]!.description, /AllowSelfSignUp=false or AllowedEmailDomains/);
    });

    it('refuses budget mode without a stack-wide ceiling while anyone may sign up (more accounts, more budgets)', () => {
      const refused = evaluateRules(template, { ...open, DailyTokensTotal: '0' });
      assert.deepEqual(
        refused.map((f) => f.rule),
        ['StrangersNeedStackCeiling'],
      );
      assert.match(refused[0]!.description, /bypass the\s+per-user budget/);
    });

    it('keeps direct mode, and no ceiling, for a stack that says who may sign up', () => {
      for (const who of [{ AllowSelfSignUp: 'false' }, { AllowedEmailDomains: 'example.com' }]) {
        assert.deepEqual(evaluateRules(template, { ...who, DailyTokensPerUser: '0' }), [], JSON.stringify(who));
        assert.deepEqual(evaluateRules(template, { ...who, DailyTokensTotal: '0' }), [], JSON.stringify(who));
      }
    });

    it('bounds the defaults: budget mode, and the day at most DailyTokensTotal tokens', () => {
      assert.deepEqual(evaluateRules(template, {}), []);
      assert.ok(Number(parameterDefault(template, 'DailyTokensPerUser')) > 0, 'budget mode');
      assert.ok(Number(parameterDefault(template, 'DailyTokensTotal')) > 0, 'a stack-wide ceiling');
    });

    it('does not take a blank AllowedEmailDomains for a list (it would admit everyone past the Rules)', () => {
      const pattern = new RegExp(
        `^(?:${at(template, 'Parameters', 'AllowedEmailDomains')['AllowedPattern'] as string})$`,
      );
      for (const ok of ['', 'example.com', 'example.com,example.org', 'example.com, mail.example-2.org '])
        assert.match(ok, pattern);
      for (const bad of [' ', ',', ' , ', 'example.com,', 'com', '*.example.com', '@example.com', 'example.com;x.org'])
        assert.doesNotMatch(bad, pattern, JSON.stringify(bad));
    });
  });

  describe('sign-up: nobody gets a verified address they did not prove they own', () => {
    it('refuses AutoConfirmUsers=true with self sign-up, through a Rule CloudFormation checks before deploying', () => {
      const refused = evaluateRules(template, { AutoConfirmUsers: 'true' });
      assert.deepEqual(
        refused.map((f) => f.rule),
        ['AutoConfirmNeedsAdminCreatedUsers'],
      );
      assert.match(refused[0]!.description, /AutoConfirmUsers=true needs AllowSelfSignUp=false/);
      assert.deepEqual(
        evaluateRules(template, {
          AutoConfirmUsers: 'true',
          AllowSelfSignUp: 'true',
          AllowedEmailDomains: 'example.com',
        }).length,
        1,
        'a domain list proves no ownership either',
      );
    });

    it('accepts the defaults, and auto-confirm when only administrators create users', () => {
      assert.deepEqual(evaluateRules(template, {}), []);
      assert.deepEqual(evaluateRules(template, { AutoConfirmUsers: 'true', AllowSelfSignUp: 'false' }), []);
      assert.deepEqual(evaluateRules(template, { AllowSelfSignUp: 'false' }), []);
      assert.deepEqual(checkRules(template), []);
    });

    it('turns self sign-up off in the pool itself when AllowSelfSignUp=false', () => {
      assert.deepEqual(at(template, 'Resources', 'UserPool', 'Properties', 'AdminCreateUserConfig'), {
        AllowAdminCreateUserOnly: { 'Fn::If': ['SelfSignUp', false, true] },
      });
      assert.deepEqual(at(template, 'Conditions')['SelfSignUp'], {
        'Fn::Equals': [{ Ref: 'AllowSelfSignUp' }, 'true'],
      });
    });

    it('keeps a changed email unused until its code is confirmed', () => {
      assert.deepEqual(props('UserPool')['UserAttributeUpdateSettings'], {
        AttributesRequireVerificationBeforeUpdate: ['email'],
      });
    });
  });

  it("keeps the trigger's logs for TriggerLogRetentionDays, in a log group the function writes to", () => {
    assert.deepEqual(props('PreSignUpLogGroup')['RetentionInDays'], { Ref: 'TriggerLogRetentionDays' });
    assert.deepEqual(props('PreSignUpFunction')['LoggingConfig'], {
      LogFormat: 'Text',
      LogGroup: { Ref: 'PreSignUpLogGroup' },
    });
    const allowed = at(template, 'Parameters', 'TriggerLogRetentionDays')['AllowedValues'] as number[];
    assert.ok(
      allowed.includes(30) && allowed.includes(3653) && !allowed.includes(0),
      'only values CloudWatch Logs accepts; never "forever"',
    );
  });

  describe('the Bedrock invoke policy grants exactly the allowed models', () => {
    it('for the default (plain model ids)', () => {
      assert.deepEqual(invokeResources('amazon.nova-lite-v1:0,amazon.nova-micro-v1:0'), [
        'arn:*:bedrock:*:*:inference-profile/amazon.nova-lite-v1:0',
        'arn:*:bedrock:*:*:inference-profile/amazon.nova-micro-v1:0',
        'arn:*:bedrock:*::foundation-model/amazon.nova-lite-v1:0',
        'arn:*:bedrock:*::foundation-model/amazon.nova-micro-v1:0',
      ]);
    });

    it('for cross-region profiles: the profile and the base model, whatever their position', () => {
      assert.deepEqual(
        invokeResources(
          'us.anthropic.claude-haiku-4-5-20251001-v1:0,amazon.nova-lite-v1:0,eu.amazon.nova-pro-v1:0,global.anthropic.claude-sonnet-4-5-20250929-v1:0',
        ),
        [
          'arn:*:bedrock:*:*:inference-profile/us.anthropic.claude-haiku-4-5-20251001-v1:0',
          'arn:*:bedrock:*:*:inference-profile/amazon.nova-lite-v1:0',
          'arn:*:bedrock:*:*:inference-profile/eu.amazon.nova-pro-v1:0',
          'arn:*:bedrock:*:*:inference-profile/global.anthropic.claude-sonnet-4-5-20250929-v1:0',
          'arn:*:bedrock:*::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0',
          'arn:*:bedrock:*::foundation-model/amazon.nova-lite-v1:0',
          'arn:*:bedrock:*::foundation-model/amazon.nova-pro-v1:0',
          'arn:*:bedrock:*::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0',
        ],
      );
    });

    it('for every cross-region prefix the extension knows (inferenceProfiles.ts)', () => {
      const ids = INFERENCE_PROFILE_PREFIXES.map((p) => `${p}.anthropic.claude-sonnet-4-5-20250929-v1:0`);
      const granted = invokeResources(ids.join(','));
      assert.deepEqual(
        granted.slice(0, ids.length),
        ids.map((id) => `arn:*:bedrock:*:*:inference-profile/${id}`),
      );
      assert.deepEqual(
        granted.slice(ids.length),
        ids.map(() => 'arn:*:bedrock:*::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0'),
      );
    });

    it("strips exactly the extension's prefixes, no other", () => {
      // The Split delimiters ",us.", ",eu."...: a prefix here and not in the helper would strip an id
      // the extension reads as a plain model, and the test above covers only the helper's.
      const stripped: string[] = [];
      const walk = (value: unknown): void => {
        if (Array.isArray(value)) value.forEach(walk);
        else if (typeof value === 'object' && value !== null) {
          const split = (value as Record<string, unknown>)['Fn::Split'] as unknown[] | undefined;
          const match = typeof split?.[0] === 'string' ? /^,([a-z-]+)\.$/.exec(split[0]) : null;
          if (match?.[1]) stripped.push(match[1]);
          Object.values(value).forEach(walk);
        }
      };
      walk(at(template, 'Resources', 'AuthenticatedRole', 'Properties', 'Policies', 0, 'PolicyDocument'));
      assert.deepEqual(stripped.sort(), [...INFERENCE_PROFILE_PREFIXES].sort());
      const description = at(template, 'Parameters', 'AllowedModelIds')['Description'] as string;
      for (const prefix of INFERENCE_PROFILE_PREFIXES) assert.ok(description.includes(` ${prefix}.`), prefix);
    });

    it('strips a prefix only at the start of an id', () => {
      assert.deepEqual(invokeResources('apac.amazon.nova-lite-v1:0,cohere.us.example-v1:0'), [
        'arn:*:bedrock:*:*:inference-profile/apac.amazon.nova-lite-v1:0',
        'arn:*:bedrock:*:*:inference-profile/cohere.us.example-v1:0',
        'arn:*:bedrock:*::foundation-model/amazon.nova-lite-v1:0',
        'arn:*:bedrock:*::foundation-model/cohere.us.example-v1:0',
      ]);
    });

    it('for a single id', () => {
      assert.deepEqual(invokeResources('us.amazon.nova-lite-v1:0'), [
        'arn:*:bedrock:*:*:inference-profile/us.amazon.nova-lite-v1:0',
        'arn:*:bedrock:*::foundation-model/amazon.nova-lite-v1:0',
      ]);
    });

    it('refuses ids that would widen the grant, through AllowedPattern', () => {
      const pattern = new RegExp(`^(?:${at(template, 'Parameters', 'AllowedModelIds')['AllowedPattern'] as string})$`);
      for (const ok of ['amazon.nova-lite-v1:0', 'us.anthropic.claude-haiku-4-5-20251001-v1:0,amazon.nova-micro-v1:0'])
        assert.match(ok, pattern);
      for (const bad of [
        '*',
        'amazon.*',
        'amazon.nova-lite-v1:0, amazon.nova-micro-v1:0',
        'amazon.nova-lite-v1:0,',
        '',
        'a/b.c',
      ])
        assert.doesNotMatch(bad, pattern);
    });
  });
});
