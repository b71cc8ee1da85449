// The end-to-end suite (issue #7): `npm run demo` (scripts/demo.ts) builds and packages the
// extension, starts the emulator and code-server, and headless Chromium walks a person's path
// through the real workbench: sign up, the Accounts menu, a story streamed, stopped, continued
// and exported, the history, a hostile story, both themes, sign out; then Ctrl+C ends the demo
// and leaves nothing behind.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext, Dialog, Frame } from 'playwright-core';
import { CHROMIUM_ARGS } from '../host/codeServer';
import { CHROMIUM } from '../host/install';
import { titleFromPremise } from '../../src/core/story/prompt';
import { startDemo } from './demo';
import type { Demo, DemoExit } from './demo';
import { ACCOUNT_ITEM, until, VIEWPORT, Workbench } from './workbench';

// The globals of the pages that frame.evaluate() runs in (the root tsconfig has no DOM lib).
interface E2EWindow {
  __pwned?: unknown;
  __pwnedMessages?: number;
  addEventListener(type: 'message', listener: (e: { data: unknown }) => void): void;
  scrollTo(x: number, y: number): void;
}
declare const window: E2EWindow;
declare const document: { title: string; body: { classList: { contains(c: string): boolean } } };

const root = join(__dirname, '../..');
const EMAIL = 'ann.reader@example.com';
const NAME = 'Ann Reader';
const PASSWORD = 'Lighthouse-Keeper-42';
const DEMO_STREAM_RATE = 40;
const ROBOT = 'A retired robot opens a bakery in a mountain village';
const MARA = 'Mara, a lighthouse keeper, finds a message in a bottle addressed to her grandmother';

