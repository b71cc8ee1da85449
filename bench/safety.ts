// Content safety (#27) in direct mode: what the extension adds to the first token of a story the
// stack's guardrail checks (StoryService, which chooses and sends the guardrail, vs the raw SDK
// sending the same request with the same guardrail). The guardrail's own cost is the model's side:
// both sides pay it alike.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { CognitoCredentials } from '../src/core/story/generation/credentials';
import { buildConverseRequest } from '../src/core/story/prompt';
import type { StoryControls } from '../src/core/story/protocol/controls';
import { guardrailFor } from '../src/core/story/safety';
import { createStoryService } from '../src/core/story/service';
import { startEmulator } from '../emulator/src/emulator';
import { DIRECT_MODE_TEAM } from '../emulator/src/presets';
import { authFor, configFor, signedIn } from '../test/support/emulatorSession';
import { median, pipelineFirstToken, rawFirstToken } from './pipeline';
import type { Benchmark, Figure } from './types';

const RUNS = 15;
/** As in the pipeline benchmark: the ratio is about overhead, not noise. */
const MODEL_LATENCY_MS = 150;
const CHILDREN: StoryControls = {
  premise: 'A lighthouse keeper teaches a young otter named Pip to read the stars.',
  genre: 'fantasy',
  audience: 'children',
  tone: 'gentle',
  length: 'short',
  temperature: 0.7,
};

export const safety: Benchmark = {
  name: 'content safety, direct mode (emulator, the strict guardrail, 40 tokens/s)',
  async run(): Promise<Figure[]> {
    const emu = await startEmulator({ params: { ...DIRECT_MODE_TEAM, ContentSafety: 'Standard' }, streamRate: 40 });
    const dir = await mkdtemp(join(tmpdir(), 'bench-safety-'));
    const auth = authFor(emu);
    const user = await signedIn(emu, auth);
    const o = emu.outputs;
    const config = configFor(emu, {
      'contentSafety.policy': o['ContentSafety'],
      'contentSafety.standardGuardrailId': o['StandardGuardrailId'],
      'contentSafety.standardGuardrailVersion': o['StandardGuardrailVersion'],
      'contentSafety.strictGuardrailId': o['StrictGuardrailId'],
      'contentSafety.strictGuardrailVersion': o['StrictGuardrailVersion'],
    });
    const service = createStoryService({ config, sessions: user.sessions, historyDir: dir });
    const creds = await new CognitoCredentials({
      region: emu.region,
      identityPoolId: emu.identityPoolId,
      userPoolId: emu.userPoolId,
      endpoint: emu.endpoints.cognitoIdentity,
      sessions: user.sessions,
    }).get();
    const raw = new BedrockRuntimeClient({
      region: emu.region,
      endpoint: emu.endpoints.bedrockRuntime,
      requestHandler: new NodeHttpHandler(),
      credentials: creds,
    });
    try {
      // The same request, with the same (strict) guardrail, that the service builds.
      const request = buildConverseRequest(
        config.modelId,
        CHILDREN,
        { kind: 'new' },
        guardrailFor(config.contentSafety, CHILDREN),
      );
      if (request.guardrailConfig?.guardrailIdentifier !== o['StrictGuardrailId'])
        throw new Error('not the strict guardrail');
      await pipelineFirstToken(service, CHILDREN);
      emu.fault({ kind: 'latency', operation: 'ConverseStream', ms: MODEL_LATENCY_MS });
      await rawFirstToken(raw, request);
      const core: number[] = [];
      const sdk: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        // Alternate the order so drift (GC, caches) hits both sides alike.
        if (i % 2 === 0) {
          core.push(await pipelineFirstToken(service, CHILDREN));
          sdk.push(await rawFirstToken(raw, request));
        } else {
          sdk.push(await rawFirstToken(raw, request));
          core.push(await pipelineFirstToken(service, CHILDREN));
        }
      }
      return [
        {
          name: 'first token with the guardrail: StoryService ÷ raw SDK (median)',
          value: Math.round((median(core) / median(sdk)) * 1000) / 1000,
          unit: '×',
          goal: { op: '<=', value: 1.05 },
          note: `${RUNS} alternating warm runs, ${MODEL_LATENCY_MS} ms model latency, sync mode`,
        },
        {
          name: 'first token with the guardrail via StoryService (median)',
          value: Math.round(median(core) * 10) / 10,
          unit: 'ms',
        },
        {
          name: 'first token with the guardrail via raw SDK (median)',
          value: Math.round(median(sdk) * 10) / 10,
          unit: 'ms',
        },
      ];
    } finally {
      emu.clearFaults();
      raw.destroy();
      service.dispose();
      user.sessions.dispose();
      auth.dispose();
      await emu.stop();
      await rm(dir, { recursive: true, force: true });
    }
  },
};
