// Content safety (#27) in direct mode: what the extension adds to the first token of a story the
// stack's guardrail checks (StoryService, which chooses and sends the guardrail, vs the raw SDK
// sending the same request with the same guardrail). The guardrail's own cost is the model's side:
// both sides pay it alike.
import { buildConverseRequest } from '../src/core/story/prompt';
import { guardrailFor } from '../src/core/story/safety';
import { DIRECT_MODE_TEAM } from '../emulator/src/presets';
import { addModelLatency, compareFirstTokens, CONTROLS, pipelineFirstToken, rawFirstToken } from './support/firstToken';
import { withSignedInEmulator } from './support/signedInEmulator';
import type { Benchmark } from './types';

export const safety: Benchmark = {
  name: 'content safety, direct mode (emulator, the strict guardrail, 40 tokens/s)',
  run: () =>
    withSignedInEmulator(
      {
        params: { ...DIRECT_MODE_TEAM, ContentSafety: 'Standard' },
        tempPrefix: 'bench-safety-',
        settings: ({ outputs: o }) => ({
          'contentSafety.policy': o['ContentSafety'],
          'contentSafety.standardGuardrailId': o['StandardGuardrailId'],
          'contentSafety.standardGuardrailVersion': o['StandardGuardrailVersion'],
          'contentSafety.strictGuardrailId': o['StrictGuardrailId'],
          'contentSafety.strictGuardrailVersion': o['StrictGuardrailVersion'],
        }),
      },
      async (s) => {
        const service = s.newService();
        const raw = await s.rawDirectClient();
        // The same request, with the same (strict) guardrail, that the service builds.
        const request = buildConverseRequest(
          s.config.modelId,
          CONTROLS,
          { kind: 'new' },
          guardrailFor(s.config.contentSafety, CONTROLS),
        );
        if (request.guardrailConfig?.guardrailIdentifier !== s.emu.outputs['StrictGuardrailId'])
          throw new Error('not the strict guardrail');
        await pipelineFirstToken(service);
        addModelLatency(s.emu);
        await rawFirstToken(raw, request);
        return compareFirstTokens(
          service,
          raw,
          request,
          {
            ratio: 'first token with the guardrail: StoryService ÷ raw SDK (median)',
            core: 'first token with the guardrail via StoryService (median)',
            sdk: 'first token with the guardrail via raw SDK (median)',
          },
          ', sync mode',
        );
      },
    ),
};
