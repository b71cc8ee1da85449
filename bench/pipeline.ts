// The story pipeline against one local emulator: what the core adds to first-token latency
// (StoryService vs a raw SDK ConverseStream, both warm, both HTTP/1.1), Cognito calls for a cold
// and a warm story, cancellation time (also while the story file is saved as it streams), and
// single-flight session refresh under load.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BedrockRuntimeClient, ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { SessionManager } from '../src/core/auth/session';
import type { Session } from '../src/core/auth/session';
import { CognitoCredentials } from '../src/core/story/generation/credentials';
import { buildConverseRequest } from '../src/core/story/prompt';
import type { ConverseRequest } from '../src/core/story/prompt';
import type { StoryControls } from '../src/core/story/protocol/controls';
import { createStoryService } from '../src/core/story/service';
import type { StoryService } from '../src/core/story/service';
import { startEmulator } from '../emulator/src/emulator';
import type { RunningEmulator } from '../emulator/src/emulator';
import { authFor, cognitoCalls, configFor, signedIn } from '../test/support/emulatorSession';
import { MemoryStore } from '../test/support/sessionStore';
import type { Benchmark, Figure } from './types';
import { DIRECT_MODE_TEAM } from '../emulator/src/presets';

const RUNS = 15;
/** Time to first token the emulator adds, like a model's: makes the ratio about overhead, not noise. */
const MODEL_LATENCY_MS = 150;
const CONTROLS: StoryControls = {
  premise: 'A lighthouse keeper teaches a young otter named Pip to read the stars.',
  genre: 'fantasy',
  audience: 'children',
  tone: 'gentle',
  length: 'short',
  temperature: 0.7,
};

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

/** ms from the call to the first text reaching the UI callback, then stops the story. */
export async function pipelineFirstToken(service: StoryService, controls: StoryControls = CONTROLS): Promise<number> {
  const controller = new AbortController();
  let first = 0;
  const t0 = performance.now();
  const out = await service.generate(controls, undefined, {
    signal: controller.signal,
    onDelta: () => {
      if (!first) first = performance.now() - t0;
      controller.abort();
    },
  });
  if (!first) throw new Error(`no first token: ${out.status} ${out.error?.message ?? ''}`);
  return first;
}

/** The same request straight through the SDK: ms from send() to the first text delta. */
export async function rawFirstToken(client: BedrockRuntimeClient, request: ConverseRequest): Promise<number> {
  const controller = new AbortController();
  const t0 = performance.now();
  const out = await client.send(
    new ConverseStreamCommand(request as ConstructorParameters<typeof ConverseStreamCommand>[0]),
    { abortSignal: controller.signal },
  );
  try {
    for await (const event of out.stream ?? []) {
      if (event.contentBlockDelta?.delta?.text) return performance.now() - t0;
    }
  } finally {
    controller.abort();
  }
  throw new Error('no first token from the raw stream');
}

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
  async run(): Promise<Figure[]> {
    const emu = await startEmulator({ params: DIRECT_MODE_TEAM, streamRate: 40 });
    const dir = await mkdtemp(join(tmpdir(), 'bench-stories-'));
    const auth = authFor(emu);
    const user = await signedIn(emu, auth);
    const config = configFor(emu);
    const services: StoryService[] = [];
    const newService = (saveIntervalMs?: number) => {
      const s = createStoryService({
        config,
        sessions: user.sessions,
        historyDir: dir,
        ...(saveIntervalMs === undefined ? {} : { saveIntervalMs }),
      });
      services.push(s);
      return s;
    };
    try {
      // Cold: a new service, no credentials yet.
      emu.resetCounters();
      const service = newService();
      await pipelineFirstToken(service);
      const cold = cognitoCalls(emu);
      emu.resetCounters();
      await pipelineFirstToken(service);
      const warm = cognitoCalls(emu);

      // The raw client signs with credentials from the same identity pool, fetched once.
      const creds = await new CognitoCredentials({
        region: emu.region,
        identityPoolId: emu.identityPoolId,
        userPoolId: emu.userPoolId,
        endpoint: emu.endpoints.cognitoIdentity,
        sessions: user.sessions,
      }).get();
      const rawClient = new BedrockRuntimeClient({
        region: emu.region,
        endpoint: emu.endpoints.bedrockRuntime,
        requestHandler: new NodeHttpHandler(),
        credentials: creds,
      });
      const request = buildConverseRequest(config.modelId, CONTROLS);

      emu.fault({ kind: 'latency', operation: 'ConverseStream', ms: MODEL_LATENCY_MS });
      await rawFirstToken(rawClient, request); // warm the raw client's connection too
      const core: number[] = [];
      const sdk: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        // Alternate the order so drift (GC, caches) hits both sides alike.
        if (i % 2 === 0) {
          core.push(await pipelineFirstToken(service));
          sdk.push(await rawFirstToken(rawClient, request));
        } else {
          sdk.push(await rawFirstToken(rawClient, request));
          core.push(await pipelineFirstToken(service));
        }
      }
      emu.clearFaults();
      rawClient.destroy();

      const stops: number[] = [];
      for (let i = 0; i < 5; i++) stops.push(await cancelStopMs(service));
      const saving = newService(100);
      const savingStops: number[] = [];
      for (let i = 0; i < 5; i++) savingStops.push(await cancelWhileSavingMs(saving));

      const refreshes = await concurrentRefreshes(emu, user.session, 50);
      const ratio = median(core) / median(sdk);
      return [
        {
          name: 'first token: StoryService ÷ raw SDK (median)',
          value: round(ratio, 3),
          unit: '×',
          goal: { op: '<=', value: 1.05 },
          note: `${RUNS} alternating warm runs, ${MODEL_LATENCY_MS} ms model latency`,
        },
        { name: 'first token via StoryService (median)', value: round(median(core), 1), unit: 'ms' },
        { name: 'first token via raw SDK (median)', value: round(median(sdk), 1), unit: 'ms' },
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
      ];
    } finally {
      for (const s of services) s.dispose();
      user.sessions.dispose();
      auth.dispose();
      await emu.stop();
      await rm(dir, { recursive: true, force: true });
    }
  },
};

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
