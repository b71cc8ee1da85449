// The story pipeline against one local emulator: what the core adds to first-token latency
// (StoryService vs a raw SDK ConverseStream, both warm, both HTTP/1.1), Cognito calls for a cold
// and a warm story, cancellation time (also while the story file is saved as it streams), and
// single-flight session refresh under load.
import { SessionManager } from '../src/core/auth/session';
import type { Session } from '../src/core/auth/session';
import { buildConverseRequest } from '../src/core/story/prompt';
import type { StoryService } from '../src/core/story/service';
import type { RunningEmulator } from '../emulator/src/emulator';
import { DIRECT_MODE_TEAM } from '../emulator/src/presets';
import { authFor, cognitoCalls } from '../test/support/emulatorSession';
import { MemoryStore } from '../test/support/sessionStore';
import {
  addModelLatency,
  compareFirstTokens,
  CONTROLS,
  pipelineFirstToken,
  rawFirstToken,
  round,
} from './support/firstToken';
import { withSignedInEmulator } from './support/signedInEmulator';
import type { Benchmark, Figure } from './types';

async function cancelStopMs(service: StoryService): Promise<number> {
  const controller = new AbortController();
  let abortedAt = 0;
  let chars = 0;
  const out = await service.generate(CONTROLS, undefined, {
    signal: controller.signal,
    onDelta: (t) => {
      chars += t.length;
      if (chars > 40 && !abortedAt) {
        abortedAt = performance.now();
        controller.abort();
      }
    },
  });
  if (out.status !== 'stopped' || out.text.length === 0) throw new Error(`cancel: ${out.status}`);
  return performance.now() - abortedAt;
}

/**
 * Stop while the story file is being saved as it streams (test/aws/story/service.test.ts's
 * scenario): `service` saves every 100 ms; the story streams for 300 ms first, then is stopped.
 */
async function cancelWhileSavingMs(service: StoryService): Promise<number> {
  const controller = new AbortController();
  let abortedAt = 0;
  let timer: NodeJS.Timeout | undefined;
  const out = await service.generate(CONTROLS, undefined, {
    signal: controller.signal,
    onDelta: () => {
      timer ??= setTimeout(() => {
        abortedAt = performance.now();
        controller.abort();
      }, 300);
    },
  });
  clearTimeout(timer);
  if (out.status !== 'stopped' || !abortedAt) throw new Error(`cancel while saving: ${out.status}`);
  return performance.now() - abortedAt;
}

async function concurrentRefreshes(emu: RunningEmulator, session: Session, callers: number): Promise<number> {
  const auth = authFor(emu);
  const store = new MemoryStore();
  // The access token is taken as expired: every caller needs a refresh at once.
  store.value = JSON.stringify({ ...session, issuedAt: Date.now() - 3_700_000, expiresAt: Date.now() - 100_000 });
  const sessions = new SessionManager({ store, refresh: (s) => auth.refresh(s) });
  const before = emu.counters()['InitiateAuth:REFRESH_TOKEN_AUTH'] ?? 0;
  const results = await Promise.all(Array.from({ length: callers }, () => sessions.getSession()));
  if (new Set(results.map((r) => r.accessToken)).size !== 1) throw new Error('callers got different sessions');
  sessions.dispose();
  auth.dispose();
  return (emu.counters()['InitiateAuth:REFRESH_TOKEN_AUTH'] ?? 0) - before;
}

export const pipeline: Benchmark = {
  name: 'story pipeline (emulator, HTTP/1.1, 40 tokens/s)',
  run: () =>
    withSignedInEmulator({ params: DIRECT_MODE_TEAM, tempPrefix: 'bench-stories-' }, async (s) => {
      const { emu } = s;
      // Cold: a new service, no credentials yet.
      emu.resetCounters();
      const service = s.newService();
      await pipelineFirstToken(service);
      const cold = cognitoCalls(emu);
      emu.resetCounters();
      await pipelineFirstToken(service);
      const warm = cognitoCalls(emu);

      const rawClient = await s.rawDirectClient();
      const request = buildConverseRequest(s.config.modelId, CONTROLS);
      addModelLatency(emu);
      await rawFirstToken(rawClient, request); // warm the raw client's connection too
      const firstTokens = await compareFirstTokens(service, rawClient, request, {
        ratio: 'first token: StoryService ÷ raw SDK (median)',
        core: 'first token via StoryService (median)',
        sdk: 'first token via raw SDK (median)',
      });
      emu.clearFaults();
      rawClient.destroy();

      const stops: number[] = [];
      for (let i = 0; i < 5; i++) stops.push(await cancelStopMs(service));
      const saving = s.newService(100);
      const savingStops: number[] = [];
      for (let i = 0; i < 5; i++) savingStops.push(await cancelWhileSavingMs(saving));

      const refreshes = await concurrentRefreshes(emu, s.user.session, 50);
      return [
        ...firstTokens,
        {
          name: 'cold first story: Cognito identity calls',
          value: cold.getId + cold.getCredentials,
          unit: 'calls',
          goal: { op: '==', value: 2 },
          note: `GetId ${cold.getId}, GetCredentialsForIdentity ${cold.getCredentials}, InitiateAuth ${cold.initiateAuth}`,
        },
        {
          name: 'warm story: Cognito calls',
          value: warm.getId + warm.getCredentials + warm.initiateAuth,
          unit: 'calls',
          goal: { op: '==', value: 0 },
        },
        {
          name: 'cancel → stopped (worst of 5)',
          value: round(Math.max(...stops), 1),
          unit: 'ms',
          goal: { op: '<=', value: 200 },
        },
        {
          name: 'cancel → stopped while saving as it streams (worst of 5)',
          value: round(Math.max(...savingStops), 1),
          unit: 'ms',
          goal: { op: '<=', value: 200 },
          note: 'the story file saved every 100 ms, stopped after 300 ms of text',
        },
        {
          name: '50 concurrent getSession() on an expired token: refreshes',
          value: refreshes,
          unit: 'requests',
          goal: { op: '==', value: 1 },
        },
      ] satisfies Figure[];
    }),
};
