// InvokeModelWithResponseStream: `chunk` events whose bytes are the model family's own stream
// JSON, base64-encoded, ending with amazon-bedrock-invocationMetrics.
import type { PayloadPart } from '@aws-sdk/client-bedrock-runtime';
import type { IssuedCredentials } from '../cognito-identity/identityPool';
import type { RestOperation, Wire } from '../operation';
import { eventFrame, pump } from './eventStream';
import type { Json } from './families/adapter';
import { FAMILIES } from './families/table';
import type { BedrockDeps } from './invocation';
import { invocation, modelPath } from './invocation';

const chunk = (payload: Json): Uint8Array =>
  eventFrame('chunk', { bytes: Buffer.from(JSON.stringify(payload)).toString('base64') } satisfies Wire<PayloadPart>);

export const invokeModelWithResponseStream: RestOperation<BedrockDeps, IssuedCredentials> = {
  name: 'InvokeModelWithResponseStream',
  auth: 'sigv4',
  method: 'POST',
  path: modelPath('invoke-with-response-stream'),
  async handle(req, reply, deps, creds, [modelId = '']) {
    const started = Date.now();
    const { model, body } = invocation(req, modelId, 'bedrock:InvokeModelWithResponseStream', deps, creds);
    const family = FAMILIES[model.model.family];
    const result = deps.stories.tell(family.request(body, model), model);
    const shapes = family.chunks(model, result, () => Date.now() - started);
    await pump(
      this.name,
      reply,
      result.tokens,
      result.text,
      {
        head: shapes.head.map(chunk),
        token: (t, i) => chunk(shapes.token(t, i)),
        tail: () => shapes.tail().map(chunk),
      },
      deps.stories,
    );
  },
};
