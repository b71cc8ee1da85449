// Converse: the whole story as one message, with usage and latency; with a guardrail, the input
// is checked before the model runs and the output before it is returned (guardrailTurn.ts).
import type { ConverseResponse } from '@aws-sdk/client-bedrock-runtime';
import type { IssuedCredentials } from '../cognito-identity/identityPool';
import type { Verdict } from '../guardrails/classifier';
import type { RestOperation, Wire } from '../operation';
import { converseRequest } from './converseBody';
import { converseUsage } from './promptCache';
import { GUARDRAIL_INTERVENED, checkInput, guardrailTrace } from './guardrailTurn';
import { assess } from '../guardrails/classifier';
import type { BedrockDeps } from './invocation';
import { invocation, modelPath } from './invocation';

export const converse: RestOperation<BedrockDeps, IssuedCredentials> = {
  name: 'Converse',
  auth: 'sigv4',
  method: 'POST',
  path: modelPath('converse'),
  async handle(req, reply, deps, creds, [modelId = '']) {
    const started = Date.now();
    const { model, body, guard } = invocation(req, modelId, 'bedrock:InvokeModel', deps, creds);
    const request = converseRequest(body, model);
    const input = guard ? checkInput(guard, body) : undefined;
    // A blocked input never reaches the model: no tokens, the blocked-input message.
    const result = input?.blocked ? undefined : deps.stories.tell(request, model);
    const cache = result ? deps.promptCache.use(model.model.modelId, request.cachePoints ?? []) : undefined;
    const output: Verdict | undefined = guard && result ? assess(guard.config, 'OUTPUT', result.text) : undefined;
    const blocked = input?.blocked === true || output?.blocked === true;
    const text = input?.blocked
      ? guard!.config.blockedInputMessaging
      : output?.blocked
        ? guard!.config.blockedOutputsMessaging
        : (result?.text ?? '');
    const trace = guard && input ? guardrailTrace(guard, input, output ? [output] : []) : undefined;
    const out: Wire<ConverseResponse> = {
      output: { message: { role: 'assistant', content: [{ text }] } },
      stopReason: (blocked ? GUARDRAIL_INTERVENED : result?.stopReason) as ConverseResponse['stopReason'],
      // A blocked premise never reaches the model: no tokens.
      usage: converseUsage(result ?? { inputTokens: 0, outputTokens: 0 }, cache) as Wire<ConverseResponse>['usage'],
      metrics: { latencyMs: Date.now() - started },
      ...(trace ? { trace } : {}),
    };
    reply.send(200, { 'content-type': 'application/json' }, JSON.stringify(out));
  },
};
