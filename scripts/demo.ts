// `npm run demo`: the whole product on this machine, offline. Packages the extension, starts the
// local AWS emulator and code-server (VS Code in the browser) with the extension installed from
// that .vsix and pointed at the emulator, prints the URL and then every code the emulator "sends".
// What the person makes stays in .demo/ (git-ignored): the workspace with their saved files,
// VS Code's state with the story history, and the emulator's accounts (--state), so a restart
// finds them again. --fresh runs in a temporary folder instead, removed on exit. Ctrl-C stops
// all of it. VS Code asks for a random password, which the printed link carries
// (scripts/signInLink.ts); if this script dies in any other way, code-server's watchdog
// (test/host/codeServer.ts) ends it (and removes a --fresh run's folder).
//   --dir PATH         where to keep the demo (default .demo in the repository): a new or empty
//                      folder, which the demo marks as its own; it refuses one holding other files
//   --fresh            a throwaway run: a temporary folder, deleted on exit
//   --port N           code-server's port (default 8080; 0 picks a free one)
//   --param Key=Value  a template parameter, e.g. GenerateClientSecret=true (repeatable)
//   --stream-rate N    story tokens per second (default 40; 0 = as fast as possible)
//   --ready-file PATH  write the URL and the emulator's details as JSON there once ready (0600: the
//                      URL carries the password)
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startEmulator } from '../emulator/src/emulator';
import type { RunningEmulator } from '../emulator/src/emulator';
import { OPTIONAL_OUTPUTS } from '../src/core/stackOutputs';
import { startCodeServer } from '../test/host/codeServer';
import type { CodeServer } from '../test/host/codeServer';
import { ensureHost, hostPaths } from '../test/host/install';
import { claimDemoDir, DEMO_VSIX, removeFromDemoDir } from './demoDir';
import { startSignInLink } from './signInLink';
import type { SignInLink } from './signInLink';

/** The demo's managed login: a hosted domain and the emulator's local social providers (--param overrides). */
const DEMO_MANAGED_LOGIN: Record<string, string> = {
  HostedUiDomainPrefix: 'storyteller-demo',
  LoginWithAmazonClientId: 'amzn1.application-oa2-client.demo',
  LoginWithAmazonClientSecret: 'lwa-demo-secret',
  GoogleClientId: 'demo.apps.googleusercontent.com',
  GoogleClientSecret: 'google-demo-secret',
};

/** "50,000 tokens per user per day, 1,000,000 for everyone": the budgets the stack enforces. */
function budgetLine(parameters: Readonly<Record<string, string | string[]>>): string {
  const n = (name: string): string => Number(parameters[name]).toLocaleString('en-US');
  const total = Number(parameters['DailyTokensTotal']);
  return `${n('DailyTokensPerUser')} tokens per user per day${total > 0 ? `, ${n('DailyTokensTotal')} for everyone` : ''}`;
}

/** The providers the app client lists, as the stack's IdentityProviders output would say. */
function demoIdentityProviders(params: Record<string, string>): string[] {
  return [
    'COGNITO',
    ...(params.LoginWithAmazonClientId ? ['LoginWithAmazon'] : []),
    ...(params.GoogleClientId ? ['Google'] : []),
  ];
}

const root = resolve(__dirname, '..');
const started = Date.now();
const say = (line = ''): void => void process.stdout.write(`${line}\n`);
// npm may exit before us on Ctrl-C and close our stdout; cleaning up matters more than printing.
process.stdout.on('error', () => undefined);
const step = (what: string): void => say(`· ${what} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
/** The kept demo's emulator port: the same each start, so sessions survive too (npm run local has 4566). */
const DEMO_EMULATOR_PORT = 4567;
/** With no browser connected for this long, code-server stops (and the demo with it). */
const IDLE_TIMEOUT_SECONDS = 3600;

interface Options {
  /** Where the demo keeps its files; undefined with --fresh. */
  readonly dir: string | undefined;
  readonly port: number;
  readonly params: Record<string, string>;
  readonly streamRate: number;
  readonly readyFile: string | undefined;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      dir: { type: 'string' },
      fresh: { type: 'boolean', default: false },
      port: { type: 'string', default: '8080' },
      param: { type: 'string', multiple: true, default: [] },
      'stream-rate': { type: 'string', default: '40' },
      'ready-file': { type: 'string' },
    },
  });
  const integer = (flag: string, v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${flag} needs a whole number ≥ 0, got "${v}".`);
    return n;
  };
  const params: Record<string, string> = {};
  for (const kv of values.param) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new Error(`--param needs Key=Value, got "${kv}".`);
    params[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  if (values.fresh && values.dir)
    throw new Error('--fresh and --dir exclude each other: --fresh uses a temporary folder.');
  return {
    dir: values.fresh ? undefined : resolve(values.dir ?? join(root, '.demo')),
    port: integer('port', values.port),
    params,
    streamRate: integer('stream-rate', values['stream-rate']),
    readyFile: values['ready-file'] ? resolve(values['ready-file']) : undefined,
  };
}

