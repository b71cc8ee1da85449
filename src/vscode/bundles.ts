// Loads the bundles that activation does not need, on first use: dist/signin.js (Cognito user
// pools, token verification) for sign-in, dist/story.js (identity pool, Bedrock) for the first
// story, dist/history.js (the stories on disk) when the panel lists them, dist/configure.js for
// Configure from Stack Outputs. Computed paths keep esbuild from inlining them into
// dist/extension.js, so they stay off the activation path. Node's compile cache (where the
// host's Node has it) keeps their compiled code between sessions.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { threadCpuMs } from './cpuTime';
import type * as Story from '../bundles/story';
import type * as SignIn from '../bundles/signIn';
import type * as Configure from '../bundles/configure';
import type * as History from '../bundles/history';
import type * as Project from '../bundles/project';

/** What each load cost, for the benchmark (read through the testing API). */
export interface BundleLoad {
  readonly bundle: 'signin.js' | 'story.js' | 'history.js' | 'configure.js' | 'project.js';
  readonly bytes: number;
  readonly ms: number;
  /** The host thread's CPU time in require(): what compiling costs, without the time other work took. */
  readonly cpuMs: number;
}

export const bundleLoads: BundleLoad[] = [];
/** What module.enableCompileCache() answered: a status name, or 'unavailable' on an older Node. */
export let compileCache: string | undefined;

let signIn: typeof SignIn | undefined;
let story: typeof Story | undefined;
let history: typeof History | undefined;
let configure: typeof Configure | undefined;
let project: typeof Project | undefined;

/** Cognito user pools and token verification: what sign-in needs, and nothing more. */
export function loadSignIn(): typeof SignIn {
  signIn ??= load<typeof SignIn>('signin.js');
  return signIn;
}

/** The story service (identity pool credentials, Bedrock); loaded on the first story. */
export function loadStory(): typeof Story {
  story ??= load<typeof Story>('story.js');
  return story;
}

/** The story history (no AWS SDK); loaded when the panel first lists, opens or exports a story. */
export function loadHistory(): typeof History {
  history ??= load<typeof History>('history.js');
  return history;
}

/** Configure from Stack Outputs; loaded when the command first runs. */
export function loadConfigure(): typeof Configure {
  configure ??= load<typeof Configure>('configure.js');
  return configure;
}

/** Story projects (their files, the codex, context assembly); loaded when a project is found or its command runs. */
export function loadProjectBundle(): typeof Project {
  project ??= load<typeof Project>('project.js');
  return project;
}

/** Both, each bundle loaded on first use of what it holds. */
export function loadAws(): Omit<typeof SignIn & typeof Story, 'useTranslations' | 'ManagedLogin'> {
  return {
    get CognitoAuth() {
      return loadSignIn().CognitoAuth;
    },
    get StoryService() {
      return loadStory().StoryService;
    },
    get createStoryService() {
      return loadStory().createStoryService;
    },
  };
}

function load<T extends { useTranslations: typeof Story.useTranslations }>(bundle: BundleLoad['bundle']): T {
  useCompileCache();
  const path = join(__dirname, bundle);
  const started = performance.now();
  const startedCpu = threadCpuMs();
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a runtime path, on purpose
  const loaded = require(path) as T;
  bundleLoads.push({ bundle, bytes: sizeOf(path), ms: performance.now() - started, cpuMs: threadCpuMs() - startedCpu });
  // Its own copy of @vscode/l10n: give it the translations too.
  loaded.useTranslations(vscode.l10n.bundle);
  flushSoon();
  return loaded;
}

interface NodeModule {
  enableCompileCache?: () => { status: number; message?: string };
  flushCompileCache?: () => void;
  constants?: { compileCacheStatus?: Record<string, number> };
}

function nodeModule(): NodeModule {
  // Typed here: @types/node 20 lacks the compile cache.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('node:module') as NodeModule;
}

/** Node 22.1+: V8's compiled code for the bundles is cached on disk (the OS temp folder) for the next session. */
function useCompileCache(): void {
  if (compileCache !== undefined) return;
  const m = nodeModule();
  if (typeof m.enableCompileCache !== 'function') {
    compileCache = 'unavailable';
    return;
  }
  try {
    const { status } = m.enableCompileCache();
    compileCache =
      Object.entries(m.constants?.compileCacheStatus ?? {}).find(([, v]) => v === status)?.[0] ?? String(status);
  } catch {
    compileCache = 'FAILED';
  }
}

let flushTimer: ReturnType<typeof setTimeout> | undefined;

/**
 * The cache is written at exit, which an extension host may never reach cleanly: write it soon, off the sign-in path.
 */
function flushSoon(): void {
  const m = nodeModule();
  if (typeof m.flushCompileCache !== 'function' || flushTimer) return;
  flushTimer = setTimeout(() => {
    flushTimer = undefined;
    try {
      m.flushCompileCache?.();
    } catch {
      // Best effort: the next session compiles again.
    }
  }, 2000);
  flushTimer.unref?.();
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
