// Budget mode: the users' credentials are refused by Bedrock, and the story gateway (a function
// URL, signed with them) serves a one-token story per allowed model and GET /usage, through the
// extension's own gateway client (src/core/story/generation/gateway.ts).
import { ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { createGatewayRuntime, fetchGatewayUsage } from '../../src/core/story/generation/gateway';
import type { GatewayOptions } from '../../src/core/story/generation/gateway';
import { modelFailure, oneToken } from './models';
import { describeError, fail, pass, skip } from './report';
import type { CheckResult } from './report';
import type { StackUnderTest } from './stack';

/** Budget mode takes bedrock:* away from the users' role: a direct call must be refused. */
export async function bedrockRefused(bedrock: BedrockRuntimeClient, modelId: string | undefined): Promise<CheckResult> {
  const title = 'Bedrock refuses users directly (budget mode)';
  try {
    await bedrock.send(oneToken(modelId ?? 'amazon.nova-lite-v1:0'));
    return fail(
      'bedrock.refused',
      title,
      'A signed-in user called Bedrock directly, around the budgets.',
      'The identity pool’s authenticated role must be GatewayCallerRole (Cognito console → Identity pools → User access); redeploy infra/template.yaml.',
    );
  } catch (e) {
    if ((e as { name?: string }).name === 'AccessDeniedException')
      return pass('bedrock.refused', title, 'AccessDenied');
    return fail('bedrock.refused', title, describeError(e), 'Check --endpoint and --region, then try again.');
  }
}

export async function gatewayChecks(
  stack: StackUnderTest,
  credentials: AwsCredentialIdentityProvider,
  idToken: string,
): Promise<CheckResult[]> {
  const requestHandler = new NodeHttpHandler();
  const options: GatewayOptions = {
    url: stack.settings.storyGatewayUrl,
    region: stack.settings.region,
    credentials,
    idToken: async () => idToken,
    requestHandler,
  };
  const runtime = createGatewayRuntime(options);
  try {
    const results: CheckResult[] = [];
    const models = stack.models.length > 0 ? stack.models : [];
    if (models.length === 0)
      results.push(skip('gateway.story', 'Story gateway', 'the outputs have no AllowedModelIds to ask for'));
    for (const modelId of models) results.push(await gatewayStory(runtime, modelId, stack.settings.region));
    results.push(await usage(options));
    return results;
  } finally {
    runtime.destroy();
    requestHandler.destroy();
  }
}

async function gatewayStory(runtime: BedrockRuntimeClient, modelId: string, region: string): Promise<CheckResult> {
  const id = `gateway:${modelId}`;
  const title = `Story gateway, model ${modelId}`;
  try {
    const out = await runtime.send(new ConverseStreamCommand({ ...oneToken(modelId).input }));
    let tokens = 0;
    for await (const event of out.stream ?? []) tokens = event.metadata?.usage?.outputTokens ?? tokens;
    return pass(id, title, `streamed a one-token story (${tokens} token)`);
  } catch (e) {
    return gatewayFailure(e, id, title) ?? { ...modelFailure(modelId, region, e), id, title };
  }
}

async function usage(options: GatewayOptions): Promise<CheckResult> {
  const title = 'Story gateway /usage';
  try {
    const u = await fetchGatewayUsage(options);
    return pass('gateway.usage', title, `${u.tokensLeft} of ${u.dailyTokens} tokens left today`);
  } catch (e) {
    return gatewayFailure(e, 'gateway.usage', title) ?? fail('gateway.usage', title, describeError(e), RETRY);
  }
}

const RETRY = 'Try again; if it stays, read the StoryGatewayFunction’s log group in CloudWatch Logs.';

/** The gateway's own refusals, and Lambda's in front of it; undefined for a model's. */
function gatewayFailure(e: unknown, id: string, title: string): CheckResult | undefined {
  const err = e as { name?: string; message?: string; reason?: string; resetsAt?: string };
  const detail = describeError(e);
  if (err.name === 'AccessDeniedException' && err.reason === 'noCallerIdentity')
    return fail(
      id,
      title,
      `${detail} The function URL's event had no requestContext.authorizer.iam.cognitoIdentity, so the gateway cannot tell who calls and refuses every user.`,
      'Sign requests with identity-pool credentials only (GatewayCallerRole), and report this with the stack’s region: the gateway (infra/src/gateway/identity.ts) needs that field.',
    );
  if (err.name === 'AccessDeniedException' && /^forbidden$/i.test(err.message ?? ''))
    return fail(
      id,
      title,
      `${detail} (Lambda refused the call before the gateway ran)`,
      'GatewayCallerRole needs both lambda:InvokeFunctionUrl and lambda:InvokeFunction on StoryGatewayFunction (IAM console → Roles → the stack’s GatewayCallerRole); redeploy infra/template.yaml.',
    );
  if (err.name === 'BudgetExceededException')
    return fail(
      id,
      title,
      detail,
      'The stack’s DailyTokensTotal is spent for today: raise it (redeploy) or try after midnight UTC.',
    );
  if (err.name === 'ThrottlingException')
    return fail(
      id,
      title,
      `${detail} (throttled)`,
      'Wait a minute and run the check again; RequestsPerMinutePerUser and GatewayReservedConcurrency set the limits.',
    );
  if (err.name === 'InternalServerException' || err.name === 'ServiceUnavailableException')
    return fail(id, title, detail, RETRY);
  return undefined;
}
