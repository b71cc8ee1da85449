// The demo's sample project (scripts/demo-project) is what a person tries first: it must load
// without a diagnostic, and Continue Writing at the end of chapter 2 must use its codex.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { assembleContext } from '../../../src/core/project/assemble';
import { loadProject } from '../../../src/core/project/loader';

const root = join(__dirname, '../../../scripts/demo-project/the-salt-road');

describe('the demo sample project', () => {
  it('loads without a diagnostic: a bible, five codex entries, two chapters', async () => {
    const p = await loadProject(root);
    assert.deepEqual(p.diagnostics, []);
    assert.equal(p.story.settings.title, 'The Salt Road');
    assert.equal(p.codex.length, 5);
    assert.equal(p.chapters.length, 2);
  });

  it('at the end of chapter 2: the always-on lore, Mira, Bram, the bell and (through Bram) the harbour, and chapter 1 as "previously"', async () => {
    const p = await loadProject(root);
    const chapter = p.chapters.find((c) => c.file === 'chapters/chapter-02.md')!;
    const c = assembleContext({ project: p, chapterFile: chapter.file, textBefore: chapter.body });
    assert.deepEqual(
      c.always.map((e) => e.name),
      ['Salt Oaths'],
    );
    assert.deepEqual(c.entries.map((e) => e.name).sort(), [
      'Captain Bram Hale',
      'Mira Vell',
      'Saltmarsh Harbour',
      'The Tide Bell',
    ]);
    // The harbour is not in the chapter's last lines: the captain's entry mentions it (recursion).
    assert.equal(c.entries.find((e) => e.name === 'Saltmarsh Harbour')?.via, 'Captain Bram Hale');
    assert.deepEqual(
      c.previously.map((s) => s.title),
      ["The Keeper's Daughter"],
    );
    assert.deepEqual(c.leftOut, []);
  });
});
