// Runs the story panel's webview in headless Chromium, outside VS Code: builds the bundle into a
// temp dir, serves it from 127.0.0.1 in a page made by storyHtml() (so the real CSP applies),
// and stands in for VS Code with an acquireVsCodeApi() that records what the webview posts and
// keeps its state in sessionStorage (so a reload restores it, as VS Code does).
// Shared by test/webview/*.test.ts and bench/webviewRender.ts.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';
import { CHROMIUM } from '../host/install';
import { CLOCK_OFFSET_MS, shiftClock } from '../support/clockOffset';
import { makeNonce, storyHtml } from '../../src/core/story/webviewHtml';
import type { HostEvent, WebviewMessage, WebviewRequest } from '../../src/core/story/protocol/messages';
import type {
  PageDocument,
  PageEvent,
  PageMutationObserver,
  PagePerformanceObserver,
  PageStorage,
  PageWindow,
} from './pageGlobals';

// The page's globals, for the functions below that run in Chromium.
declare const window: PageWindow;
declare const document: PageDocument;
declare const sessionStorage: PageStorage;
declare function requestAnimationFrame(callback: (t: number) => void): number;
declare const MutationObserver: new (callback: () => void) => PageMutationObserver;
declare const PerformanceObserver: new (
  callback: (list: { getEntries(): { duration: number }[] }) => void,
) => PagePerformanceObserver;

const root = resolve(__dirname, '../..');

export interface Posted {
  /** performance.now() in the page when it was posted. */
  readonly t: number;
  readonly m: WebviewMessage;
}

export interface CspViolation {
  readonly directive: string;
  readonly blocked: string;
  readonly sample: string;
}

export interface PageProblems {
  readonly csp: CspViolation[];
  readonly errors: string[];
  readonly warnings: string[];
}

export interface Harness {
  readonly url: string;
  readonly cspSource: string;
  readonly context: BrowserContext;
  /** A fresh page (own sessionStorage) with the stand-in VS Code API; not yet navigated. */
  /** `translations`: the host's l10n bundle, put into the page as the extension does. */
  /** `theme`: the CSS variables and body class VS Code gives a webview in that theme (test/webview/themes). */
  newPage(options?: {
    initialState?: unknown;
    translations?: Record<string, string>;
    theme?: PageTheme;
  }): Promise<StoryPage>;
  close(): Promise<void>;
}

/** What VS Code puts on a webview for its color theme. */
export interface PageTheme {
  readonly bodyClass: string;
  readonly variables: Readonly<Record<string, string>>;
}

export interface StoryPage {
  readonly page: Page;
  /** Console errors, page errors and CSP violations seen so far. */
  readonly problems: PageProblems;
  goto(): Promise<void>;
  /** Posts a message to the webview the way VS Code does (window message event). */
  send(message: HostEvent | Record<string, unknown>): Promise<void>;
  posted(): Promise<Posted[]>;
  /** Waits for the next request with `method` after `after` (an index in posted()). */
  waitForRequest<M extends WebviewRequest['method']>(
    method: M,
    after?: number,
  ): Promise<Extract<WebviewRequest, { method: M }>>;
  respond(id: number, result: unknown): Promise<void>;
  state(): Promise<unknown>;
  cspViolations(): Promise<CspViolation[]>;
}

/** Builds dist-like webview files into a temp dir (nothing needs to be built beforehand). */
export async function buildWebview(outdir: string, production: boolean): Promise<void> {
  const { webviewBuilds } = (await import(join(root, 'webview/build.mjs'))) as {
    webviewBuilds(o: { production: boolean; outdir: string }): esbuild.BuildOptions[];
  };
  for (const options of webviewBuilds({ production, outdir }))
    await esbuild.build({ ...options, absWorkingDir: root, logLevel: 'error' });
}

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json' };

