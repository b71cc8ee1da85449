// Streaming into a real editor (src/vscode/project/editorStream): one undo step, the user's typing
// kept around it, the edit pace, and the text kept when the document goes away.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { createEditorStream } from '../../src/vscode/project/editorStream';
import type { EditorStream } from '../../src/vscode/project/editorStream';

const OPENING = 'Mira lit the lamp.';
const ORIGINAL = `${OPENING}\n\nThe storm went on.\n`;

/** Equal texts, or where they first differ (a whole 10,000-character diff says nothing). */
function sameText(actual: string, expected: string, what: string): void {
  if (actual === expected) return;
  let i = 0;
  while (i < actual.length && actual[i] === expected[i]) i++;
  assert.fail(
    `${what}: ${actual.length} characters, expected ${expected.length}; first difference at ${i}: ` +
      `${JSON.stringify(actual.slice(Math.max(0, i - 40), i + 40))} vs ${JSON.stringify(expected.slice(Math.max(0, i - 40), i + 40))}`,
  );
}

let opened = 0;

/** A new untitled document of its own name: "Untitled-N" names are reused, and with them a closed one's text. */
async function openEditor(content = ORIGINAL): Promise<vscode.TextEditor> {
  const name = `/editor-stream-${process.pid}-${++opened}.md`;
  const document = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: 'untitled', path: name }));
  const editor = await vscode.window.showTextDocument(document, { preview: false });
  if (content !== '') assert.ok(await editor.edit((b) => b.insert(new vscode.Position(0, 0), content)));
  assert.equal(document.getText(), content);
  return editor;
}

/** The document's changes as they arrive, with the extension host's time. */
function recordChanges(document: vscode.TextDocument): { times: number[]; next(): Promise<void> } & vscode.Disposable {
  const times: number[] = [];
  let waiting: (() => void)[] = [];
  const sub = vscode.workspace.onDidChangeTextDocument((e) => {
    if (e.document !== document || e.contentChanges.length === 0) return;
    times.push(performance.now());
    const w = waiting;
    waiting = [];
    for (const resolve of w) resolve();
  });
  return {
    times,
    next: () => new Promise<void>((resolve) => waiting.push(resolve)),
    dispose: () => sub.dispose(),
  };
}

/** Pushes one piece and waits until it is in the document (an edit of its own). */
async function pushAndWait(stream: EditorStream, changes: { next(): Promise<void> }, text: string): Promise<void> {
  const changed = changes.next();
  stream.push(text);
  await changed;
}

/** Types as the user does (the editor's `type` command) at a position. */
async function typeAt(editor: vscode.TextEditor, position: vscode.Position, text: string): Promise<void> {
  const shown = await vscode.window.showTextDocument(editor.document, { preview: false });
  shown.selection = new vscode.Selection(position, position);
  await vscode.commands.executeCommand('type', { text });
}

/** `count` tokens of about four characters, pushed as fast as the event loop turns. */
async function feed(stream: EditorStream, count: number, perTurn: number): Promise<string> {
  let all = '';
  for (let i = 0; i < count; i++) {
    const token = ` w${(i % 97).toString(36)}${i % 10}`;
    all += token;
    stream.push(token);
    if (i % perTurn === perTurn - 1) await new Promise((r) => setImmediate(r));
  }
  return all;
}

