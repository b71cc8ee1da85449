// The story history at 100, 1,000 and 10,000 stories of 1,500 words (about 9 KB each), and at
// 1,000 stories of 15,000 words: listing as a new window does (the index read from disk) and
// as the same window again, opening one story, a search over titles and premises, and how many
// story files a list reads (none, whatever their length: it reads the index beside them).
import { promises as fsp } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { join } from 'node:path';
import { HistoryStore } from '../src/core/story/history/history';
import type { StoredStory } from '../src/core/story/history/storyFile';
import type { StoryControls } from '../src/core/story/protocol/controls';
import type { Benchmark, Figure } from './types';

export const HISTORY_SIZES = [100, 1_000, 10_000] as const;
const LIST_GOAL_MS = 20;
const OPEN_GOAL_MS = 10;
const SEARCH_GOAL_MS = 50;

const PREMISES = [
  'A lighthouse keeper teaches a young otter named Pip to read the stars',
  'A cartographer maps a city that rearranges itself every night',
  'Two rival bakers must share one oven during the winter festival',
  'A retired robot detective takes one last case in a flooded town',
  'The moon files a complaint about the noise from the sea',
];
const WORDS = ['otter', 'star', 'lamp', 'sea', 'keeper', 'night', 'map', 'bread', 'rain', 'quiet'];

/** A story as the extension saves it: the text, one turn holding it again, usage. */
export function benchStory(i: number, words: number): StoredStory {
  const text = Array.from({ length: words }, (_, k) => WORDS[(k * 7 + i) % WORDS.length]).join(' ');
  const id = `bench-${String(i).padStart(6, '0')}`;
  const controls: StoryControls = {
    premise: `${PREMISES[i % PREMISES.length]} (${i})`,
    genre: 'fantasy',
    audience: 'adult',
    tone: 'gentle',
    length: 'medium',
    temperature: 0.7,
  };
  const at = 1_700_000_000_000 + i * 60_000;
  return {
    version: 1,
    id,
    title: `Story ${i}: ${controls.premise.slice(0, 40)}`,
    modelId: 'amazon.nova-lite-v1:0',
    controls,
    text,
    turns: [{ kind: 'new', text, status: 'done', at }],
    status: 'done',
    usage: { inputTokens: 120, outputTokens: Math.round(words * 1.3), totalTokens: 120 + Math.round(words * 1.3) },
    cost: null,
    createdAt: at,
    updatedAt: at,
  };
}

