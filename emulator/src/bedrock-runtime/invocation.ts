// What every model call shares before the story: the model from the path, IAM on its ARNs,
// the inference-profile rule, and the JSON body.
import { AwsError, invalid } from '../errors';
import type { Faults } from '../faults';
import type { EmuRequest } from '../http';
import { decide, isAllowed } from '../iam';
import type { IssuedCredentials } from '../cognito-identity/identityPool';
import { resolveModel } from '../models';
import type { ResolvedModel } from '../models';
import type { Shape } from '../validate';
import { validate } from '../validate';
import type { GuardrailConfig } from '../guardrails/config';
import { findGuardrail } from '../guardrails/config';
import type { GuardrailRequest } from './guardrailRequest';
import { converseGuardrail, invokeGuardrail } from './guardrailRequest';
import type { PromptCache } from './promptCache';
import type { Stories } from './stories';

/** What Bedrock operations need. */
export interface BedrockDeps {
  region: string;
  accountId: string;
  faults: Pick<Faults, 'checkError'>;
  stories: Stories;
  promptCache: PromptCache;
  /** The template's guardrails (#27). */
  guardrails: readonly GuardrailConfig[];
}

/** A model call's guardrail: what the caller asked for, and the template's guardrail it names. */
export interface Guard {
  request: GuardrailRequest;
  config: GuardrailConfig;
}

/** The path of the runtime operations: /model/{modelId}/<action>. */
export const modelPath = (action: string): RegExp => new RegExp(`^/model/(.+)/${action}$`);

const MODEL_ID: Shape = { modelId: { type: 'string', required: true, min: 1, max: 2048 } };

export function accessDenied(
  accountId: string,
  creds: IssuedCredentials,
  action: string,
  resource: string,
  explicit = false,
): AwsError {
  const why = explicit
    ? 'with an explicit deny in an identity-based policy'
    : `because no identity-based policy allows the ${action} action`;
  return new AwsError(
    'AccessDeniedException',
    `User: arn:aws:sts::${accountId}:assumed-role/${creds.role.name}/CognitoIdentityCredentials is not authorized to perform: ${action} on resource: ${resource} ${why}`,
    403,
  );
}

function jsonBody(req: EmuRequest): Record<string, unknown> | null {
  try {
    const body: unknown = JSON.parse(req.body.toString('utf8') || 'null');
    return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The model, JSON body and guardrail of a model call, once IAM allows it. */
export function invocation(
  req: EmuRequest,
  rawId: string,
  action: string,
  deps: BedrockDeps,
  creds: IssuedCredentials,
): { model: ResolvedModel; body: Record<string, unknown>; guard: Guard | null } {
  validate({ modelId: rawId }, MODEL_ID, 'ValidationException');
  const model = resolveModel(rawId, deps.region, deps.accountId);
  const body = jsonBody(req);
  const converse = /\/converse(-stream)?$/.test(req.path);
  const guardrail =
    converse && body
      ? converseGuardrail(body, deps.region, deps.accountId)
      : converse
        ? null
        : invokeGuardrail(req, deps.region, deps.accountId);
  const context = { 'bedrock:GuardrailIdentifier': guardrail?.conditionValue };
  const resources = model?.resources ?? [`arn:aws:bedrock:${deps.region}::foundation-model/${rawId}`];
  for (const resource of resources) {
    const decision = decide(creds.role, action, resource, context);
    if (decision !== 'allow') throw accessDenied(deps.accountId, creds, action, resource, decision === 'explicitDeny');
  }
  // A call with a guardrail also needs ApplyGuardrail on it (docs: guardrails-permissions).
  if (guardrail && !isAllowed(creds.role, 'bedrock:ApplyGuardrail', [guardrail.arn]))
    throw accessDenied(deps.accountId, creds, 'bedrock:ApplyGuardrail', guardrail.arn);
  if (!model) throw invalid('The provided model identifier is invalid.');
  if (model.model.profileOnly && !model.profile) {
    throw invalid(
      `Invocation of model ID ${model.model.modelId} with on-demand throughput isn't supported. Retry your request with the ID or ARN of an inference profile that contains this model.`,
    );
  }
  if (!body) throw invalid('Malformed input request, please reformat your input and try again.');
  if (!guardrail) return { model, body, guard: null };
  const config = findGuardrail(deps.guardrails, guardrail.arn, guardrail.version);
  if (!config) throw invalid('The guardrail identifier or version provided in the request does not exist.');
  return { model, body, guard: { request: guardrail, config } };
}