/** The asked-for port if it is free, else a free one: a stale demo must not stop a new one. */
async function freePort(wanted: number): Promise<number> {
  const tryListen = (port: number) =>
    new Promise<number | undefined>((done) => {
      const server = createServer();
      server.once('error', () => done(undefined));
      server.listen(port, '127.0.0.1', () => {
        const { port: got } = server.address() as { port: number };
        server.close(() => done(got));
      });
    });
  if (wanted !== 0 && (await tryListen(wanted)) !== undefined) return wanted;
  if (wanted !== 0) say(`  port ${wanted} is taken; using a free one`);
  return (await tryListen(0))!;
}

/** code-server's native modules need a compiler and Kerberos headers the first time only. */
function installHost(): void {
  if (existsSync(join(hostPaths().dir, '.complete'))) return;
  step('installing the offline VS Code host (code-server, once; about 2 minutes)');
  const prereqs = spawnSync(
    'bash',
    [join(root, '.ci/prereqs'), 'libkrb5-dev', 'build-essential', 'python3', 'pkg-config'],
    { stdio: 'inherit' },
  );
  if (prereqs.status !== 0) throw new Error('Could not install the build tools code-server needs (see above).');
  ensureHost({ browser: false });
}

/** The running parts, stopped once and in reverse order; a kept demo keeps the person's work. */
class DemoParts {
  emulator: RunningEmulator | undefined;
  server: CodeServer | undefined;
  link: SignInLink | undefined;
  private stopped: Promise<void> | undefined;

  constructor(
    readonly dir: string,
    readonly fresh: boolean,
  ) {}

  get stopping(): boolean {
    return this.stopped !== undefined;
  }

  stop(): Promise<void> {
    return (this.stopped ??= (async () => {
      await this.link?.close();
      await this.server?.stop();
      await this.emulator?.stop();
      // A kept demo loses only what each start makes again (the password file, temp files).
      if (this.fresh) removeFromDemoDir(this.dir);
      else removeFromDemoDir(this.dir, ['code-server.yaml', 'tmp', DEMO_VSIX]);
    })());
  }
}

function stopOnSignals(parts: DemoParts, done: (code: number) => void): void {
  // Ctrl-C reaches us twice (from the terminal, and relayed by npm and tsx): the handler stays
  // installed so that the second one cannot kill us half-way through cleaning up.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (parts.stopping) return;
      say(`\n${signal}: stopping the demo…`);
      void parts.stop().then(() => {
        say(
          parts.fresh
            ? 'Stopped. Nothing is left behind.'
            : `Stopped. Your workspace, stories and accounts are kept in ${parts.dir} for the next npm run demo (--fresh for a throwaway run).`,
        );
        done(0);
      });
    });
  }
}

function packageExtension(vsix: string): void {
  step('packaging the extension (production build, then vsce)');
  execFileSync(join(root, 'node_modules/.bin/vsce'), ['package', '--no-dependencies', '--out', vsix], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, npm_config_loglevel: 'error' },
  });
}

async function startDemoEmulator(opts: Options, dir: string, fresh: boolean): Promise<RunningEmulator> {
  step('starting the local AWS emulator');
  return startEmulator({
    stackName: 'demo',
    // Accounts, keys and client secrets survive a restart; on the same port, so do sessions.
    ...(fresh ? {} : { stateDir: join(dir, 'emulator'), port: await freePort(DEMO_EMULATOR_PORT) }),
    // Managed login with the local Login with Amazon and Google, for Sign In with Browser (#15).
    // Content safety is the template's default (Standard, #27): the gateway applies the guardrails.
    params: { ...DEMO_MANAGED_LOGIN, ...opts.params },
    streamRate: opts.streamRate,
    // Confirmation and reset codes: the emulator's outbox, printed as they are "sent".
    log: (line) => {
      if (line.startsWith('outbox:')) say(`  ✉  ${line.slice('outbox:'.length).trim()}`);
    },
  });
}

