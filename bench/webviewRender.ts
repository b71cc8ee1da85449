// The story panel's rendering under load: a 20,000-token story streamed into the real webview
// bundle (production build) in headless Chromium, under the panel's CSP, the way the host sends
// it (one story.delta per 16.7 ms, 40 tokens each: about 10x a fast model), and once as a burst.
import { HOST_INTERVAL_MS, makeStory, startHarness, streamStory } from '../test/webview/harness';
import { DEFAULT_CONTROLS } from '../src/core/story/protocol/controls';
import { hostEvent } from '../src/core/story/protocol/messages';
import type { Benchmark, Figure } from './types';

const TOKENS = 20_000;
const PER_MESSAGE = 40;

const round = (n: number, digits = 1): number => Number(n.toFixed(digits));

export const webviewRender: Benchmark = {
  name: 'webview render (20k tokens, Chromium)',
  async run(): Promise<Figure[]> {
    const harness = await startHarness({ production: true });
    try {
      const tokens = makeStory(TOKENS);
      const run = async (storyId: string, intervalMs: number) => {
        const sp = await harness.newPage();
        try {
          await sp.goto();
          const models = [{ id: 'amazon.nova-lite-v1:0', name: 'Nova Lite', provider: 'Amazon' }];
          await sp.send(
            hostEvent('state', {
              auth: { kind: 'signedIn', email: 'bench@example.com' },
              models,
              defaultModelId: models[0]!.id,
            }),
          );
          await sp.send(
            hostEvent('story.started', {
              storyId,
              modelId: models[0]!.id,
              controls: { ...DEFAULT_CONTROLS, premise: 'Benchmark' },
              kind: 'new',
            }),
          );
          const figures = await streamStory(sp, storyId, tokens, PER_MESSAGE, intervalMs);
          const violations = await sp.cspViolations();
          if (violations.length || sp.problems.errors.length)
            throw new Error(`page problems: ${JSON.stringify({ violations, errors: sp.problems.errors })}`);
          return figures;
        } finally {
          await sp.page.close();
        }
      };
      const paced = await run('paced', HOST_INTERVAL_MS);
      const burst = await run('burst', 0);
      const kb = `${(paced.chars / 1024).toFixed(0)} KB in ${paced.messages} deltas of ${PER_MESSAGE} tokens`;
      const hostRate = 1000 / HOST_INTERVAL_MS;
      return [
        {
          name: 'webview: delta messages per second',
          value: round(paced.messagesPerSecond),
          unit: 'msg/s',
          goal: { op: '<=', value: 60 },
          note: kb,
        },
        {
          // Below this the page was too busy to take the stream as fast as the host sends it, and
          // the figures below describe a slower stream than the host's.
          name: 'webview: messages taken ÷ the host rate (paced)',
          value: round(paced.messagesPerSecond / hostRate, 3),
          unit: '×',
          goal: { op: '>=', value: 0.75 },
          note: `${round(paced.messagesPerSecond)} of ${round(hostRate)} msg/s`,
        },
        {
          name: 'webview: last-token lag',
          value: round(paced.lastTokenLagMs),
          unit: 'ms',
          goal: { op: '<=', value: 100 },
          note: 'last delta posted → last token in the DOM',
        },
        {
          name: 'webview: total render time (paced)',
          value: Math.round(paced.totalMs),
          unit: 'ms',
          note: 'set by the sender: messages × 16.7 ms',
        },
        {
          name: 'webview: longest frame (paced)',
          value: round(paced.longestFrameMs),
          unit: 'ms',
          note: 'longest gap between animation frames while streaming',
        },
        {
          name: 'webview: longest task (paced)',
          value: round(paced.longestTaskMs),
          unit: 'ms',
          goal: { op: '<=', value: 100 },
          note: 'PerformanceObserver longtask (≥ 50 ms), 0 if none',
        },
        {
          // Per-frame work stays small; the goal leaves room for a busy machine of 2 cores.
          name: 'webview: flush per frame, mean (paced)',
          value: round(paced.meanFlushMs, 2),
          unit: 'ms',
          goal: { op: '<=', value: 4 },
          note: `max ${round(paced.maxFlushMs)} ms over ${paced.flushes} flushes`,
        },
        {
          name: 'webview: flushes longer than a frame (paced)',
          value: round((100 * paced.slowFlushes) / Math.max(1, paced.flushes), 2),
          unit: '%',
          goal: { op: '<=', value: 1 },
          note: `${paced.slowFlushes} of ${paced.flushes}`,
        },
        {
          name: 'webview: DOM updates in one frame, most (paced)',
          value: paced.framesWithSeveralMutations > 0 ? 2 : 1,
          unit: 'updates',
          goal: { op: '<=', value: 1 },
        },
        {
          name: 'webview: total render time (burst)',
          value: Math.round(burst.totalMs),
          unit: 'ms',
          note: `all ${burst.messages} deltas posted at once; ${burst.flushes} flushes`,
        },
        { name: 'webview: longest frame (burst)', value: round(burst.longestFrameMs), unit: 'ms' },
        {
          name: 'webview: longest task (burst)',
          value: round(burst.longestTaskMs),
          unit: 'ms',
          note: 'one catch-up flush, as after the panel was hidden',
        },
      ];
    } finally {
      await harness.close();
    }
  },
};
