// Starts code-server (VS Code's server and web workbench) on loopback with every file it writes
// inside one folder, and stops it with all its children. Shared by the test runner, the E2E
// suite, the benchmarks and `npm run demo`.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
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
}

export interface CodeServer {
  readonly port: number;
  readonly pid: number;
  /** http://127.0.0.1:PORT */
  readonly origin: string;
  readonly dirs: CodeServerDirs;
  /** Resolves with a reason when the server exits. */
  readonly exited: Promise<string>;
  /** The workbench URL for a folder, with an optional smoke-test payload. */
  url(folder: string, payload?: ReadonlyArray<readonly [string, string]>): string;
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
export const NOISE = [/open-vsx|extension gallery|marketplace/i, /vsda/i, /\[(AgentHost|ChatModelSelection|AccountPolicyGate)\]/, /\bchat\b/i, /update check/i];

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
  return { HOME: dirs.home, TMPDIR: dirs.tmp, XDG_CONFIG_HOME: dirs.xdgConfig, XDG_DATA_HOME: dirs.xdgData, XDG_CACHE_HOME: dirs.xdgCache };
}

export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  const dirs = codeServerDirs(options.dir);
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  const configFile = join(options.dir, 'code-server.yaml');
  writeFileSync(configFile, 'auth: none\n'); // code-server refuses an empty config
  if (options.settings) {
    mkdirSync(join(dirs.userData, 'User'), { recursive: true });
    writeFileSync(join(dirs.userData, 'User', 'settings.json'), `${JSON.stringify(options.settings, null, 2)}\n`);
  }
  const env = { ...process.env, ...isolatedEnv(dirs), ...options.env };
  const common = ['--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions, '--config', configFile];
  for (const vsix of options.vsix ?? []) {
    const result = spawnSync(options.host.node, [options.host.entry, ...common, '--install-extension', vsix, '--force'], { env, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`code-server could not install ${vsix}: ${(result.stderr || result.stdout).trim()}`);
  }

  const server = spawn(
    options.host.node,
    [
      options.host.entry,
      ...common,
      '--auth', 'none',
      '--bind-addr', `127.0.0.1:${options.port ?? 0}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      ...(options.idleTimeoutSeconds === 0 ? [] : ['--idle-timeout-seconds', String(options.idleTimeoutSeconds ?? 120)]),
      ...(options.smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
    ],
    // Its own process group, so that stop() ends it and every child (extension host, watcher).
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env },
  );
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
    await endProcessGroup(server);
    throw e;
  }
  const origin = `http://127.0.0.1:${port}`;
  return {
    port,
    pid: server.pid!,
    origin,
    dirs,
    exited,
    url(folder, payload) {
      const query = `folder=${encodeURIComponent(folder)}`;
      return payload ? `${origin}/?${query}&payload=${encodeURIComponent(JSON.stringify(payload))}` : `${origin}/?${query}`;
    },
    recentLog: () => [...log],
    stop: () => endProcessGroup(server),
  };
}

/** Headless Chromium with its profile (and HOME) inside the run's folder. */
export function launchBrowser(dirs: CodeServerDirs, options: { colorScheme?: 'dark' | 'light'; viewport?: { width: number; height: number } } = {}): Promise<BrowserContext> {
  for (const d of [dirs.chromium, dirs.home, dirs.tmp, dirs.xdgConfig, dirs.xdgData, dirs.xdgCache]) mkdirSync(d, { recursive: true });
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
  const exited = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => child.once('exit', () => r()));
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
