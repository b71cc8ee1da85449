// ListFoundationModels (control plane): the local models, named as stand-ins.
import type { ListFoundationModelsResponse } from '@aws-sdk/client-bedrock';
import type { BedrockDeps } from '../bedrock-runtime/invocation';
import { accessDenied } from '../bedrock-runtime/invocation';
import type { IssuedCredentials } from '../cognito-identity/identityPool';
import { isAllowed } from '../iam';
import { modelSummaries } from '../models';
import type { RestOperation, Wire } from '../operation';
import type { Shape } from '../validate';
import { validate } from '../validate';

/** The documented filters (query parameters) of ListFoundationModels. */
const QUERY: Shape = {
  byProvider: { type: 'string', pattern: '[A-Za-z0-9- ]{1,63}' },
  byCustomizationType: { type: 'string', enum: ['FINE_TUNING', 'CONTINUED_PRE_TRAINING', 'DISTILLATION'] },
  byOutputModality: { type: 'string', enum: ['TEXT', 'IMAGE', 'EMBEDDING'] },
  byInferenceType: { type: 'string', enum: ['ON_DEMAND', 'PROVISIONED'] },
};

export const listFoundationModels: RestOperation<BedrockDeps, IssuedCredentials> = {
  name: 'ListFoundationModels',
  auth: 'sigv4',
  method: 'GET',
  path: /^\/foundation-models$/,
  async handle(req, reply, deps, creds) {
    validate(Object.fromEntries(req.query), QUERY, 'ValidationException');
    if (!isAllowed(creds.role, 'bedrock:ListFoundationModels', ['*']))
      throw accessDenied(deps.accountId, creds, 'bedrock:ListFoundationModels', '*');
    const out: Wire<ListFoundationModelsResponse> = { modelSummaries: modelSummaries(deps.region) };
    reply.send(200, { 'content-type': 'application/json' }, JSON.stringify(out));
  },
};