export async function startHarness(options: { production?: boolean } = {}): Promise<Harness> {
  const temp = mkdtempSync(join(tmpdir(), 'storyteller-webview-'));
  const outdir = join(temp, 'dist');
  let server: Server | undefined;
  let context: BrowserContext | undefined;
  try {
    await buildWebview(outdir, options.production ?? false);
    const files = new Map<string, Buffer>();
    for (const name of ['story.js', 'story.css', 'story.js.map']) {
      try {
        files.set(`/${name}`, readFileSync(join(outdir, name)));
      } catch {
        // No source map in production builds.
      }
    }
    let origin = '';
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const path = url.pathname;
      if (path === '/' || path === '/index.html') {
        const html = storyHtml({
          cspSource: origin,
          nonce: makeNonce(),
          scriptUri: `${origin}/story.js`,
          styleUri: `${origin}/story.css`,
          title: 'New Story',
          translations: url.searchParams.has('l10n')
            ? (JSON.parse(url.searchParams.get('l10n')!) as Record<string, string>)
            : undefined,
        });
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        res.end(html);
        return;
      }
      if (path === '/favicon.ico') {
        res.writeHead(204).end();
        return;
      }
      const body = files.get(path);
      if (!body) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' });
      res.end(body);
    });
    await new Promise<void>((ok) => server!.listen(0, '127.0.0.1', ok));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    // A persistent context keeps Chromium's profile inside our temp dir.
    context = await chromium.launchPersistentContext(join(temp, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
      viewport: { width: 1280, height: 800 },
    });
    const ctx = context;
    const srv = server;
    return {
      url: `${origin}/`,
      cspSource: origin,
      context: ctx,
      newPage: (o) =>
        openPage(
          ctx,
          o?.translations ? `${origin}/?l10n=${encodeURIComponent(JSON.stringify(o.translations))}` : `${origin}/`,
          o?.initialState,
          o?.theme,
        ),
      async close() {
        await ctx.close().catch(() => undefined);
        await new Promise<void>((ok) => srv.close(() => ok()));
        rmSync(temp, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await context?.close().catch(() => undefined);
    server?.close();
    rmSync(temp, { recursive: true, force: true });
    throw e;
  }
}

/** Runs in the page before its own script: the stand-in for VS Code's webview API. */
function standIn(initialState: string | null): void {
  const w = window as unknown as Record<string, unknown>;
  w.__storytellerCollectStats = true;
  const posted: unknown[] = [];
  const csp: unknown[] = [];
  w.__posted = posted;
  w.__csp = csp;
  w.__setStateCalls = 0;
  window.addEventListener(
    'securitypolicyviolation',
    (e: PageEvent) => csp.push({ directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample }),
    true,
  );
  const key = 'storyteller-state';
  if (initialState !== null && sessionStorage.getItem('storyteller-seeded') === null) {
    sessionStorage.setItem(key, initialState);
    sessionStorage.setItem('storyteller-seeded', '1');
  }
  let acquired = false;
  w.acquireVsCodeApi = () => {
    if (acquired) throw new Error('An instance of the VS Code API has already been acquired');
    acquired = true;
    return Object.freeze({
      // VS Code serialises messages; so do we, which also catches anything non-cloneable.
      postMessage: (m: unknown) => posted.push({ t: performance.now(), m: JSON.parse(JSON.stringify(m)) }),
      getState: () => {
        const s = sessionStorage.getItem(key);
        return s === null ? undefined : JSON.parse(s);
      },
      setState: (s: unknown) => {
        w.__setStateCalls = (w.__setStateCalls as number) + 1;
        sessionStorage.setItem(key, JSON.stringify(s));
        return s;
      },
    });
  };
}

/** As VS Code does: the theme's variables on the root element, its kind as the body's class. */
function applyTheme(theme: PageTheme): void {
  const doc = document as unknown as {
    readyState: string;
    documentElement: { style: { setProperty(n: string, v: string): void } } | null;
    body: { classList: { add(c: string): void } } | null;
    addEventListener(type: string, listener: () => void): void;
  };
  // The init script runs before the page's HTML is parsed: there is no <html> or <body> yet.
  const apply = () => {
    for (const [name, value] of Object.entries(theme.variables)) doc.documentElement?.style.setProperty(name, value);
    doc.body?.classList.add(theme.bodyClass);
  };
  if (doc.readyState === 'loading') doc.addEventListener('DOMContentLoaded', apply);
  else apply();
}

async function openPage(
  context: BrowserContext,
  url: string,
  initialState: unknown,
  theme?: PageTheme,
): Promise<StoryPage> {
  const page = await context.newPage();
  const problems: PageProblems = { csp: [], errors: [], warnings: [] };
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.errors.push(msg.text());
    if (msg.type() === 'warning') problems.warnings.push(msg.text());
  });
  page.on('pageerror', (e) => problems.errors.push(`pageerror: ${e.message}`));
  // tsx (esbuild keepNames) wraps named functions in __name(); functions sent to the page need it.
  await page.addInitScript({ content: 'globalThis.__name = globalThis.__name || ((f) => f);' });
  // The page's clock moves with this process's (test/support/clockOffset.ts).
  if (CLOCK_OFFSET_MS) await page.addInitScript(shiftClock, CLOCK_OFFSET_MS);
  await page.addInitScript(standIn, initialState === undefined ? null : JSON.stringify(initialState));
  if (theme) await page.addInitScript(applyTheme, { bodyClass: theme.bodyClass, variables: { ...theme.variables } });
  const sp: StoryPage = {
    page,
    problems,
    async goto() {
      await page.goto(url);
      await page.waitForFunction(() =>
        ((window as unknown as { __posted: { m: { type?: string } }[] }).__posted ?? []).some(
          (p) => p.m.type === 'ready',
        ),
      );
    },
    // Resolves once the webview's own listener has handled the message (ours runs after it).
    send: (message) =>
      page.evaluate(
        (m) =>
          new Promise<void>((resolve) => {
            const json = JSON.stringify(m);
            const listener = (e: PageEvent): void => {
              if (JSON.stringify(e.data) !== json) return;
              window.removeEventListener('message', listener);
              resolve();
            };
            window.addEventListener('message', listener);
            window.postMessage(m, '*');
          }),
        message as unknown,
      ),
    posted: () => page.evaluate(() => (window as unknown as { __posted: Posted[] }).__posted.slice()),
    async waitForRequest(method, after = 0) {
      const handle = await page.waitForFunction(
        ([m, a]) =>
          (window as unknown as { __posted: Posted[] }).__posted
            .slice(a as number)
            .find((p) => p.m.kind === 'request' && p.m.method === m)?.m,
        [method, after] as const,
      );
      return (await handle.jsonValue()) as never;
    },
    respond: (id, result) => sp.send({ kind: 'response', id, ok: true, result }),
    state: () => page.evaluate(() => JSON.parse(sessionStorage.getItem('storyteller-state') ?? 'null')),
    async cspViolations() {
      const inPage = await page
        .evaluate(() => (window as unknown as { __csp: CspViolation[] }).__csp.slice())
        .catch(() => []);
      return [...inPage, ...problems.csp];
    },
  };
  page.on('console', (msg) => {
    if (/Content Security Policy|Refused to/i.test(msg.text()))
      problems.csp.push({ directive: 'console', blocked: '', sample: msg.text() });
  });
  return sp;
}

