// What every model call shares before the story: the model from the path, IAM on its ARNs,
// the inference-profile rule, and the JSON body.
import { AwsError, invalid } from '../errors';
import type { Faults } from '../faults';
import type { EmuRequest } from '../http';
import { isAllowed } from '../iam';
import type { IssuedCredentials } from '../cognito-identity/identityPool';
import { resolveModel } from '../models';
import type { ResolvedModel } from '../models';
import type { Shape } from '../validate';
import { validate } from '../validate';
import type { Stories } from './stories';

/** What Bedrock operations need. */
export interface BedrockDeps {
  region: string;
  accountId: string;
  faults: Pick<Faults, 'checkError'>;
  stories: Stories;
}

/** The path of the runtime operations: /model/{modelId}/<action>. */
export const modelPath = (action: string): RegExp => new RegExp(`^/model/(.+)/${action}$`);

const MODEL_ID: Shape = { modelId: { type: 'string', required: true, min: 1, max: 2048 } };

export function accessDenied(accountId: string, creds: IssuedCredentials, action: string, resource: string): AwsError {
  return new AwsError(
    'AccessDeniedException',
    `User: arn:aws:sts::${accountId}:assumed-role/${creds.role.name}/CognitoIdentityCredentials is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`,
    403,
  );
}

/** The model and JSON body of a model call, once IAM allows it. */
export function invocation(
  req: EmuRequest,
  rawId: string,
  action: string,
  deps: BedrockDeps,
  creds: IssuedCredentials,
): { model: ResolvedModel; body: Record<string, unknown> } {
  validate({ modelId: rawId }, MODEL_ID, 'ValidationException');
  const model = resolveModel(rawId, deps.region, deps.accountId);
  const resources = model?.resources ?? [`arn:aws:bedrock:${deps.region}::foundation-model/${rawId}`];
  const refused = resources.find((r) => !isAllowed(creds.role, action, [r]));
  if (refused) throw accessDenied(deps.accountId, creds, action, refused);
  if (!model) throw invalid('The provided model identifier is invalid.');
  if (model.model.profileOnly && !model.profile) {
    throw invalid(
      `Invocation of model ID ${model.model.modelId} with on-demand throughput isn't supported. Retry your request with the ID or ARN of an inference profile that contains this model.`,
    );
  }
  let body: unknown;
  try {
    body = JSON.parse(req.body.toString('utf8') || 'null');
  } catch {
    body = null;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw invalid('Malformed input request, please reformat your input and try again.');
  return { model, body: body as Record<string, unknown> };
}
