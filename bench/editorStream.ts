// Continue Writing's editor stream in the real VS Code host (code-server): 2,400 tokens a second
// for a few seconds into a real editor. Goals: at most 60 edits in any second, and the last token
// in the document within 100 ms of the last delta. Needs no emulator: the feeder is the model
// (bench/host/editorStreamProbe.ts says what it writes, and why it warms the window up first).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureHost } from '../test/host/install';
import { runInHost } from '../test/host/runInHost';
import { buildProbe } from './host/buildProbe';
import type { EditorStreamProbeResult } from './host/editorStreamProbe';
import type { Benchmark, Figure } from './types';

const root = resolve(__dirname, '..');

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

export const editorStream: Benchmark = {
  name: 'extension host: Continue Writing at 2,400 tokens/s into a real editor (code-server)',
  async run(): Promise<Figure[]> {
    const tmp = await mkdtemp(join(tmpdir(), 'storyteller-bench-stream-'));
    try {
      execFileSync(process.execPath, [join(root, 'esbuild.mjs')], { cwd: root, stdio: 'ignore' });
      const probe = await buildProbe('editorStreamProbe', tmp);
      const out = join(tmp, 'result.json');
      const logs: string[] = [];
      const run = await runInHost({
        host: ensureHost(),
        extensionDevelopmentPath: root,
        extensionTestsPath: probe,
        timeoutMs: 300_000,
        env: { STORYTELLER_BENCH_OUT: out },
        onLog: (line) => logs.push(line),
      });
      const tail = () => (logs.length ? `\nlast host output:\n${logs.slice(-30).join('\n')}` : '');
      if (!existsSync(out))
        throw new Error(`the probe wrote no result (host run ${run.outcome}: ${run.detail})${tail()}`);
      const r = JSON.parse(await readFile(out, 'utf8')) as EditorStreamProbeResult | { error: string };
      if ('error' in r) throw new Error(`the probe failed in the host: ${r.error}${tail()}`);
      if (!r.complete) throw new Error('the stream did not insert every token');
      const feed = `${r.tokens.toLocaleString('en-US')} tokens (${r.chars.toLocaleString('en-US')} characters of prose, a paragraph every 100 tokens) pushed in ${(r.feedMs / 1000).toFixed(2)} s (${r.tokensPerSecond.toLocaleString('en-US')}/s for ${r.seconds} s), after a 1 s warm-up stream`;
      return [
        {
          name: 'host: Continue Writing at 2,400 tokens/s, edits in any second',
          value: r.maxEditsInASecond,
          unit: 'edits',
          goal: { op: '<=', value: 60 },
          note: `${feed}; ${r.edits} edits in all, counted as document changes in the extension host (Node ${r.node})`,
        },
        {
          name: 'host: Continue Writing, last token in the document after the last delta',
          value: Number(r.lastTokenVisibleMs.toFixed(1)),
          unit: 'ms',
          goal: { op: '<=', value: 100 },
          note: `the document change that holds the last token, after its push; finish() resolved ${r.finishMs.toFixed(1)} ms after it`,
        },
        {
          name: 'host: one editor edit, round trip (context)',
          value: Number(median(r.roundTripsMs).toFixed(1)),
          unit: 'ms',
          note: `median of ${r.roundTripsMs.length} single edits awaited one by one before the stream (${r.roundTripsMs.map((x) => x.toFixed(0)).join(', ')} ms): the extension host to the window and back; the stream's edits can be no more frequent, and its last token no sooner`,
        },
      ];
    } finally {
      await rm(tmp, { recursive: true, force: true, maxRetries: 3 });
    }
  },
};
