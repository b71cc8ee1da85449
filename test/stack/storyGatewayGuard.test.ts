// The story gateway's guard rules (infra/rules/story-gateway.guard, #16): each planted defect is
// named by the right rule, resource and property, and the real template passes.
import * as assert from 'node:assert/strict';
import { formatFinding } from '../../infra/check/finding';
import { runGuard } from '../../infra/check/guard';
import type { Template } from '../../infra/check/template';
import { Scratch, TEMPLATE_PATH, assertFinding, at, mutateTemplate } from '../unit/infra/plant';

describe('guard rules for the story gateway (budget mode)', function () {
  this.timeout(30_000);
  const scratch = new Scratch();
  after(() => scratch.cleanup());
  const guard = (mutate: (t: Template) => void) =>
    runGuard(scratch.write(JSON.stringify(mutateTemplate(mutate)), 'json'));
  const callerStatements = (t: Template) =>
    at(t, 'Resources', 'GatewayCallerRole', 'Properties', 'Policies', 0, 'PolicyDocument')['Statement'] as Record<
      string,
      unknown
    >[];

  it('passes infra/template.yaml', () => {
    assert.deepEqual(runGuard(TEMPLATE_PATH).map(formatFinding), []);
  });

  it('a function URL is never AuthType NONE: catches it on AWS::Lambda::Url and on a SAM FunctionUrlConfig', () => {
    assertFinding(
      guard((t) => {
        at(t, 'Resources', 'StoryGatewayUrl', 'Properties')['AuthType'] = 'NONE';
      }),
      'function_url_auth_iam',
      'StoryGatewayUrl',
      'AuthType',
    );
    assertFinding(
      guard((t) => {
        at(t, 'Resources', 'StoryGatewayFunction', 'Properties')['FunctionUrlConfig'] = { AuthType: 'NONE' };
      }),
      'serverless_function_url_auth_iam',
      'StoryGatewayFunction',
      'FunctionUrlConfig.AuthType',
    );
  });

  it("users' role in budget mode has no bedrock: action: catches one added, a list with one, and '*'", () => {
    assertFinding(
      guard((t) => {
        (callerStatements(t)[1] as Record<string, unknown>)['Action'] = 'bedrock:InvokeModelWithResponseStream';
      }),
      'gateway_callers_no_bedrock',
      'GatewayCallerRole',
      'Policies[0].PolicyDocument.Statement[1].Action',
    );
    assertFinding(
      guard((t) => {
        callerStatements(t).push({
          Effect: 'Allow',
          Action: ['bedrock:ListFoundationModels', 'logs:PutLogEvents'],
          Resource: 'arn:aws:logs:*:*:*',
        });
      }),
      'gateway_callers_no_bedrock',
      'GatewayCallerRole',
      'Policies[0].PolicyDocument.Statement[2].Action[0]',
    );
    const star = guard((t) => {
      (callerStatements(t)[0] as Record<string, unknown>)['Action'] = ['lambda:InvokeFunctionUrl', '*'];
    });
    assertFinding(
      star,
      'gateway_callers_no_bedrock',
      'GatewayCallerRole',
      'Policies[0].PolicyDocument.Statement[0].Action[1]',
    );
    assert.match(star[0]!.message, /Action '\*'/);
  });

  it("checks users' budget-mode role even when it grants no function URL", () => {
    assertFinding(
      guard((t) => {
        at(t, 'Resources', 'GatewayCallerRole', 'Properties', 'Policies', 0, 'PolicyDocument')['Statement'] = [
          { Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: 'arn:aws:bedrock:*::foundation-model/x' },
        ];
      }),
      'gateway_callers_no_bedrock',
      'GatewayCallerRole',
      'Policies[0].PolicyDocument.Statement[0].Action',
    );
  });

  it('the budget table is encrypted: catches SSE turned off and left out', () => {
    assertFinding(
      guard((t) => {
        at(t, 'Resources', 'BudgetTable', 'Properties')['SSESpecification'] = { SSEEnabled: false };
      }),
      'dynamodb_table_encrypted',
      'BudgetTable',
      'SSESpecification.SSEEnabled',
    );
    assertFinding(
      guard((t) => {
        delete at(t, 'Resources', 'BudgetTable', 'Properties')['SSESpecification'];
      }),
      'dynamodb_table_encrypted',
      'BudgetTable',
      'SSESpecification.SSEEnabled',
    );
  });

  it('functions log with a retention: catches a function without its log group, and a group without retention', () => {
    assertFinding(
      guard((t) => {
        delete at(t, 'Resources', 'StoryGatewayFunction', 'Properties')['LoggingConfig'];
      }),
      'function_log_group',
      'StoryGatewayFunction',
      undefined,
    );
    assertFinding(
      guard((t) => {
        delete at(t, 'Resources', 'StoryGatewayLogGroup', 'Properties')['RetentionInDays'];
      }),
      'log_group_retention',
      'StoryGatewayLogGroup',
      undefined,
    );
  });
});
