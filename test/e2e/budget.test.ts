// Budget mode end to end (#16): `npm run demo -- --param DailyTokensPerUser=2000` puts the story
// gateway in front of the emulator's Bedrock and points the extension at it. A person signs up,
// writes stories until the day's 2,000 tokens run out, and sees the counter go down, the exhausted
// message without Retry, and a panel that still works.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext, Frame } from 'playwright-core';
import { CHROMIUM_ARGS } from '../host/codeServer';
import { CHROMIUM } from '../host/install';
import { titleFromPremise } from '../../src/core/story/prompt';
import { startDemo } from './demo';
import type { Demo } from './demo';
import { ACCOUNT_ITEM, until, VIEWPORT, Workbench } from './workbench';

const EMAIL = 'bea.budget@example.com';
const PASSWORD = 'Budget-Keeper-42';
const PREMISES = [
  'A baker counts the stars over a sleeping town',
  'A tortoise enters a paper-boat race',
  'A librarian finds a map inside a dictionary',
  'A lantern keeps a secret for a hundred years',
  'A kite refuses to come down',
];

describe('Budget mode end to end (npm run demo -- --param DailyTokensPerUser=2000)', function () {
  this.timeout(240_000);
  let temp: string;
  let demo: Demo;
  let browser: BrowserContext;
  let wb: Workbench;

  before(async function () {
    this.timeout(240_000);
    temp = mkdtempSync(join(tmpdir(), 'storyteller-e2e-budget-'));
    demo = await startDemo({
      readyFile: join(temp, 'ready.json'),
      timeoutMs: 200_000,
      args: ['--param', 'DailyTokensPerUser=2000'],
    });
    browser = await chromium.launchPersistentContext(join(temp, 'chromium'), {
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      viewport: VIEWPORT,
      env: { ...process.env, HOME: temp, TMPDIR: temp, XDG_CONFIG_HOME: join(temp, 'xdg-config') },
    });
    wb = new Workbench(browser.pages()[0] ?? (await browser.newPage()));
    await wb.open(demo.ready.url, { statusBarId: ACCOUNT_ITEM });
    await wb.hideSecondarySideBar();
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed' || !wb) return;
    const base = await wb.saveFailure(
      `budget ${this.currentTest.title}`,
      `${this.currentTest.err?.stack ?? ''}\n\n--- demo output ---\n${demo?.tail(80) ?? ''}`,
    );
    console.log(`    failure evidence: ${base}.{png,html,txt}`);
  });

  after(async function () {
    this.timeout(60_000);
    await browser?.close().catch(() => undefined);
    await demo?.stop().catch(() => undefined);
    if (temp) rmSync(temp, { recursive: true, force: true, maxRetries: 3 });
  });

  it('says in the terminal that stories go through the story gateway, and sets the setting', () => {
    assert.ok(demo.ready.emulator.storyGatewayUrl, 'the emulator serves the gateway');
    assert.ok(
      demo.lines.some((l) => l.includes(`Budget mode: stories go through the story gateway at`)),
      demo.tail(20),
    );
  });

  /** Signs up through the palette; the code comes from the demo's output. */
  async function signUp(): Promise<void> {
    await wb.runCommand('Storyteller: Sign Up…');
    // The first command activates the extension: on a busy machine that takes a while.
    await wb.waitForInput('Your email address', 60_000);
    await wb.answerInput('Your email address', EMAIL);
    await wb.answerInput('Your name (optional)', '');
    await wb.answerInput('Choose a password', PASSWORD);
    await wb.answerInput('Type the password again', PASSWORD);
    const code = await demo.code(EMAIL);
    try {
      await wb.waitForInput('The 6-digit code from the email', 5_000);
    } catch {
      await wb.runCommand('Notifications: Clear All Notifications');
      await wb.waitForInput('The 6-digit code from the email');
    }
    await wb.answerInput('The 6-digit code from the email', code);
    await wb.waitForStatusBarText(ACCOUNT_ITEM, EMAIL, 20_000);
  }

  const budgetLine = async (frame: Frame): Promise<string> => (await frame.locator('.budget-line').innerText()).trim();
  const leftIn = (line: string): number =>
    Number(/^([\d,]+) of 2,000 tokens left today$/.exec(line)?.[1]?.replace(/,/g, ''));
  const storyStatus = async (frame: Frame): Promise<string | null> =>
    frame.locator('.story-section').getAttribute('data-status');

  it('counts the tokens left down story by story, then says the budget is spent, without Retry; the panel still works', async () => {
    await signUp();
    await demo.admin('PUT', 'stream-rate', { tokensPerSecond: 400 });
    await wb.runCommand('Storyteller: New Story');
    const frame = await wb.storyFrame(90_000);
    const first = await until('the budget line', async () => {
      const line = await budgetLine(frame).catch(() => '');
      return line !== '' ? line : undefined;
    });
    assert.equal(first, '2,000 of 2,000 tokens left today');

    // A short story (800 tokens and its prompt) fits in 2,000; the default Medium (2,000 and its prompt) never does.
    await frame.locator('#length').click();
    await frame.locator('#length').getByRole('option', { name: 'Short' }).click();
    await until(
      'length short',
      async () => (await frame.locator('#length').evaluate((el: { value?: string }) => el.value)) === 'short',
    );
    const seen = [leftIn(first)];
    let refusal = '';
    for (const premise of PREMISES) {
      await frame.locator('#premise textarea').fill(premise);
      await until(
        'Generate to be enabled',
        async () => !(await frame.locator('#generate').evaluate((b: { disabled?: boolean }) => b.disabled === true)),
      );
      await frame.locator('#generate').click();
      // This story (not the one shown before) has ended.
      const ended = await until(
        `"${premise}" to end`,
        async () => {
          if ((await frame.locator('#story-title').innerText()).trim() !== titleFromPremise(premise)) return undefined;
          const status = await storyStatus(frame);
          return status === 'done' || status === 'failed' ? status : undefined;
        },
        60_000,
      );
      if (ended === 'failed') {
        refusal = (await frame.locator('#story-error').innerText()).trim();
        break;
      }
      const before = seen.at(-1)!;
      seen.push(
        await until('the counter to go down', async () => {
          const left = leftIn(await budgetLine(frame));
          return left < before ? left : undefined;
        }),
      );
    }
    assert.ok(seen.length >= 2, `at least one story was written: ${seen.join(' → ')}`);
    assert.match(
      refusal,
      new RegExp(
        `^Your daily token budget has ${new Intl.NumberFormat('en-US').format(seen.at(-1)!)} tokens left and this story may need [\\d,]+; it resets in .+\\(00:00 UTC\\)\\. Choose a shorter length or wait until then\\.$`,
      ),
    );
    assert.equal(await frame.locator('#story-error vscode-button').count(), 0, 'no Retry before the budget resets');
    assert.equal(leftIn(await budgetLine(frame)), seen.at(-1), 'a refused story costs nothing');
    const disabled = (id: string) =>
      frame.locator(`#${id}`).evaluate((b: { disabled?: boolean }) => b.disabled === true);
    assert.equal(await disabled('regenerate'), true, 'Regenerate would only be refused again');
    assert.equal(await disabled('generate'), true, 'nor the same story, until the form changes');
    assert.match((await frame.locator('#generate').getAttribute('title')) ?? '', /starts again at \d/);
    await wb.screenshot('budget-exhausted', 'budget.png');

    // Still usable: the first story opens from the history, and the form takes another story.
    await frame.locator('.history-open').last().click();
    await until('the first story to open', async () => (await storyStatus(frame)) === 'done');
    await frame.locator('#premise textarea').fill('A snail races the tide');
    await until('Generate to be enabled for another story', async () => !(await disabled('generate')));
  });
});