/** VS Code's settings: the extension pointed at the emulator, and no distractions. */
function editorSettings(emulator: RunningEmulator, params: Record<string, string>): Record<string, unknown> {
  return {
    'storyteller.region': emulator.region,
    'storyteller.userPoolId': emulator.userPoolId,
    'storyteller.clientId': emulator.clientId,
    'storyteller.identityPoolId': emulator.identityPoolId,
    'storyteller.endpoints': { ...emulator.endpoints },
    // Budget mode (the template's default): stories go through the story gateway.
    ...(emulator.storyGatewayUrl ? { 'storyteller.storyGatewayUrl': emulator.storyGatewayUrl } : {}),
    ...(emulator.hostedUiDomain
      ? {
          'storyteller.hostedUi.domain': emulator.hostedUiDomain,
          'storyteller.hostedUi.identityProviders': demoIdentityProviders({
            ...DEMO_MANAGED_LOGIN,
            ...params,
          }),
        }
      : {}),
    ...contentSafetySettings(emulator.outputs),
    // Sign In offers Create an Account only when the pool allows it (#24), as Configure from Stack Outputs writes it.
    'storyteller.selfSignUp': emulator.outputs['SelfSignUpAllowed'] !== 'false',
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'workbench.startupEditor': 'readme',
    // The demo's folder may sit inside a clone of this repository: no "open the parent repository?" prompt.
    'git.openRepositoryInParentFolders': 'never',
    // The Chat side bar would cover a quarter of the window on first start.
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
  };
}

/** The stack's content policy and guardrails, as Configure from Stack Outputs writes them. */
function contentSafetySettings(outputs: Readonly<Record<string, string>>): Record<string, string> {
  const safety = Object.entries(OPTIONAL_OUTPUTS).filter(
    ([key, setting]) => setting.startsWith('contentSafety.') && outputs[key],
  );
  return Object.fromEntries(safety.map(([key, setting]) => [`storyteller.${setting}`, outputs[key]!]));
}

async function startEditor(
  emulator: RunningEmulator,
  opts: Options,
  parts: DemoParts,
  vsix: string,
): Promise<CodeServer> {
  step('starting VS Code (code-server) with the extension installed from the .vsix');
  return startCodeServer({
    host: ensureHost({ browser: false }),
    dir: parts.dir,
    port: await freePort(opts.port),
    vsix: [vsix],
    // A last resort for when this script and the watchdog were both killed.
    idleTimeoutSeconds: IDLE_TIMEOUT_SECONDS,
    removeDirIfOrphaned: parts.fresh,
    settings: editorSettings(emulator, opts.params),
    // The browser keeps secrets, and nothing outside can put one there: the extension host's
    // environment carries the client secret instead (see README, "Client secret").
    ...(emulator.clientSecret ? { env: { STORYTELLER_CLIENT_SECRET: emulator.clientSecret } } : {}),
  });
}

/** code-server ending on its own (idle, or a crash) ends the demo. */
function stopWhenEditorExits(parts: DemoParts, server: CodeServer, done: (code: number) => void): void {
  void server.exited.then((why) => {
    if (parts.stopping) return;
    const idle = server.recentLog().some((l) => /Idle timeout/i.test(l));
    say(
      idle
        ? `\nVS Code stopped after ${IDLE_TIMEOUT_SECONDS / 60} minutes without a browser; stopping the demo. Run npm run demo again.`
        : `\n${why}; stopping the demo.`,
    );
    void parts.stop().then(() => done(1));
  });
}

function printReady(
  url: string,
  workbenchUrl: string,
  parts: DemoParts,
  server: CodeServer,
  emulator: RunningEmulator,
): void {
  say();
  say(
    `Bedrock Storyteller is ready in ${((Date.now() - started) / 1000).toFixed(1)} s. Open this in a browser (it signs you in to VS Code):`,
  );
  say();
  say(`    ${url}`);
  say();
  say(`  VS Code itself is at ${workbenchUrl}, password ${server.password}`);
  say('  (random for this run; anyone with it can use VS Code and its terminal as you).');
  if (emulator.userCount() > 0) {
    // A restart: the accounts made before are still here (#24).
    say('  Then: Ctrl+Shift+P → "Storyteller: Sign In…" with an account you made before (or "Sign Up…"');
    say('  for another; codes are printed here). Then "Storyteller: New Story".');
  } else {
    say(`  Then: Ctrl+Shift+P → "Storyteller: Sign Up…" with any email and a password like Story-teller-1,`);
    say('  and the code printed here: Sign Up signs you in. Then "Storyteller: New Story".');
  }
  say(`  Backend: local emulator at ${emulator.endpoints.cognitoIdp} (user pool ${emulator.userPoolId},`);
  say(
    `  app client ${emulator.clientId}${emulator.clientSecret ? ' with a secret, already given to the extension' : ''}); no AWS account is used.`,
  );
  say(`  Codes are e-mailed nowhere: they appear here, and at ${emulator.outbox}`);
  if (emulator.storyGatewayUrl)
    say(
      `  Budget mode: stories go through the story gateway at ${emulator.storyGatewayUrl}, ${budgetLine(emulator.parameters)}.`,
    );
  say(
    parts.fresh
      ? '  Ctrl-C stops everything and deletes this throwaway run.'
      : `  Ctrl-C stops everything; your workspace, stories and accounts stay in ${parts.dir} (--fresh: a throwaway run).`,
  );
  say();
}

