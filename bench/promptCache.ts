// Prompt caching (#26): a second Continue in the same chapter on a 4,000-token bible bills at most
// 20 % of the first's input tokens at the full price. Measured through the real path: the project's
// files → assembleContext with the model's cache minimum → projectRequest → StoryService.
// streamRequest → the Bedrock runtime client → the emulator, which caches as Bedrock does.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cachePrices, priceFor } from '../src/core/story/usage/usage';
import type { Usage } from '../src/core/story/protocol/wire';
import { createStoryService } from '../src/core/story/service';
import { startEmulator } from '../emulator/src/emulator';
import { DIRECT_MODE_TEAM } from '../emulator/src/presets';
import { authFor, configFor, signedIn } from '../test/support/emulatorSession';
import { continueRequest } from '../test/support/projectRequest';
import type { Benchmark, Figure } from './types';

const BIBLE_TOKENS = 4_000;
const MODEL = 'amazon.nova-lite-v1:0';
const PARAGRAPH =
  'Mira walked down to the harbour before dawn, counting the boats that had come in with the tide. ' +
  'The guild had chained its scales to the quay again, and the keeper of the lighthouse was nowhere to be seen. ';

/** Every input token of a request, however Bedrock split it. */
const promptTokens = (u: Usage): number =>
  u.inputTokens + (u.cacheReadInputTokens ?? 0) + (u.cacheWriteInputTokens ?? 0);
const round = (n: number, digits: number): number => Math.round(n * 10 ** digits) / 10 ** digits;

export const promptCache: Benchmark = {
  name: 'story project: prompt caching (a second Continue on a 4,000-token bible)',
  async run(): Promise<Figure[]> {
    const emu = await startEmulator({ params: DIRECT_MODE_TEAM });
    const auth = authFor(emu);
    const dir = await mkdtemp(join(tmpdir(), 'storyteller-bench-cache-'));
    const user = await signedIn(emu, auth);
    const config = configFor(emu);
    const service = createStoryService({ config, sessions: user.sessions, historyDir: dir });
    try {
      /** Two Continues in one chapter: the second after the first's text, as Continue Writing leaves it. */
      // Each scenario its own story (title), so its first Continue finds nothing cached.
      const twice = async (chapter: string, title: string) => {
        const first = continueRequest(BIBLE_TOKENS, chapter, MODEL, title);
        const a = await service.streamRequest(first.request, 'adult');
        const second = continueRequest(BIBLE_TOKENS, `${chapter}${a.text}`, MODEL, title);
        const b = await service.streamRequest(second.request, 'adult');
        if (a.status !== 'done' || b.status !== 'done' || !a.usage || !b.usage)
          throw new Error(`Continue failed: ${a.error?.message ?? ''} ${b.error?.message ?? ''}`);
        return { a: a.usage, b: b.usage, first };
      };
      // An early scene (two paragraphs before the cursor), then a long one (20 paragraphs).
      const early = await twice(PARAGRAPH.repeat(2), 'Salt');
      const long = await twice(PARAGRAPH.repeat(20), 'Salt and Iron');
      for (const r of [early, long])
        if ((r.a.cacheReadInputTokens ?? 0) > 0 || (r.b.cacheReadInputTokens ?? 0) === 0)
          throw new Error(`the cache did not behave: ${JSON.stringify(r)}`);
      const ratio = (r: typeof early) => round(r.b.inputTokens / promptTokens(r.a), 3);
      const price = priceFor(MODEL, config.modelPrices)!;
      const cache = cachePrices(MODEL, price);
      // Dollars of the input alone (the output is what the writer asked for, cached or not).
      const inputCost = (u: Usage) =>
        u.inputTokens * price.input +
        (u.cacheReadInputTokens ?? 0) * cache.read +
        (u.cacheWriteInputTokens ?? 0) * cache.write;
      const costRatio = (r: typeof early) => round(inputCost(r.b) / inputCost(r.a), 3);
      return [
        {
          name: 'second Continue: input billed at the full price / the first’s input tokens',
          value: ratio(early),
          unit: 'ratio',
          goal: { op: '<=', value: 0.2 },
          note: `${MODEL}, ${BIBLE_TOKENS.toLocaleString('en-US')}-token bible (system prefix ${early.first.context.system.tokens.toLocaleString('en-US')} estimated tokens, cache point ${early.first.context.cachePoint.placed ? 'placed' : 'not placed'}), two paragraphs before the cursor: first ${promptTokens(early.a)} input tokens (${early.a.cacheWriteInputTokens ?? 0} written to the cache); second ${early.b.inputTokens} at the full price + ${early.b.cacheReadInputTokens ?? 0} read from the cache; input cost ${costRatio(early)} of the first's at Nova's cache prices (read ${round(cache.read / price.input, 2)} × input)`,
        },
        {
          name: 'the same, 20 paragraphs before the cursor (the excerpt is not cached)',
          value: ratio(long),
          unit: 'ratio',
          note: `first ${promptTokens(long.a)} input tokens; second ${long.b.inputTokens} at the full price + ${long.b.cacheReadInputTokens ?? 0} read from the cache; input cost ${costRatio(long)} of the first's`,
        },
      ];
    } finally {
      service.dispose();
      user.sessions.dispose();
      auth.dispose();
      await emu.stop();
      await rm(dir, { recursive: true, force: true });
    }
  },
};
