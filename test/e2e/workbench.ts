// A small driver for VS Code's web workbench (code-server) over a playwright Page: the command
// palette, quick input boxes, notifications, the status bar, the Accounts menu and the story
// webview's frame. Every step waits on the DOM (locators auto-wait, `until` polls); there are
// no fixed sleeps. Shared by the E2E suite and the benchmarks.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { ElementHandle, Frame, Locator, Page } from 'playwright-core';

const root = resolve(__dirname, '../..');
/** Where screenshots and failure reports go (ignored by git). */
export const E2E_DIR = join(root, '.e2e');
export const SCREENSHOTS_DIR = join(E2E_DIR, 'screenshots');
export const VIEWPORT = { width: 1280, height: 800 } as const;
/** The extension's account item in the status bar (`<publisher>.<name>.<item id>`). */
export const ACCOUNT_ITEM = 'bedrock-storyteller.bedrock-storyteller.storyteller.account';

/** Polls `probe` until it returns something other than undefined/false; throws `what` on timeout. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 15_000,
  everyMs = 100,
): Promise<T> {
  const started = Date.now();
  const deadline = started + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) {
        trace(`waited ${Date.now() - started} ms for ${what}`);
        return value;
      }
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline)
      throw new Error(
        `Timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}.`,
      );
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** With STORYTELLER_E2E_TRACE=1, every wait and command is logged with its time. */
export function trace(line: string): void {
  if (process.env.STORYTELLER_E2E_TRACE) console.log(`      · ${new Date().toISOString().slice(11, 23)} ${line}`);
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const exactly = (s: string): RegExp => new RegExp(`^\\s*${escapeRegExp(s)}\\s*$`);
const toPattern = (text: string | RegExp): RegExp => (typeof text === 'string' ? new RegExp(escapeRegExp(text)) : text);

/** What a quick input box shows. */
export interface QuickInputState {
  readonly title: string;
  /** The prompt, or the validation message while there is one. */
  readonly message: string;
  readonly placeholder: string;
  readonly password: boolean;
  /** True while the box shows a validation error. */
  readonly invalid: boolean;
}

export interface AccountsMenuItem {
  readonly label: string;
  readonly submenu: boolean;
}

/** The page globals that evaluate() callbacks use (the root tsconfig has no DOM lib). */
type Dom = {
  document: {
    getElementById(id: string): unknown;
    activeElement: { tagName: string; className: unknown } | null;
  };
};
type WithClasses = { classList: { contains(c: string): boolean } };

/** Whether a webview's iframe shows its content: VS Code renames its content frame to active-frame once loaded. */
async function hasLoaded(host: ElementHandle): Promise<boolean> {
  const ready = await host.evaluate((el) => (el as WithClasses).classList.contains('ready'));
  const outer = ready ? await host.contentFrame() : null;
  const inFrame = () => (globalThis as unknown as Dom).document.getElementById('active-frame') !== null;
  return (await outer?.evaluate(inFrame)) === true;
}

export class Workbench {
  /** Extra folder that receives copies of chosen screenshots (README images), if any; relative to the repository. */
  private readonly readmeShotsDir: string | undefined;

  constructor(
    readonly page: Page,
    readmeShotsDir = process.env.STORYTELLER_SCREENSHOTS_DIR,
  ) {
    this.readmeShotsDir = readmeShotsDir ? resolve(root, readmeShotsDir) : undefined;
    // A missing element fails a step in 15 s, not Playwright's default 30 s.
    page.setDefaultTimeout(15_000);
  }

  // ───────────── Start-up ─────────────

  /** Opens the workbench and waits until it is interactive and the extension's status item is up. */
  async open(url: string, options: { statusBarId?: string; timeoutMs?: number } = {}): Promise<void> {
    const timeout = options.timeoutMs ?? 60_000;
    // A restarted code-server on a busy machine can take longer than the 15 s default to load the page.
    await this.page.goto(url, { timeout });
    await this.page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout });
    await this.page.locator('#workbench\\.parts\\.statusbar').waitFor({ state: 'visible', timeout });
    if (options.statusBarId) await this.statusBarItem(options.statusBarId).waitFor({ state: 'visible', timeout });
    await this.webviewsLoaded(Math.max(timeout, 90_000));
  }

  /**
   * Waits until every shown webview (the welcome README's preview, a restored panel) has loaded its content. One that
   * finishes loading takes the focus, which closes a command palette opened before: the command picked there would be
   * lost (seen after a restart on a busy machine).
   */
  private async webviewsLoaded(timeoutMs: number): Promise<void> {
    await until(
      'the shown webviews to load',
      async () => {
        for (const host of await this.page.locator('iframe.webview').elementHandles())
          if ((await host.isVisible()) && !(await hasLoaded(host))) return false;
        return true;
      },
      timeoutMs,
      200,
    );
  }

  /** Hides the Chat secondary side bar, if shown, so that screenshots show the product. */
  async hideSecondarySideBar(): Promise<void> {
    const bar = this.page.locator('.part.auxiliarybar');
    if (!(await bar.isVisible())) return;
    await this.page
      .locator(
        '.part.auxiliarybar .action-label[aria-label^="Hide Secondary Side Bar"], .part.auxiliarybar .action-label[aria-label^="Hide"]',
      )
      .first()
      .click();
    await bar.waitFor({ state: 'hidden' });
  }

  // ───────────── Command palette and quick input ─────────────

  get quickInput(): Locator {
    return this.page.locator('.quick-input-widget');
  }

  private get quickInputBox(): Locator {
    return this.page.locator('.quick-input-widget .quick-input-box input');
  }

  /** Runs a command by its palette title (e.g. "Storyteller: Sign Up…"), picking that exact row. */
  async runCommand(title: string): Promise<void> {
    trace(`command ${title}`);
    for (let attempt = 1; ; attempt++) {
      await this.paletteFilter(title);
      if (await this.acceptRow(title)) return;
      if (attempt >= 3) throw new Error(`The command palette kept closing before "${title}" could be picked.`);
      trace(`the palette closed before the command was picked (the focus is on ${await this.focusOwner()}); again`);
    }
  }

  /** The quick pick row whose label is exactly `label`. */
  quickPickRow(label: string): Locator {
    return this.page
      .locator('.quick-input-widget .quick-input-list .monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: exactly(label) }) });
  }

  /**
   * Runs a command and waits up to `timeoutMs` for what it shows. If nothing shows and no quick input is open, the
   * pick was lost (seen in a workbench just restarted on a busy machine): runs it again, at most twice more.
   */
  async runCommandUntil<T>(
    title: string,
    what: string,
    shown: () => Promise<T | undefined>,
    timeoutMs = 15_000,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      await this.runCommand(title);
      try {
        return await until(what, shown, timeoutMs);
      } catch (e) {
        if (attempt >= 3 || (await this.quickInput.isVisible())) throw e;
        trace(
          `"${title}" showed nothing and no quick input is open (the focus is on ${await this.focusOwner()}); again`,
        );
      }
    }
  }

  /** What has the keyboard focus, for the trace: tag and classes of the focused element. */
  private async focusOwner(): Promise<string> {
    return this.page
      .evaluate(() => {
        const el = (globalThis as unknown as Dom).document.activeElement;
        return el ? `${el.tagName.toLowerCase()}.${String(el.className).split(' ').join('.')}` : 'nothing';
      })
      .catch((e: Error) => e.message);
  }

  /** Picks an item in the open quick pick by its exact label (typing to filter first). */
  async pickQuickItem(label: string, filter = label): Promise<void> {
    await this.quickInput.waitFor({ state: 'visible' });
    await this.quickInputBox.fill(filter);
    if (!(await this.acceptRow(label))) throw new Error(`The quick pick closed before "${label}" could be picked.`);
  }

  /**
   * Accepts the row labelled `label`: Enter when it is the focused one (a click would wait for
   * the list to stop moving, e.g. while a theme is previewed), a click otherwise. False when the
   * quick input closed first: press() would still "succeed", its Enter going nowhere.
   */
  private async acceptRow(label: string): Promise<boolean> {
    const row = this.quickPickRow(label).first();
    await row.waitFor({ state: 'visible' });
    if (!((await row.getAttribute('class')) ?? '').split(/\s+/).includes('focused')) {
      await row.click();
      return true;
    }
    if (!(await this.quickInput.isVisible())) return false;
    await this.quickInputBox.press('Enter');
    return true;
  }

  /** The labels of the rows of the open quick pick. */
  async quickPickLabels(): Promise<string[]> {
    await this.quickInput.waitFor({ state: 'visible' });
    return (
      await this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row .label-name').allInnerTexts()
    ).map((t) => t.trim());
  }

  /**
   * Opens the palette and types `>filter`. Right after start-up the workbench may hold the box
   * inert for a moment (a preview loading): then it closes the palette and tries again.
   */
  private async paletteFilter(filter: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      await this.closeQuickInput();
      await this.openPalette();
      try {
        await this.quickInputBox.fill(`>${filter}`, { timeout: attempt < 3 ? 4_000 : 15_000 });
        return;
      } catch (e) {
        if (attempt >= 3) throw e;
        trace(`the palette was not ready (${(e as Error).message.split('\n')[0]}); again`);
      }
    }
  }

  private async openPalette(): Promise<void> {
    for (const key of ['F1', 'Control+Shift+P', 'F1']) {
      await this.page.keyboard.press(key);
      try {
        await until(
          'the command palette',
          async () => (await this.quickInput.isVisible()) && (await this.quickInputBox.inputValue()).startsWith('>'),
          3_000,
        );
        return;
      } catch {
        // Focus may be inside a webview that kept the key: give it back to the workbench.
        await this.page.locator('#workbench\\.parts\\.statusbar').click({ position: { x: 2, y: 2 } });
      }
    }
    throw new Error('The command palette did not open.');
  }

  /** Escape until no quick input is shown. */
  async closeQuickInput(): Promise<void> {
    for (let i = 0; i < 3 && (await this.quickInput.isVisible()); i++) {
      await this.quickInputBox.focus().catch(() => undefined);
      await this.page.keyboard.press('Escape');
      await this.quickInput.waitFor({ state: 'hidden', timeout: 2_000 }).catch(() => undefined);
    }
  }

  /** What the shown quick input box says; waits for one to be shown (`wait` false: undefined when none is). */
  async quickInputState(): Promise<QuickInputState>;
  async quickInputState(wait: false): Promise<QuickInputState | undefined>;
  async quickInputState(wait = true): Promise<QuickInputState | undefined> {
    if (wait) await this.quickInput.waitFor({ state: 'visible' });
    else if (!(await this.quickInput.isVisible())) return undefined;
    const short = { timeout: wait ? 15_000 : 1_000 };
    const message = this.page.locator('.quick-input-widget .quick-input-message');
    return {
      title: ((await this.page.locator('.quick-input-widget .quick-input-title').textContent(short)) ?? '').trim(),
      message: (await message.isVisible()) ? ((await message.textContent(short)) ?? '').trim() : '',
      placeholder: (await this.quickInputBox.getAttribute('placeholder', short)) ?? '',
      password: (await this.quickInputBox.getAttribute('type', short)) === 'password',
      invalid: await this.page
        .locator('.quick-input-widget .monaco-inputbox.error, .quick-input-widget .monaco-inputbox.warning')
        .isVisible(),
    };
  }

  /** Waits for an input box whose prompt matches, and returns what it shows. */
  async waitForInput(prompt: string | RegExp, timeoutMs = 15_000): Promise<QuickInputState> {
    const pattern = toPattern(prompt);
    return until(
      `a quick input asking ${String(prompt)}`,
      async () => {
        if (await this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row').first().isVisible())
          return undefined;
        const state = await this.quickInputState(false);
        return state && pattern.test(state.message) ? state : undefined;
      },
      timeoutMs,
    );
  }

  /**
   * Answers the quick input box that asks `prompt`: types the value and presses Enter (after
   * `beforeAccept`, e.g. a screenshot). Throws with the box's validation message if it refuses it.
   */
  async answerInput(
    prompt: string | RegExp,
    value: string,
    options: { beforeAccept?: () => Promise<void> } = {},
  ): Promise<QuickInputState> {
    const asked = await this.waitForInput(prompt);
    await this.quickInputBox.fill(value);
    // A box that showed an error checks the new value in the extension host: let it catch up.
    if (asked.invalid)
      await until(
        'the box to check the new value',
        async () => !(await this.quickInputState(false))?.invalid,
        3_000,
      ).catch(() => undefined);
    await options.beforeAccept?.();
    await this.quickInputBox.press('Enter');
    // Accepted: the box goes, or the next question replaces the prompt. Refused: it stays, marked invalid.
    const pattern = toPattern(prompt);
    const outcome = await until(`the answer to "${asked.message}" to be taken`, async () => {
      const now = await this.quickInputState(false);
      if (!now) return { taken: true as const };
      if (now.invalid) return { taken: false as const, message: now.message };
      const moved =
        !pattern.test(now.message) || now.title !== asked.title || (await this.quickInputBox.inputValue()) !== value;
      return moved ? { taken: true as const } : undefined;
    });
    if (!outcome.taken) throw new Error(`"${asked.message}" refused the value: ${outcome.message}`);
    return asked;
  }

  /** The rows the command palette shows for `filter`, in order (leaves the palette open). */
  async paletteRows(filter: string): Promise<string[]> {
    await this.paletteFilter(filter);
    return until(`the palette to filter on "${filter}"`, async () => {
      const labels = await this.quickPickLabels();
      return labels.length > 0 || (await this.page.locator('.quick-input-widget .quick-input-message').isVisible())
        ? labels
        : undefined;
    });
  }

  /** Types into the open input box key by key (`delayMs` apart), as a person does. */
  async typeInput(value: string, delayMs = 30): Promise<void> {
    await this.quickInputBox.fill('');
    await this.quickInputBox.pressSequentially(value, { delay: delayMs });
  }

  /** The value of the open input box. */
  inputValue(): Promise<string> {
    return this.quickInputBox.inputValue();
  }

  /**
   * Answers the box that asks `prompt` with a value it must refuse (after Cognito checked it, if
   * it does): the box stays open and shows this message, which is returned.
   */
  async refusedInput(prompt: string | RegExp, value: string, timeoutMs = 15_000): Promise<QuickInputState> {
    const asked = await this.waitForInput(prompt);
    await this.quickInputBox.fill(value);
    await this.quickInputBox.press('Enter');
    return until(
      `"${asked.message}" to refuse ${value}`,
      async () => {
        const now = await this.quickInputState(false);
        if (!now) throw new Error(`The box closed: "${value}" was taken.`);
        // The box turns red a moment before its message changes from the prompt to the refusal.
        return now.invalid && now.title === asked.title && now.message !== asked.message ? now : undefined;
      },
      timeoutMs,
    );
  }

  /** A button of the open input box, by its tooltip (e.g. "Resend Code"). */
  inputButton(tooltip: string): Locator {
    return this.page
      .locator(`.quick-input-widget .quick-input-titlebar .action-label[aria-label^="${tooltip}"]`)
      .first();
  }

  /**
   * Answers VS Code's own file dialog (a quick input over the remote file system in the web
   * workbench): types the path, waits until the list shows that folder, then presses its button.
   */
  async answerPath(path: string, button: string): Promise<void> {
    await this.quickInput.waitFor({ state: 'visible' });
    // The dialog fills in its starting folder a moment after it opens: type the path after that.
    await until(
      'the file dialog to show its folder',
      async () => ((await this.quickInputBox.inputValue()).startsWith('/') ? true : undefined),
      5_000,
    ).catch(() => undefined);
    // On a loaded machine the starting folder can arrive after the path was typed and replace it
    // (seen once: the dialog stayed open on the home folder): then the path is typed again.
    const press = this.page.locator('.quick-input-widget .quick-input-action .monaco-button', {
      hasText: exactly(button),
    });
    await until(
      `the file dialog to take ${path}`,
      async () => {
        if (!(await this.quickInput.isVisible())) return true;
        if ((await this.quickInputBox.inputValue()) !== path) await this.quickInputBox.fill(path);
        const listed = await this.quickPickRow(basename(path))
          .first()
          .waitFor({ state: 'visible', timeout: 5_000 })
          .then(
            () => true,
            () => false,
          );
        if (!listed || (await this.quickInputBox.inputValue()) !== path) return undefined;
        await press.click();
        return this.quickInput.waitFor({ state: 'hidden', timeout: 5_000 }).then(
          () => true,
          () => undefined,
        );
      },
      30_000,
    );
  }

  // ───────────── Dialogs ─────────────

  /** VS Code's modal dialog (drawn in the page, not a browser dialog) whose text matches. */
  async waitForDialog(text: string | RegExp, timeoutMs = 15_000): Promise<Locator> {
    const dialog = this.page
      .locator('.monaco-dialog-box')
      .filter({ hasText: toPattern(text) })
      .first();
    await dialog.waitFor({ state: 'visible', timeout: timeoutMs });
    return dialog;
  }

  async clickDialogButton(label: string): Promise<void> {
    const dialog = this.page.locator('.monaco-dialog-box').first();
    await dialog.locator('.dialog-buttons .monaco-button', { hasText: exactly(label) }).click();
    await dialog.waitFor({ state: 'hidden' });
  }

  // ───────────── Notifications ─────────────

  /** The toast whose message matches; waits for it. */
  async waitForNotification(text: string | RegExp, timeoutMs = 15_000): Promise<Locator> {
    const toast = this.notification(text);
    await toast.waitFor({ state: 'visible', timeout: timeoutMs });
    return toast;
  }

  notification(text: string | RegExp): Locator {
    return this.page
      .locator('.notifications-toasts .notification-toast')
      .filter({ has: this.page.locator('.notification-list-item-message', { hasText: toPattern(text) }) })
      .first();
  }

  async clickNotificationButton(text: string | RegExp, button: string): Promise<void> {
    const toast = await this.waitForNotification(text);
    await toast
      .locator('.notification-list-item-buttons-container .monaco-button', { hasText: exactly(button) })
      .click();
  }

  /** Closes the toast (its X), as a person who read it would. */
  async closeNotification(text: string | RegExp): Promise<void> {
    const toast = await this.waitForNotification(text);
    await toast.hover();
    await toast.locator('.codicon-notifications-clear').click();
    await toast.waitFor({ state: 'hidden' });
  }

  /** The messages of every toast shown now. */
  async notificationMessages(): Promise<string[]> {
    return (
      await this.page
        .locator('.notifications-toasts .notification-toast .notification-list-item-message')
        .allInnerTexts()
    ).map((t) => t.trim());
  }

  // ───────────── Status bar ─────────────

  /** A status bar item by its DOM id (`<publisher>.<name>.<item id>` for extensions). */
  statusBarItem(id: string): Locator {
    return this.page.locator(`#workbench\\.parts\\.statusbar .statusbar-item[id="${id}"]`);
  }

  /** The visible text of a status bar item (codicons are not text). */
  async statusBarText(id: string): Promise<string> {
    return ((await this.statusBarItem(id).innerText()) ?? '').replace(/\s+/g, ' ').trim();
  }

  /** Waits until the item's text matches, and returns it. */
  async waitForStatusBarText(id: string, text: string | RegExp, timeoutMs = 15_000): Promise<string> {
    const pattern = toPattern(text);
    return until(
      `the status bar item ${id} to say ${String(text)}`,
      async () => {
        const now = await this.statusBarText(id).catch(() => '');
        return pattern.test(now) ? now : undefined;
      },
      timeoutMs,
    );
  }

  /** Whether the status bar is painted dark now (it repaints a moment after a theme change). */
  async statusBarLooksDark(): Promise<boolean> {
    type Styles = { getComputedStyle(el: unknown): { backgroundColor: string } };
    const color = await this.page
      .locator('#workbench\\.parts\\.statusbar')
      .evaluate((el) => (globalThis as unknown as Styles).getComputedStyle(el).backgroundColor);
    const [r = 0, g = 0, b = 0] = (color.match(/\d+(\.\d+)?/g) ?? []).map(Number);
    return 0.2126 * r + 0.7152 * g + 0.0722 * b < 128;
  }

  // ───────────── Accounts menu ─────────────

  get accountsButton(): Locator {
    return this.page.locator('.activitybar .action-item .action-label[aria-label^="Accounts"]').first();
  }

  /** Opens the Accounts menu (the person icon) and returns its items; leaves it open. */
  async openAccountsMenu(): Promise<AccountsMenuItem[]> {
    await this.accountsButton.click();
    const menu = this.page.locator('.monaco-menu-container .monaco-menu').first();
    await menu.waitFor({ state: 'visible' });
    return this.menuItems(menu);
  }

  /** Opens the submenu of a menu item (e.g. the account) and returns its items. */
  async openSubmenu(label: string | RegExp): Promise<AccountsMenuItem[]> {
    const item = this.page
      .locator('.monaco-menu-container .action-item', {
        has: this.page.locator('.action-label', { hasText: toPattern(label) }),
      })
      .first();
    await item.hover();
    await item.click();
    const submenu = this.page.locator('.monaco-menu-container .monaco-submenu .monaco-menu').last();
    await submenu.waitFor({ state: 'visible' });
    return this.menuItems(submenu);
  }

  async closeMenus(): Promise<void> {
    for (let i = 0; i < 3 && (await this.page.locator('.monaco-menu-container').first().isVisible()); i++)
      await this.page.keyboard.press('Escape');
  }

  private async menuItems(menu: Locator): Promise<AccountsMenuItem[]> {
    const items = menu.locator(
      ':scope > .monaco-action-bar > .actions-container > .action-item:not(.disabled) > .action-menu-item, :scope .actions-container > .action-item > .action-menu-item',
    );
    await items.first().waitFor({ state: 'visible' });
    const out: AccountsMenuItem[] = [];
    for (const item of await items.all()) {
      const label = ((await item.locator('.action-label').first().textContent()) ?? '').trim();
      if (label) out.push({ label, submenu: (await item.locator('.submenu-indicator').count()) > 0 });
    }
    return out;
  }

  // ───────────── Webviews and editors ─────────────

  /**
   * The frame of a webview's content. code-server nests it: an outer iframe (`.webview`, the
   * host page of /webview/index.html) holds an inner `#active-frame` with the extension's HTML.
   * Found by walking page.frames() for an `active-frame` whose document has `selector`.
   */
  async webviewFrame(selector: string, timeoutMs = 30_000): Promise<Frame> {
    return until(
      `a webview frame with ${selector}`,
      async () => {
        for (const frame of this.page.frames()) {
          if (frame === this.page.mainFrame() || frame.isDetached()) continue;
          if (frame.name() !== 'active-frame' && !/fake\.html|active-frame/.test(frame.url())) continue;
          if (
            (await frame
              .locator(selector)
              .count()
              .catch(() => 0)) > 0
          )
            return frame;
        }
        return undefined;
      },
      timeoutMs,
      200,
    );
  }

  /** The story panel's frame (its form is there once the script ran). */
  storyFrame(timeoutMs?: number): Promise<Frame> {
    return this.webviewFrame('#story-form', timeoutMs);
  }

  /** The editor tabs, in order: label and description (an untitled editor is named after its first line, "Untitled-N"
   * is its description). */
  async editorTabs(): Promise<{ label: string; description: string; active: boolean }[]> {
    type El = { className: string; querySelector(s: string): { textContent: string | null } | null };
    return this.page.locator('.editor-group-container .tabs-container .tab').evaluateAll((tabs: El[]) =>
      tabs.map((tab) => ({
        label: (tab.querySelector('.label-name')?.textContent ?? '').trim(),
        description: (tab.querySelector('.label-description')?.textContent ?? '').trim(),
        active: tab.className.split(/\s+/).includes('active'),
      })),
    );
  }

  /** The text of the active text editor (the lines Monaco has rendered). */
  /**
   * Saves the active editor and waits until its tab is clean: the file on disk is then all the
   * editor holds. Code-server auto-saves after a delay, so a file may already hold part of it.
   */
  async saveActiveEditor(timeoutMs = 15_000): Promise<void> {
    await this.page.keyboard.press('Control+S');
    const dirty = this.page.locator('.editor-group-container.active .tab.active.dirty');
    await until('the active editor to be saved', async () => (await dirty.count()) === 0, timeoutMs);
  }

  async activeEditorText(): Promise<string> {
    const lines = this.page.locator('.editor-group-container.active .monaco-editor .view-lines').first();
    await lines.waitFor({ state: 'visible' });
    return (await lines.innerText()).replace(/\u00a0/g, ' ');
  }

  // ───────────── Evidence ─────────────

  /** Saves .e2e/screenshots/<name>.png; with `readmeName`, also a copy in STORYTELLER_SCREENSHOTS_DIR. */
  /** `of`: another tab than the workbench, such as the managed login page. */
  async screenshot(name: string, readmeName?: string, of: Page = this.page): Promise<string> {
    mkdirSync(SCREENSHOTS_DIR, { recursive: true });
    const path = join(SCREENSHOTS_DIR, `${name}.png`);
    await of.screenshot({ path });
    if (readmeName && this.readmeShotsDir) {
      mkdirSync(this.readmeShotsDir, { recursive: true });
      copyFileSync(path, join(this.readmeShotsDir, readmeName));
    }
    return path;
  }

  /** A screenshot and the page's HTML under .e2e/failures/, for a failed test. */
  async saveFailure(name: string, extra: string): Promise<string> {
    const dir = join(E2E_DIR, 'failures');
    mkdirSync(dir, { recursive: true });
    const base = join(dir, name.replace(/[^\w.-]+/g, '-').slice(0, 80));
    await this.page.screenshot({ path: `${base}.png` }).catch(() => undefined);
    const html = await this.page.content().catch(() => '');
    writeFileSync(`${base}.html`, html);
    writeFileSync(`${base}.txt`, extra);
    return base;
  }
}
