// InvokeModel: the model family's own body in and out, with Bedrock's token-count headers.
import type { IssuedCredentials } from '../cognito-identity/identityPool';
import type { RestOperation } from '../operation';
import { FAMILIES } from './families/table';
import type { BedrockDeps } from './invocation';
import { invocation, modelPath } from './invocation';

export const invokeModel: RestOperation<BedrockDeps, IssuedCredentials> = {
  name: 'InvokeModel',
  auth: 'sigv4',
  method: 'POST',
  path: modelPath('invoke'),
  async handle(req, reply, deps, creds, [modelId = '']) {
    const started = Date.now();
    const { model, body } = invocation(req, modelId, 'bedrock:InvokeModel', deps, creds);
    const family = FAMILIES[model.model.family];
    const result = deps.stories.tell(family.request(body, model), model);
    reply.send(
      200,
      {
        'content-type': 'application/json',
        'x-amzn-bedrock-input-token-count': String(result.inputTokens),
        'x-amzn-bedrock-output-token-count': String(result.outputTokens),
        'x-amzn-bedrock-invocation-latency': String(Date.now() - started),
      },
      JSON.stringify(family.whole(model, result)),
    );
  },
};
