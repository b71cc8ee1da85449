// A 20,000-token story in the real story panel: `npm run demo` (the packaged .vsix in
// code-server, against the emulator paced at 2,400 tokens/s, then unthrottled), driven through the workbench
// in headless Chromium like a person would. Counts the messages the webview receives and times
// the last token's arrival in the DOM against the emulator's clock for the last token it sent.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Frame } from 'playwright-core';
import { launchBrowser, codeServerDirs } from '../test/host/codeServer';
import { startDemo } from '../test/e2e/demo';
import type { Demo } from '../test/e2e/demo';
import { ACCOUNT_ITEM, until, VIEWPORT, Workbench } from '../test/e2e/workbench';
import type { Benchmark, Figure } from './types';

const TOKENS = 20_000;
const PACED_RATE = 2_400;
const EMAIL = 'bench.reader@example.com';
const PASSWORD = 'Bench-Reader-2026';

// What the probe in the webview frame records (frame.evaluate runs outside the page's CSP).
interface Probe {
  deltas: number;
  firstDeltaAt: number;
  lastDeltaAt: number;
  otherMessages: number;
  lastMutationAt: number;
  mutations: number;
}
interface ProbeWindow {
  __probe?: Probe;
  addEventListener(type: 'message', listener: (e: { data: unknown }) => void): void;
  MutationObserver: new (callback: () => void) => { observe(target: unknown, options: Record<string, boolean>): void };
}
declare const window: ProbeWindow;
declare const document: { getElementById(id: string): unknown };

interface StreamRecord {
  tokens: number;
  chars: number;
  startedAt: number;
  lastTokenAt: number;
  endedAt: number;
}

const round = (n: number, digits = 1): number => Number(n.toFixed(digits));

export const realWebview: Benchmark = {
  name: 'story panel in VS Code (demo: vsix in code-server, 20k tokens)',
  async run(): Promise<Figure[]> {
    const temp = mkdtempSync(join(tmpdir(), 'storyteller-bench-'));
    let demo: Demo | undefined;
    let browser: BrowserContext | undefined;
    try {
      demo = await startDemo({
        readyFile: join(temp, 'ready.json'),
        args: ['--stream-rate', String(PACED_RATE)],
        timeoutMs: 150_000,
      });
      browser = await launchBrowser(codeServerDirs(temp), { viewport: VIEWPORT });
      const wb = new Workbench(browser.pages()[0] ?? (await browser.newPage()));
      await wb.open(demo.ready.url, { statusBarId: ACCOUNT_ITEM });
      await signUpAndSignIn(wb, demo);

      await wb.runCommand('Storyteller: New Story');
      const frame = await wb.storyFrame();
      await until('the panel to know the account', async () =>
        (await frame.locator('.auth-line').innerText()).includes(EMAIL),
      );
      await frame.locator('#premise textarea').fill('A cartographer maps a city that rearranges itself every night');
      await until(
        'Generate to be enabled',
        async () => !(await frame.locator('#generate').evaluate((b: { disabled?: boolean }) => b.disabled === true)),
      );
      // Paced at 2,400 tokens/s (about 10x a fast model) for the goals; then unthrottled, which
      // measures the SDK's decoding of 20k events in the extension host more than the panel.
      const paced = await story(frame, demo.admin, PACED_RATE);
      const burst = await story(frame, demo.admin, 0);
      const msgNote = (r: StoryRun) =>
        `${r.probe.deltas} story.delta messages over ${round(r.seconds, 2)} s in the real webview; the emulator sent ${TOKENS} tokens in ${round((r.stream.lastTokenAt - r.stream.startedAt) / 1000, 2)} s`;
      return [
        {
          name: 'panel: delta messages per second',
          value: round(paced.perSecond),
          unit: 'msg/s',
          goal: { op: '<=', value: 60 },
          note: msgNote(paced),
        },
        {
          name: 'panel: last token visible after the last delta',
          value: round(paced.lag),
          unit: 'ms',
          goal: { op: '<=', value: 100 },
          note: 'the emulator wrote the last token → the story text in the webview DOM changed for the last time (SDK, host batching, postMessage and render included)',
        },
        {
          name: 'panel: last delta message → DOM',
          value: round(paced.webviewLag),
          unit: 'ms',
          note: `the webview's own share; ${paced.probe.mutations} DOM updates, ${paced.shownChars.toLocaleString('en-US')} characters shown of ${paced.stream.chars.toLocaleString('en-US')} streamed`,
        },
        {
          name: 'panel, unthrottled: delta messages per second',
          value: round(burst.perSecond),
          unit: 'msg/s',
          goal: { op: '<=', value: 60 },
          note: msgNote(burst),
        },
        {
          name: 'panel, unthrottled: last token visible after the last delta',
          value: round(burst.lag),
          unit: 'ms',
          note: 'dominated by decoding 20k event-stream frames in the extension host',
        },
      ];
    } finally {
      await browser?.close().catch(() => undefined);
      if (demo) await demo.stop().catch(() => undefined);
      rmSync(temp, { recursive: true, force: true, maxRetries: 3 });
    }
  },
};

