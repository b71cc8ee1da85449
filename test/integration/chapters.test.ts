// Write Scene from Beat, Summarize Chapter and the rest of Continue Writing in a real extension
// host, against the emulator: a scene goes in after its beat (with the entry only the beat
// names), a summary is written into the front matter and one undo gives the file back
// byte for byte (and the next chapter's context has it as "previously"), the Escape key stops
// Continue Writing and keeps what was written, typing elsewhere meanwhile is kept, and a request
// the content policy blocks says so and leaves the chapter as it was.
import * as assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { HistoryItem, HistoryPage, StoryRecord } from '../../src/core/story/protocol/wire';
import type { TestingApi } from '../../src/vscode/testing';
import { ok } from './storyPanel';
import { emulators, forgetEmulator, latestCode, setStreamRate, useEmulator, useSafetySettings } from './emulators';
import { withoutAutoSave } from './autoSave';
import { nextInsertion } from './writing';
import type { WriteResult } from './writing';
import type { EmulatorInfo } from './emulators';
import { activate, eventually, script } from './prompter';
import { PASSWORD, uniqueEmail } from '../support/accounts';

/** A real key press in the workbench, through the host runner (test/host/runInHost.ts). */
async function press(key: string): Promise<void> {
  const url = process.env.STORYTELLER_PRESS_URL;
  assert.ok(url, 'the host runner presses keys');
  const response = await fetch(`${url}?key=${encodeURIComponent(key)}`, { method: 'POST' });
  assert.equal(response.status, 204, await response.text());
}

/** The quick pick the extension shows next (it calls createQuickPick on this same API object). */
function nextQuickPick(): { shown: Promise<vscode.QuickPick<vscode.QuickPickItem>>; restore(): void } {
  const window = vscode.window as { createQuickPick: typeof vscode.window.createQuickPick };
  const original = window.createQuickPick;
  let shown: (pick: vscode.QuickPick<vscode.QuickPickItem>) => void = () => undefined;
  const promise = new Promise<vscode.QuickPick<vscode.QuickPickItem>>((resolve) => (shown = resolve));
  window.createQuickPick = (<T extends vscode.QuickPickItem>() => {
    const pick = original.call(vscode.window) as vscode.QuickPick<T>;
    const show = pick.show.bind(pick);
    pick.show = () => {
      show();
      shown(pick as unknown as vscode.QuickPick<vscode.QuickPickItem>);
    };
    return pick;
  }) as typeof original;
  return { shown: promise, restore: () => (window.createQuickPick = original) };
}

/** The workbench's quick input has the keyboard focus (the host runner looks: test/host/runInHost.ts). */
async function quickInputFocused(): Promise<boolean> {
  const probe = process.env.STORYTELLER_FOCUS_PROBE;
  assert.ok(probe, 'the host runner says where to ask what has the focus');
  return ((await (await fetch(probe)).json()) as { inQuickInput: boolean }).inQuickInput;
}

async function signUp(testing: TestingApi, emu: EmulatorInfo, prefix: string): Promise<void> {
  await useEmulator(emu);
  const email = uniqueEmail(prefix);
  await script(testing, [email, '', PASSWORD, PASSWORD, () => latestCode(emu, email)], 'storyteller.signUp');
  assert.equal(testing.sessionState().kind, 'signedIn');
}

/** A project folder in the workspace with these files (relative paths). */
async function makeProject(name: string, files: Record<string, string>): Promise<string> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  assert.ok(folder, 'the host opens a workspace folder');
  const root = join(folder, `${name}-${Date.now().toString(36)}`);
  for (const [file, text] of Object.entries(files)) {
    await mkdir(join(root, file, '..'), { recursive: true });
    await writeFile(join(root, file), text);
  }
  return root;
}

/** The file saved with `text`, in the active editor, the cursor at `at` (default: the end). */
async function openWith(path: string, text: string, at?: (doc: vscode.TextDocument) => vscode.Position) {
  // An open document is changed through its editor, never on disk: VS Code's reload of a file
  // changed behind its back (and the save after it) would land mid-test and mark an undo stop.
  const open = vscode.workspace.textDocuments.some((d) => d.uri.fsPath === path);
  if (!open) await writeFile(path, text);
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(path));
  const editor = await vscode.window.showTextDocument(doc, { preview: false });
  if (doc.getText() !== text) {
    assert.ok(await editor.edit((b) => b.replace(new vscode.Range(0, 0, doc.lineCount, 0), text)));
    // save() answers false when auto-save (code-server's default) saved it first: what matters
    // is that the file now holds the text.
    await doc.save();
    assert.equal(doc.isDirty, false, 'saved');
  }
  const cursor = at ? at(doc) : doc.positionAt(text.length);
  editor.selection = new vscode.Selection(cursor, cursor);
  return editor;
}

