// `npm test`: lint, the format check, type-check, unit tests (pure and fast: no emulator, no
// external tool), the AWS clients against the emulator, the story webview in Chromium, the SAM
// template checks (schema, Rules, cfn-guard and cfn-lint), the template's planted defects under
// cfn-guard and cfn-lint (test/stack), the `.vsix` that vsce builds (test/package), the
// emulator's conformance suite, the host runner's own tests (with
// code-server's auth and the demo's lifetime), the integration suites inside VS Code and the
// end-to-end suite. Every stage runs even if an earlier one fails, and the last line is the total
// over all of them: `N passed, N failed`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Counts } from './reporter';

const root = resolve(__dirname, '..');
const bin = (name: string) => join(root, 'node_modules/.bin', name);
const resultsDir = join(root, '.test-results');

interface Stage {
  readonly name: string;
  readonly command: readonly string[];
  /** A check without test cases of its own (lint, tsc) counts as one test. */
  readonly single?: boolean;
  readonly when?: () => boolean;
  readonly env?: Readonly<Record<string, string>>;
}

/** 366 days: the suites that take their time from the clock run again a year from today. */
const YEAR_AHEAD = { STORYTELLER_CLOCK_OFFSET_MS: String(366 * 86_400_000) };
/** Suites comparing file mtimes (set by the kernel's clock) with Date.now(): run once, on the real clock. */
const ON_DISK_TIMES = [
  'test/unit/story/history/history.test.ts',
  'test/unit/story/history/historyIndex.test.ts',
  'test/unit/story/usage/usageFile.test.ts',
];

const stages: Stage[] = [
  { name: 'lint', command: [bin('eslint'), '--max-warnings', '0', '.'], single: true },
  { name: 'format', command: [bin('prettier'), '--check', '--log-level', 'warn', '.'], single: true },
  { name: 'type-check', command: [bin('tsc'), '--noEmit'], single: true },
  { name: 'type-check (webview)', command: [bin('tsc'), '--noEmit', '-p', 'webview'], single: true },
  { name: 'unit', command: [bin('mocha')] },
  { name: 'aws clients (emulator)', command: [bin('mocha'), '--config', 'test/aws/.mocharc.json'] },
  { name: 'webview (Chromium)', command: [bin('mocha'), '--config', 'test/webview/.mocharc.json'] },
  {
    // Less the suites of files on disk: their ages come from the kernel, which the clock offset cannot move.
    name: 'unit, a year from today',
    command: [bin('mocha'), ...ON_DISK_TIMES.flatMap((f) => ['--exclude', f])],
    env: YEAR_AHEAD,
  },
  {
    name: 'webview (Chromium), a year from today',
    command: [bin('mocha'), '--config', 'test/webview/.mocharc.json'],
    env: YEAR_AHEAD,
  },
  {
    name: 'infra checks',
    command: [bin('tsx'), 'infra/check/cli.ts', '--template', 'infra/template.yaml'],
    single: true,
  },
  // The external tools, each a process per check: planted defects under cfn-guard and cfn-lint, and vsce.
  { name: 'stack (cfn-guard, cfn-lint)', command: [bin('mocha'), '--config', 'test/stack/.mocharc.json'] },
  { name: 'package (vsce)', command: [bin('mocha'), '--config', 'test/package/.mocharc.json'] },
  {
    name: 'emulator',
    command: [bin('mocha'), '--config', 'emulator/.mocharc.json'],
    when: () => existsSync(join(root, 'emulator/.mocharc.json')),
  },
  { name: 'host runner', command: [bin('mocha'), '--config', 'test/host/.mocharc.json'] },
  { name: 'integration (VS Code host)', command: [bin('tsx'), 'test/host/cli.ts'] },
  { name: 'e2e (code-server + Chromium)', command: [bin('mocha'), '--config', 'test/e2e/.mocharc.json'] },
];

interface Outcome {
  readonly stage: string;
  readonly counts: Counts;
  readonly seconds: number;
  readonly note: string;
}

function runStage(stage: Stage): Outcome {
  const resultsFile = join(resultsDir, `${stage.name.replace(/\W+/g, '-')}.json`);
  rmSync(resultsFile, { force: true });
  console.log(`\n━━ ${stage.name} ━━ ${stage.command.map((c) => c.replace(`${root}/`, '')).join(' ')}`);
  const started = Date.now();
  const [command, ...args] = stage.command;
  const result = spawnSync(command!, args, {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      ...stage.env,
      STORYTELLER_RESULTS_FILE: resultsFile,
      FORCE_COLOR: process.env.CI ? '0' : '1',
    },
  });
  const seconds = (Date.now() - started) / 1000;
  const ok = result.status === 0;
  if (stage.single)
    return { stage: stage.name, counts: { passed: ok ? 1 : 0, failed: ok ? 0 : 1, pending: 0 }, seconds, note: '' };

  const counts: Counts | undefined = existsSync(resultsFile)
    ? JSON.parse(readFileSync(resultsFile, 'utf8'))
    : undefined;
  if (!counts) {
    // The stage died before its reporter wrote anything: one failure, so it cannot pass silently.
    return {
      stage: stage.name,
      counts: { passed: 0, failed: 1, pending: 0 },
      seconds,
      note: `no results (exit ${result.status ?? result.signal})`,
    };
  }
  if (!ok && counts.failed === 0) {
    // Tests passed but the process failed (e.g. a hook or the host): count that too.
    return {
      stage: stage.name,
      counts: { ...counts, failed: 1 },
      seconds,
      note: `exit ${result.status ?? result.signal}`,
    };
  }
  return { stage: stage.name, counts, seconds, note: '' };
}

function main(): number {
  mkdirSync(resultsDir, { recursive: true });
  const started = Date.now();
  const outcomes = stages.filter((s) => s.when?.() ?? true).map(runStage);

  console.log('\n━━ summary ━━');
  for (const o of outcomes) {
    const pending = o.counts.pending ? `, ${o.counts.pending} pending` : '';
    console.log(
      `${o.counts.failed ? '✗' : '✓'} ${o.stage.padEnd(28)} ${String(o.counts.passed).padStart(4)} passed, ${o.counts.failed} failed${pending}  ${o.seconds.toFixed(1)} s${o.note ? `  (${o.note})` : ''}`,
    );
  }
  const passed = outcomes.reduce((n, o) => n + o.counts.passed, 0);
  const failed = outcomes.reduce((n, o) => n + o.counts.failed, 0);
  console.log(`total time ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

process.exit(main());