describe('Bedrock Storyteller end to end (npm run demo, code-server, Chromium)', function () {
  this.timeout(90_000);
  let temp: string;
  let demo: Demo;
  let browser: BrowserContext;
  let wb: Workbench;
  const dialogs: string[] = [];

  const streamRate = (tokensPerSecond: number) => demo.admin('PUT', 'stream-rate', { tokensPerSecond });

  before(async function () {
    this.timeout(180_000);
    temp = mkdtempSync(join(tmpdir(), 'storyteller-e2e-'));
    demo = await startDemo({ readyFile: join(temp, 'ready.json'), timeoutMs: 150_000 });
    try {
      await openWorkbench();
    } catch (e) {
      const base = wb ? await wb.saveFailure('before-all', `${(e as Error).stack ?? ''}\n\n--- demo output ---\n${demo.tail(80)}`) : '';
      throw new Error(`The workbench did not open${base ? ` (evidence: ${base}.*)` : ''}: ${(e as Error).message}\n--- demo output ---\n${demo.tail()}`, { cause: e });
    }
  });

  async function openWorkbench(): Promise<void> {
    browser = await chromium.launchPersistentContext(join(temp, 'chromium'), {
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      viewport: VIEWPORT,
      env: { ...process.env, HOME: temp, TMPDIR: temp, XDG_CONFIG_HOME: join(temp, 'xdg-config'), XDG_CACHE_HOME: join(temp, 'xdg-cache') },
    });
    const page = browser.pages()[0] ?? (await browser.newPage());
    page.on('dialog', (dialog: Dialog) => {
      dialogs.push(`${dialog.type()}: ${dialog.message()}`);
      void dialog.dismiss().catch(() => undefined);
    });
    wb = new Workbench(page);
    await wb.open(demo.ready.url, { statusBarId: ACCOUNT_ITEM });
    await wb.hideSecondarySideBar();
  }

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed' || !wb) return;
    const base = await wb.saveFailure(this.currentTest.title, `${this.currentTest.err?.stack ?? ''}\n\n--- demo output ---\n${demo?.tail(80) ?? ''}`);
    console.log(`    failure evidence: ${base}.{png,html,txt}`);
  });

  after(async function () {
    this.timeout(60_000);
    await browser?.close().catch(() => undefined);
    // Normally the last test has stopped the demo already (stop() is then a no-op); this is for a run that failed early.
    await demo?.stop().catch(() => undefined);
    if (temp) rmSync(temp, { recursive: true, force: true, maxRetries: 3 });
  });

  // ───────────── a. Sign up and sign in ─────────────

  /** Notifications the person had to close before the flow went on (see the test after next). */
  const blockedBy: string[] = [];

  /**
   * Waits for the flow's next step; if it does not come while `toast` is shown, the flow is
   * waiting for the notification to be closed: close it (as a person would, eventually) and note it.
   */
  async function proceedPast(toast: string, next: () => Promise<unknown>): Promise<void> {
    try {
      await next();
      return;
    } catch {
      // Not there yet: see whether the notification holds it up.
    }
    blockedBy.push(toast);
    if (await wb.notification(toast).isVisible()) await wb.closeNotification(toast);
    else await wb.runCommand('Notifications: Clear All Notifications');
    await next();
  }

  it('signs up through the command palette, confirms with the code the demo printed, and is signed in', async () => {
    assert.match(await wb.statusBarText(ACCOUNT_ITEM), /^Sign in$/, 'signed out at first');
    await wb.runCommand('Storyteller: Sign Up…');
    const email = await wb.answerInput('Your email address', EMAIL);
    assert.match(email.title, /^Sign Up \(1\/4\)$/);
    await wb.answerInput('Your name (optional)', NAME);
    const password = await wb.answerInput('Choose a password', PASSWORD);
    assert.equal(password.password, true, 'the password box masks what is typed');
    await wb.answerInput('Type the password again', PASSWORD);

    const code = await demo.code(EMAIL);
    assert.match(code, /^\d{6}$/, 'the demo printed a 6-digit confirmation code');
    await wb.waitForNotification(/We sent a 6-digit code to/);
    await proceedPast('We sent a 6-digit code to', () => wb.waitForInput('The 6-digit code from the email', 5_000));
    await wb.answerInput('The 6-digit code from the email', code);

    await proceedPast('Your account is confirmed.', () => wb.waitForStatusBarText(ACCOUNT_ITEM, EMAIL, 5_000));
    assert.equal(await wb.statusBarText(ACCOUNT_ITEM), EMAIL);
  });

  it('goes from sign-up straight on to the code and to sign-in, without the person closing notifications first', () => {
    // README: "Email, optional name and password …, then straight on to the 6-digit code and
    // sign-in." An information message the flow awaits holds it until it is closed.
    assert.deepEqual(blockedBy, [], `the flow waited until these notifications were closed: ${blockedBy.join(' | ')}`);
  });

  it('signs out and back in through "Storyteller: Sign In…"', async () => {
    await wb.runCommand('Storyteller: Sign Out');
    await wb.waitForStatusBarText(ACCOUNT_ITEM, /^Sign in$/);
    await wb.runCommand('Storyteller: Sign In…');
    const asked = await wb.answerInput('Your email address', EMAIL);
    assert.match(asked.title, /^Sign In \(1\/2\)$/);
    await wb.answerInput('Your password', PASSWORD, { beforeAccept: () => wb.screenshot('sign-in', 'sign-in.png').then(() => undefined) });
    await wb.waitForStatusBarText(ACCOUNT_ITEM, EMAIL);
  });

  // ───────────── b. Accounts menu ─────────────

  it('shows the account under Amazon Cognito in the Accounts menu', async () => {
    await wb.notification('Signing in…').waitFor({ state: 'hidden' });
    const items = await wb.openAccountsMenu();
    const account = items.find((i) => i.label.includes(EMAIL));
    assert.ok(account, `the Accounts menu lists ${EMAIL}: ${JSON.stringify(items.map((i) => i.label))}`);
    assert.equal(account.label, `${EMAIL} (Amazon Cognito)`);
    const actions = await wb.openSubmenu(account.label);
    assert.ok(actions.some((a) => a.label === 'Sign Out'), `the account offers Sign Out: ${JSON.stringify(actions)}`);
    await wb.screenshot('accounts-menu');
    await wb.closeMenus();
  });

  // ───────────── c. A story ─────────────

  const storyText = async (frame: Frame): Promise<string> => (await frame.locator('#story').innerText()).trim();
  const storyStatus = async (frame: Frame): Promise<string | null> => frame.locator('.story-section').getAttribute('data-status');

  async function fillForm(frame: Frame, premise: string, length: 'short' | 'medium' | 'long'): Promise<void> {
    await frame.locator('#premise textarea').fill(premise);
    await frame.locator('#genre input').fill('mystery');
    await frame.locator('#tone input').fill('warm');
    await frame.locator('#length').click();
    await frame.locator('#length').getByRole('option', { name: length[0]!.toUpperCase() + length.slice(1) }).click();
    await until(`length ${length}`, async () => (await frame.locator('#length').evaluate((el: { value?: string }) => el.value)) === length);
  }

  /** Generate, then wait for that story (not the one shown before) to end. */
  async function generateStory(frame: Frame, premise: string): Promise<void> {
    await fillForm(frame, premise, 'short');
    await until('Generate to be enabled', async () => !(await frame.locator('#generate').evaluate((b: { disabled?: boolean }) => b.disabled === true)));
    await frame.locator('#generate').click();
    await until(`"${premise}" to be written`, async () => (await frame.locator('#story-title').innerText()).trim() === titleFromPremise(premise) && (await storyStatus(frame)) === 'done', 30_000);
  }

  it('streams a story in the panel, stops it, continues it and opens it in an editor', async () => {
    await wb.runCommand('Storyteller: New Story');
    const frame = await wb.storyFrame();
    await until('the panel to know the account', async () => (await frame.locator('.auth-line').innerText()).includes(EMAIL));
    await fillForm(frame, MARA, 'short');
    await until('Generate to be enabled', async () => !(await frame.locator('#generate').evaluate((b: { disabled?: boolean }) => b.disabled === true)));

    await streamRate(20); // slow enough to click Stop mid-story
    try {
      await frame.locator('#generate').click();
      await until('the story to start streaming', async () => (await storyStatus(frame)) === 'streaming' && (await storyText(frame)).length > 0);
      // The text grows across reads while it streams.
      const reads: number[] = [];
      for (let i = 0; i < 4; i++) {
        const previous = reads.at(-1) ?? 0;
        reads.push(await until('more text', async () => {
          const n = (await storyText(frame)).length;
          return n > previous ? n : undefined;
        }));
      }
      assert.ok(reads.every((n, i) => i === 0 || n > reads[i - 1]!), `the text grows: ${reads.join(' < ')}`);
      // A few lines on show for the picture.
      await until('a few lines of story', async () => (await storyText(frame)).length > 300);
      await wb.screenshot('story-streaming', 'story-streaming.png');

      await frame.locator('#stop').click();
      await until('the stopped state', async () => (await storyStatus(frame)) === 'stopped');
      assert.equal((await frame.locator('#story-status').innerText()).trim(), 'Stopped. The text so far is kept.');
      const partial = await storyText(frame);
      assert.ok(partial.length >= reads.at(-1)!, 'the partial text is kept');
      assert.equal(await frame.locator('#stop').evaluate((b: { disabled?: boolean }) => b.disabled), true, 'Stop is disabled once stopped');
      await wb.screenshot('story-stopped');

      await streamRate(150);
      await frame.locator('#continue').click();
      await until('the continuation to stream', async () => (await storyText(frame)).length > partial.length, 15_000);
      await until('the story to finish', async () => (await storyStatus(frame)) === 'done', 60_000);
      const full = await storyText(frame);
      assert.ok(full.startsWith(partial.slice(0, 200)), 'Continue keeps the text so far');
      assert.ok(full.length > partial.length, 'Continue adds text');
      assert.match((await frame.locator('#story-status').innerText()).trim(), /^Story finished\./);
    } finally {
      await streamRate(DEMO_STREAM_RATE);
    }

    // Open in editor: a new untitled Markdown editor with the story.
    const title = (await frame.locator('#story-title').innerText()).trim();
    const firstParagraph = normalize(await frame.locator('#story p').first().innerText());
    await frame.locator('#export-editor').click();
    const tab = await until('an untitled editor', async () => (await wb.editorTabs()).find((t) => /^Untitled-\d+$/.test(t.description) && t.active));
    assert.ok(tab.label.startsWith('# '), `the editor is named after the story's heading: ${tab.label}`);
    const editorText = await until('the story in the editor', async () => {
      const text = normalize(await wb.activeEditorText());
      return text.includes(firstParagraph.slice(0, 60)) ? text : undefined;
    });
    assert.ok(editorText.startsWith(`# ${title.replace(/…$/, '').slice(0, 40)}`), `the export starts with the title: ${editorText.slice(0, 80)}`);
    assert.equal(await wb.page.locator('.statusbar-item[id="status.editor.mode"]').innerText(), 'Markdown', 'the editor is Markdown');
    await until('the panel to confirm the export', async () => (await frame.locator('#story-status').innerText()).includes('Opened in a new editor.'));
    await wb.screenshot('story-exported');
    await wb.runCommand('View: Revert and Close Editor');
    await until('the exported editor to close', async () => !(await wb.editorTabs()).some((t) => /^Untitled-\d+$/.test(t.description)));
  });

  // ───────────── d. History ─────────────

  it('lists the stories in the history', async () => {
    const frame = await wb.storyFrame();
    await streamRate(0);
    try {
      await generateStory(frame, ROBOT);
    } finally {
      await streamRate(DEMO_STREAM_RATE);
    }
    const titles = await until('two stories in the history', async () => {
      const t = (await frame.locator('#history-list .history-open').allInnerTexts()).map((s) => s.trim());
      return t.length === 2 ? t : undefined;
    });
    assert.ok(titles.every((t) => t.length > 0), `titles: ${JSON.stringify(titles)}`);
    // The story on show is the current one in the list.
    assert.equal(await frame.locator('#history-list li.current').count(), 1);
    await wb.screenshot('history', 'history.png');
  });

  // ───────────── e. A hostile story ─────────────

  it('shows a hostile story as text: nothing in it runs, loads or navigates', async () => {
    const hits: string[] = [];
    const trap: Server = createServer((req, res) => {
      hits.push(req.url ?? '');
      res.end('pwned');
    });
    await new Promise<void>((r) => trap.listen(0, '127.0.0.1', () => r()));
    const port = (trap.address() as AddressInfo).port;
    const trapUrl = (tag: string) => `http://127.0.0.1:${port}/pwned?${tag}`;
    // Scripts build their URL from base64, so that the text holds no link of theirs.
    const beacon = (tag: string) => `fetch(atob('${Buffer.from(trapUrl(tag)).toString('base64')}'))`;
    const set = (tag: string) => `window.top.__pwned='${tag}';window.__pwned='${tag}';parent.postMessage('pwned-${tag}','*');document.title='pwned';${beacon(tag)}`;
    const hostile = [
      `# The <script>${set('title')}</script> keeper`,
      '',
      `<script>${set('script')}</script>`,
      '',
      `<img src=x onerror="${set('img')}">`,
      '',
      `<a href="javascript:${set('a')}">a javascript: link</a>`,
      '',
      `<iframe src="${trapUrl('iframe')}"></iframe> <iframe srcdoc="<script>${set('srcdoc')}</script>"></iframe>`,
      '',
      `<div onclick="${set('onclick')}" onmouseover="${set('onmouseover')}">hover or click me</div> <svg onload="${set('svg')}"></svg>`,
      '',
      `<style>body{background:url(${trapUrl('css')})}</style> <link rel="stylesheet" href="${trapUrl('link')}">`,
      '',
      `<form action="${trapUrl('form')}"><button>send</button></form> <meta http-equiv="refresh" content="0;url=${trapUrl('meta')}">`,
      '',
      `Markdown: [a javascript link](javascript:${set('md')}) and [a data link](data:text/html,<script>alert(1)</script>) and ![an image](${trapUrl('mdimg')})`,
      '',
      `A plain link a reader may follow: [the trap](${trapUrl('anchor')}).`,
      '',
      'The end.',
    ].join('\n');

    const frame = await wb.storyFrame();
    // Record what a payload could reach: every frame of the page listens for its messages.
    for (const f of wb.page.frames()) {
      await f
        .evaluate(() => {
          window.__pwnedMessages = 0;
          window.addEventListener('message', (e) => {
            if (String(e.data).includes('pwned')) window.__pwnedMessages = (window.__pwnedMessages ?? 0) + 1;
          });
        })
        .catch(() => undefined);
    }
    const topTitle = await wb.page.title();
    await demo.admin('PUT', 'story', { text: hostile });
    await streamRate(0);
    try {
      await generateStory(frame, 'An innocent premise about a lighthouse');

      const story = frame.locator('#story');
      const text = await storyText(frame);
      assert.ok(text.includes('<script>'), 'the literal "<script>" is shown as text');
      assert.ok(text.includes('<img src=x onerror='), 'the <img> tag is shown as text');
      assert.ok(text.includes('[a javascript link](javascript:'), 'the javascript: Markdown link stays literal text');
      assert.equal(await story.locator('script, img, iframe, svg, style, link, form, meta, button, [onclick], [onerror], [onmouseover], [onload]').count(), 0, 'no live elements from the story');
      const hrefs = await story.locator('a').evaluateAll((links: { getAttribute(n: string): string | null }[]) => links.map((a) => a.getAttribute('href') ?? ''));
      assert.ok(hrefs.every((h) => /^(https?:|mailto:)/.test(h)), `only http(s)/mailto links: ${JSON.stringify(hrefs)}`);

      // A reader pokes at it: hover and click what looks clickable (not the real links yet).
      await story.getByText('hover or click me').hover();
      await story.getByText('hover or click me').click();
      await story.getByText('a javascript: link').click();
      await story.getByText('[a javascript link]', { exact: false }).click();
      // Anything that ran would have had a moment by now; give a late beacon one more.
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(hits.length, 0, `nothing in the story reached the network: ${JSON.stringify(hits)}`);
      assert.deepEqual(dialogs, [], 'no dialog opened');
      assert.equal(await wb.page.title(), topTitle, 'the workbench title is untouched');
      for (const f of wb.page.frames()) {
        const seen = await f.evaluate(() => ({ pwned: window.__pwned, messages: window.__pwnedMessages, title: document.title })).catch(() => undefined);
        if (!seen) continue;
        assert.equal(seen.pwned, undefined, `__pwned is not set in ${f.url()}`);
        assert.ok(!seen.messages, `no pwned message reached ${f.url()}`);
        assert.notEqual(seen.title, 'pwned', `the title of ${f.url()} is untouched`);
      }
      await wb.screenshot('hostile-story');

      // Following the plain link opens it outside (a new tab here), never inside the panel.
      const frameUrl = frame.url();
      const opened = browser.waitForEvent('page', { timeout: 15_000 });
      await story.locator(`a[href="${trapUrl('anchor')}"]`).click();
      const tab = await opened;
      await until('the link to be followed', () => hits.includes('/pwned?anchor'));
      assert.equal(frame.url(), frameUrl, 'the panel did not navigate');
      assert.deepEqual([...new Set(hits)], ['/pwned?anchor'], 'only the followed link was fetched');
      await tab.close();

      // Out of the history again, through its Delete button and VS Code's confirmation, which
      // shows the hostile title as plain text too.
      await frame.locator('#history-list li', { hasText: 'The <script>' }).locator('.history-delete').click();
      const confirm = await wb.waitForDialog(/from the story history\?/);
      assert.match(await confirm.innerText(), /Delete “The <script>window\.top\.__pwned=/);
      await wb.clickDialogButton('Delete');
      await until('the hostile story to leave the history', async () => (await frame.locator('#history-list li').count()) === 2);
      assert.deepEqual([...new Set(hits)], ['/pwned?anchor'], 'still nothing else fetched');
    } finally {
      await streamRate(DEMO_STREAM_RATE);
      await demo.admin('DELETE', 'story');
      trap.closeAllConnections(); // the followed link's tab may keep its connection alive
      await new Promise<void>((r) => trap.close(() => r()));
    }
  });

  // ───────────── f. Themes ─────────────

  async function switchTheme(label: 'Dark Modern' | 'Light Modern', bodyClass: 'vscode-dark' | 'vscode-light'): Promise<void> {
    await wb.runCommand('Preferences: Color Theme');
    await wb.pickQuickItem(label);
    await wb.quickInput.waitFor({ state: 'hidden' });
    const themeClass = `vscode-theme-defaults-themes-${label.toLowerCase().replace(' ', '_')}-json`;
    await until(`the workbench in ${label}`, async () => ((await wb.page.locator('.monaco-workbench').getAttribute('class')) ?? '').split(/\s+/).includes(themeClass));
    await until(`the status bar in ${label}`, async () => (await wb.statusBarLooksDark()) === (bodyClass === 'vscode-dark'));
    const frame = await wb.storyFrame();
    await until(`the story panel's body to have ${bodyClass}`, () => frame.evaluate((c) => document.body.classList.contains(c), bodyClass));
  }

  it('follows the color theme: Dark Modern and Light Modern', async () => {
    const frame = await wb.storyFrame();
    // The story that was written in one go, with the form as it was for it.
    await fillForm(frame, ROBOT, 'short');
    await frame.locator('#history-list .history-open', { hasText: ROBOT }).click();
    await until('the story to open', async () => (await frame.locator('#story-title').innerText()).trim() === ROBOT);
    // The pictures show the panel from the top: the form, the story and the history.
    const fromTheTop = () => frame.evaluate(() => window.scrollTo(0, 0));
    await switchTheme('Dark Modern', 'vscode-dark');
    await fromTheTop();
    await wb.screenshot('theme-dark', 'theme-dark.png');
    await switchTheme('Light Modern', 'vscode-light');
    await fromTheTop();
    await wb.screenshot('theme-light', 'theme-light.png');
  });

  // ───────────── h. Another extension asks for the session ─────────────

  it('lets another extension have the session once the person allows it in VS Code\'s consent dialog', async function () {
    this.timeout(120_000);
    // The fixture is packaged as any extension is, and installed the way a person would: from the .vsix.
    const vsix = join(temp, 'session-borrower.vsix');
    execFileSync(join(root, 'node_modules/.bin/vsce'), ['package', '--no-dependencies', '--skip-license', '--out', vsix], { cwd: join(__dirname, 'fixtures/session-borrower'), stdio: 'ignore' });
    await wb.runCommand('Extensions: Install from VSIX...');
    await wb.answerPath(vsix, 'Install');
    await wb.waitForNotification('Completed installing extension.', 60_000);

    await wb.runCommand('Session Borrower: Get Cognito Session');
    const dialog = await wb.waitForDialog(/wants to sign in using Amazon Cognito/);
    assert.match(await dialog.innerText(), /The extension 'Session Borrower \(E2E fixture\)' wants to sign in using Amazon Cognito\./);
    await wb.screenshot('consent-dialog');
    await wb.clickDialogButton('Allow');
    await wb.waitForNotification(`Session Borrower got the session of ${EMAIL} with a JWT access token.`);
  });

  // ───────────── g. Sign out ─────────────

  it('signs out through the command palette', async () => {
    await wb.runCommand('Storyteller: Sign Out');
    assert.equal(await wb.waitForStatusBarText(ACCOUNT_ITEM, /^Sign in$/), 'Sign in');
    const frame = await wb.storyFrame();
    await until('the panel to say signed out', async () => (await frame.locator('.auth-line').innerText()).trim() === 'Signed out');
    const items = await wb.openAccountsMenu();
    assert.ok(!items.some((i) => i.label.includes(EMAIL)), `the account left the Accounts menu: ${JSON.stringify(items)}`);
    await wb.closeMenus();
  });

  // ───────────── i. Ctrl+C ─────────────

  it('stops the demo with Ctrl+C: exit 0, its temp dir removed, no process left', async function () {
    this.timeout(60_000);
    await browser.close();
    const exit: DemoExit = await demo.stop(45_000);
    assert.deepEqual(exit, { code: 0, signal: null }, `the demo exits 0 on SIGINT\n${demo.tail()}`);
    assert.equal(existsSync(demo.ready.dir), false, `${demo.ready.dir} is removed`);
    const left = await until('no process to mention the demo dir', () => {
      const lines = processesUsing(demo.ready.dir);
      return lines.length === 0 ? lines : undefined;
    }, 10_000).catch(() => processesUsing(demo.ready.dir));
    assert.deepEqual(left, []);
  });
});

function normalize(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function processesUsing(dir: string): string[] {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return out.split('\n').filter((line) => line.includes(dir));
}