async function closeAll(): Promise<void> {
  await vscode.workspace.saveAll(true);
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** The newest history entry the panel's search finds for `query` (#26), and its record. */
async function newestEntry(testing: TestingApi, query: string): Promise<{ item: HistoryItem; story: StoryRecord }> {
  await testing.story.open();
  try {
    const [item] = ok<HistoryPage>(await testing.story.request('history.list', { query })).items;
    assert.ok(item, `an entry for ${query}`);
    const { story } = ok<{ story: StoryRecord }>(await testing.story.request('history.open', { id: item.id }));
    return { item, story };
  } finally {
    testing.story.close();
  }
}

describe('Story chapters in VS Code', function () {
  this.timeout(120_000);
  let testing: TestingApi;
  let emu: EmulatorInfo;
  let root: string;
  const chapter = () => join(root, 'chapters', 'chapter-01.md');
  const PROSE = '---\ntitle: Chapter 1\nsummary: ""\n---\nThe ferry was late.\n\nMira Vell stepped onto the quay and';

  before(async () => {
    ({ testing } = await activate());
    emu = emulators().public;
    await signUp(testing, emu, 'chapters');
    root = await makeProject('salt-chapters', {
      'story.md': '---\ntitle: The Salt Road\n---\nA road of salt.\n',
      'codex/mira-vell.md': '---\nname: Mira Vell\nkind: character\nkeys: [Mira, Vell]\n---\nA ferrywoman.\n',
      'codex/bram.md': '---\nname: Bram\nkind: character\nkeys: [Bram]\n---\nA smuggler with a burnt hand.\n',
      'chapters/chapter-02.md': '---\ntitle: Chapter 2\n---\nThe next morning',
    });
  });

  afterEach(async () => {
    await setStreamRate(emu, 0);
    await vscode.commands.executeCommand('storyteller.stopWriting');
  });

  after(async () => {
    await closeAll();
    await vscode.commands.executeCommand('storyteller.signOut');
    testing.usePrompter(undefined);
    await forgetEmulator();
    await rm(root, { recursive: true, force: true });
  });

  it('Write Scene from Beat on a blank line says what a beat is, and writes nothing', async () => {
    const text = '---\ntitle: Chapter 1\n---\nThe ferry was late.\n\n';
    const editor = await openWith(chapter(), text);
    const result = await vscode.commands.executeCommand<WriteResult>('storyteller.writeScene');
    assert.deepEqual([result.status, result.code], ['refused', 'noBeat']);
    assert.match(result.message ?? '', /^There is no beat here\./);
    assert.match(result.message ?? '', /"beats:" in the chapter's front matter/, 'says where else a beat can be');
    assert.equal(editor.document.getText(), text);
  });

  it('Summarize Chapter writes the summary into the front matter; "previously" has it; one undo restores the file exactly', async () => {
    const text = `${PROSE} looked for Bram.\n\nThe boat was gone.\n`.replace('summary: ""', '# mine\nsummary: ""');
    const editor = await openWith(chapter(), text);
    const result = await vscode.commands.executeCommand<WriteResult>('storyteller.summarizeChapter');
    assert.equal(result.status, 'done', JSON.stringify(result));
    assert.match(result.text, /It opens: “The ferry was late\.” It ends: “The boat was gone\.”/);
    // Its history entry (#26): the summary, with the project, the chapter and the command.
    const chapterPath = vscode.workspace.asRelativePath(chapter());
    const summary = await newestEntry(testing, `${chapterPath} summary`);
    assert.deepEqual(summary.item.origin, { project: 'The Salt Road', chapter: chapterPath, command: 'summary' });
    assert.equal(summary.item.status, 'done');
    assert.match(summary.story.text, /It opens: “The ferry was late\.”/);
    const now = editor.document.getText();
    const summaryLine = now.indexOf('summary:');
    assert.equal(now.slice(0, summaryLine), '---\ntitle: Chapter 1\n# mine\n', 'the fields before it as they were');
    assert.ok(now.endsWith(text.slice(text.indexOf('\n---\n'))), 'the body as it was');
    // Chapter 2's context has chapter 1's new summary (the open, unsaved editor counts).
    await openWith(join(root, 'chapters', 'chapter-02.md'), '---\ntitle: Chapter 2\n---\nThe next morning');
    const uri = await vscode.commands.executeCommand<vscode.Uri>('storyteller.showContext');
    const context = (await vscode.workspace.openTextDocument(uri)).getText();
    assert.match(context, /- \*\*Chapter 1\*\* · \d+ tokens · `chapters\/chapter-01\.md`/);
    assert.ok(context.includes('It opens: “The ferry was late.”'), 'its text goes to the model');
    await vscode.window.showTextDocument(editor.document);
    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), text, 'one undo gives the file back, byte for byte');
  });

  it('the Escape key stops Continue Writing and keeps what was written', async () => {
    const editor = await openWith(chapter(), PROSE);
    await setStreamRate(emu, 20);
    const inserted = nextInsertion(editor.document);
    const writing = vscode.commands.executeCommand<WriteResult>('storyteller.continueWriting');
    await inserted;
    await press('Escape');
    const result = await writing;
    assert.equal(result.status, 'stopped', JSON.stringify(result));
    assert.ok(result.text.length > 0);
    assert.equal(editor.document.getText(), PROSE + result.text, 'the partial text stays');
    assert.equal(await vscode.commands.executeCommand('storyteller.stopWriting'), false, 'nothing is writing now');
    // Its history entry is stopped, with the text written so far (#26).
    const stopped = await newestEntry(testing, `${vscode.workspace.asRelativePath(chapter())} continue`);
    assert.equal(stopped.item.status, 'stopped');
    assert.equal(stopped.story.text.trim(), result.text.trim());
  });

  it('typing elsewhere in the chapter while Continue Writing streams is kept, and so is the continuation', async () => {
    const editor = await openWith(chapter(), PROSE);
    const doc = editor.document;
    await setStreamRate(emu, 20);
    const first = nextInsertion(doc);
    const writing = vscode.commands.executeCommand<WriteResult>('storyteller.continueWriting');
    await first;
    const typed = 'It was raining. ';
    const where = new vscode.Position(4, 0);
    editor.selection = new vscode.Selection(where, where);
    await vscode.commands.executeCommand('type', { text: typed });
    await nextInsertion(doc);
    assert.equal(await vscode.commands.executeCommand('storyteller.stopWriting'), true);
    const result = await writing;
    assert.equal(result.status, 'stopped', JSON.stringify(result));
    const expected = PROSE.replace('The ferry was late.', `${typed}The ferry was late.`) + result.text;
    assert.equal(doc.getText(), expected, 'both texts, each where it was put');
  });

  it('Write Scene from Beat writes the scene after the beat line, with the entry the beat names; one undo takes it back', async () => {
    await withoutAutoSave(writeSceneAndUndo);
  });

  async function writeSceneAndUndo(): Promise<void> {
    const text = '---\ntitle: Chapter 1\n---\nThe ferry was late.\n\n- Bram burns the map\n\nThe end.\n';
    const editor = await openWith(chapter(), text, (doc) => doc.positionAt(text.indexOf('burns')));
    const result = await vscode.commands.executeCommand<WriteResult>('storyteller.writeScene');
    assert.equal(result.status, 'done', JSON.stringify(result));
    const at = text.indexOf('\n\nThe end.');
    assert.equal(editor.document.getText(), text.slice(0, at) + result.text + text.slice(at), 'after the beat line');
    // A paragraph of its own that opens with the beat; Bram, whom only the beat names, acts in it.
    assert.match(result.text, /^\n\n[^\n]*: Bram burns the map\.\n\n/);
    assert.match(result.text.slice(result.text.indexOf('map.') + 4), /Bram/);
    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), text, 'one undo takes the whole scene back');
  }

  const BEATS =
    '---\ntitle: Chapter 1\nbeats:\n  - Mira arrives at the harbour.\n  - Bram burns the map\n  - "The tide turns $(flame)"\n---\n';

  it('Write Scene from Beat on a front-matter beat writes its scene at the end of the prose; one undo takes it back', async () => {
    await withoutAutoSave(async () => {
      const text = `${BEATS}The ferry was late.\n`;
      const editor = await openWith(chapter(), text, (doc) => doc.positionAt(text.indexOf('burns')));
      const result = await vscode.commands.executeCommand<WriteResult>('storyteller.writeScene');
      assert.equal(result.status, 'done', JSON.stringify(result));
      assert.equal(editor.document.getText(), `${BEATS}The ferry was late.${result.text}\n`, 'after the last line');
      // The model was given the item as the beat: the emulator's scene opens with it.
      assert.match(result.text, /^\n\n[^\n]*: Bram burns the map\.\n\n/);
      await vscode.commands.executeCommand('undo');
      assert.equal(editor.document.getText(), text, 'one undo takes the whole scene back');
    });
  });

  it('on a blank line, Write Scene from Beat offers the front-matter beats, the next unwritten one first; Enter writes it there', async () => {
    const before = `${BEATS}It began like this: Mira arrives at the harbour.\n\n`;
    const text = `${before}\n\nThe end.\n`;
    const editor = await openWith(chapter(), text, (doc) => doc.positionAt(before.length));
    const watch = nextQuickPick();
    try {
      const writing = vscode.commands.executeCommand<WriteResult>('storyteller.writeScene');
      const pick = await watch.shown;
      await eventually('the beat pick has the focus', quickInputFocused);
      assert.deepEqual(
        pick.items.map((i) => [i.label, i.description]),
        [
          ['Mira arrives at the harbour.', 'beat 1, seems written'],
          ['Bram burns the map', 'beat 2'],
          ['The tide turns \\$(flame)', 'beat 3'],
        ],
      );
      assert.match(pick.placeholder ?? '', /at the cursor/);
      await press('Enter');
      const result = await writing;
      assert.equal(result.status, 'done', JSON.stringify(result));
      assert.match(result.text, /^[^\n]*: Bram burns the map\.\n\n/, 'the beat active first was written');
      assert.equal(editor.document.getText(), before + result.text + text.slice(before.length), 'at the cursor');
    } finally {
      watch.restore();
    }
  });

  it('the Escape key closes the beat pick: nothing is written, nothing is left running', async () => {
    const text = `${BEATS}The ferry was late.\n`;
    const editor = await openWith(chapter(), text, (doc) => doc.positionAt(text.indexOf('title')));
    const watch = nextQuickPick();
    try {
      const writing = vscode.commands.executeCommand<WriteResult>('storyteller.writeScene');
      const pick = await watch.shown;
      assert.match(pick.placeholder ?? '', /at the end of the chapter/, 'from the front matter');
      await eventually('the beat pick has the focus', quickInputFocused);
      await press('Escape');
      const result = await writing;
      assert.deepEqual([result.status, result.code], ['refused', 'cancelled']);
      assert.equal(editor.document.getText(), text);
      assert.equal(await vscode.commands.executeCommand('storyteller.stopWriting'), false, 'nothing is writing now');
    } finally {
      watch.restore();
    }
  });
});