// ───────────────────────────── Streaming a long story, as the host would ─────────────────────────────

/** A deterministic story of `tokens` tokens (words, punctuation, paragraphs, a little markdown). */
export function makeStory(tokens: number, seed = 7): string[] {
  const words = [
    'the',
    'keeper',
    'storm',
    'lantern',
    'sea',
    'whispered',
    'light',
    'over',
    'and',
    'a',
    'gull',
    'rocks',
    'night',
    'waves',
    'old',
    'bright',
    'she',
    'said',
    'quietly',
    'island',
    'cold',
    'wind',
    'of',
    'to',
  ];
  let x = seed;
  const rand = (): number => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
  const out: string[] = ['# The Keeper and the Storm', '\n\n'];
  let sentence = 0;
  while (out.length < tokens - 1) {
    const n = out.length;
    if (n % 400 === 0) out.push('\n\n## Part ', String(n / 400), '\n\n');
    else if (n % 150 === 0) out.push('\n\n');
    else if (n % 997 === 0) out.push('\n\n> ', 'A', ' quote', '.', '\n\n');
    else if (n % 1499 === 0) out.push('\n\n- ', 'one', '\n- ', 'two', '\n\n');
    const w = words[Math.floor(rand() * words.length)]!;
    out.push(sentence === 0 ? ` ${w[0]!.toUpperCase()}${w.slice(1)}` : rand() < 0.05 ? ` *${w}*` : ` ${w}`);
    sentence++;
    if (rand() < 0.1) {
      out.push('.');
      sentence = 0;
    }
  }
  out.length = Math.min(out.length, tokens - 1);
  out.push(' Finis.');
  return out;
}

export interface StreamFigures {
  readonly messages: number;
  readonly tokens: number;
  readonly chars: number;
  readonly messagesPerSecond: number;
  /** From the first delta posted to the last token on screen. */
  readonly totalMs: number;
  /** From posting the last delta to the last token in the DOM. */
  readonly lastTokenLagMs: number;
  /** Longest gap between two animation frames while streaming. */
  readonly longestFrameMs: number;
  /** Longest main-thread task (PerformanceObserver longtask, 50 ms and up; 0 if none). */
  readonly longestTaskMs: number;
  readonly frames: number;
  /** Animation frames in which the story element changed more than once. */
  readonly framesWithSeveralMutations: number;
  readonly mutationCallbacks: number;
  readonly flushes: number;
  readonly maxFlushMs: number;
  readonly meanFlushMs: number;
  /** Flushes longer than a 60 Hz frame. */
  readonly slowFlushes: number;
  readonly postedDuringStream: number;
  readonly setStateDuringStream: number;
  readonly lastTokenInView: boolean;
}

/** The host's batching rate: at most one story.delta per 16 ms; paced at 60 Hz so it never exceeds 60/s. */
export const HOST_INTERVAL_MS = 1000 / 60;

/**
 * Streams `tokens` into the story `storyId` from inside the page, `perMessage` tokens per
 * story.delta, sent on a fixed schedule of one every `intervalMs` (0: back to back, a burst),
 * then measures.
 */