async function main(): Promise<number> {
  const opts = options();
  const fresh = opts.dir === undefined;
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'storyteller-demo-'));
  // Before anything is written or can be deleted there (#23).
  claimDemoDir(dir, { adoptUnmarked: dir === join(root, '.demo') });
  /** Built each start; only the person's work is kept. */
  const vsix = join(dir, DEMO_VSIX);
  const parts = new DemoParts(dir, fresh);
  let done!: (code: number) => void;
  const finished = new Promise<number>((r) => (done = r));
  stopOnSignals(parts, done);

  try {
    installHost();
    packageExtension(vsix);
    const emulator = (parts.emulator = await startDemoEmulator(opts, dir, fresh));
    const workspace = join(dir, 'workspace');
    const server = (parts.server = await startEditor(emulator, opts, parts, vsix));
    // The welcome page opens on start (workbench.startupEditor); the person's own edits are kept.
    if (!existsSync(join(workspace, 'README.md'))) writeFileSync(join(workspace, 'README.md'), WELCOME);
    // The sample story project (#26), copied once: the person's edits to it are theirs.
    const sample = join(workspace, SAMPLE_PROJECT);
    if (!existsSync(sample)) cpSync(resolve(__dirname, 'demo-project', SAMPLE_PROJECT), sample, { recursive: true });
    const workbenchUrl = server.url(workspace);
    parts.link = await startSignInLink(workbenchUrl);
    const url = parts.link.url(server.password);
    stopWhenEditorExits(parts, server, done);

    if (opts.readyFile) {
      const ready = {
        url,
        workbenchUrl,
        origin: server.origin,
        serverPid: server.pid,
        watchdogPid: server.watchdogPid,
        workspace,
        dir,
        fresh,
        vsix,
        emulator: emulator.info(),
      };
      writeFileSync(opts.readyFile, `${JSON.stringify(ready, null, 2)}\n`, { mode: 0o600 });
    }
    printReady(url, workbenchUrl, parts, server, emulator);
  } catch (e) {
    say(`\nThe demo could not start: ${e instanceof Error ? e.message : String(e)}`);
    await parts.stop();
    return 1;
  }
  return finished;
}

const SAMPLE_PROJECT = 'the-salt-road';

const WELCOME = `# Bedrock Storyteller demo

Everything here runs on this machine: VS Code (code-server), the extension from its .vsix, and a
local emulator of Amazon Cognito and Amazon Bedrock. No AWS account is used.

## Start here

1. **Sign up**: press Ctrl+Shift+P (the command palette), type *Sign Up*, pick
   *Storyteller: Sign Up…* and use any email and a password like \`Story-teller-1\`. The
   6-digit code appears in the terminal that runs \`npm run demo\`; typing it signs you in (your
   email shows in the status bar, bottom right).
2. **Write**: *Storyteller: New Story*, fill in a premise, and press **Generate**.
3. **Keep it**: *Save…* under the story writes it into this folder.

Already have an account here? Sign in with *Storyteller: Sign In…* instead.

## A story project: the model remembers your world

\`the-salt-road/\` is a small novel in progress: \`story.md\` (the bible), five codex entries in
\`codex/\` and two chapters in \`chapters/\`.

1. Open \`the-salt-road/chapters/chapter-02.md\` and put the cursor at the very end.
2. **See what the model would get**: right-click → *Show Context*. The codex entries that fired
   are listed with the key that fired each (Mira, Captain Bram Hale, the Tide Bell; the harbour
   through the captain's entry), the always-on *Salt Oaths*, and chapter 1's summary.
3. **Continue Writing** (right-click, or the command palette): the continuation streams in at the
   cursor. Press Escape to stop; what was written stays. One Ctrl+Z takes it all back.
4. **Write a scene from the plan**: chapter 2's front matter lists its \`beats\`. Put the cursor on
   \`Bram comes up the lighthouse steps.\` there and run *Write Scene from Beat* (right-click): the
   scene goes in at the end of the chapter. On a blank line, the command lists the beats to pick
   from (after a scene it wrote, the next beat comes first).
5. Break something on purpose: in \`codex/tide-bell.md\` change \`kind: thing\` to \`kind: bell\`
   and look at the Problems panel.
6. *Storyteller: New Codex Entry…* adds an entry; *Storyteller: New Story Project…* starts your own.

This folder, your stories and your accounts are kept in \`.demo/\` of the repository, so the
next \`npm run demo\` finds them again (\`npm run demo -- --fresh\` for a throwaway run).
Stories come from the emulator's local story engine, not a real model.
`;

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
