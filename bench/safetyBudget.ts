// Content safety (#27) in budget mode: what the extension adds to the first token of a story the
// gateway checks with the stack's guardrail (StoryService through the story gateway, vs a raw
// signed request to the same gateway with the same audience, so the same strict guardrail). The
// gateway and the guardrail cost both sides alike; the ratio is the extension's own share.
import { AUDIENCE_HEADER } from '../infra/src/gateway/contract';
import { buildConverseRequest } from '../src/core/story/prompt';
import { gatewayUser } from '../emulator/test/lambda/gatewayHelpers';
import { gatewayClient } from './gateway';
import { addModelLatency, compareFirstTokens, CONTROLS, pipelineFirstToken, rawFirstToken } from './support/firstToken';
import { withSignedInEmulator } from './support/signedInEmulator';
import type { Benchmark } from './types';

export const safetyBudget: Benchmark = {
  name: 'content safety, budget mode (emulator gateway, the strict guardrail, 40 tokens/s)',
  run: () =>
    withSignedInEmulator(
      {
        params: {
          ContentSafety: 'Standard',
          DailyTokensPerUser: '10000000',
          RequestsPerMinutePerUser: '0',
          RequestBurstPerUser: '0',
        },
        tempPrefix: 'bench-safety-budget-',
        settings: (emu) => ({ storyGatewayUrl: (emu.storyGatewayUrl ?? '').replace(/\/$/, '') }),
      },
      async (s) => {
        const service = s.newService();
        // The gateway chooses the guardrail from the audience header, never from the body.
        const raw = gatewayClient(s.emu, await gatewayUser(s.emu), { [AUDIENCE_HEADER]: CONTROLS.audience });
        s.defer(() => raw.destroy());
        if ((await service.budget())?.contentSafety !== 'Standard') throw new Error('the gateway applies no policy');
        const request = buildConverseRequest(s.config.modelId, CONTROLS, { kind: 'new' });
        await pipelineFirstToken(service);
        await rawFirstToken(raw, request);
        addModelLatency(s.emu);
        return compareFirstTokens(
          service,
          raw,
          request,
          {
            ratio: 'first token with the guardrail, budget mode: StoryService ÷ raw signed gateway request (median)',
            core: 'first token with the guardrail through the gateway via StoryService (median)',
            sdk: 'first token with the guardrail through the gateway, raw signed request (median)',
          },
          ", children's audience (the strict guardrail)",
        );
      },
    ),
};
