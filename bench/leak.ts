// The extension in the real VS Code host (code-server) against the emulator, signed up as a new
// user: the panel reopened with 10,000 stories in the history (`ready` → `history`), and the
// extension host's heap after 100 stories streamed and closed, minus before (after a full GC).
// Runs the development build (`node esbuild.mjs`), which the testing hooks need.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startEmulator } from '../emulator/src/emulator';
import { ensureHost } from '../test/host/install';
import { runInHost } from '../test/host/runInHost';
import type { LeakProbeResult } from './host/leakProbe';
import type { Benchmark, Figure } from './types';
import { buildProbe } from './host/buildProbe';
import { DIRECT_MODE_TEAM } from '../emulator/src/presets';

const root = resolve(__dirname, '..');
const LEAK_GOAL_MB = 5;
const HISTORY_GOAL_MS = 100;

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

export const leak: Benchmark = {
  name: 'extension host: 10,000-story history and 100 stories (code-server, emulator)',
  async run(): Promise<Figure[]> {
    const tmp = await mkdtemp(join(tmpdir(), 'storyteller-bench-leak-'));
    const emulator = await startEmulator({ stackName: 'bench-leak', params: DIRECT_MODE_TEAM });
    try {
      execFileSync(process.execPath, [join(root, 'esbuild.mjs')], { cwd: root, stdio: 'ignore' });
      const probe = await buildProbe('leakProbe', tmp);
      const out = join(tmp, 'result.json');
      const logs: string[] = [];
      const run = await runInHost({
        host: ensureHost(),
        extensionDevelopmentPath: root,
        extensionTestsPath: probe,
        timeoutMs: 600_000,
        env: { STORYTELLER_BENCH_OUT: out, STORYTELLER_EMULATORS: JSON.stringify({ public: emulator.info() }) },
        onLog: (line) => logs.push(line),
      });
      const tail = () => (logs.length ? `\nlast host output:\n${logs.slice(-30).join('\n')}` : '');
      if (!existsSync(out))
        throw new Error(`the probe wrote no result (host run ${run.outcome}: ${run.detail})${tail()}`);
      const result = JSON.parse(await readFile(out, 'utf8')) as LeakProbeResult | { error: string };
      if ('error' in result) throw new Error(`the probe failed in the host: ${result.error}${tail()}`);
      if (run.outcome !== 'passed') throw new Error(`host run ${run.outcome}: ${run.detail}${tail()}`);
      const growth = result.heapAfterMb - result.heapBeforeMb;
      return [
        {
          name: 'host: panel reopened with 10,000 stories, ready → history',
          value: Number(median(result.historyMs).toFixed(1)),
          unit: 'ms',
          goal: { op: '<=', value: HISTORY_GOAL_MS },
          note: `median of ${result.historyMs.length} openings in one window (${result.historyMs.map((x) => x.toFixed(0)).join(', ')} ms): the state, then the newest ${result.historyItems} of ${result.historyTotal.toLocaleString('en-US')} stories, in the real extension host`,
        },
        {
          name: 'host: heap growth after 100 stories streamed and closed',
          value: Number(growth.toFixed(2)),
          unit: 'MB',
          goal: { op: '<=', value: LEAK_GOAL_MB },
          note: `extension host heap after a full GC: ${result.heapBeforeMb.toFixed(1)} MB before (5 stories in), ${result.heapAfterMb.toFixed(1)} MB after ${result.stories} more, each in its own panel, closed after (${result.secondsPerStory.toFixed(2)} s a story, 10,000 stories in the history; Node ${result.node})`,
        },
      ];
    } finally {
      await emulator.stop();
      await rm(tmp, { recursive: true, force: true, maxRetries: 3 });
    }
  },
};