export async function streamStory(
  sp: StoryPage,
  storyId: string,
  tokens: string[],
  perMessage: number,
  intervalMs = HOST_INTERVAL_MS,
): Promise<StreamFigures> {
  return sp.page.evaluate(
    async ({ storyId, tokens, perMessage, intervalMs }) => {
      const w = window as unknown as {
        __posted: unknown[];
        __setStateCalls: number;
        __storytellerStats?: { flushes: number; maxFlushMs: number; totalFlushMs: number; slowFlushes: number };
      };
      const story = document.getElementById('story')!;
      const postedBefore = w.__posted.length;
      const setStateBefore = w.__setStateCalls;
      const flushesBefore = w.__storytellerStats?.flushes ?? 0;
      const flushMsBefore = w.__storytellerStats?.totalFlushMs ?? 0;
      const slowBefore = w.__storytellerStats?.slowFlushes ?? 0;
      if (w.__storytellerStats) w.__storytellerStats.maxFlushMs = 0;
      let frame = 0;
      let lastFrameAt = performance.now();
      let longestFrame = 0;
      let running = true;
      const tick = (t: number): void => {
        longestFrame = Math.max(longestFrame, t - lastFrameAt);
        lastFrameAt = t;
        frame++;
        if (running) requestAnimationFrame(tick);
      };
      requestAnimationFrame((t: number) => {
        lastFrameAt = t;
        requestAnimationFrame(tick);
      });
      const perFrame = new Map<number, number>();
      let callbacks = 0;
      let lastSentAt = 0;
      let doneAt = 0;
      let resolveDone: () => void = () => undefined;
      const done = new Promise<void>((r) => (resolveDone = r));
      const last = tokens[tokens.length - 1]!.trim();
      const observer = new MutationObserver(() => {
        callbacks++;
        perFrame.set(frame, (perFrame.get(frame) ?? 0) + 1);
        if (lastSentAt && !doneAt && (story.textContent ?? '').trimEnd().endsWith(last)) {
          doneAt = performance.now();
          resolveDone();
        }
      });
      observer.observe(story, { childList: true, subtree: true, characterData: true });
      let longestTask = 0;
      const po = new PerformanceObserver((list) => {
        for (const e of list.getEntries()) longestTask = Math.max(longestTask, e.duration);
      });
      try {
        po.observe({ type: 'longtask', buffered: false });
      } catch {
        // longtask is Chromium-only; the figure stays 0 elsewhere.
      }

      const start = performance.now();
      let messages = 0;
      let chars = 0;
      for (let i = 0; i < tokens.length; i += perMessage) {
        const text = tokens.slice(i, i + perMessage).join('');
        chars += text.length;
        window.postMessage({ kind: 'event', type: 'story.delta', data: { storyId, text } }, '*');
        messages++;
        if (i + perMessage >= tokens.length) {
          lastSentAt = performance.now();
          break;
        }
        // On a schedule (not a fixed sleep), so the rate never exceeds 1000 / intervalMs.
        if (intervalMs > 0) {
          const due = start + messages * intervalMs;
          // Timers may fire a hair early; wait again rather than send ahead of schedule.
          while (performance.now() < due) await new Promise((r) => setTimeout(r, Math.max(1, due - performance.now())));
        }
      }
      const sendMs = lastSentAt - start;
      await Promise.race([done, new Promise((r) => setTimeout(r, 5000))]);
      running = false;
      observer.disconnect();
      po.disconnect();
      const box = story.getBoundingClientRect();
      const lastBox = story.lastElementChild?.getBoundingClientRect();
      return {
        messages,
        tokens: tokens.length,
        chars,
        messagesPerSecond: sendMs > 0 ? ((messages - 1) * 1000) / sendMs : 0,
        totalMs: (doneAt || performance.now()) - start,
        lastTokenLagMs: doneAt ? doneAt - lastSentAt : Infinity,
        longestFrameMs: longestFrame,
        longestTaskMs: longestTask,
        frames: frame,
        framesWithSeveralMutations: [...perFrame.values()].filter((n) => n > 1).length,
        mutationCallbacks: callbacks,
        flushes: (w.__storytellerStats?.flushes ?? 0) - flushesBefore,
        maxFlushMs: w.__storytellerStats?.maxFlushMs ?? 0,
        meanFlushMs:
          ((w.__storytellerStats?.totalFlushMs ?? 0) - flushMsBefore) /
          Math.max(1, (w.__storytellerStats?.flushes ?? 0) - flushesBefore),
        slowFlushes: (w.__storytellerStats?.slowFlushes ?? 0) - slowBefore,
        postedDuringStream: w.__posted.length - postedBefore,
        setStateDuringStream: w.__setStateCalls - setStateBefore,
        lastTokenInView: !!lastBox && lastBox.bottom <= box.bottom + 2 && lastBox.bottom >= box.top,
      };
    },
    { storyId, tokens, perMessage, intervalMs },
  );
}