interface StoryRun {
  readonly probe: Probe;
  readonly stream: StreamRecord;
  readonly shownChars: number;
  readonly seconds: number;
  readonly perSecond: number;
  /** Emulator's last token written → last DOM change in the webview, epoch ms on one machine. */
  readonly lag: number;
  readonly webviewLag: number;
}

/** One 20k-token story at `rate` tokens/s, from the Generate click to the last DOM change. */
async function story(frame: Frame, admin: Demo['admin'], rate: number): Promise<StoryRun> {
  await installProbe(frame);
  await admin('PUT', 'stream-rate', { tokensPerSecond: rate });
  await admin('PUT', 'story', { tokens: TOKENS });
  try {
    await until(
      'Generate to be enabled',
      async () => !(await frame.locator('#generate').evaluate((b: { disabled?: boolean }) => b.disabled === true)),
    );
    await frame.locator('#generate').click();
    await until(
      'the story to start',
      async () => (await frame.locator('.story-section').getAttribute('data-status')) === 'streaming',
      30_000,
      20,
    );
    await until(
      'the story to finish',
      async () => (await frame.locator('.story-section').getAttribute('data-status')) === 'done',
      120_000,
      50,
    );
  } finally {
    await admin('DELETE', 'story');
  }
  // Let any last frame land before reading the probe.
  await new Promise((r) => setTimeout(r, 500));
  const probe = (await frame.evaluate(() => window.__probe)) as Probe;
  const stream = (await admin('GET', 'streams/last')) as StreamRecord;
  if (stream.tokens !== TOKENS) throw new Error(`The emulator streamed ${stream.tokens} tokens, not ${TOKENS}.`);
  if (probe.deltas === 0) throw new Error('The webview received no story.delta message.');
  // textContent: paragraphs scrolled out of view skip layout, so innerText would miss them.
  const shownChars = ((await frame.locator('#story').textContent()) ?? '').length;
  if (shownChars < 0.9 * stream.chars)
    throw new Error(`The panel shows ${shownChars} characters of the ${stream.chars} streamed.`);
  const seconds = (probe.lastDeltaAt - probe.firstDeltaAt) / 1000;
  return {
    probe,
    stream,
    shownChars,
    seconds,
    perSecond: seconds > 0 ? (probe.deltas - 1) / seconds : probe.deltas,
    lag: probe.lastMutationAt - stream.lastTokenAt,
    webviewLag: probe.lastMutationAt - probe.lastDeltaAt,
  };
}

/** Counts story.delta messages and times the story element's DOM changes, in the webview. */
async function installProbe(frame: Frame): Promise<void> {
  await frame.evaluate(() => {
    const probe: Probe = {
      deltas: 0,
      firstDeltaAt: 0,
      lastDeltaAt: 0,
      otherMessages: 0,
      lastMutationAt: 0,
      mutations: 0,
    };
    window.__probe = probe;
    window.addEventListener('message', (e) => {
      const m = e.data as { kind?: string; type?: string } | null;
      if (m?.kind === 'event' && m.type === 'story.delta') {
        const now = Date.now();
        if (probe.deltas === 0) probe.firstDeltaAt = now;
        probe.deltas++;
        probe.lastDeltaAt = now;
      } else probe.otherMessages++;
    });
    new window.MutationObserver(() => {
      probe.mutations++;
      probe.lastMutationAt = Date.now();
    }).observe(document.getElementById('story'), { childList: true, subtree: true, characterData: true });
  });
}

/** The person's path: Sign Up…, the code from the demo's console, then signed in. */
async function signUpAndSignIn(wb: Workbench, demo: Demo): Promise<void> {
  await wb.runCommand('Storyteller: Sign Up…');
  await wb.answerInput('Your email address', EMAIL);
  await wb.answerInput('Your name (optional)', 'Bench Reader');
  await wb.answerInput('Choose a password', PASSWORD);
  await wb.answerInput('Type the password again', PASSWORD);
  const code = await demo.code(EMAIL);
  const prompt = 'The 6-digit code from the email';
  // The code box may wait until the "We sent a code" notification is closed.
  await wb.waitForInput(prompt, 5_000).catch(() => wb.runCommand('Notifications: Clear All Notifications'));
  await wb.answerInput(prompt, code);
  await wb.waitForStatusBarText(ACCOUNT_ITEM, EMAIL, 30_000);
}
