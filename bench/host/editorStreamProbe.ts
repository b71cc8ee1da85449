// Runs inside the VS Code extension host as the "test module" of bench/editorStream.ts: a feeder
// pushes ~4-character tokens at 2,400 tokens a second for a few seconds into a real editor through
// the editor stream (Continue Writing's), and the document's changes are timed as they arrive.
//   STORYTELLER_BENCH_OUT     where to write the JSON result (EditorStreamProbeResult)
import { writeFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { createEditorStream } from '../../src/vscode/project/editorStream';

const TOKENS_PER_SECOND = 2_400;
const SECONDS = 4;

export interface EditorStreamProbeResult {
  readonly tokensPerSecond: number;
  readonly seconds: number;
  readonly tokens: number;
  readonly chars: number;
  readonly feedMs: number;
  readonly edits: number;
  /** Most document changes in any one second (sliding window). */
  readonly maxEditsInASecond: number;
  /** Last token pushed → the document holds it (its change event in the extension host). */
  readonly lastTokenVisibleMs: number;
  /** Last token pushed → finish() resolved. */
  readonly finishMs: number;
  readonly complete: boolean;
  /** Five single edits before the stream, each awaited: ms each. */
  readonly roundTripsMs: readonly number[];
  readonly node: string;
}

export async function run(): Promise<void> {
  const out = process.env.STORYTELLER_BENCH_OUT;
  if (!out) throw new Error('STORYTELLER_BENCH_OUT is not set: the benchmark passes it to the host.');
  try {
    await writeFile(out, `${JSON.stringify(await probe(), null, 2)}\n`);
  } catch (e) {
    await writeFile(out, `${JSON.stringify({ error: e instanceof Error ? (e.stack ?? e.message) : String(e) })}\n`);
    throw e;
  }
}

const token = (i: number) => ` ${'abcdefghij'[i % 10]}${'klmnopqrs'[i % 9]}${i % 7}`;

async function probe(): Promise<EditorStreamProbeResult> {
  const document = await vscode.workspace.openTextDocument({ content: 'Chapter one.\n\n', language: 'markdown' });
  const editor = await vscode.window.showTextDocument(document, { preview: false });
  // Context for the figures: what one edit's round trip to the window costs here, quiet.
  const roundTrips: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await editor.edit((b) => b.insert(document.positionAt(0), ''.padEnd(1, '#')));
    roundTrips.push(performance.now() - t);
  }
  await editor.edit((b) => b.delete(new vscode.Range(document.positionAt(0), document.positionAt(5))));
  const start = document.getText().length;
  const total = TOKENS_PER_SECOND * SECONDS;
  let expectedLength = start;
  let pushedAll = false;
  let fullAt = Number.NaN;
  const changes: number[] = [];
  const sub = vscode.workspace.onDidChangeTextDocument((e) => {
    if (e.document !== document || e.contentChanges.length === 0) return;
    const now = performance.now();
    changes.push(now);
    if (pushedAll && Number.isNaN(fullAt) && document.getText().length === expectedLength) fullAt = now;
  });
  const stream = createEditorStream(editor, document.positionAt(start));
  let pushed = 0;
  const t0 = performance.now();
  let lastPushAt = t0;
  // The feeder: on each turn of a 1 ms timer, the tokens due by now (as a model's deltas arrive).
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * TOKENS_PER_SECOND));
      for (; pushed < due; pushed++) {
        const t = token(pushed);
        expectedLength += t.length;
        stream.push(t);
      }
      lastPushAt = performance.now();
      if (pushed < total) setTimeout(tick, 1);
      else {
        pushedAll = true;
        resolve();
      }
    };
    tick();
  });
  const result = await stream.finish();
  const finishedAt = performance.now();
  sub.dispose();
  let max = 0;
  for (let i = 0, j = 0; i < changes.length; i++) {
    while (changes[i]! - changes[j]! >= 1000) j++;
    max = Math.max(max, i - j + 1);
  }
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  return {
    tokensPerSecond: TOKENS_PER_SECOND,
    seconds: SECONDS,
    tokens: total,
    chars: expectedLength - start,
    feedMs: lastPushAt - t0,
    edits: changes.length,
    maxEditsInASecond: max,
    lastTokenVisibleMs: (Number.isNaN(fullAt) ? finishedAt : fullAt) - lastPushAt,
    finishMs: finishedAt - lastPushAt,
    complete: result.complete && result.text.length === expectedLength - start,
    roundTripsMs: roundTrips,
    node: process.version,
  };
}
