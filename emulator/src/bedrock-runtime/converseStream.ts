// ConverseStream: messageStart, one contentBlockDelta per token, contentBlockStop, messageStop
// and metadata, as event-stream frames.
import type {
  ContentBlockDeltaEvent,
  ConverseStreamMetadataEvent,
  MessageStartEvent,
  MessageStopEvent,
} from '@aws-sdk/client-bedrock-runtime';
import type { IssuedCredentials } from '../cognito-identity/identityPool';
import type { RestOperation, Wire } from '../operation';
import { converseRequest } from './converseBody';
import { converseUsage } from './promptCache';
import { eventFrame, pump } from './eventStream';
import type { BedrockDeps } from './invocation';
import { invocation, modelPath } from './invocation';

export const converseStream: RestOperation<BedrockDeps, IssuedCredentials> = {
  name: 'ConverseStream',
  auth: 'sigv4',
  method: 'POST',
  path: modelPath('converse-stream'),
  async handle(req, reply, deps, creds, [modelId = '']) {
    const started = Date.now();
    const { model, body } = invocation(req, modelId, 'bedrock:InvokeModelWithResponseStream', deps, creds);
    const request = converseRequest(body, model);
    const r = deps.stories.tell(request, model);
    const cache = deps.promptCache.use(model.model.modelId, request.cachePoints ?? []);
    const start: Wire<MessageStartEvent> = { role: 'assistant' };
    const stop: Wire<MessageStopEvent> = { stopReason: r.stopReason as MessageStopEvent['stopReason'] };
    await pump(
      this.name,
      reply,
      r.tokens,
      r.text,
      {
        head: [eventFrame('messageStart', start)],
        token: (text) =>
          eventFrame('contentBlockDelta', {
            contentBlockIndex: 0,
            delta: { text },
          } satisfies Wire<ContentBlockDeltaEvent>),
        tail: () => [
          eventFrame('contentBlockStop', { contentBlockIndex: 0 }),
          eventFrame('messageStop', stop),
          eventFrame('metadata', {
            usage: converseUsage(r, cache) as Wire<ConverseStreamMetadataEvent>['usage'],
            metrics: { latencyMs: Date.now() - started },
          } satisfies Wire<ConverseStreamMetadataEvent>),
        ],
      },
      deps.stories,
    );
  },
};
