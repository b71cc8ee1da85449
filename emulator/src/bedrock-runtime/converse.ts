// Converse: the whole story as one message, with usage and latency.
import type { ConverseResponse } from '@aws-sdk/client-bedrock-runtime';
import type { IssuedCredentials } from '../cognito-identity/identityPool';
import type { RestOperation, Wire } from '../operation';
import { converseRequest } from './converseBody';
import { converseUsage } from './promptCache';
import type { BedrockDeps } from './invocation';
import { invocation, modelPath } from './invocation';

export const converse: RestOperation<BedrockDeps, IssuedCredentials> = {
  name: 'Converse',
  auth: 'sigv4',
  method: 'POST',
  path: modelPath('converse'),
  async handle(req, reply, deps, creds, [modelId = '']) {
    const started = Date.now();
    const { model, body } = invocation(req, modelId, 'bedrock:InvokeModel', deps, creds);
    const request = converseRequest(body, model);
    const result = deps.stories.tell(request, model);
    const cache = deps.promptCache.use(model.model.modelId, request.cachePoints ?? []);
    const out: Wire<ConverseResponse> = {
      output: { message: { role: 'assistant', content: [{ text: result.text }] } },
      stopReason: result.stopReason as ConverseResponse['stopReason'],
      usage: converseUsage(result, cache) as Wire<ConverseResponse>['usage'],
      metrics: { latencyMs: Date.now() - started },
    };
    reply.send(200, { 'content-type': 'application/json' }, JSON.stringify(out));
  },
};