/** Writes `count` story files the way the store does (no index), 200 at a time. */
export async function seedHistory(dir: string, count: number, words: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (let i = 0; i < count; i += 200) {
    await Promise.all(
      Array.from({ length: Math.min(200, count - i) }, (_, k) => {
        const s = benchStory(i + k, words);
        return writeFile(join(dir, `${s.id}.json`), JSON.stringify(s, null, 1));
      }),
    );
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const round = (n: number, digits = 2): number => Number(n.toFixed(digits));

/** V8's gc(): the flag is set at run time, and a new context sees it. */
export function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

async function timed<T>(body: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const t0 = performance.now();
  const result = await body();
  return { ms: performance.now() - t0, result };
}

/** Story files (not the index) read while `body` runs. */
async function storyFilesRead(dir: string, body: () => Promise<unknown>): Promise<number> {
  const fs = fsp as { readFile: typeof fsp.readFile };
  const real = fs.readFile;
  let reads = 0;
  fs.readFile = ((...args: Parameters<typeof fsp.readFile>) => {
    if (String(args[0]).startsWith(`${dir}/`)) reads++;
    return real(...args);
  }) as typeof fsp.readFile;
  try {
    await body();
  } finally {
    fs.readFile = real;
  }
  return reads;
}

interface Measured {
  readonly rebuildMs: number;
  readonly listColdMs: number;
  readonly listUnmarkedMs: number;
  readonly listWarmMs: number;
  readonly openMs: number;
  readonly searchMs: number;
  readonly filesRead: number;
  readonly indexBytes: number;
  readonly found: number;
}

async function measure(dir: string, count: number): Promise<Measured> {
  // As a history last changed a minute ago: the first list leaves the mark that lets a new window skip the names.
  const minuteAgo = new Date(Date.now() - 60_000);
  await utimes(dir, minuteAgo, minuteAgo);
  const rebuild = await timed(() => new HistoryStore(dir).list());
  if (rebuild.result.items.length !== count)
    throw new Error(`listed ${rebuild.result.items.length} of ${count} stories`);
  // The rebuild's garbage (every story parsed) is no new window's: untimed lists let the collector finish with it
  // first (a forced full collection instead shrinks the heap, and the next runs pay to grow it again).
  for (let r = 0; r < 3; r++) await new HistoryStore(dir).list();
  const runs = count >= 10_000 ? 7 : 11;
  const cold: number[] = [];
  for (let r = 0; r < runs; r++) {
    const { ms, result } = await timed(() => new HistoryStore(dir).list());
    if (result.items.length !== count) throw new Error(`listed ${result.items.length} of ${count} stories`);
    cold.push(ms);
  }
  // The first new window after the directory changed: no mark to trust, so the names are read (and the mark left).
  const unmarked: number[] = [];
  for (let r = 0; r < runs; r++) {
    const fresh = new HistoryStore(dir);
    await rm(fresh.index.markPath, { force: true });
    const { ms, result } = await timed(() => fresh.list());
    if (result.items.length !== count) throw new Error(`listed ${result.items.length} of ${count} stories`);
    unmarked.push(ms);
  }
  const store = new HistoryStore(dir);
  await store.list();
  const warm: number[] = [];
  for (let r = 0; r < runs; r++) warm.push((await timed(() => store.list())).ms);
  const open: number[] = [];
  for (let r = 0; r < 21; r++) {
    const id = benchStory((r * 7919) % count, 0).id;
    const { ms, result } = await timed(() => store.get(id));
    if (result?.id !== id) throw new Error(`could not open ${id}`);
    open.push(ms);
  }
  // A new window's first search: the index from disk, then every title and premise scanned.
  const search: number[] = [];
  let found = 0;
  for (let r = 0; r < runs; r++) {
    const { ms, result } = await timed(() =>
      new HistoryStore(dir).page({ query: 'Rival bakers', offset: 0, limit: 50 }),
    );
    found = result.total;
    search.push(ms);
  }
  if (found !== Math.ceil((count - 2) / PREMISES.length)) throw new Error(`the search found ${found} stories`);
  const filesRead = await storyFilesRead(dir, () => new HistoryStore(dir).list());
  return {
    rebuildMs: rebuild.ms,
    listColdMs: median(cold),
    listUnmarkedMs: median(unmarked),
    listWarmMs: median(warm),
    openMs: median(open),
    searchMs: median(search),
    filesRead,
    indexBytes: (await stat(store.index.path)).size,
    found,
  };
}

export const history: Benchmark = {
  name: 'story history (100 / 1,000 / 10,000 stories)',
  async run(): Promise<Figure[]> {
    const root = await mkdtemp(join(tmpdir(), 'storyteller-bench-history-'));
    const figures: Figure[] = [];
    try {
      const byCount = new Map<number, Measured>();
      for (const count of HISTORY_SIZES) {
        const dir = join(root, `n${count}`, 'stories');
        await seedHistory(dir, count, 1_500);
        byCount.set(count, await measure(dir, count));
        await rm(join(root, `n${count}`), { recursive: true, force: true });
      }
      const long = join(root, 'long', 'stories');
      await seedHistory(long, 1_000, 15_000);
      const longM = await measure(long, 1_000);
      await rm(join(root, 'long'), { recursive: true, force: true });

      for (const count of HISTORY_SIZES) {
        const m = byCount.get(count)!;
        const n = count.toLocaleString('en-US');
        figures.push(
          {
            name: `history ${n}: list, new window`,
            value: round(m.listColdMs),
            unit: 'ms',
            goal: { op: '<=', value: LIST_GOAL_MS },
            note: `median; reads the ${Math.round(m.indexBytes / 1024)} KB index (its mark vouches for the directory's names), ${m.filesRead} story files`,
          },
          {
            name: `history ${n}: list, first new window after a change`,
            value: round(m.listUnmarkedMs),
            unit: 'ms',
            goal: { op: '<=', value: LIST_GOAL_MS },
            note: "median; the directory changed since the index's mark: its names are read too, compared with the index's sorted ids in one string comparison, and the mark left again",
          },
          {
            name: `history ${n}: list, same window`,
            value: round(m.listWarmMs),
            unit: 'ms',
            goal: { op: '<=', value: LIST_GOAL_MS },
            note: 'median; the index is unchanged, so one stat and the names',
          },
          {
            name: `history ${n}: open one story`,
            value: round(m.openMs),
            unit: 'ms',
            goal: { op: '<=', value: OPEN_GOAL_MS },
            note: 'median of 21 get() of 1,500-word stories',
          },
          {
            name: `history ${n}: search title and premise`,
            value: round(m.searchMs),
            unit: 'ms',
            goal: { op: '<=', value: SEARCH_GOAL_MS },
            note: `a new window's first search, first page of ${m.found} matches`,
          },
          {
            name: `history ${n}: index rebuilt from the stories`,
            value: round(m.rebuildMs, 0),
            unit: 'ms',
            note: 'once, when the index is missing (an older version) or corrupt: every story read',
          },
        );
      }
      const short = byCount.get(1_000)!;
      figures.push(
        {
          name: 'history 1,000 of 15,000 words: list, new window',
          value: round(longM.listColdMs),
          unit: 'ms',
          goal: { op: '<=', value: LIST_GOAL_MS },
          note: `stories ten times longer (${Math.round((longM.indexBytes / 1024) * 10) / 10} KB index all the same)`,
        },
        {
          name: 'history: story files read by a list (any length)',
          value: short.filesRead + longM.filesRead,
          unit: 'files',
          goal: { op: '==', value: 0 },
          note: 'what makes listing independent of story length',
        },
        {
          name: 'history 1,000 of 15,000 words: open one story',
          value: round(longM.openMs),
          unit: 'ms',
          goal: { op: '<=', value: OPEN_GOAL_MS },
          note: 'about 90 KB of JSON',
        },
      );
      return figures;
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  },
};
