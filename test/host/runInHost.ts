// Runs a test module inside a real VS Code extension host: code-server serves the workbench,
// headless Chromium opens it, and the smoke-test driver loads the extension and the tests.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { format } from 'node:util';
import { chromium } from 'playwright-core';
import type { BrowserContext } from 'playwright-core';
import { CHROMIUM } from './install';
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

export type RunOutcome = 'passed' | 'failed' | 'timeout' | 'server-died' | 'error';

export interface RunResult {
  readonly outcome: RunOutcome;
  /** 0 only when the tests passed. */
  readonly exitCode: number;
  readonly detail: string;
  /** The per-run temp dir; already removed when the promise resolves. */
  readonly tempDir: string;
}

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

// Log lines of code-server that are expected offline and only hide what matters.
const NOISE = [/open-vsx|extension gallery|marketplace/i, /vsda/i, /\[(AgentHost|ChatModelSelection|AccountPolicyGate)\]/, /\bchat\b/i, /update check/i];

export async function runInHost(options: RunOptions): Promise<RunResult> {
  const tempDir = mkdtempSync(join(tmpdir(), 'storyteller-host-'));
  const log = options.onLog ?? ((line: string) => process.stdout.write(`${line}\n`));
  const dirs = {
    userData: join(tempDir, 'user-data'),
    extensions: join(tempDir, 'extensions'),
    home: join(tempDir, 'home'),
    tmp: join(tempDir, 'tmp'),
    config: join(tempDir, 'xdg-config'),
    data: join(tempDir, 'xdg-data'),
    cache: join(tempDir, 'xdg-cache'),
    workspace: options.workspace ?? join(tempDir, 'workspace'),
    chromium: join(tempDir, 'chromium'),
  };
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
  const configFile = join(tempDir, 'code-server.yaml');
  writeFileSync(configFile, 'auth: none\n');
  // Keep every tool's files inside the temp dir.
  const isolatedEnv = {
    HOME: dirs.home,
    TMPDIR: dirs.tmp,
    XDG_CONFIG_HOME: dirs.config,
    XDG_DATA_HOME: dirs.data,
    XDG_CACHE_HOME: dirs.cache,
  };

  let server: ChildProcess | undefined;
  let browser: BrowserContext | undefined;
  let timer: NodeJS.Timeout | undefined;
  // code-server's own log is only shown when something goes wrong.
  const serverLog: string[] = [];
  let result: RunResult | undefined;
  try {
    server = spawn(
      options.host.node,
      [
        options.host.entry,
        '--auth', 'none',
        '--bind-addr', '127.0.0.1:0',
        '--user-data-dir', dirs.userData,
        '--extensions-dir', dirs.extensions,
        '--config', configFile,
        '--disable-telemetry',
        '--disable-update-check',
        '--disable-workspace-trust',
        '--disable-getting-started-override',
        '--idle-timeout-seconds', '120',
        '--vscode-option', 'enable-smoke-test-driver',
      ],
      {
        detached: true, // its own process group, so that we can end it and all its children
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, ...isolatedEnv, ...options.env },
      },
    );
    const serverProcess = server;
    const serverExit = new Promise<string>((resolve) => {
      serverProcess.once('exit', (code, signal) => resolve(`code-server exited (${signal ?? `code ${code}`})`));
      serverProcess.once('error', (e) => resolve(`code-server failed to start: ${e.message}`));
    });

    const port = await new Promise<number>((resolve, reject) => {
      const onLine = (line: string) => {
        const match = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(line);
        if (match) resolve(Number(match[1]));
        if (!NOISE.some((n) => n.test(line))) serverLog.push(line);
      };
      createInterface({ input: serverProcess.stdout! }).on('line', onLine);
      createInterface({ input: serverProcess.stderr! }).on('line', onLine);
      void serverExit.then((why) => reject(new Error(why)));
    });
    options.onServer?.(serverProcess.pid!);

    // A persistent context keeps Chromium's profile inside our temp dir, not in /tmp.
    browser = await chromium.launchPersistentContext(dirs.chromium, {
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      env: { ...process.env, ...isolatedEnv },
    });
    const page = browser.pages()[0] ?? (await browser.newPage());
    const exitCode = new Promise<number>((resolve) => {
      void page.exposeFunction('codeAutomationExit', (code: number) => resolve(code));
    });
    // Called with the console level and the console arguments of the workbench page, which
    // include the extension host's console (mocha's reporter).
    await page.exposeFunction('codeAutomationLog', (_level: string, args: unknown[]) => {
      const text = format(...(Array.isArray(args) ? args : [args]));
      if (!NOISE.some((n) => n.test(text))) for (const line of text.split('\n')) log(line);
    });

    const remote = (path: string) => `vscode-remote://127.0.0.1:${port}${path}`;
    const payload = [
      ['extensionDevelopmentPath', remote(options.extensionDevelopmentPath)],
      ['extensionTestsPath', remote(options.extensionTestsPath)],
      ['skipWelcome', 'true'],
      ['skipReleaseNotes', 'true'],
    ];
    const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(dirs.workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    await page.goto(url);

    const timeoutMs = options.timeoutMs ?? 120_000;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const winner = await Promise.race([exitCode, timeout, serverExit]);
    if (winner === 'timeout') result = { outcome: 'timeout', exitCode: 124, detail: `The tests did not finish within ${timeoutMs / 1000} s.`, tempDir };
    else if (typeof winner === 'string') result = { outcome: 'server-died', exitCode: 3, detail: winner, tempDir };
    else if (winner === 0) result = { outcome: 'passed', exitCode: 0, detail: 'The test module resolved.', tempDir };
    else result = { outcome: 'failed', exitCode: 1, detail: 'The test module rejected, or was not found.', tempDir };
    return result;
  } catch (e) {
    result = { outcome: 'error', exitCode: 2, detail: e instanceof Error ? e.message : String(e), tempDir };
    return result;
  } finally {
    if (result?.outcome !== 'passed') for (const line of serverLog.slice(-40)) log(`[server] ${line}`);
    clearTimeout(timer);
    await browser?.close().catch(() => undefined);
    if (server?.pid !== undefined) await endProcessGroup(server);
    rmSync(tempDir, { recursive: true, force: true, maxRetries: 3 });
  }
}

/** SIGTERM to code-server's process group, then SIGKILL whatever is left. */
async function endProcessGroup(child: ChildProcess): Promise<void> {
  const pgid = child.pid!;
  const exited = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => child.once('exit', () => r()));
  signalGroup(pgid, 'SIGTERM');
  await Promise.race([exited, sleep(3000)]);
  // Children (extension host, file watcher) may outlive the server; the group takes them too.
  signalGroup(pgid, 'SIGKILL');
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // The group is already gone.
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
