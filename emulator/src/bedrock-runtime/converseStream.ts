// ConverseStream: messageStart, one contentBlockDelta per token, contentBlockStop, messageStop
// and metadata, as event-stream frames. With a guardrail (guardrailTurn.ts): a blocked input
// streams only the blocked-input message; the output is checked in batches, and a failing batch
// ends the stream with the blocked-output message and stopReason guardrail_intervened (sync:
// that batch never sent; async: sent before its check ended).
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
import { GUARDRAIL_INTERVENED, checkInput, guardrailTrace, planStream } from './guardrailTurn';
import type { BedrockDeps } from './invocation';
import { invocation, modelPath } from './invocation';

const delta = (text: string): Uint8Array =>
  eventFrame('contentBlockDelta', { contentBlockIndex: 0, delta: { text } } satisfies Wire<ContentBlockDeltaEvent>);

export const converseStream: RestOperation<BedrockDeps, IssuedCredentials> = {
  name: 'ConverseStream',
  auth: 'sigv4',
  method: 'POST',
  path: modelPath('converse-stream'),
  async handle(req, reply, deps, creds, [modelId = '']) {
    const started = Date.now();
    const { model, body, guard } = invocation(req, modelId, 'bedrock:InvokeModelWithResponseStream', deps, creds);
    const request = converseRequest(body, model);
    const input = guard ? checkInput(guard, body) : undefined;
    const r = input?.blocked ? undefined : deps.stories.tell(request, model);
    const cache = r ? deps.promptCache.use(model.model.modelId, request.cachePoints ?? []) : undefined;
    const plan = guard && r ? planStream(guard, r.tokens) : undefined;
    const blockedMessage = input?.blocked
      ? guard!.config.blockedInputMessaging
      : plan?.blocked
        ? guard!.config.blockedOutputsMessaging
        : undefined;
    const tokens = plan?.tokens ?? r?.tokens ?? [];
    const outputTokens = plan?.modelTokens ?? r?.outputTokens ?? 0;
    const trace = guard && input ? guardrailTrace(guard, input, plan?.verdicts ?? []) : undefined;
    const start: Wire<MessageStartEvent> = { role: 'assistant' };
    const stop: Wire<MessageStopEvent> = {
      stopReason: (blockedMessage !== undefined
        ? GUARDRAIL_INTERVENED
        : r?.stopReason) as MessageStopEvent['stopReason'],
    };
    await pump(
      this.name,
      reply,
      tokens,
      tokens.join(''),
      {
        head: [eventFrame('messageStart', start)],
        token: delta,
        tail: () => [
          ...(blockedMessage !== undefined ? [delta(blockedMessage)] : []),
          eventFrame('contentBlockStop', { contentBlockIndex: 0 }),
          eventFrame('messageStop', stop),
          eventFrame('metadata', {
            usage: converseUsage(
              { inputTokens: r?.inputTokens ?? 0, outputTokens },
              cache,
            ) as Wire<ConverseStreamMetadataEvent>['usage'],
            metrics: { latencyMs: Date.now() - started },
            ...(trace ? { trace } : {}),
          } satisfies Wire<ConverseStreamMetadataEvent>),
        ],
      },
      deps.stories,
    );
  },
};
