// What the end-to-end suites share: a demo (`npm run demo`) with headless Chromium on its
// workbench, the people and premises of the main journey, and readers of the story panel.
// A journey is a person's path through one demo, in order. The main one (storyteller.test.ts)
// has a file per part in test/e2e/journey/; budget mode's (budget.test.ts) is one part.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext, Dialog, Frame } from 'playwright-core';
import { CHROMIUM_ARGS } from '../host/codeServer';
import { CHROMIUM } from '../host/install';
import { titleFromPremise } from '../../src/core/story/protocol/titles';
import { startDemo } from './demo';
import type { Demo } from './demo';
import { ACCOUNT_ITEM, until, VIEWPORT, Workbench } from './workbench';

// The globals of the pages that frame.evaluate() runs in (the root tsconfig has no DOM lib).
export interface E2EWindow {
  __pwned?: unknown;
  __pwnedMessages?: number;
  addEventListener(type: 'message', listener: (e: { data: unknown }) => void): void;
  scrollTo(x: number, y: number): void;
}
export interface E2EDocument {
  title: string;
  body: { classList: { contains(c: string): boolean } };
}

export const root = join(__dirname, '../..');
export const EMAIL = 'ann.reader@example.com';
export const NAME = 'Ann Reader';
// Its own password, not test/support's: the wrong ones typed below are near misses of it.
export const PASSWORD = 'Lighthouse-Keeper-42';
export const DEMO_STREAM_RATE = 40;
export const ROBOT = 'A retired robot opens a bakery in a mountain village';
export const MARA = 'Mara, a lighthouse keeper, finds a message in a bottle addressed to her grandmother';
/** MARA's file name: the whole first sentence, cut at a word before 60 characters. */
export const MARA_FILE = 'mara-a-lighthouse-keeper-finds-a-message-in-a-bottle.md';
export const CLOCKMAKER = 'A clockmaker builds a clock that runs backwards on rainy days';
export const BOB = 'bob.writer@example.com';

/**
 * Chromium on the demo's workbench, in a profile under `temp`, signed in to code-server and with
 * the secondary side bar hidden. Browser dialogs are dismissed and handed to `onDialog`.
 */
