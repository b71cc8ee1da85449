// Content safety (#27) in budget mode: what the extension adds to the first token of a story the
// gateway checks with the stack's guardrail (StoryService through the story gateway, vs a raw
// signed request to the same gateway with the same audience, so the same strict guardrail). The
// gateway and the guardrail cost both sides alike; the ratio is the extension's own share.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AUDIENCE_HEADER } from '../infra/src/gateway/contract';
import { buildConverseRequest } from '../src/core/story/prompt';
import type { StoryControls } from '../src/core/story/protocol/controls';
import { createStoryService } from '../src/core/story/service';
import { startEmulator } from '../emulator/src/emulator';
import { gatewayUser } from '../emulator/test/lambda/gatewayHelpers';
import { authFor, configFor, signedIn } from '../test/support/emulatorSession';
import { gatewayClient } from './gateway';
import { median, pipelineFirstToken, rawFirstToken } from './pipeline';
import type { Benchmark, Figure } from './types';

const RUNS = 15;
/** As in the direct-mode benchmark: the ratio is about overhead, not noise. */
const MODEL_LATENCY_MS = 150;
const CHILDREN: StoryControls = {
  premise: 'A lighthouse keeper teaches a young otter named Pip to read the stars.',
  genre: 'fantasy',
  audience: 'children',
  tone: 'gentle',
  length: 'short',
  temperature: 0.7,
};

export const safetyBudget: Benchmark = {
  name: 'content safety, budget mode (emulator gateway, the strict guardrail, 40 tokens/s)',
  async run(): Promise<Figure[]> {
    const emu = await startEmulator({
      params: {
        ContentSafety: 'Standard',
        DailyTokensPerUser: '10000000',
        RequestsPerMinutePerUser: '0',
        RequestBurstPerUser: '0',
      },
      streamRate: 40,
    });
    const dir = await mkdtemp(join(tmpdir(), 'bench-safety-budget-'));
    const auth = authFor(emu);
    const user = await signedIn(emu, auth);
    const config = configFor(emu, { storyGatewayUrl: (emu.storyGatewayUrl ?? '').replace(/\/$/, '') });
    const service = createStoryService({ config, sessions: user.sessions, historyDir: dir });
    // The gateway chooses the guardrail from the audience header, never from the body.
    const raw = gatewayClient(emu, await gatewayUser(emu), { [AUDIENCE_HEADER]: CHILDREN.audience });
    try {
      if ((await service.budget())?.contentSafety !== 'Standard') throw new Error('the gateway applies no policy');
      const request = buildConverseRequest(config.modelId, CHILDREN, { kind: 'new' });
      await pipelineFirstToken(service, CHILDREN);
      await rawFirstToken(raw, request);
      emu.fault({ kind: 'latency', operation: 'ConverseStream', ms: MODEL_LATENCY_MS });
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
          name: 'first token with the guardrail, budget mode: StoryService ÷ raw signed gateway request (median)',
          value: Math.round((median(core) / median(sdk)) * 1000) / 1000,
          unit: '×',
          goal: { op: '<=', value: 1.05 },
          note: `${RUNS} alternating warm runs, ${MODEL_LATENCY_MS} ms model latency, children's audience (the strict guardrail)`,
        },
        {
          name: 'first token with the guardrail through the gateway via StoryService (median)',
          value: Math.round(median(core) * 10) / 10,
          unit: 'ms',
        },
        {
          name: 'first token with the guardrail through the gateway, raw signed request (median)',
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
