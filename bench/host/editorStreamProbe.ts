// Runs inside the VS Code extension host as the "test module" of bench/editorStream.ts: a feeder
// pushes ~4-character tokens at 2,400 tokens a second for a few seconds into a real editor through
// the editor stream (Continue Writing's), and the document's changes are timed as they arrive.
// The text is prose: a paragraph break every 100 tokens, as a model writes a chapter (one
// 38,000-character line would time the renderer re-tokenizing that line, not the stream). A
// one-second stream first warms the window (Markdown support starts with the first Markdown
// document, the code paths get compiled), as a writer's window is before they continue a chapter.
//   STORYTELLER_BENCH_OUT     where to write the JSON result (EditorStreamProbeResult)
import { writeFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { createEditorStream } from '../../src/vscode/project/editorStream';

const TOKENS_PER_SECOND = 2_400;
const SECONDS = 4;
const WARM_UP_SECONDS = 1;
const TOKENS_PER_PARAGRAPH = 100;

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

const token = (i: number) =>
  `${i % TOKENS_PER_PARAGRAPH === TOKENS_PER_PARAGRAPH - 1 ? '\n\n' : ' '}${'abcdefghij'[i % 10]}${'klmnopqrs'[i % 9]}${i % 7}`;

/** Pushes `total` tokens at TOKENS_PER_SECOND on a 1 ms timer, as a model's deltas arrive; resolves when all went. */
function feed(push: (text: string) => void, total: number): Promise<{ startedAt: number; lastPushAt: number }> {
  let pushed = 0;
  const startedAt = performance.now();
  return new Promise((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - startedAt) / 1000) * TOKENS_PER_SECOND));
      for (; pushed < due; pushed++) push(token(pushed));
      if (pushed < total) setTimeout(tick, 1);
      else resolve({ startedAt, lastPushAt: performance.now() });
    };
    tick();
  });
}

/** The warm-up: a short stream at the same pace, then its text taken out again. */
async function warmUp(editor: vscode.TextEditor): Promise<void> {
  const document = editor.document;
  const start = document.getText().length;
  const stream = createEditorStream(editor, document.positionAt(start));
  await feed((t) => stream.push(t), TOKENS_PER_SECOND * WARM_UP_SECONDS);
  const { range } = await stream.finish();
  await editor.edit((b) => b.delete(range));
}

async function probe(): Promise<EditorStreamProbeResult> {
  const document = await vscode.workspace.openTextDocument({ content: 'Chapter one.\n\n', language: 'markdown' });
  const editor = await vscode.window.showTextDocument(document, { preview: false });
  await warmUp(editor);
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
  const { startedAt: t0, lastPushAt } = await feed((t) => {
    expectedLength += t.length;
    stream.push(t);
  }, total);
  // Set before any change event can run: feed resolved in the timer turn of the last push.
  pushedAll = true;
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
