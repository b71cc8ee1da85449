// The history in the story panel at 100, 1,000 and 10,000 stories: the production webview
// bundle in headless Chromium under its CSP, with this process standing in for the extension
// host and answering from a real HistoryStore over seeded story files (as the controller does:
// the newest page on `ready`, history.list for a search). Times are the page's own clock.
import { mkdtemp, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HistoryStore } from '../src/core/story/history/history';
import { toHistoryPage } from '../src/core/story/history/storyFormats';
import { LIMITS } from '../src/core/story/protocol/limits';
import { hostEvent } from '../src/core/story/protocol/messages';
import type { WebviewMessage } from '../src/core/story/protocol/messages';
import type { HistoryPage } from '../src/core/story/protocol/wire';
import { startHarness } from '../test/webview/harness';
import type { Harness } from '../test/webview/harness';
import { HISTORY_SIZES, collectGarbage, seedHistory } from './history';
import type { Benchmark, Figure } from './types';

const FIRST_SCREEN_GOAL_MS = 100;
const SEARCH_GOAL_MS = 50;
const PAGE = 50;
const SEARCHES = ['rival bakers', 'otter stars', 'robot detective', 'moon', 'cartographer city'];

interface Probe {
  firstRow?: number;
  /** The `history` event reached the page (this listener runs before the webview's own). */
  historyAt?: number;
  inputAt?: number;
  rowsAt?: number;
}
interface BenchWindow {
  __probe: Probe;
  __posted: { m: unknown }[];
  __benchHost(m: unknown): void;
  addEventListener(type: 'message', listener: (e: { data: { type?: string } | null }) => void): void;
}
declare const window: BenchWindow;
declare const document: {
  querySelector(s: string): unknown;
  addEventListener(type: string, listener: () => void, capture: boolean): void;
  getElementById(id: string): { textContent: string | null } | null;
};
declare const MutationObserver: new (callback: () => void) => {
  observe(target: unknown, options: Record<string, boolean>): void;
  disconnect(): void;
};