describe('Editor stream (Continue Writing) in VS Code', function () {
  // Generous: on a loaded 2-core machine one test has taken 50 s.
  this.timeout(180_000);
  const disposables: vscode.Disposable[] = [];
  afterEach(async () => {
    for (const d of disposables.splice(0)) d.dispose();
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('streams at the position in several edits, and one undo removes all of it', async () => {
    const editor = await openEditor();
    const changes = recordChanges(editor.document);
    disposables.push(changes);
    const stream = createEditorStream(editor, new vscode.Position(0, OPENING.length));
    disposables.push(stream);
    const pieces = [' The wick', ' caught,', ' and the room', '\nfilled with light.'];
    for (const p of pieces) await pushAndWait(stream, changes, p);
    const rest = await feed(stream, 200, 7);
    const result = await stream.finish();
    const all = pieces.join('') + rest;

    sameText(result.text, all, 'the result');
    assert.equal(result.complete, true);
    assert.equal(result.notInserted, '');
    sameText(stream.inserted, all, 'inserted');
    sameText(editor.document.getText(result.range), all, 'the range');
    sameText(editor.document.getText(), `${OPENING}${all}\n\nThe storm went on.\n`, 'the document');
    assert.ok(changes.times.length >= pieces.length + 1, `${changes.times.length} edits`);

    await vscode.window.showTextDocument(editor.document, { preview: false });
    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), ORIGINAL, 'one undo removes the whole stream');
    await vscode.commands.executeCommand('redo');
    assert.equal(editor.document.getText(), `${OPENING}${all}\n\nThe storm went on.\n`, 'and one redo brings it back');
  });

  it("keeps the user's typing before and after the anchor, and undo never takes it", async () => {
    const editor = await openEditor();
    const document = editor.document;
    const changes = recordChanges(document);
    disposables.push(changes);
    const stream = createEditorStream(editor, new vscode.Position(0, OPENING.length));
    disposables.push(stream);

    await pushAndWait(stream, changes, ' Alpha');
    await typeAt(editor, new vscode.Position(0, 0), 'Before: ');
    await pushAndWait(stream, changes, ' beta');
    const end = document.positionAt(document.getText().length);
    await typeAt(editor, end, 'After.');
    // Typed exactly at the anchor: it stays after the stream, whole.
    const anchor = document.positionAt(document.getText().indexOf(' beta') + ' beta'.length);
    await typeAt(editor, anchor, ' [mine]');
    await pushAndWait(stream, changes, ' gamma');
    stream.push(' delta.');
    const result = await stream.finish();

    const streamed = ' Alpha beta gamma delta.';
    assert.equal(document.getText(), `Before: ${OPENING}${streamed} [mine]\n\nThe storm went on.\nAfter.`);
    assert.equal(document.getText(result.range), streamed);
    assert.equal(result.text, streamed);
    assert.equal(result.complete, true);

    // The user's typing split the stream's undo step: undo takes the stream's parts, never their text.
    await vscode.window.showTextDocument(document, { preview: false });
    await vscode.commands.executeCommand('undo');
    const afterUndo = document.getText();
    for (const typed of ['Before: ', 'After.', ' [mine]'])
      assert.ok(afterUndo.includes(typed), `"${typed}" kept after one undo: ${JSON.stringify(afterUndo)}`);
    assert.ok(!afterUndo.includes(' gamma delta.'), `the stream's last part undone: ${JSON.stringify(afterUndo)}`);
  });

  for (const limit of [60, 20]) {
    it(`applies at most ${limit} edits a second while 2,400 tokens arrive as fast as they can`, async () => {
      const editor = await openEditor('');
      const changes = recordChanges(editor.document);
      disposables.push(changes);
      const stream = createEditorStream(editor, new vscode.Position(0, 0), { maxEditsPerSecond: limit });
      disposables.push(stream);
      const all = await feed(stream, 2_400, 4);
      const result = await stream.finish();

      sameText(editor.document.getText(), all, 'the document');
      assert.equal(result.complete, true);
      const n = changes.times.length;
      const spanMs = changes.times[n - 1]! - changes.times[0]!;
      // Edits start at least 1000/limit ms apart and never overlap, so n changes span at least n - 2 intervals.
      assert.ok(n >= 2, `${n} edits`);
      assert.ok(n <= spanMs / (1000 / limit) + 2, `${n} edits in ${spanMs.toFixed(0)} ms is over ${limit} a second`);
      assert.ok(n < 2_400 / 4, `${n} edits for 2,400 tokens: batched`);
    });
  }

  it('keeps every pushed character when the document is closed mid-stream', async () => {
    const editor = await openEditor();
    const document = editor.document;
    const changes = recordChanges(document);
    disposables.push(changes);
    const stream = createEditorStream(editor, new vscode.Position(0, OPENING.length));
    disposables.push(stream);
    await pushAndWait(stream, changes, ' Before the close.');

    const closed = new Promise<void>((resolve) => {
      const sub = vscode.workspace.onDidCloseTextDocument((d) => d === document && resolve());
      disposables.push(sub);
    });
    await vscode.window.showTextDocument(document, { preview: false });
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await closed;
    stream.push(' After');
    stream.push(' the close.');
    const result = await stream.finish();

    assert.equal(result.text, ' Before the close. After the close.');
    assert.equal(result.complete, false);
    assert.equal(result.notInserted, ' After the close.');
    assert.equal(stream.inserted, ' Before the close.');
    assert.ok(document.isClosed);
  });

  it('stops editing once disposed; what came after is reported, not inserted', async () => {
    const editor = await openEditor();
    const changes = recordChanges(editor.document);
    disposables.push(changes);
    const stream = createEditorStream(editor, new vscode.Position(0, OPENING.length));
    await pushAndWait(stream, changes, ' One.');
    stream.dispose();
    stream.push(' Two.');
    const result = await stream.finish();
    assert.equal(changes.times.length, 1, 'no edit after dispose');
    assert.equal(editor.document.getText(), `${OPENING} One.\n\nThe storm went on.\n`);
    assert.equal(result.notInserted, ' Two.');
    assert.equal(result.complete, false);
  });
});
