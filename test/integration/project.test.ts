// Story projects in a real extension host, against the emulator: New Story Project scaffolds the
// files, Continue Writing streams the model's continuation into a real editor as one undo step,
// Stop keeps the partial text, Show Context lists the entry that fired and its key, and a broken
// codex file is a diagnostic on its line in the Problems panel.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { localDateKey, parseLedger } from '../../src/core/story/usage/usage';
import type { HostEvents } from '../../src/core/story/protocol/messages';
import type { HistoryPage, StoryRecord } from '../../src/core/story/protocol/wire';
import { ok } from './storyPanel';
import type { TestingApi } from '../../src/vscode/testing';
import { emulators, forgetEmulator, latestCode, setStreamRate, useEmulator } from './emulators';
import { withoutAutoSave } from './autoSave';
import { nextInsertion } from './writing';
import type { WriteResult } from './writing';
import type { EmulatorInfo } from './emulators';
import { activate, eventually, script } from './prompter';
import { PASSWORD, uniqueEmail } from '../support/accounts';

describe('Story projects in VS Code', function () {
  // The first Continue Writing loads the AWS SDK and gets credentials; on a shared 2-core machine that took 30 s.
  this.timeout(120_000);
  let testing: TestingApi;
  let emu: EmulatorInfo;
  let root: string;
  let chapter: vscode.Uri;
  const prose = '---\ntitle: Chapter 1\nsummary: ""\n---\nThe ferry was late.\n\nMira Vell stepped onto the quay and';

  /** Chapter 1 with `prose`, saved, in the active editor, the cursor at its end. */
  async function openChapter(): Promise<vscode.TextEditor> {
    await writeFile(chapter.fsPath, prose);
    const doc = await vscode.workspace.openTextDocument(chapter);
    const editor = await vscode.window.showTextDocument(doc, { preview: false });
    if (doc.getText() !== prose) {
      await editor.edit((b) => b.replace(new vscode.Range(0, 0, doc.lineCount, 0), prose));
      await doc.save();
    }
    const end = doc.positionAt(doc.getText().length);
    editor.selection = new vscode.Selection(end, end);
    return editor;
  }

  before(async () => {
    ({ testing } = await activate());
    emu = emulators().public;
    await useEmulator(emu);
    const email = uniqueEmail('project');
    await script(testing, [email, '', PASSWORD, PASSWORD, () => latestCode(emu, email)], 'storyteller.signUp');
    assert.equal(testing.sessionState().kind, 'signedIn');
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    assert.ok(folder, 'the host opens a workspace folder');
    root = join(folder, `salt-road-${Date.now().toString(36)}`);
    await mkdir(root, { recursive: true });
  });

  afterEach(async () => {
    await setStreamRate(emu, 0);
    await vscode.commands.executeCommand('storyteller.stopWriting');
  });

  after(async () => {
    // Saved first: a dirty editor would make closing them ask, and wait for an answer.
    await vscode.workspace.saveAll(true);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('storyteller.signOut');
    testing.usePrompter(undefined);
    await forgetEmulator();
    await rm(root, { recursive: true, force: true });
  });

  it('New Story Project scaffolds the bible, one codex entry and chapter 1, and opens chapter 1', async () => {
    const result = await vscode.commands.executeCommand<{ root: string; written: string[] }>(
      'storyteller.newStoryProject',
      { folder: root, title: 'The Salt Road' },
    );
    assert.deepEqual(result.written, ['story.md', 'codex/mira-vell.md', 'chapters/chapter-01.md']);
    for (const f of result.written) assert.ok(existsSync(join(root, ...f.split('/'))), f);
    chapter = vscode.Uri.file(join(root, 'chapters', 'chapter-01.md'));
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, chapter.fsPath);
    // Run again, nothing is replaced.
    const again = await vscode.commands.executeCommand<{ written: string[] }>('storyteller.newStoryProject', {
      folder: root,
      title: 'Other',
    });
    assert.deepEqual(again.written, []);
  });

  it("Continue Writing streams the model's continuation in at the cursor, as one undo step", () =>
    withoutAutoSave(async () => {
      const editor = await openChapter();
      const before = editor.document.getText();
      let edits = 0;
      const counting = vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === editor.document && e.contentChanges.length > 0) edits++;
      });
      const result = await vscode.commands.executeCommand<WriteResult>('storyteller.continueWriting');
      counting.dispose();
      assert.equal(result.status, 'done', JSON.stringify(result));
      assert.ok(result.text.trim().length > 20, `wrote: ${JSON.stringify(result.text)}`);
      assert.ok(result.text.startsWith(' '), 'a space joins it to the last word');
      // The emulator's model writes on with the activated codex entries' names.
      assert.match(result.text, /Mira Vell/);
      assert.equal(editor.document.getText(), before + result.text);
      assert.ok(edits >= 1);
      await vscode.window.showTextDocument(editor.document);
      await vscode.commands.executeCommand('undo');
      assert.equal(editor.document.getText(), before, 'one undo takes all of it back');
    }));

  it('Continue Writing counts its usage under the project and logs its project and chapter (#26)', async () => {
    // Other suites' users write in projects of the same title: only this user's file may change.
    const { globalStorage, logs } = testing.storage();
    const usageDir = join(globalStorage, 'usage');
    const saltRoad = async (): Promise<Map<string, { requests: number; totalTokens: number }>> => {
      const found = new Map<string, { requests: number; totalTokens: number }>();
      for (const f of (await readdir(usageDir).catch(() => [] as string[])).filter((n) => n.endsWith('.json'))) {
        const p = parseLedger(JSON.parse(await readFile(join(usageDir, f), 'utf8'))).days[localDateKey(new Date())]
          ?.projects?.['The Salt Road'];
        if (p) found.set(f, p);
      }
      return found;
    };
    const before = await saltRoad();
    await openChapter();
    const result = await vscode.commands.executeCommand<WriteResult>('storyteller.continueWriting');
    assert.equal(result.status, 'done', JSON.stringify(result));
    const after = await saltRoad();
    const mine = [...after].filter(([f, p]) => p.requests > (before.get(f)?.requests ?? 0)).map(([, p]) => p);
    assert.equal(mine.length, 1, 'one usage file counts the request under the project');
    assert.ok(mine[0]!.requests >= 1 && mine[0]!.totalTokens > 0, JSON.stringify(mine[0]));
    const chapterPath = vscode.workspace.asRelativePath(chapter);
    const line = `Project request (continue, project "The Salt Road", chapter ${JSON.stringify(chapterPath)}): done, `;
    await eventually('the log has a line naming the project and the chapter', async () => {
      const files = (await readdir(logs, { recursive: true }))
        .map((f) => join(logs, f))
        .filter((f) => f.endsWith('.log'));
      const texts = await Promise.all(files.map((f) => readFile(f, 'utf8')));
      return texts.some((t) => t.includes(line));
    });
    // The panel's header gets the project's line (usage.today, on ready).
    await testing.story.open();
    try {
      await testing.story.send({ kind: 'event', type: 'ready', data: { protocolVersion: 1 } });
      await eventually("the panel's usage lists the project", () =>
        testing.story
          .events()
          .some(
            (e) =>
              e.type === 'usage.today' &&
              (e.data as HostEvents['usage.today']).projects?.some(
                (p) => p.project === 'The Salt Road' && p.requests >= 1,
              ),
          ),
      );
    } finally {
      testing.story.close();
    }
  });

  it('Continue Writing is a history entry with its project and chapter; Open Chapter opens that file (#26)', () =>
    withoutAutoSave(async () => {
      await openChapter();
      const result = await vscode.commands.executeCommand<WriteResult>('storyteller.continueWriting');
      assert.equal(result.status, 'done', JSON.stringify(result));
      const chapterPath = vscode.workspace.asRelativePath(chapter);
      await vscode.workspace.saveAll(true);
      await testing.story.open();
      try {
        // The panel's search finds it by its chapter (and the project), newest first.
        const page = ok<HistoryPage>(
          await testing.story.request('history.list', { query: `${chapterPath} salt road` }),
        );
        const entry = page.items[0];
        assert.ok(entry, JSON.stringify(page));
        assert.deepEqual(entry.origin, { project: 'The Salt Road', chapter: chapterPath, command: 'continue' });
        assert.equal(entry.status, 'done');
        assert.ok((entry.totalTokens ?? 0) > 0, 'its usage');
        const { story } = ok<{ story: StoryRecord }>(await testing.story.request('history.open', { id: entry.id }));
        assert.equal(story.text.trim(), result.text.trim(), 'the text it wrote');
        assert.deepEqual(story.origin, entry.origin);
        assert.equal(story.modelId, 'amazon.nova-lite-v1:0');

        // Open Chapter: the chapter in an editor, found in the workspace (the panel closed with the rest: open it).
        await vscode.commands.executeCommand('workbench.action.closeAllEditors');
        await testing.story.open();
        assert.equal(ok(await testing.story.request('history.openChapter', { id: entry.id })), null);
        assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, chapter.fsPath);
        const opened = vscode.window.activeTextEditor!;
        assert.equal(opened.document.getText(opened.selection), story.text.trim(), 'what it wrote is selected');

        // The panel's own steps are refused for it with a sentence; Continue Writing is the way on.
        for (const method of ['continue', 'regenerate'] as const) {
          const refused = await testing.story.request(method, { storyId: entry.id });
          assert.ok(!refused.ok && /use Continue Writing there/.test(refused.error.message), JSON.stringify(refused));
        }

        // The chapter gone: one sentence with the next step, nothing opened.
        await vscode.commands.executeCommand('workbench.action.closeAllEditors');
        await testing.story.open();
        const moved = `${chapter.fsPath}.moved`;
        await rename(chapter.fsPath, moved);
        try {
          const gone = await testing.story.request('history.openChapter', { id: entry.id });
          assert.ok(!gone.ok, JSON.stringify(gone));
          assert.equal(
            gone.error.message,
            `${chapterPath} is no longer in this workspace. Open the folder of the project “The Salt Road”, or restore the file, then choose Open Chapter again.`,
          );
          assert.equal(vscode.window.activeTextEditor, undefined);
        } finally {
          await rename(moved, chapter.fsPath);
        }
      } finally {
        testing.story.close();
      }
    }));

  it('Stop keeps the text written so far', async () => {
    const editor = await openChapter();
    const before = editor.document.getText();
    await setStreamRate(emu, 20);
    const inserted = nextInsertion(editor.document);
    const writing = vscode.commands.executeCommand<WriteResult>('storyteller.continueWriting');
    await inserted;
    assert.equal(await vscode.commands.executeCommand('storyteller.stopWriting'), true);
    const result = await writing;
    assert.equal(result.status, 'stopped', JSON.stringify(result));
    assert.ok(result.text.length > 0);
    assert.equal(editor.document.getText(), before + result.text, 'the partial text stays');
    assert.equal(await vscode.commands.executeCommand('storyteller.stopWriting'), false, 'nothing is writing now');
  });

  it('Show Context lists the codex entry that fired, with its key', async () => {
    await openChapter();
    const uri = await vscode.commands.executeCommand<vscode.Uri>('storyteller.showContext');
    assert.ok(uri, 'a context document opened');
    const doc = await vscode.workspace.openTextDocument(uri);
    const text = doc.getText();
    assert.match(text, /^# Context at chapters\/chapter-01\.md, line 7/);
    assert.match(text, /- \*\*Mira Vell\*\* \(character\): key "Vell" · \d+ tokens · `codex\/mira-vell\.md`/);
    assert.match(text, /### Mira Vell \(character\)/);
    assert.match(text, /Mira Vell stepped onto the quay and\n```/);
  });

  it('prompt caching (#26): Show Context says where the cache point is, and a second Continue reads the bible from the cache', async () => {
    const showContext = async () => {
      const uri = await vscode.commands.executeCommand<vscode.Uri>('storyteller.showContext');
      return (await vscode.workspace.openTextDocument(uri)).getText();
    };
    await openChapter();
    // The scaffold's bible is short: below the model's minimum.
    assert.match(
      await showContext(),
      /## Cache point\n\nNone: the system part is [\d,]+ tokens, below the 1,000 tokens/,
    );
    const storyFile = join(root, 'story.md');
    const bible = 'The salt road runs from the marsh to the mountains, and every toll on it is paid in salt. ';
    await writeFile(storyFile, `${await readFile(storyFile, 'utf8')}\n${bible.repeat(60)}\n`);
    let text = '';
    await eventually('Show Context places the cache point', async () =>
      /## Cache point\n\nAfter the system part/.test((text = await showContext())),
    );
    assert.match(text, /\*\[cache point after system block 1\]\*/);
    await openChapter();
    const first = await vscode.commands.executeCommand<WriteResult>('storyteller.continueWriting');
    assert.equal(first.status, 'done', JSON.stringify(first));
    assert.match(first.usageLabel ?? '', /\(0 read from the cache, [\d,]+ written to it\)/);
    const second = await vscode.commands.executeCommand<WriteResult>('storyteller.continueWriting');
    assert.equal(second.status, 'done', JSON.stringify(second));
    assert.match(second.usageLabel ?? '', /\([\d,]+ read from the cache, 0 written to it\)/);
  });

  it('a malformed codex file is a diagnostic on its line in the Problems panel', async () => {
    const broken = vscode.Uri.file(join(root, 'codex', 'broken.md'));
    const changed = new Promise<void>((resolve) => {
      const sub = vscode.languages.onDidChangeDiagnostics((e) => {
        if (e.uris.some((u) => u.fsPath === broken.fsPath) && vscode.languages.getDiagnostics(broken).length > 0) {
          sub.dispose();
          resolve();
        }
      });
    });
    await writeFile(broken.fsPath, '---\nname: Broken\nkind: place: cave\nkeys: [b]\n---\nText.\n');
    // The watcher sees the new file; opening it is how a writer would look at it anyway.
    await vscode.window.showTextDocument(broken, { preview: false });
    await changed;
    const [d] = vscode.languages.getDiagnostics(broken);
    assert.equal(d!.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(d!.source, 'Storyteller');
    assert.equal(d!.range.start.line, 2);
    assert.equal(d!.range.start.character, 6);
    assert.match(d!.message, /not valid YAML/);
    await eventually('the other files have no diagnostics', () =>
      vscode.languages.getDiagnostics(chapter).every((x) => x.source !== 'Storyteller'),
    );
  });
});
