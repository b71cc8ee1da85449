// Starts `npm run demo` (scripts/demo.ts) as a person would, reads its ready file and its
// console, and stops it with Ctrl+C. The E2E suite drives the product through it, so the suite
// proves the demo too; the benchmarks reuse it.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { EmulatorInfo } from '../../emulator/src/emulator';

const root = resolve(__dirname, '../..');

/** What the demo writes to its ready file once the workbench can be opened. */
export interface DemoReady {
  /** The link the demo prints: it signs the browser in to VS Code and opens the workbench. */
  readonly url: string;
  /** The workbench URL, with ?folder= (code-server's login page until signed in). */
  readonly workbenchUrl: string;
  /** http://127.0.0.1:PORT of code-server. */
  readonly origin: string;
  readonly serverPid: number;
  /** The process that ends code-server if the demo dies. */
  readonly watchdogPid: number;
  readonly workspace: string;
  /** The demo's folder: a temporary one with --fresh (gone after stop()), else kept (--dir, .demo/). */
  readonly dir: string;
  readonly fresh: boolean;
  readonly vsix: string;
  readonly emulator: EmulatorInfo;
}

export interface DemoExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface Demo {
  readonly ready: DemoReady;
  readonly pid: number;
  /** Every line the demo printed so far (stdout and stderr), in order. */
  readonly lines: readonly string[];
  /** The code the demo printed for this address (`code for <email>: <code>`), waiting for it if need be. */
  code(email: string, timeoutMs?: number): Promise<string>;
  /** A call to the emulator's admin API (`/_emulator/<path>`); throws unless it answers 2xx. */
  admin(method: 'GET' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<unknown>;
  /** Resolves when the demo exits, however it exits. */
  readonly exited: Promise<DemoExit>;
  /** Ctrl+C (SIGINT), then waits for the exit; SIGKILL after `timeoutMs`. */
  stop(timeoutMs?: number): Promise<DemoExit>;
  /** The last lines, for error reports. */
  tail(count?: number): string;
}

export interface DemoOptions {
  /** The ready file's path (its folder must exist). */
  readonly readyFile: string;
  /** Extra arguments after the defaults. */
  readonly args?: readonly string[];
  /** How long the demo may take to be ready (build, package, start). */
  readonly timeoutMs?: number;
  /** Each line as it arrives. */
  readonly onLine?: (line: string) => void;
  /** Extra Node options before the script (tests preload a fault with --import). */
  readonly nodeArgs?: readonly string[];
}

/** The arguments the E2E suite starts the demo with (the brief's contract); a throwaway run unless `--dir` is given. */
export const DEMO_ARGS = [
  '--port',
  '0',
  '--param',
  'GenerateClientSecret=true',
  '--stream-rate',
  '40',
  '--fresh',
] as const;

export const DEMO_SCRIPT = join(root, 'scripts/demo.ts');

export async function startDemo(options: DemoOptions): Promise<Demo> {
  if (!existsSync(DEMO_SCRIPT))
    throw new Error(`${DEMO_SCRIPT} is missing: the E2E suite runs the demo (npm run demo).`);
  // As `npm run demo` runs it: node --import tsx (the tsx CLI's signal relay would SIGKILL a demo
  // that is still cleaning up after Ctrl+C).
  const defaults = options.args?.includes('--dir') ? DEMO_ARGS.filter((a) => a !== '--fresh') : DEMO_ARGS;
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      ...(options.nodeArgs ?? []),
      DEMO_SCRIPT,
      ...defaults,
      ...(options.args ?? []),
      '--ready-file',
      options.readyFile,
    ],
    {
      cwd: root,
      detached: false,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
    },
  );
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  const onLine = (line: string): void => {
    lines.push(line);
    options.onLine?.(line);
    for (const w of [...waiters]) w();
  };
  createInterface({ input: child.stdout! }).on('line', onLine);
  createInterface({ input: child.stderr! }).on('line', onLine);
  const exited = new Promise<DemoExit>((resolveExit) => {
    child.once('exit', (code, signal) => resolveExit({ code, signal }));
    child.once('error', () => resolveExit({ code: null, signal: null }));
  });
  const tail = (count = 40): string => lines.slice(-count).join('\n');

  const stop = async (timeoutMs = 30_000): Promise<DemoExit> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((r) => {
      timer = setTimeout(() => r('late'), timeoutMs);
    });
    const result = await Promise.race([exited, late]);
    clearTimeout(timer);
    if (result !== 'late') return result;
    child.kill('SIGKILL');
    await exited;
    throw new Error(`The demo did not exit within ${timeoutMs / 1000} s of SIGINT.\n${tail()}`);
  };

  /** Resolves once a line holding `text` was printed (lines arrive through their own pipe). */
  const printed = (text: string, waitMs = 30_000): Promise<void> =>
    new Promise((resolveLine, rejectLine) => {
      const check = (): void => {
        if (!lines.some((l) => l.includes(text))) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolveLine();
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        rejectLine(new Error(`The demo was ready but did not print ${text} within ${waitMs / 1000} s.`));
      }, waitMs);
      waiters.add(check);
      check();
    });

  const timeoutMs = options.timeoutMs ?? 120_000;
  const started = Date.now();
  let ready: DemoReady | undefined;
  try {
    while (!ready) {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`The demo exited (${child.exitCode ?? child.signalCode}) before it was ready.`);
      if (Date.now() - started > timeoutMs) throw new Error(`The demo was not ready within ${timeoutMs / 1000} s.`);
      ready = readReady(options.readyFile);
      if (!ready) await new Promise((r) => setTimeout(r, 200));
    }
    // The ready file is written just before the link is printed: ready means both.
    await printed(ready.url);
  } catch (e) {
    await stop(10_000).catch(() => undefined);
    throw new Error(`${(e as Error).message}\n--- demo output ---\n${tail()}`, { cause: e });
  }

  const code = (email: string, waitMs = 15_000): Promise<string> => {
    const pattern = new RegExp(`code for ${email.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: (\\S+)`, 'i');
    const find = (): string | undefined => {
      for (let i = lines.length - 1; i >= 0; i--) {
        const m = pattern.exec(lines[i]!);
        if (m) return m[1];
      }
      return undefined;
    };
    return new Promise((resolveCode, reject) => {
      const check = (): void => {
        const found = find();
        if (found === undefined) return;
        cleanup();
        resolveCode(found);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`The demo printed no code for ${email} within ${waitMs / 1000} s.\n${tail()}`));
      }, waitMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  };

  const admin = async (method: 'GET' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${ready!.emulator.endpoints.cognitoIdp}/_emulator/${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`${method} /_emulator/${path}: HTTP ${response.status}`);
    const text = await response.text();
    return text ? (JSON.parse(text) as unknown) : undefined;
  };

  return { ready, pid: child.pid!, lines, code, admin, exited, stop, tail };
}

/** The ready file once it is complete JSON; undefined while absent or half-written. */
function readReady(file: string): DemoReady | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as DemoReady;
    return typeof value.url === 'string' && typeof value.dir === 'string' && value.emulator ? value : undefined;
  } catch {
    return undefined;
  }
}
