// Starts code-server (VS Code's server and web workbench) on loopback with every file it writes
// inside one folder, and stops it with all its children. Shared by the test runner, the E2E
// suite, the benchmarks and `npm run demo`.
//
// The workbench has a terminal, so it is never served without a password: any local user, or a
// web page that rebinds its DNS name to 127.0.0.1, could otherwise run commands as this user.
// Each start makes a random password (code-server's password auth; it has no connection token)
// that only this process knows, and a watchdog ends the server if this process dies in any way.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';
import type { BrowserContext } from 'playwright-core';
import { CHROMIUM } from './install';
import type { Host } from './install';

export interface CodeServerOptions {
  readonly host: Host;
  /** Every file code-server, VS Code and Chromium write goes below this folder. */
  readonly dir: string;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /** Lets the URL's payload load an extension under development and a test module. */
  readonly smokeTestDriver?: boolean;
  /** User settings (settings.json) written before start. */
  readonly settings?: Readonly<Record<string, unknown>>;
  /** .vsix files installed into the private extensions folder before start. */
  readonly vsix?: readonly string[];
  /** Extra environment for code-server, and so for the extension host. */
  readonly env?: Readonly<Record<string, string>>;
  /** An orphaned server exits by itself after this long without a browser; 0 never. */
  readonly idleTimeoutSeconds?: number;
  /** Each line code-server logs, except the expected offline noise. */
  readonly onLog?: (line: string) => void;
  /** Also delete `dir` when this process dies without stopping the server (the demo's temp dir). */
  readonly removeDirIfOrphaned?: boolean;
}

export interface CodeServer {
  readonly port: number;
  readonly pid: number;
  /** http://127.0.0.1:PORT */
  readonly origin: string;
  /** The login password: random per start, never written anywhere but the 0600 config file. */
  readonly password: string;
  /** The pid of the watchdog that ends the server if this process dies. */
  readonly watchdogPid: number;
  readonly dirs: CodeServerDirs;
  /** Resolves with a reason when the server exits. */
  readonly exited: Promise<string>;
  /** The workbench URL for a folder, with an optional smoke-test payload (the login page until logged in). */
  url(folder: string, payload?: ReadonlyArray<readonly [string, string]>): string;
  /** Logs a browser in (POST /login with the password): its pages may then open url(). */
  logIn(context: BrowserContext): Promise<void>;
  /** The last lines code-server logged, for error reports. */
  recentLog(): string[];
  stop(): Promise<void>;
}

export interface CodeServerDirs {
  readonly userData: string;
  readonly extensions: string;
  readonly home: string;
  readonly tmp: string;
  readonly workspace: string;
  readonly chromium: string;
  readonly xdgConfig: string;
  readonly xdgData: string;
  readonly xdgCache: string;
}

// Log lines that are expected offline and only hide what matters.
export const NOISE = [
  /open-vsx|extension gallery|marketplace/i,
  /vsda/i,
  /\[(AgentHost|ChatModelSelection|AccountPolicyGate)\]/,
  /\bchat\b/i,
  /update check/i,
];

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export function codeServerDirs(dir: string): CodeServerDirs {
  return {
    userData: join(dir, 'user-data'),
    extensions: join(dir, 'extensions'),
    home: join(dir, 'home'),
    tmp: join(dir, 'tmp'),
    workspace: join(dir, 'workspace'),
    chromium: join(dir, 'chromium'),
    xdgConfig: join(dir, 'xdg-config'),
    xdgData: join(dir, 'xdg-data'),
    xdgCache: join(dir, 'xdg-cache'),
  };
}

/** Keeps every tool's files (code-server, VS Code, Chromium) inside the run's folder. */
export function isolatedEnv(dirs: CodeServerDirs): Record<string, string> {
  return {
    HOME: dirs.home,
    TMPDIR: dirs.tmp,
    XDG_CONFIG_HOME: dirs.xdgConfig,
    XDG_DATA_HOME: dirs.xdgData,
    XDG_CACHE_HOME: dirs.xdgCache,
  };
}

