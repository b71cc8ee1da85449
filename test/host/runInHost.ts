// Runs a test module inside a real VS Code extension host: code-server serves the workbench,
// headless Chromium opens it, and the smoke-test driver loads the extension and the tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { format } from 'node:util';
import type { BrowserContext, Page } from 'playwright-core';
import { launchBrowser, NOISE, startCodeServer } from './codeServer';
import type { CodeServer } from './codeServer';
import type { Host } from './install';

export interface RunOptions {
  readonly host: Host;
  /** Absolute path of the extension under development. */
  readonly extensionDevelopmentPath: string;
  /** Absolute path of a CommonJS module that exports `run(): Promise<void>`. */
  readonly extensionTestsPath: string;
  /** Folder opened in the workbench; a fresh empty one when omitted. */
  readonly workspace?: string;
  readonly timeoutMs?: number;
  /** Extra environment for code-server, and so for the extension host. */
  readonly env?: Readonly<Record<string, string>>;
  /** Receives the extension host's console output (mocha's reporter) and the runner's notes. */
  readonly onLog?: (line: string) => void;
  /** Called with code-server's pid once it is listening; tests use it to simulate a crash. */
  readonly onServer?: (pid: number) => void;
}

/** Where the suites ask for a real key press in the workbench (`POST /press?key=Escape`): env STORYTELLER_PRESS_URL. */
export const PRESS_URL_ENV = 'STORYTELLER_PRESS_URL';

/**
 * A loopback endpoint that presses a key in the workbench page, as a person would: the extension
 * host cannot press keys, and a keybinding (Escape for Stop Writing) is only tested by pressing it.
 */
async function keyPresser(page: () => Page | undefined): Promise<Server> {
  const server = createServer((req, res) => {
    const key = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams.get('key');
    const target = page();
    if (req.method !== 'POST' || !key || !/^[\w+]{1,40}$/.test(key) || !target) {
      res.writeHead(400).end();
      return;
    }
    target.keyboard.press(key).then(
      () => res.writeHead(204).end(),
      (e: unknown) => res.writeHead(500).end(String(e)),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

export type RunOutcome = 'passed' | 'failed' | 'timeout' | 'server-died' | 'error';

export interface RunResult {
  readonly outcome: RunOutcome;
  /** 0 only when the tests passed. */
  readonly exitCode: number;
  readonly detail: string;
  /** The per-run temp dir; already removed when the promise resolves. */
  readonly tempDir: string;
}

export async function runInHost(options: RunOptions): Promise<RunResult> {
  const tempDir = mkdtempSync(join(tmpdir(), 'storyteller-host-'));
  const log = options.onLog ?? ((line: string) => process.stdout.write(`${line}\n`));
  let server: CodeServer | undefined;
  let browser: BrowserContext | undefined;
  let timer: NodeJS.Timeout | undefined;
  let result: RunResult | undefined;
  let page: Page | undefined;
  const presser = await keyPresser(() => page);
  const pressUrl = `http://127.0.0.1:${(presser.address() as AddressInfo).port}/press`;
  // What has the keyboard focus in the workbench page: the extension host cannot see it, so tests
  // ask here (GET STORYTELLER_FOCUS_PROBE), e.g. that a box a command opened has it.
  const probe = createServer((_req, res) => {
    void focusIn(page).then((focus) => res.end(JSON.stringify(focus)));
  });
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const probeUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}/`;
  try {
    server = await startCodeServer({
      host: options.host,
      dir: tempDir,
      smokeTestDriver: true,
      env: { ...options.env, [PRESS_URL_ENV]: pressUrl, STORYTELLER_FOCUS_PROBE: probeUrl },
    });
    options.onServer?.(server.pid);
    browser = await launchBrowser(server.dirs);
    await server.logIn(browser);
    page = browser.pages()[0] ?? (await browser.newPage());
    const exitCode = new Promise<number>((resolve) => {
      void page!.exposeFunction('codeAutomationExit', (code: number) => resolve(code));
    });
    // Called with the console level and the console arguments of the workbench page, which
    // include the extension host's console (mocha's reporter).
    await page.exposeFunction('codeAutomationLog', (_level: string, args: unknown[]) => {
      const text = format(...(Array.isArray(args) ? args : [args]));
      if (!NOISE.some((n) => n.test(text))) for (const line of text.split('\n')) log(line);
    });

    const remote = (path: string) => `vscode-remote://127.0.0.1:${server!.port}${path}`;
    await page.goto(
      server.url(options.workspace ?? server.dirs.workspace, [
        ['extensionDevelopmentPath', remote(options.extensionDevelopmentPath)],
        ['extensionTestsPath', remote(options.extensionTestsPath)],
        ['skipWelcome', 'true'],
        ['skipReleaseNotes', 'true'],
      ]),
    );

    const timeoutMs = options.timeoutMs ?? 120_000;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const winner = await Promise.race([exitCode, timeout, server.exited]);
    if (winner === 'timeout')
      result = {
        outcome: 'timeout',
        exitCode: 124,
        detail: `The tests did not finish within ${timeoutMs / 1000} s.`,
        tempDir,
      };
    else if (typeof winner === 'string') result = { outcome: 'server-died', exitCode: 3, detail: winner, tempDir };
    else if (winner === 0) result = { outcome: 'passed', exitCode: 0, detail: 'The test module resolved.', tempDir };
    else result = { outcome: 'failed', exitCode: 1, detail: 'The test module rejected, or was not found.', tempDir };
    return result;
  } catch (e) {
    // A server that dies before the login or the page reaches it is a dead server, not a runner error.
    const died =
      server &&
      (await Promise.race([server.exited, new Promise<undefined>((r) => setTimeout(() => r(undefined), 1000))]));
    result = died
      ? { outcome: 'server-died', exitCode: 3, detail: died, tempDir }
      : { outcome: 'error', exitCode: 2, detail: e instanceof Error ? e.message : String(e), tempDir };
    return result;
  } finally {
    // code-server's own log is only shown when something goes wrong.
    if (result?.outcome !== 'passed') for (const line of server?.recentLog().slice(-40) ?? []) log(`[server] ${line}`);
    clearTimeout(timer);
    presser.close();
    probe.close();
    await browser?.close().catch(() => undefined);
    await server?.stop();
    rmSync(tempDir, { recursive: true, force: true, maxRetries: 3 });
  }
}

/** The focused element of the page: in a quick input (a box or a pick), an iframe (a webview), or else. */
export interface PageFocus {
  readonly inQuickInput: boolean;
  readonly element: string;
}

interface FocusDom {
  document: { activeElement: { tagName: string; className: unknown; closest(s: string): unknown } | null };
}

async function focusIn(page: Page | undefined): Promise<PageFocus> {
  if (!page) return { inQuickInput: false, element: 'no page yet' };
  return page
    .evaluate(() => {
      const el = (globalThis as unknown as FocusDom).document.activeElement;
      return {
        inQuickInput: Boolean(el?.closest('.quick-input-widget')),
        element: el ? `${el.tagName.toLowerCase()}.${String(el.className).split(' ').join('.')}` : 'nothing',
      };
    })
    .catch((e: Error) => ({ inQuickInput: false, element: e.message }));
}
