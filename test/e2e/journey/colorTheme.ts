// The color themes: the panel follows Dark Modern and Light Modern with the variables the
// accessibility audit uses.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROBOT, fillForm, root } from '../journey';
import type { E2EDocument, E2EWindow, Journey } from '../journey';
import { readTheme, webviewTheme } from '../themes';
import { until } from '../workbench';

// The globals of the pages that frame.evaluate() runs in (the root tsconfig has no DOM lib).
declare const window: E2EWindow;
declare const document: E2EDocument;

export function colorThemes(j: Journey): void {
  async function switchTheme(
    label: 'Dark Modern' | 'Light Modern',
    bodyClass: 'vscode-dark' | 'vscode-light',
  ): Promise<void> {
    await j.wb.runCommand('Preferences: Color Theme');
    await j.wb.pickQuickItem(label);
    await j.wb.quickInput.waitFor({ state: 'hidden' });
    const themeClass = `vscode-theme-defaults-themes-${label.toLowerCase().replace(' ', '_')}-json`;
    await until(`the workbench in ${label}`, async () =>
      ((await j.wb.page.locator('.monaco-workbench').getAttribute('class')) ?? '').split(/\s+/).includes(themeClass),
    );
    await until(
      `the status bar in ${label}`,
      async () => (await j.wb.statusBarLooksDark()) === (bodyClass === 'vscode-dark'),
    );
    const frame = await j.wb.storyFrame();
    await until(`the story panel's body to have ${bodyClass}`, () =>
      frame.evaluate((c) => document.body.classList.contains(c), bodyClass),
    );
  }

  it('follows the color theme: Dark Modern and Light Modern', async () => {
    const { wb } = j;
    const frame = await wb.storyFrame();
    // The story that was written in one go, with the form as it was for it.
    await fillForm(frame, ROBOT, 'short');
    await frame.locator('#history-list .history-open', { hasText: ROBOT }).click();
    await until('the story to open', async () => (await frame.locator('#story-title').innerText()).trim() === ROBOT);
    // The pictures show the panel from the top: the form, the story and the history.
    const fromTheTop = () => frame.evaluate(() => window.scrollTo(0, 0));
    // The accessibility audit's theme variables (test/webview/themes) are still what VS Code sets,
    // for every colour the panel's stylesheet uses (#24).
    const css = readFileSync(join(root, 'webview/story/styles.css'), 'utf8');
    const used = [...new Set([...css.matchAll(/var\((--vscode-[\w-]+)/g)].map((m) => m[1]!))].filter(
      (name) => !name.includes('font'),
    );
    const sameAsAudited = async (file: string): Promise<void> => {
      const live = (await webviewTheme(await wb.storyFrame())).variables;
      const audited = readTheme(file).variables;
      for (const name of used) assert.equal(live[name], audited[name], `${file}: ${name}`);
    };
    await switchTheme('Dark Modern', 'vscode-dark');
    await sameAsAudited('dark-modern.json');
    await fromTheTop();
    await wb.screenshot('theme-dark', 'theme-dark.png');
    await switchTheme('Light Modern', 'vscode-light');
    await sameAsAudited('light-modern.json');
    await fromTheTop();
    await wb.screenshot('theme-light', 'theme-light.png');
  });
}
