// `npm run bench`: runs every benchmark, prints one table, writes .bench/results.json, and exits
// non-zero when a figure misses its goal (or a benchmark fails to run).
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { activation } from './activation';
import { editorStream } from './editorStream';
import { gateway } from './gateway';
import { history } from './history';
import { historyPanel } from './historyPanel';
import { projectHistory } from './projectHistory';
import { leak } from './leak';
import { realWebview } from './realWebview';
import { pipeline } from './pipeline';
import { safety } from './safety';
import { safetyBudget } from './safetyBudget';
import { projectContext } from './projectContext';
import { promptCache } from './promptCache';
import { srp } from './srp';
import type { Benchmark, Figure } from './types';
import { webviewRender } from './webviewRender';

interface Row {
  readonly benchmark: string;
  readonly figure: Figure;
  readonly ok: boolean | undefined;
}

export function meetsGoal(figure: Figure): boolean | undefined {
  const goal = figure.goal;
  if (!goal) return undefined;
  if (goal.op === '<=') return figure.value <= goal.value;
  if (goal.op === '>=') return figure.value >= goal.value;
  return figure.value === goal.value;
}

/** Every figure is of this machine: printed above the table and kept in results.json. */
const MACHINE = `Machine: ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GB, ${platform()} ${release()}, Node ${process.version}`;

async function benchmarks(): Promise<Benchmark[]> {
  return [
    pipeline,
    safety,
    safetyBudget,
    gateway,
    srp,
    webviewRender,
    activation,
    realWebview,
    history,
    historyPanel,
    projectHistory,
    leak,
    projectContext,
    promptCache,
    editorStream,
  ];
}

function table(rows: readonly Row[]): string {
  const cells = rows.map((r) => [
    r.figure.name,
    String(r.figure.value),
    r.figure.unit,
    r.figure.goal ? `${r.figure.goal.op} ${r.figure.goal.value}` : '',
    r.ok === undefined ? '' : r.ok ? '✓' : '✗',
  ]);
  const head = ['figure', 'value', 'unit', 'goal', ''];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] as string).length)));
  const line = (c: string[]) =>
    c
      .map((x, i) => (i === 1 ? x.padStart(widths[i] as number) : x.padEnd(widths[i] as number)))
      .join('  ')
      .trimEnd();
  return [line(head), line(widths.map((w) => '─'.repeat(w))), ...cells.map(line)].join('\n');
}

function onlyArg(args: readonly string[]): string[] | undefined {
  const i = args.indexOf('--only');
  return i < 0 ? undefined : (args[i + 1] ?? '').split(',').filter(Boolean);
}

async function main(): Promise<number> {
  const rows: Row[] = [];
  const failures: { benchmark: string; error: string }[] = [];
  // `npm run bench -- --only gateway,activation`: the benchmarks whose names start with one of these.
  const only = onlyArg(process.argv.slice(2));
  for (const b of (await benchmarks()).filter((x) => !only || only.some((o) => x.name.startsWith(o)))) {
    process.stdout.write(`▶ ${b.name}\n`);
    try {
      for (const figure of await b.run()) rows.push({ benchmark: b.name, figure, ok: meetsGoal(figure) });
    } catch (e) {
      failures.push({ benchmark: b.name, error: (e as Error).stack ?? String(e) });
      process.stderr.write(`✗ ${b.name} failed: ${(e as Error).message}\n`);
    }
  }
  process.stdout.write(`\n${MACHINE}\n\n${table(rows)}\n`);
  for (const r of rows) if (r.figure.note) process.stdout.write(`  · ${r.figure.name}: ${r.figure.note}\n`);

  const missed = rows.filter((r) => r.ok === false);
  await mkdir('.bench', { recursive: true });
  await writeFile(
    join('.bench', 'results.json'),
    `${JSON.stringify({ ranAt: new Date().toISOString(), node: process.version, machine: MACHINE, results: rows.map((r) => ({ benchmark: r.benchmark, ...r.figure, ok: r.ok })), failures }, null, 2)}\n`,
  );
  const verdict = missed.length === 0 && failures.length === 0;
  process.stdout.write(
    `\n${verdict ? '✓ every goal met' : `✗ ${missed.length} goal(s) missed, ${failures.length} benchmark(s) failed`} · .bench/results.json\n`,
  );
  return verdict ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
