// The loader on a real folder: what it reads, what an open editor's unsaved text replaces, what
// it leaves out unread, and the project root found from any file inside.
import * as assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findProjectRoot, loadProject, relativeFile } from '../../../src/core/project/loader';
import { LIMITS } from '../../../src/core/project/model';

describe('project loader', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'storyteller-project-'));
    await mkdir(join(root, 'codex', 'people'), { recursive: true });
    await mkdir(join(root, 'chapters'), { recursive: true });
    await mkdir(join(root, 'codex', '.hidden'), { recursive: true });
    await writeFile(join(root, 'story.md'), '---\ntitle: Salt\n---\nBible.');
    await writeFile(join(root, 'codex', 'people', 'mira.md'), '---\nkind: character\n---\nMira.');
    await writeFile(join(root, 'codex', 'notes.txt'), 'not an entry');
    await writeFile(join(root, 'codex', '.hidden', 'x.md'), 'hidden');
    await writeFile(join(root, 'codex', 'huge.md'), 'x'.repeat(LIMITS.codexBytes + 10));
    await writeFile(join(root, 'chapters', 'chapter-1.md'), '---\ntitle: One\n---\nProse.');
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('reads story.md, codex/** and chapters/**, skipping hidden and non-Markdown files', async () => {
    const p = await loadProject(root);
    assert.equal(p.story.settings.title, 'Salt');
    assert.deepEqual(
      p.codex.map((c) => [c.file, c.name]),
      [['codex/people/mira.md', 'mira']],
    );
    assert.deepEqual(
      p.chapters.map((c) => c.title),
      ['One'],
    );
    assert.deepEqual(
      p.diagnostics.map((d) => [d.file, d.code]),
      [['codex/huge.md', 'fileTooLarge']],
    );
  });

  it("an open editor's unsaved text counts instead of the file's", async () => {
    const p = await loadProject(root, {
      overlay: (file) => (file === 'chapters/chapter-1.md' ? '---\ntitle: [\n---\nEdited.' : undefined),
    });
    assert.equal(p.chapters[0]!.body, 'Edited.');
    assert.ok(p.diagnostics.some((d) => d.file === 'chapters/chapter-1.md' && d.code === 'yaml'));
  });

  it('finds the root from a file at any depth, and nothing outside a project', async () => {
    assert.equal(await findProjectRoot(join(root, 'codex', 'people', 'mira.md')), root);
    assert.equal(await findProjectRoot(join(root, 'story.md')), root);
    assert.equal(await findProjectRoot(join(tmpdir(), 'no-such-project', 'x.md')), undefined);
    assert.equal(relativeFile(root, join(root, 'codex', 'people', 'mira.md')), 'codex/people/mira.md');
  });
});