/** In the page, before its script: forwards what it posts to this process, and times the history list. */
function probe(): void {
  const p: Probe = {};
  window.__probe = p;
  const posted = window.__posted;
  const push = posted.push.bind(posted);
  posted.push = (...items) => {
    for (const item of items) window.__benchHost(item.m);
    return push(...items);
  };
  window.addEventListener('message', (e) => {
    if (e.data?.type === 'history' && p.historyAt === undefined) p.historyAt = performance.now();
  });
  const first = new MutationObserver(() => {
    if (p.firstRow === undefined && document.querySelector('#history-list li')) {
      p.firstRow = performance.now();
      first.disconnect();
    }
  });
  // The document itself: an init script runs before there is a documentElement.
  first.observe(document, { childList: true, subtree: true });
  document.addEventListener(
    'input',
    () => {
      p.inputAt = performance.now();
      delete p.rowsAt;
    },
    true,
  );
  const rows = new MutationObserver(() => {
    p.rowsAt = performance.now();
  });
  const watch = () => {
    const list = document.querySelector('#history-list');
    if (list) rows.observe(list, { childList: true });
    else setTimeout(watch, 5);
  };
  watch();
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const round = (n: number): number => Number(n.toFixed(1));

function wire(page: HistoryPage, query?: string): HistoryPage {
  return { ...page, ...(query ? { query } : {}) };
}

/** One panel opening: ms from navigation to the first history row, then searches. */
async function openPanel(
  harness: Harness,
  dir: string,
  searches: readonly string[],
): Promise<{ boot: number; opening: number; history: number; search: number[] }> {
  const sp = await harness.newPage();
  // A new window: nothing of the history in memory.
  const store = new HistoryStore(dir);
  const failures: unknown[] = [];
  let hostMs = 0;
  const answer = async (m: WebviewMessage) => {
    if (m.kind === 'event' && m.type === 'ready') {
      const t0 = performance.now();
      const list = await store.page({ offset: 0, limit: PAGE });
      hostMs = performance.now() - t0;
      await sp.send(
        hostEvent('state', {
          auth: { kind: 'signedIn', email: 'bench@example.com' },
          models: [{ id: 'amazon.nova-lite-v1:0', name: 'Nova Lite', provider: 'Amazon' }],
          defaultModelId: 'amazon.nova-lite-v1:0',
        }),
      );
      await sp.send(
        hostEvent(
          'history',
          wire({ ...toHistoryPage(list.items, LIMITS.historyPageMax), total: list.total, offset: 0 }),
        ),
      );
    } else if (m.kind === 'request' && m.method === 'history.list') {
      const q = m.params;
      const list = await store.page({ offset: q.offset ?? 0, limit: q.limit ?? PAGE, query: q.query ?? '' });
      await sp.respond(
        m.id,
        wire({ ...toHistoryPage(list.items, LIMITS.historyPageMax), total: list.total, offset: list.offset }, q.query),
      );
    }
  };
  await sp.page.exposeFunction('__benchHost', (m: WebviewMessage) => {
    answer(m).catch((e: unknown) => failures.push(e));
  });
  await sp.page.addInitScript(probe);
  try {
    await sp.goto();
    await sp.page
      .waitForFunction(() => window.__probe.firstRow !== undefined, undefined, { timeout: 30_000 })
      .catch((e: unknown) => {
        throw failures.length ? failures[0] : e;
      });
    const { firstRow, historyAt } = (await sp.page.evaluate(() => window.__probe)) as Required<Probe>;
    const ready = (await sp.posted()).find((p) => p.m.kind === 'event' && p.m.type === 'ready');
    if (!ready) throw new Error('the webview posted no ready');
    const search: number[] = [];
    for (const query of searches) {
      await sp.page.locator('#history-search input').fill(query);
      await sp.page.waitForFunction(
        (q) => (document.getElementById('history-count')?.textContent ?? '').includes(`“${q}”`),
        query,
        { timeout: 30_000 },
      );
      const p = (await sp.page.evaluate(() => window.__probe)) as Probe;
      if (p.inputAt === undefined || p.rowsAt === undefined) throw new Error(`no timing for the search "${query}"`);
      search.push(p.rowsAt - p.inputAt);
    }
    if (failures.length) throw failures[0];
    if (sp.problems.errors.length) throw new Error(`page errors: ${sp.problems.errors.join('; ')}`);
    return { boot: ready.t, opening: firstRow, history: hostMs + (firstRow - historyAt), search };
  } finally {
    await sp.page.close();
  }
}

export const historyPanel: Benchmark = {
  name: 'history in the webview (Chromium; 100 / 1,000 / 10,000 stories)',
  async run(): Promise<Figure[]> {
    const root = await mkdtemp(join(tmpdir(), 'storyteller-bench-panel-'));
    const harness = await startHarness({ production: true });
    const figures: Figure[] = [];
    try {
      // Chromium's first page pays for its own start: not the panel's.
      await openPanel(harness, join(root, 'none'), []).catch(() => undefined);
      for (const count of HISTORY_SIZES) {
        const dir = join(root, `n${count}`, 'stories');
        await seedHistory(dir, count, 1_500);
        // The index exists, as after the first session, which ended a minute ago (so it left its directory mark).
        const minuteAgo = new Date(Date.now() - 60_000);
        await utimes(dir, minuteAgo, minuteAgo);
        await new HistoryStore(dir).list();
        // A new window's heap holds none of that first session's garbage (every story parsed).
        collectGarbage();
        const screens: number[] = [];
        const boots: number[] = [];
        const openings: number[] = [];
        const searches: number[] = [];
        for (let r = 0; r < 5; r++) {
          const run = await openPanel(harness, dir, r === 0 ? SEARCHES : []);
          screens.push(run.history);
          boots.push(run.boot);
          openings.push(run.opening);
          searches.push(...run.search);
        }
        const n = count.toLocaleString('en-US');
        figures.push(
          {
            name: `panel ${n}: history's part of the first screen`,
            value: round(median(screens)),
            unit: 'ms',
            goal: { op: '<=', value: FIRST_SCREEN_GOAL_MS },
            note: `median of 5 openings: a new window's first page of ${PAGE} from the store, plus the history message in the page → its first row in the DOM`,
          },
          {
            name: `panel ${n}: opening → first history row`,
            value: round(median(openings)),
            unit: 'ms',
            note: `median: navigation → the first row, all included; the webview's own boot (navigation → ready, the production bundle) is ${round(median(boots))} ms of it, whatever the history`,
          },
          {
            name: `panel ${n}: search answered`,
            value: round(median(searches)),
            unit: 'ms',
            goal: { op: '<=', value: SEARCH_GOAL_MS },
            note: `median of ${searches.length} searches (${SEARCHES.join(', ')}): input event → the list shows the matches (request, the store's search, response, render); worst ${round(Math.max(...searches))} ms`,
          },
        );
        await rm(join(root, `n${count}`), { recursive: true, force: true });
      }
      return figures;
    } finally {
      await harness.close();
      await rm(root, { recursive: true, force: true });
    }
  },
};