export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  const dirs = codeServerDirs(options.dir);
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  const configFile = join(options.dir, 'code-server.yaml');
  // In the config file, readable by this user only: a command line is visible to every user, and
  // $PASSWORD would stay in /proc/<pid>/environ. 24 random bytes cannot be guessed, and
  // code-server allows 2 failed logins a minute.
  const password = randomBytes(24).toString('base64url');
  writeFileSync(configFile, `auth: password\npassword: ${password}\n`, { mode: 0o600 });
  if (options.settings) {
    mkdirSync(join(dirs.userData, 'User'), { recursive: true });
    writeFileSync(join(dirs.userData, 'User', 'settings.json'), `${JSON.stringify(options.settings, null, 2)}\n`);
  }
  const env = { ...process.env, ...isolatedEnv(dirs), ...options.env };
  const common = ['--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions, '--config', configFile];
  for (const vsix of options.vsix ?? []) {
    const result = spawnSync(
      options.host.node,
      [options.host.entry, ...common, '--install-extension', vsix, '--force'],
      { env, encoding: 'utf8' },
    );
    if (result.status !== 0)
      throw new Error(`code-server could not install ${vsix}: ${(result.stderr || result.stdout).trim()}`);
  }

  const server = spawn(
    options.host.node,
    [
      options.host.entry,
      ...common,
      '--auth',
      'password',
      '--bind-addr',
      `127.0.0.1:${options.port ?? 0}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      ...(options.idleTimeoutSeconds === 0
        ? []
        : ['--idle-timeout-seconds', String(options.idleTimeoutSeconds ?? 120)]),
      ...(options.smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
      // The window is on this machine: compressing every message between it and the server only
      // costs CPU (on 2 cores it made Continue Writing's editor edits 2–4× slower in the bench).
      '--vscode-option',
      'disable-websocket-compression',
    ],
    // Its own process group, so that stop() ends it and every child (extension host, watcher).
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env },
  );
  const watchdog = startWatchdog(options.host.node, server, options.removeDirIfOrphaned ? options.dir : undefined);
  // An uncaught exception or process.exit() runs 'exit' handlers: end the server at once (the
  // watchdog, which sees this process go, finishes the job). SIGKILL runs nothing: the watchdog.
  const onExit = (): void => signalGroup(server.pid!, 'SIGTERM');
  process.once('exit', onExit);
  const exited = new Promise<string>((resolve) => {
    server.once('exit', (code, signal) => resolve(`code-server exited (${signal ?? `code ${code}`})`));
    server.once('error', (e) => resolve(`code-server failed to start: ${e.message}`));
  });
  const log: string[] = [];
  let port: number;
  try {
    port = await new Promise<number>((resolve, reject) => {
      const onLine = (line: string) => {
        const match = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(line);
        if (match) resolve(Number(match[1]));
        if (NOISE.some((n) => n.test(line))) return;
        log.push(line);
        if (log.length > 200) log.shift();
        options.onLog?.(line);
      };
      createInterface({ input: server.stdout! }).on('line', onLine);
      createInterface({ input: server.stderr! }).on('line', onLine);
      void exited.then((why) => reject(new Error(`${why}\n${log.slice(-20).join('\n')}`)));
    });
  } catch (e) {
    await stopAll(server, watchdog, onExit);
    throw e;
  }
  const origin = `http://127.0.0.1:${port}`;
  return {
    port,
    pid: server.pid!,
    origin,
    password,
    watchdogPid: watchdog.pid!,
    dirs,
    exited,
    url(folder, payload) {
      const query = `folder=${encodeURIComponent(folder)}`;
      return payload
        ? `${origin}/?${query}&payload=${encodeURIComponent(JSON.stringify(payload))}`
        : `${origin}/?${query}`;
    },
    logIn: (context) => logIn(context, origin, password),
    recentLog: () => [...log],
    stop: () => stopAll(server, watchdog, onExit),
  };
}

/** POST /login as the login page does; the session cookie lands in the browser context. */
export async function logIn(context: BrowserContext, origin: string, password: string): Promise<void> {
  const response = await context.request.post(`${origin}/login`, { form: { password }, maxRedirects: 0 });
  const cookies = await context.cookies(origin);
  if (response.status() !== 302 || !cookies.some((c) => c.name === SESSION_COOKIE)) {
    throw new Error(`code-server refused the login (HTTP ${response.status()}).`);
  }
}

/** The cookie code-server sets after a login. */
export const SESSION_COOKIE = 'code-server-session';

// Runs on the host's Node, in its own process group (a Ctrl-C to the terminal is ours to handle).
// Its stdin is a pipe from this process, so it reads end-of-file however this process ends,
// SIGKILL included: then it ends the server's group (SIGTERM, SIGKILL after 3 s) and optionally
// removes the run's folder. It also exits once the group is gone, so it never outlives the server.
const WATCHDOG = `
const [pgid, dir] = [Number(process.argv[1]), process.argv[2]];
const alive = () => { try { process.kill(-pgid, 0); return true; } catch { return false; } };
const signal = (s) => { try { process.kill(-pgid, s); } catch {} };
let ending = false;
const end = () => {
  if (ending) return;
  ending = true;
  if (!alive()) process.exit(0); // stopped in order: the owner cleans up
  signal('SIGTERM');
  const started = Date.now();
  const poll = setInterval(() => {
    if (alive() && Date.now() - started < 3000) return;
    signal('SIGKILL');
    clearInterval(poll);
    if (dir) setTimeout(() => { require('fs').rmSync(dir, { recursive: true, force: true, maxRetries: 3 }); process.exit(0); }, 200);
    else process.exit(0);
  }, 100);
};
process.stdin.on('end', end).on('close', end).on('error', end).resume();
process.on('SIGTERM', end);
process.on('SIGINT', () => {});
process.on('SIGHUP', () => {});
setInterval(() => { if (!ending && !alive()) process.exit(0); }, 1000);
`;

function startWatchdog(node: string, server: ChildProcess, orphanDir: string | undefined): ChildProcess {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '' };
  const watchdog = spawn(node, ['-e', WATCHDOG, String(server.pid), ...(orphanDir ? [orphanDir] : [])], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
    env,
  });
  // Neither the child nor the pipe keeps this process alive.
  watchdog.unref();
  (watchdog.stdin as Socket | null)?.unref();
  watchdog.stdin?.on('error', () => undefined);
  return watchdog;
}

