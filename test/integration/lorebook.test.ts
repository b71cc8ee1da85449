// Lorebooks in a real extension host: Import Lorebook writes a SillyTavern World Info file and a
// character card PNG into a story project's codex (one file per entry, never over an existing
// one), the files parse without diagnostics, an imported entry fires in Show Context, and Export
// Codex as Lorebook → Import into a new project gives back the same codex.
import * as assert from 'node:assert/strict';
import { readFile, rm, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as vscode from 'vscode';
import { loadProject } from '../../src/core/project/loader';
import { parseCodexFile } from '../../src/core/project/parse';
import { projectScaffold } from '../../src/core/project/scaffold';
import { activate } from './prompter';

interface ImportResult {
  format: string;
  written: string[];
  skipped: number;
  unmapped: number;
  report: vscode.Uri;
}

const FIXTURES = resolve(__dirname, '../../../test/fixtures/lorebooks');

describe('Lorebooks in VS Code', function () {
  // Show Context's first run loads dist/project.js; on a busy shared 2-core machine that took 48 s.
  this.timeout(120_000);
  let base: string;
  let root: string;

  before(async () => {
    await activate();
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    assert.ok(folder, 'the host opens a workspace folder');
    base = join(folder, `lore-${Date.now().toString(36)}`);
    root = join(base, 'harbour');
    await mkdir(root, { recursive: true });
    await vscode.commands.executeCommand('storyteller.newStoryProject', { folder: root, title: 'The Harbour' });
  });

  after(async () => {
    await vscode.workspace.saveAll(true);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await rm(base, { recursive: true, force: true });
  });

  it('Import Lorebook writes one codex file per SillyTavern entry, never over an existing file', async () => {
    const scaffolded = await readFile(join(root, 'codex', 'mira-vell.md'), 'utf8');
    const result = await vscode.commands.executeCommand<ImportResult>('storyteller.importLorebook', {
      root,
      file: join(FIXTURES, 'sillytavern-world-info.json'),
    });
    assert.equal(result.format, 'sillyTavern');
    assert.deepEqual(result.written, [
      // The project already has a codex/mira-vell.md: it is left as it was.
      'codex/mira-vell-2.md',
      'codex/the-lighthouse-at-night.md',
      'codex/harbour-without-fog.md',
      'codex/ferry-not-all.md',
      'codex/the-salt-road.md',
    ]);
    assert.equal(result.skipped, 0);
    assert.equal(result.unmapped, 4);
    assert.equal(await readFile(join(root, 'codex', 'mira-vell.md'), 'utf8'), scaffolded);
    for (const file of result.written) {
      const parsed = parseCodexFile(file, await readFile(join(root, ...file.split('/')), 'utf8'));
      assert.deepEqual(parsed.diagnostics, [], file);
      assert.ok(parsed.value, file);
    }
    const lighthouse = parseCodexFile(
      'x.md',
      await readFile(join(root, 'codex', 'the-lighthouse-at-night.md'), 'utf8'),
    );
    assert.deepEqual(lighthouse.value?.secondaryKeys, ['storm', 'night']);
    assert.equal(lighthouse.value?.logic, 'all');
    // The report is a read-only document with what did not map.
    const report = await vscode.workspace.openTextDocument(result.report);
    assert.match(report.getText(), /- Codex entries written: 5\n- Entries not imported: 0\n- Fields not mapped: 4/);
    assert.match(report.getText(), /\| #3 "Harbour without fog" \| probability \| 40 \|/);
  });

  it('Import Lorebook reads a character card PNG (its ccv3 chunk) into the codex', async () => {
    // A project of its own, so the harbour's codex stays as the tests below expect it.
    const cards = join(base, 'cards');
    await mkdir(cards, { recursive: true });
    const story = projectScaffold('Cards').find((f) => f.file === 'story.md')!;
    await vscode.workspace.fs.writeFile(vscode.Uri.file(join(cards, 'story.md')), new TextEncoder().encode(story.text));
    const result = await vscode.commands.executeCommand<ImportResult>('storyteller.importLorebook', {
      root: cards,
      file: join(FIXTURES, 'character-card-v3.png'),
    });
    assert.equal(result.format, 'characterCard');
    assert.deepEqual(result.written, ['codex/the-gannet.md']);
    const gannet = parseCodexFile('x.md', await readFile(join(cards, 'codex', 'the-gannet.md'), 'utf8'));
    assert.deepEqual(gannet.value?.keys, ['pilot boat']);
    assert.equal(gannet.value?.body.trim(), 'The pilot boat is called the Gannet.');
  });

  it('an imported entry fires in Show Context; a disabled one does not', async () => {
    const chapter = vscode.Uri.file(join(root, 'chapters', 'chapter-01.md'));
    const doc = await vscode.workspace.openTextDocument(chapter);
    const editor = await vscode.window.showTextDocument(doc, { preview: false });
    const prose =
      '---\ntitle: Chapter 1\nsummary: ""\n---\nThe ferry was late. On a storm night the harbour lay quiet and the lighthouse stood dark.';
    await editor.edit((b) => b.replace(new vscode.Range(0, 0, doc.lineCount, 0), prose));
    await doc.save();
    const end = doc.positionAt(doc.getText().length);
    editor.selection = new vscode.Selection(end, end);
    const uri = await vscode.commands.executeCommand<vscode.Uri>('storyteller.showContext');
    assert.ok(uri, 'a context document opened');
    const text = (await vscode.workspace.openTextDocument(uri)).getText();
    assert.match(
      text,
      /- \*\*The Lighthouse at night\*\* \(lore\): key "lighthouse" · \d+ tokens · `codex\/the-lighthouse-at-night\.md`/,
    );
    assert.match(text, /- \*\*Harbour without fog\*\* \(lore\): key "harbour"/);
    assert.match(text, /The Salt Road runs from the harbour to the mines of Orl\./, 'the constant entry is always on');
    assert.doesNotMatch(text, /Ferry, not all/, 'the disabled entry does not fire');
  });

  it('Export Codex as Lorebook, then Import into a new project, gives back the same codex', async () => {
    const file = join(base, 'harbour.lorebook.json');
    const exported = await vscode.commands.executeCommand<{ file: string; entries: number }>(
      'storyteller.exportCodexAsLorebook',
      { root, file },
    );
    assert.deepEqual(exported, { file, entries: 6 });
    const json = JSON.parse(await readFile(file, 'utf8')) as { spec: string; data: { entries: unknown[] } };
    assert.equal(json.spec, 'lorebook_v3');
    assert.equal(json.data.entries.length, 6);

    // A second project whose codex starts empty.
    const other = join(base, 'copy');
    await mkdir(join(other, 'codex'), { recursive: true });
    const story = projectScaffold('Copy').find((f) => f.file === 'story.md')!;
    await vscode.workspace.fs.writeFile(vscode.Uri.file(join(other, 'story.md')), new TextEncoder().encode(story.text));
    const again = await vscode.commands.executeCommand<ImportResult>('storyteller.importLorebook', {
      root: other,
      file,
    });
    assert.equal(again.format, 'lorebookV3');
    assert.equal(again.unmapped, 0);
    assert.equal(again.skipped, 0);
    // The same entries; files of the same name may swap ("mira-vell" and "mira-vell-2"), so compared as a set.
    const strip = (p: Awaited<ReturnType<typeof loadProject>>) =>
      p.codex.map(({ file: _f, ...e }) => JSON.stringify(e)).sort();
    const [first, second] = [await loadProject(root), await loadProject(other)];
    assert.deepEqual(second.diagnostics, []);
    assert.deepEqual(strip(second), strip(first));
  });
});
