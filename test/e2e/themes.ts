// The CSS variables VS Code gives a webview in its default themes, as the panel's accessibility
// audit (test/webview/accessibility.test.ts) needs them: captured from the real workbench
// (code-server) by `npx tsx test/e2e/themes.ts`, kept in test/webview/themes/, and checked
// against the workbench by the E2E theme test, so a new VS Code cannot drift from them unseen.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import type { Frame } from 'playwright-core';
import { CHROMIUM_ARGS } from '../host/codeServer';
import { CHROMIUM } from '../host/install';
import { startDemo } from './demo';
import { ACCOUNT_ITEM, until, VIEWPORT, Workbench } from './workbench';

export interface ThemeVariables {
  /** The theme's label in Preferences: Color Theme. */
  readonly label: string;
  /** vscode-dark, vscode-light or vscode-high-contrast: the webview body's class. */
  readonly bodyClass: string;
  /** Every --vscode-* property on the webview's root, by name. */
  readonly variables: Readonly<Record<string, string>>;
}

export const THEMES = [
  { file: 'dark-modern.json', label: 'Dark Modern', bodyClass: 'vscode-dark' },
  { file: 'light-modern.json', label: 'Light Modern', bodyClass: 'vscode-light' },
  { file: 'dark-high-contrast.json', label: 'Dark High Contrast', bodyClass: 'vscode-high-contrast' },
] as const;

export const THEMES_DIR = resolve(__dirname, '..', 'webview', 'themes');

export function readTheme(file: string): ThemeVariables {
  return JSON.parse(readFileSync(join(THEMES_DIR, file), 'utf8')) as ThemeVariables;
}

/** The webview's --vscode-* variables and body class, as VS Code set them. */
export async function webviewTheme(frame: Frame): Promise<{ bodyClass: string; variables: Record<string, string> }> {
  return frame.evaluate(() => {
    const doc = (globalThis as unknown as { document: ThemeDocument }).document;
    const style = doc.documentElement.style;
    const variables: Record<string, string> = {};
    for (let i = 0; i < style.length; i++) {
      const name = style.item(i);
      if (name.startsWith('--vscode-')) variables[name] = style.getPropertyValue(name).trim();
    }
    const kinds = ['vscode-dark', 'vscode-light', 'vscode-high-contrast-light', 'vscode-high-contrast'];
    const bodyClass = kinds.find((k) => doc.body.classList.contains(k)) ?? '';
    return { bodyClass, variables };
  });
}

interface ThemeDocument {
  documentElement: { style: { length: number; item(i: number): string; getPropertyValue(n: string): string } };
  body: { classList: { contains(c: string): boolean } };
}

/** Switches the workbench to `label` and waits until the story panel has the theme's body class. */
export async function switchTheme(wb: Workbench, label: string, bodyClass: string): Promise<Frame> {
  await wb.runCommand('Preferences: Color Theme');
  await wb.pickQuickItem(label);
  await wb.quickInput.waitFor({ state: 'hidden' });
  const frame = await wb.storyFrame();
  await until(`the story panel in ${label}`, async () => (await webviewTheme(frame)).bodyClass === bodyClass);
  return frame;
}

async function main(): Promise<void> {
  const temp = mkdtempSync(join(tmpdir(), 'storyteller-themes-'));
  const demo = await startDemo({ readyFile: join(temp, 'ready.json'), timeoutMs: 200_000 });
  const browser = await chromium.launchPersistentContext(join(temp, 'chromium'), {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    viewport: VIEWPORT,
    env: { ...process.env, HOME: temp, TMPDIR: temp },
  });
  try {
    const wb = new Workbench(browser.pages()[0] ?? (await browser.newPage()));
    await wb.open(demo.ready.url, { statusBarId: ACCOUNT_ITEM });
    await wb.runCommand('Storyteller: New Story');
    mkdirSync(THEMES_DIR, { recursive: true });
    for (const theme of THEMES) {
      const frame = await switchTheme(wb, theme.label, theme.bodyClass);
      const { bodyClass, variables } = await webviewTheme(frame);
      const sorted = Object.fromEntries(Object.entries(variables).sort(([a], [b]) => a.localeCompare(b)));
      const out: ThemeVariables = { label: theme.label, bodyClass, variables: sorted };
      writeFileSync(join(THEMES_DIR, theme.file), `${JSON.stringify(out, null, 2)}\n`);
      console.log(`${theme.file}: ${Object.keys(sorted).length} variables`);
    }
  } finally {
    await browser.close();
    await demo.stop(45_000);
    rmSync(temp, { recursive: true, force: true });
  }
}

if (require.main === module)
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