describe('Story chapters and the content policy (#27)', function () {
  this.timeout(120_000);
  let testing: TestingApi;
  let root: string;
  const TEXT = '---\ntitle: Chapter 1\n---\nA crybaby goblin would not share his marbles, and';

  before(async () => {
    ({ testing } = await activate());
    const emu = (emulators() as unknown as Record<string, EmulatorInfo>)['safety']!;
    assert.equal(emu.outputs['ContentSafety'], 'Standard', 'test/host/cli.ts starts the safety emulator');
    await signUp(testing, emu, 'chapters-safety');
    await useSafetySettings(emu);
    root = await makeProject('goblin-market', {
      'story.md': '---\ntitle: Goblin Market\naudience: children\n---\nA gentle book.\n',
      'chapters/chapter-01.md': TEXT,
    });
  });

  after(async () => {
    await closeAll();
    await vscode.commands.executeCommand('storyteller.signOut');
    testing.usePrompter(undefined);
    await useSafetySettings(undefined);
    await forgetEmulator();
    await rm(root, { recursive: true, force: true });
  });

  it("a children's chapter the strict guardrail blocks: the stack's message in one sentence, nothing written", async () => {
    const editor = await openWith(join(root, 'chapters', 'chapter-01.md'), TEXT);
    const result = await vscode.commands.executeCommand<WriteResult>('storyteller.continueWriting');
    assert.deepEqual(
      [result.status, result.code, result.text],
      ['blocked', 'premiseBlocked', ''],
      JSON.stringify(result),
    );
    assert.match(
      result.message ?? '',
      /^The content policy blocked this request: “Let's pick another idea! This one isn't right for a children's story\..*” Nothing was written\./,
    );
    assert.equal(editor.document.getText(), TEXT, 'the chapter as it was');
  });
});
