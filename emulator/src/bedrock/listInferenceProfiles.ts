// ListInferenceProfiles (control plane): the US cross-region profiles of the local models.
import type { ListInferenceProfilesResponse } from '@aws-sdk/client-bedrock';
import type { BedrockDeps } from '../bedrock-runtime/invocation';
import { accessDenied } from '../bedrock-runtime/invocation';
import type { IssuedCredentials } from '../cognito-identity/identityPool';
import { isAllowed } from '../iam';
import { inferenceProfileSummaries } from '../models';
import type { RestOperation, Wire } from '../operation';

export const listInferenceProfiles: RestOperation<BedrockDeps, IssuedCredentials> = {
  name: 'ListInferenceProfiles',
  auth: 'sigv4',
  method: 'GET',
  path: /^\/inference-profiles$/,
  async handle(_req, reply, deps, creds) {
    if (!isAllowed(creds.role, 'bedrock:ListInferenceProfiles', ['*']))
      throw accessDenied(deps.accountId, creds, 'bedrock:ListInferenceProfiles', '*');
    const out: Wire<ListInferenceProfilesResponse> = {
      inferenceProfileSummaries: inferenceProfileSummaries(deps.region, deps.accountId),
    };
    reply.send(200, { 'content-type': 'application/json' }, JSON.stringify(out));
  },
};
