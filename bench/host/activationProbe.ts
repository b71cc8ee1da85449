// Runs inside the VS Code extension host as the "test module" of bench/activation.ts: activates
// the packaged extension and reports what its activation cost and loaded. bench/activation.ts
// bundles this file to CommonJS (external vscode) at bench time.
//   STORYTELLER_BENCH_OUT           where to write the JSON result (ActivationProbeResult)
//   STORYTELLER_BENCH_EXTENSION_ID  `<publisher>.<name>` of the extension to activate
import { realpathSync, statSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import * as vscode from 'vscode';
import { threadCpuMs } from '../../src/vscode/cpuTime';

/** AWS SDK code: any package of the SDK or of Smithy, or one of the extension's lazily loaded bundles. */
const AWS_MODULE = /@aws-sdk|@smithy|[\\/]dist[\\/](aws|signin)\.js$/;

export interface ActivationProbeResult {
  readonly extensionId: string;
  readonly extensionPath: string;
  /** Whether VS Code had already activated the extension (onStartupFinished) when the probe ran. */
  readonly activeBeforeProbe: boolean;
  /** What activate() measured around its own body (StorytellerApi.activationMs). */
  readonly activationMs: number;
  /** The host thread's CPU time in activate() (StorytellerApi.activationCpuMs). */
  readonly activationCpuMs: number;
  /** Files of the extension in the module cache after activation, relative to its folder, with sizes. */
  readonly extensionModules: readonly { readonly path: string; readonly bytes: number }[];
  /** Any module in the whole cache (not only the extension's) that is AWS SDK code. */
  readonly awsModules: readonly string[];
  /** How many modules the host's cache held in all, so that an empty list above means something. */
  readonly cachedModules: number;
  readonly vscodeVersion: string;
  readonly appName: string;
  readonly node: string;
  /** After activation: the sign-in bundle, then the story bundle, loaded as the extension loads them (require). */
  readonly paths?: {
    readonly signIn: LoadPath;
    readonly story: LoadPath;
    /** What module.enableCompileCache() answered in this host. */
    readonly compileCache: string;
  };
}

export interface LoadPath {
  /** Files of the extension this step added to the module cache, with sizes. */
  readonly files: readonly { readonly path: string; readonly bytes: number }[];
  /** require() of the bundle, with Node's compile cache on, as the extension's loader does it. */
  readonly ms: number;
  /** The same require()'s CPU time on the host thread. */
  readonly cpuMs: number;
}

export interface ActivationProbeFailure {
  readonly error: string;
}

interface StorytellerApi {
  readonly activationMs: number;
  readonly activationCpuMs: number;
}

export async function run(): Promise<void> {
  const out = process.env.STORYTELLER_BENCH_OUT;
  if (!out) throw new Error('STORYTELLER_BENCH_OUT is not set: the benchmark passes it to the host.');
  try {
    writeFileSync(out, `${JSON.stringify(await probe(), null, 2)}\n`);
  } catch (e) {
    const failure: ActivationProbeFailure = { error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
    writeFileSync(out, `${JSON.stringify(failure, null, 2)}\n`);
    throw e;
  }
}

async function probe(): Promise<ActivationProbeResult> {
  const id = process.env.STORYTELLER_BENCH_EXTENSION_ID;
  if (!id) throw new Error('STORYTELLER_BENCH_EXTENSION_ID is not set.');
  const extension = vscode.extensions.getExtension<StorytellerApi>(id);
  if (!extension) throw new Error(`VS Code does not know the extension ${id}.`);
  const activeBeforeProbe = extension.isActive;
  const api = await extension.activate();
  if (typeof api?.activationMs !== 'number') throw new Error(`${id} activated without an activationMs in its API.`);

  const root = realpathSync(extension.extensionPath);
  const inside = (file: string) => {
    const rel = relative(root, safeRealpath(file));
    return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
  };
  // The one module cache of the extension host: every extension's and VS Code's own CommonJS.
  const loaded = Object.keys(require.cache);
  const files = (keys: readonly string[]) =>
    keys
      .filter(inside)
      .map((file) => ({ path: relative(root, safeRealpath(file)).split(sep).join('/'), bytes: statSync(file).size }))
      .sort((a, b) => a.path.localeCompare(b.path));
  // The production build has no testing API: the probe loads the bundles itself, as the extension would.
  const paths = await loadPaths(root, files);
  return {
    paths,
    extensionId: id,
    extensionPath: root,
    activeBeforeProbe,
    activationMs: api.activationMs,
    activationCpuMs: api.activationCpuMs,
    extensionModules: files(loaded),
    awsModules: loaded.filter((file) => AWS_MODULE.test(file)).sort(),
    cachedModules: loaded.length,
    vscodeVersion: vscode.version,
    appName: vscode.env.appName,
    node: process.version,
  };
}

/** Sign-in, then the first story: which of the extension's files each loads, and how long require() took. */
async function loadPaths(
  root: string,
  files: (keys: readonly string[]) => { path: string; bytes: number }[],
): Promise<NonNullable<ActivationProbeResult['paths']>> {
  const compileCache = enableCompileCache();
  const step = (bundle: 'signin.js' | 'story.js'): LoadPath => {
    const before = new Set(Object.keys(require.cache));
    const started = performance.now();
    const startedCpu = threadCpuMs();
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a runtime path, as src/vscode/bundles.ts
    require(join(root, 'dist', bundle));
    const ms = performance.now() - started;
    const cpuMs = threadCpuMs() - startedCpu;
    const added = Object.keys(require.cache).filter((k) => !before.has(k));
    return { files: files(added), ms, cpuMs };
  };
  const signIn = step('signin.js');
  const story = step('story.js');
  // Written at exit otherwise, which the host may never reach cleanly (src/vscode/bundles.ts flushes it too).
  nodeModule().flushCompileCache?.();
  return { signIn, story, compileCache };
}

interface NodeModule {
  enableCompileCache?: () => { status: number };
  flushCompileCache?: () => void;
  constants?: { compileCacheStatus?: Record<string, number> };
}

function nodeModule(): NodeModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- typed here: @types/node 20 lacks it
  return require('node:module') as NodeModule;
}

/** What module.enableCompileCache() answers (a status name), as src/vscode/bundles.ts calls it. */
function enableCompileCache(): string {
  const m = nodeModule();
  if (typeof m.enableCompileCache !== 'function') return 'unavailable';
  const { status } = m.enableCompileCache();
  return Object.entries(m.constants?.compileCacheStatus ?? {}).find(([, v]) => v === status)?.[0] ?? String(status);
}

function safeRealpath(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}
