// Direct mode: with the throwaway user's identity-pool credentials, every model of AllowedModelIds
// answers a one-token Converse; a refusal is named (role, model access, inference profile, throttling).
import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { baseModelId, profilePrefixesFrom, splitProfile } from '../../src/core/story/generation/inferenceProfiles';
import { describeError, fail, pass, skip } from './report';
import type { CheckResult } from './report';
import type { StackUnderTest } from './stack';

export function runtimeClient(
  region: string,
  endpoint: string | undefined,
  credentials: AwsCredentialIdentityProvider,
): BedrockRuntimeClient {
  return new BedrockRuntimeClient({ region, credentials, maxAttempts: 1, ...(endpoint ? { endpoint } : {}) });
}

/** One output token: enough to prove the path, and costs a fraction of a cent. */
export const oneToken = (modelId: string, guardrail?: StackUnderTest['guardrail']): ConverseCommand =>
  new ConverseCommand({
    modelId,
    ...(guardrail ? { guardrailConfig: guardrail } : {}),
    messages: [{ role: 'user', content: [{ text: 'Say OK.' }] }],
    inferenceConfig: { maxTokens: 1 },
  });

export async function modelChecks(
  models: readonly string[],
  region: string,
  bedrock: BedrockRuntimeClient,
  guardrail?: StackUnderTest['guardrail'],
): Promise<CheckResult[]> {
  if (models.length === 0)
    return [
      skip(
        'models',
        'Models',
        'the outputs have no AllowedModelIds (a stack deployed before it): redeploy infra/template.yaml to check them',
      ),
    ];
  const results: CheckResult[] = [];
  for (const modelId of models) {
    try {
      const out = await bedrock.send(oneToken(modelId, guardrail));
      results.push(pass(`model:${modelId}`, `Model ${modelId}`, `answered (${out.usage?.outputTokens ?? 0} token)`));
    } catch (e) {
      results.push(modelFailure(modelId, region, e));
    }
  }
  return results;
}

const ROLE_REFUSED = /not authorized to perform/i;
const NEEDS_PROFILE = /on-demand throughput|inference profile/i;

/** AWS gives these refusals one error name each; its message tells the role's from model access's. */
export function modelFailure(modelId: string, region: string, e: unknown): CheckResult {
  const id = `model:${modelId}`;
  const title = `Model ${modelId}`;
  const name = (e as { name?: string }).name ?? '';
  const message = (e as { message?: string }).message ?? '';
  const detail = describeError(e);
  if (name === 'AccessDeniedException' && ROLE_REFUSED.test(message))
    return fail(
      id,
      title,
      `${detail} (the identity pool's role does not allow it)`,
      `Redeploy with ${modelId} in AllowedModelIds: the role's policy is built from that list. With ContentSafety on, the role also refuses calls without the stack's guardrail: pass outputs that include ContentSafety and the guardrail ids.`,
    );
  if (name === 'AccessDeniedException')
    return fail(
      id,
      title,
      `${detail} (model access not granted)`,
      `Grant access: Bedrock console (${region}) → Model access → Modify model access → ${baseModelId(modelId)}${splitProfile(modelId).prefix ? ', in every region the inference profile routes to' : ''}.`,
    );
  if (name === 'ValidationException' && NEEDS_PROFILE.test(message)) {
    const prefix = profilePrefixesFrom(region)[0] ?? 'us';
    return fail(
      id,
      title,
      `${detail} (this model is called through an inference profile)`,
      `Use the inference profile ${prefix}.${baseModelId(modelId)} in AllowedModelIds (redeploy) and in storyteller.models.`,
    );
  }
  if (name === 'ThrottlingException' || name === 'ServiceQuotaExceededException')
    return fail(
      id,
      title,
      `${detail} (throttled)`,
      `Try again in a minute; if it stays, raise the model's on-demand quota: Service Quotas console → Amazon Bedrock (${region}).`,
    );
  if (name === 'ResourceNotFoundException' || name === 'ValidationException')
    return fail(id, title, detail, `Check the id in AllowedModelIds: Bedrock console (${region}) → Model catalog.`);
  return fail(id, title, detail, 'Try again; if it stays, check Bedrock’s status in the AWS Health Dashboard.');
}