async function stopAll(server: ChildProcess, watchdog: ChildProcess, onExit: () => void): Promise<void> {
  process.removeListener('exit', onExit);
  await endProcessGroup(server);
  // The group is gone, so the watchdog exits without touching anything.
  watchdog.stdin?.end();
}

/** Headless Chromium with its profile (and HOME) inside the run's folder. */
export function launchBrowser(
  dirs: CodeServerDirs,
  options: { colorScheme?: 'dark' | 'light'; viewport?: { width: number; height: number } } = {},
): Promise<BrowserContext> {
  for (const d of [dirs.chromium, dirs.home, dirs.tmp, dirs.xdgConfig, dirs.xdgData, dirs.xdgCache])
    mkdirSync(d, { recursive: true });
  return chromium.launchPersistentContext(dirs.chromium, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    env: { ...process.env, ...isolatedEnv(dirs) },
    ...(options.colorScheme ? { colorScheme: options.colorScheme } : {}),
    ...(options.viewport ? { viewport: options.viewport } : {}),
  });
}

/** SIGTERM to the process group, then SIGKILL whatever is left. */
async function endProcessGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined) return;
  const pgid = child.pid;
  const exited =
    child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((r) => child.once('exit', () => r()));
  signalGroup(pgid, 'SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
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
