// Time to first token, as the pipeline and content-safety benchmarks measure it: through the
// extension's StoryService against the same request sent straight through the SDK, alternated
// run by run, with the ratio of the medians as the figure with a goal.
import { ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import type { ConverseRequest } from '../../src/core/story/prompt';
import type { StoryControls } from '../../src/core/story/protocol/controls';
import type { StoryService } from '../../src/core/story/service';
import type { RunningEmulator } from '../../emulator/src/emulator';
import type { Figure } from '../types';

/** Warm runs a side. */
const RUNS = 15;
/** Time to first token the emulator adds, like a model's: makes the ratio about overhead, not noise. */
const MODEL_LATENCY_MS = 150;
/** A children's story: under content safety, the strict guardrail's audience. */
export const CONTROLS: StoryControls = {
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

export function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

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

/** The model's time to first token from now on (the emulator's latency fault). */
export function addModelLatency(emu: RunningEmulator): void {
  emu.fault({ kind: 'latency', operation: 'ConverseStream', ms: MODEL_LATENCY_MS });
}

/**
 * RUNS first tokens through `service` and as many through `raw` with `request`, warm, as three
 * figures: the ratio of the medians (goal ≤ 1.05), then each median. The order alternates so
 * drift (GC, caches) hits both sides alike.
 */
export async function compareFirstTokens(
  service: StoryService,
  raw: BedrockRuntimeClient,
  request: ConverseRequest,
  names: { ratio: string; core: string; sdk: string },
  /** After the note's runs and model latency. */
  noteTail = '',
): Promise<Figure[]> {
  const core: number[] = [];
  const sdk: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    if (i % 2 === 0) {
      core.push(await pipelineFirstToken(service));
      sdk.push(await rawFirstToken(raw, request));
    } else {
      sdk.push(await rawFirstToken(raw, request));
      core.push(await pipelineFirstToken(service));
    }
  }
  const note = `${RUNS} alternating warm runs, ${MODEL_LATENCY_MS} ms model latency${noteTail}`;
  return [
    {
      name: names.ratio,
      value: round(median(core) / median(sdk), 3),
      unit: '×',
      goal: { op: '<=', value: 1.05 },
      note,
    },
    { name: names.core, value: round(median(core), 1), unit: 'ms' },
    { name: names.sdk, value: round(median(sdk), 1), unit: 'ms' },
  ];
}
