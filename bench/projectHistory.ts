// Story projects' entries in the history (#26) at 10,000 stories, every tenth a project's
// generation: the index keeps their origins (version 4), so a new window lists them without a
// story file, and a search by project and chapter scans the origins beside titles and premises.
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HistoryStore } from '../src/core/story/history/history';
import type { StoredStory } from '../src/core/story/history/storyFile';
import { benchStory } from './history';
import type { Benchmark, Figure } from './types';

const COUNT = 10_000;
const CHAPTERS = 8;
const RUNS = 11;

/** Story i; every tenth a Continue Writing in one of eight chapters of "The Salt Road". */
function story(i: number): StoredStory {
  const s = benchStory(i, 1_500);
  if (i % 10 !== 0) return s;
  return {
    ...s,
    origin: { project: 'The Salt Road', chapter: `chapters/${(i / 10) % CHAPTERS}.md`, command: 'continue' },
  };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timed(body: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await body();
  return performance.now() - t0;
}

export const projectHistory: Benchmark = {
  name: 'story history with story projects (10,000 stories, 1,000 of them project entries)',
  async run(): Promise<Figure[]> {
    const root = await mkdtemp(join(tmpdir(), 'storyteller-bench-project-history-'));
    try {
      const dir = join(root, 'stories');
      await mkdir(dir, { recursive: true });
      for (let i = 0; i < COUNT; i += 200)
        await Promise.all(
          Array.from({ length: Math.min(200, COUNT - i) }, (_, k) => {
            const s = story(i + k);
            return writeFile(join(dir, `${s.id}.json`), JSON.stringify(s, null, 1));
          }),
        );
      // As a history last changed a minute ago (as bench/history.ts): the first list leaves the mark that lets a
      // new window skip the names. The index is built once (every story read), then each new window lists from it.
      const minuteAgo = new Date(Date.now() - 60_000);
      await utimes(dir, minuteAgo, minuteAgo);
      const built = await new HistoryStore(dir).list();
      // Warmed as bench/history.ts is by its smaller sizes: the first lists of a process pay for its JIT.
      for (let r = 0; r < 12; r++)
        await new HistoryStore(dir).page({ query: `warm ${r}` }).then(() => new HistoryStore(dir).list());
      const withOrigin = built.items.filter((item) => item.origin).length;
      if (withOrigin !== COUNT / 10) throw new Error(`${withOrigin} entries listed with their project`);
      const list: number[] = [];
      const search: number[] = [];
      let found = 0;
      for (let r = 0; r < RUNS; r++) {
        list.push(await timed(() => new HistoryStore(dir).list()));
        search.push(
          await timed(async () => {
            found = (await new HistoryStore(dir).page({ query: 'salt road chapters/3.md', limit: 50 })).total;
          }),
        );
      }
      if (found !== COUNT / 10 / CHAPTERS) throw new Error(`the search found ${found} entries`);
      return [
        {
          name: 'history 10,000 with projects: list, new window',
          value: Number(median(list).toFixed(2)),
          unit: 'ms',
          goal: { op: '<=', value: 20 },
          note: `median of ${RUNS}; the version-4 index names each entry's project, chapter and command (no story file read)`,
        },
        {
          name: 'history 10,000 with projects: search project and chapter',
          value: Number(median(search).toFixed(2)),
          unit: 'ms',
          goal: { op: '<=', value: 50 },
          note: `a new window's search "salt road chapters/3.md": ${found} matches, origins scanned with titles and premises`,
        },
      ];
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  },
};