export async function launchWorkbench(
  temp: string,
  url: string,
  onDialog?: (dialog: string) => void,
): Promise<{ browser: BrowserContext; wb: Workbench }> {
  const browser = await chromium.launchPersistentContext(join(temp, 'chromium'), {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    viewport: VIEWPORT,
    env: {
      ...process.env,
      HOME: temp,
      TMPDIR: temp,
      XDG_CONFIG_HOME: join(temp, 'xdg-config'),
      XDG_CACHE_HOME: join(temp, 'xdg-cache'),
    },
  });
  const page = browser.pages()[0] ?? (await browser.newPage());
  page.on('dialog', (dialog: Dialog) => {
    onDialog?.(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss().catch(() => undefined);
  });
  const wb = new Workbench(page);
  await wb.open(url, { statusBarId: ACCOUNT_ITEM });
  await wb.hideSecondarySideBar();
  return { browser, wb };
}

/** How a journey's demo is started. */
export interface JourneySetup {
  /** In the temp dir's name and before each failure's evidence. */
  readonly name: string;
  /** The demo's arguments beyond the defaults, given the journey's temp dir. */
  readonly args?: (temp: string) => string[];
  /** How long the demo may take to be ready. */
  readonly timeoutMs: number;
}

/**
 * The main journey: direct mode (stories straight to Bedrock, every model, estimates for stopped
 * streams) for a team whose addresses are at example.com (the template's Rules refuse direct mode
 * open to all). The demo keeps its workspace, history and accounts in one --dir across restarts.
 * Budget mode, the default, has its own journey (budget.test.ts).
 */
export const DIRECT_MODE: JourneySetup = {
  name: 'main',
  args: (temp) => [
    '--dir',
    join(temp, 'demo'),
    '--param',
    'DailyTokensPerUser=0',
    '--param',
    'AllowedEmailDomains=example.com',
  ],
  timeoutMs: 150_000,
};

/** A journey's demo, browser and memory, shared by its parts in the order they run. */
export class Journey {
  temp = '';
  demo!: Demo;
  browser!: BrowserContext;
  wb!: Workbench;
  /** Browser dialogs that opened (each is dismissed). */
  readonly dialogs: string[] = [];
  /** Model names in the picker while signed in, by id. */
  readonly signedInModels = new Map<string, string>();

  constructor(readonly setup: JourneySetup) {}

  /** Starts the demo (again, after a restart: `readyName` differs). */
  async startDemo(readyName: string): Promise<void> {
    const { args, timeoutMs } = this.setup;
    this.demo = await startDemo({
      readyFile: join(this.temp, readyName),
      timeoutMs,
      ...(args ? { args: args(this.temp) } : {}),
    });
  }

  async openWorkbench(): Promise<void> {
    ({ browser: this.browser, wb: this.wb } = await launchWorkbench(this.temp, this.demo.ready.url, (d) =>
      this.dialogs.push(d),
    ));
  }

  /**
   * Signs up through the palette with `email` and `password`, no name; the code comes from the
   * demo's output. Done when the account item shows the email (signed in).
   */
  async signUp(email: string, password: string): Promise<void> {
    const { wb, demo } = this;
    // The first command activates the extension (slow on a busy machine), and the welcome README's
    // preview, loading late, can take the focus and close the box (seen once in CI): then no quick
    // input is open, and the command runs again.
    await wb.runCommandUntil(
      'Storyteller: Sign Up…',
      'a quick input asking Your email address',
      async () => {
        const state = await wb.quickInputState(false);
        return state && /Your email address/.test(state.message) ? state : undefined;
      },
      30_000,
    );
    await wb.answerInput('Your email address', email);
    await wb.answerInput('Your name (optional)', '');
    await wb.answerInput('Choose a password', password);
    await wb.answerInput('Type the password again', password);
    const code = await demo.code(email);
    try {
      await wb.waitForInput('The 6-digit code from the email', 5_000);
    } catch {
      // A notification may hold the next step (the main journey's sign-up says which): clear it.
      await wb.runCommand('Notifications: Clear All Notifications');
      await wb.waitForInput('The 6-digit code from the email');
    }
    await wb.answerInput('The 6-digit code from the email', code);
    await wb.waitForStatusBarText(ACCOUNT_ITEM, email, 20_000);
  }

  streamRate(tokensPerSecond: number): Promise<unknown> {
    return this.demo.admin('PUT', 'stream-rate', { tokensPerSecond });
  }

  /** The rows of the quick pick a command opened, once it has replaced the palette. */
  choices(expected: string): Promise<string[]> {
    return until(`the choices with "${expected}"`, this.choicesProbe(expected));
  }

  /** A probe for those rows: the same twice in a row, since a list being redrawn holds the palette's rows too. */
  choicesProbe(expected: string): () => Promise<string[] | undefined> {
    let previous = '';
    return async () => {
      if (!(await this.wb.quickInput.isVisible())) return undefined;
      const labels = await this.wb.quickPickLabels();
      const same = JSON.stringify(labels) === previous;
      previous = JSON.stringify(labels);
      return same && labels.includes(expected) ? labels : undefined;
    };
  }
}

/**
 * The journey for the describe it is called in: the demo and the workbench before the first
 * test, evidence of each failure (screenshot, page, the demo's output), and nothing left after.
 */
export function useJourney(setup: JourneySetup = DIRECT_MODE): Journey {
  const j = new Journey(setup);
  const main = setup === DIRECT_MODE;
  const evidence = (title: string) => (main ? title : `${setup.name} ${title}`);
  before(async function () {
    this.timeout(setup.timeoutMs + 40_000);
    j.temp = mkdtempSync(join(tmpdir(), main ? 'storyteller-e2e-' : `storyteller-e2e-${setup.name}-`));
    await j.startDemo('ready.json');
    try {
      await j.openWorkbench();
    } catch (e) {
      const wb = j.wb as Workbench | undefined;
      const base = wb
        ? await wb.saveFailure(
            evidence('before-all'),
            `${(e as Error).stack ?? ''}\n\n--- demo output ---\n${j.demo.tail(80)}`,
          )
        : '';
      throw new Error(
        `The workbench did not open${base ? ` (evidence: ${base}.*)` : ''}: ${(e as Error).message}\n--- demo output ---\n${j.demo.tail()}`,
        { cause: e },
      );
    }
  });

  afterEach(async function () {
    const wb = j.wb as Workbench | undefined;
    if (this.currentTest?.state !== 'failed' || !wb) return;
    const demo = j.demo as Demo | undefined;
    const base = await wb.saveFailure(
      evidence(this.currentTest.title),
      `${this.currentTest.err?.stack ?? ''}\n\n--- demo output ---\n${demo?.tail(80) ?? ''}`,
    );
    console.log(`    failure evidence: ${base}.{png,html,txt}`);
  });

  after(async function () {
    this.timeout(60_000);
    await (j.browser as BrowserContext | undefined)?.close().catch(() => undefined);
    // Normally the last test has stopped the demo already (stop() is then a no-op); this is for a run that failed
    // early.
    await (j.demo as Demo | undefined)?.stop().catch(() => undefined);
    if (j.temp) rmSync(j.temp, { recursive: true, force: true, maxRetries: 3 });
  });
  return j;
}

// ───────────── The story panel ─────────────

export const storyText = async (frame: Frame): Promise<string> => (await frame.locator('#story').innerText()).trim();
export const storyStatus = async (frame: Frame): Promise<string | null> =>
  frame.locator('.story-section').getAttribute('data-status');

export async function fillForm(frame: Frame, premise: string, length: 'short' | 'medium' | 'long'): Promise<void> {
  await frame.locator('#premise textarea').fill(premise);
  await frame.locator('#genre input').fill('mystery');
  await frame.locator('#tone input').fill('warm');
  await frame.locator('#length').click();
  await frame
    .locator('#length')
    .getByRole('option', { name: length[0]!.toUpperCase() + length.slice(1) })
    .click();
  await until(
    `length ${length}`,
    async () => (await frame.locator('#length').evaluate((el: { value?: string }) => el.value)) === length,
  );
}

/** Generate, then wait for that story (not the one shown before) to end. */
export async function generateStory(frame: Frame, premise: string): Promise<void> {
  await fillForm(frame, premise, 'short');
  await until(
    'Generate to be enabled',
    async () => !(await frame.locator('#generate').evaluate((b: { disabled?: boolean }) => b.disabled === true)),
  );
  await frame.locator('#generate').click();
  await until(
    `"${premise}" to be written`,
    async () =>
      (await frame.locator('#story-title').innerText()).trim() === titleFromPremise(premise) &&
      (await storyStatus(frame)) === 'done',
    30_000,
  );
}
