// Project files → their shapes, and every problem as a diagnostic with its file and 0-based line:
// broken YAML, wrong fields, unknown fields, invalid keys, and the size and count limits.
import * as assert from 'node:assert/strict';
import { splitFrontMatter } from '../../../src/core/project/frontMatter';
import { DEFAULTS, LIMITS } from '../../../src/core/project/model';
import { parseChapterFile, parseCodexFile, parseStoryFile } from '../../../src/core/project/parse';
import { buildProject, comparePaths } from '../../../src/core/project/project';
import { codexScaffold, projectScaffold, slug } from '../../../src/core/project/scaffold';

const where = (d: readonly { line: number; code: string; severity: string }[]) =>
  d.map((x) => `${x.line}:${x.code}:${x.severity}`);

describe('front matter', () => {
  const table: [string, string, { yaml: string | undefined; body: string; bodyLine: number; unclosed: boolean }][] = [
    ['none', 'Just prose.\n', { yaml: undefined, body: 'Just prose.\n', bodyLine: 0, unclosed: false }],
    ['fields', '---\na: 1\n---\nBody\n', { yaml: 'a: 1\n', body: 'Body\n', bodyLine: 3, unclosed: false }],
    ['CRLF', '---\r\na: 1\r\n---\r\nBody', { yaml: 'a: 1\r\n', body: 'Body', bodyLine: 3, unclosed: false }],
    ['byte-order mark', '\uFEFF---\na: 1\n---\nB', { yaml: 'a: 1\n', body: 'B', bodyLine: 3, unclosed: false }],
    ['closed by ...', '---\na: 1\n...\nB', { yaml: 'a: 1\n', body: 'B', bodyLine: 3, unclosed: false }],
    ['empty', '---\n---\nB', { yaml: '', body: 'B', bodyLine: 2, unclosed: false }],
    ['at end of file', '---\na: 1\n---', { yaml: 'a: 1\n', body: '', bodyLine: 2, unclosed: false }],
    ['unclosed', '---\na: 1\nB', { yaml: undefined, body: '---\na: 1\nB', bodyLine: 0, unclosed: true }],
    [
      'a rule later is not front matter',
      'Text\n---\nMore',
      { yaml: undefined, body: 'Text\n---\nMore', bodyLine: 0, unclosed: false },
    ],
  ];
  for (const [title, text, expected] of table) {
    it(title, () => {
      const s = splitFrontMatter(text);
      assert.deepEqual({ yaml: s.yaml, body: s.body, bodyLine: s.bodyLine, unclosed: s.unclosed }, expected);
    });
  }
});

describe('story.md', () => {
  it('reads every field, and the body is the bible', () => {
    const { value, diagnostics } = parseStoryFile(
      'story.md',
      '---\ntitle: The Salt Road\ngenre: fantasy\naudience: adults\ntone: wry\nstyle: past tense\nmodel: amazon.nova-pro-v1:0\ncontextBudget: 4000\nscanTokens: 300\nrecursionDepth: 1\ncontinueTokens: 200\ntemperature: 0.5\n---\n# Bible\nSalt is money.\n',
      'folder',
    );
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(value.settings, {
      title: 'The Salt Road',
      genre: 'fantasy',
      audience: 'adults',
      tone: 'wry',
      style: 'past tense',
      model: 'amazon.nova-pro-v1:0',
      contextBudget: 4000,
      scanTokens: 300,
      recursionDepth: 1,
      continueTokens: 200,
      temperature: 0.5,
    });
    assert.equal(value.bible, '# Bible\nSalt is money.');
  });

  it('defaults: the folder names the project', () => {
    const { value, diagnostics } = parseStoryFile('story.md', 'Bible only.', 'my-novel');
    assert.deepEqual(diagnostics, []);
    assert.equal(value.settings.title, 'my-novel');
    assert.equal(value.settings.contextBudget, DEFAULTS.contextBudget);
    assert.equal(value.bible, 'Bible only.');
  });

  it('a wrong field is an error on its line and falls back to its default; the others count', () => {
    const { value, diagnostics } = parseStoryFile(
      'story.md',
      '---\ntitle: T\ncontextBudget: "8,000"\ntone: dark\n---\n',
      'f',
    );
    assert.deepEqual(where(diagnostics), ['2:invalidField:error']);
    assert.match(diagnostics[0]!.message, /"contextBudget" must be a whole number from 500 to 200,000; it is "8,000"/);
    assert.equal(value.settings.contextBudget, DEFAULTS.contextBudget);
    assert.equal(value.settings.tone, 'dark');
  });

  const wrong: [string, string, number][] = [
    ['budget below the minimum', 'contextBudget: 10', 1],
    ['budget above the maximum', 'contextBudget: 999999', 1],
    ['temperature above 1', 'temperature: 2', 1],
    ['model with spaces', 'model: my model', 1],
    ['recursion too deep', `recursionDepth: ${LIMITS.recursionDepthMax + 1}`, 1],
    ['title as a list', 'title: [a, b]', 1],
  ];
  for (const [title, line, at] of wrong) {
    it(`${title} → an error at line ${at}`, () => {
      const { diagnostics } = parseStoryFile('story.md', `---\n${line}\n---\n`, 'f');
      assert.deepEqual(where(diagnostics), [`${at}:invalidField:error`]);
      assert.equal(diagnostics[0]!.file, 'story.md');
    });
  }

  it('an unknown field is a warning naming the known ones', () => {
    const { diagnostics } = parseStoryFile('story.md', '---\ntitle: T\n\ngenere: fantasy\n---\n', 'f');
    assert.deepEqual(where(diagnostics), ['3:unknownField:warning']);
    assert.match(diagnostics[0]!.message, /"genere".*Known fields: title, genre/);
  });
});

describe('codex entries', () => {
  it('reads every field', () => {
    const { value, diagnostics } = parseCodexFile(
      'codex/people/mira.md',
      '---\nname: Mira Vell\nkind: character\nkeys: [Mira, "/Vell(e)?/i"]\nsecondaryKeys: harbour\nlogic: not all\nalways: false\npriority: 5\nenabled: true\ncaseSensitive: true\nwholeWords: false\n---\nThe keeper.\n',
    );
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(value, {
      file: 'codex/people/mira.md',
      name: 'Mira Vell',
      kind: 'character',
      keys: ['Mira', '/Vell(e)?/i'],
      secondaryKeys: ['harbour'],
      logic: 'not all',
      always: false,
      priority: 5,
      enabled: true,
      caseSensitive: true,
      wholeWords: false,
      body: 'The keeper.',
    });
  });

  it('without front matter: named by its file, its name is its key', () => {
    const { value } = parseCodexFile('codex/Old Harbour.md', 'Fog.');
    assert.equal(value?.name, 'Old Harbour');
    assert.deepEqual(value?.keys, ['Old Harbour']);
    assert.equal(value?.kind, 'other');
  });

  it('numbers as keys are read as text', () => {
    assert.deepEqual(parseCodexFile('codex/y.md', '---\nkeys: [1984, Orwell]\n---\n').value?.keys, ['1984', 'Orwell']);
  });

  it('broken YAML: an error on the line of the problem, and the entry never fires', () => {
    const { value, diagnostics } = parseCodexFile(
      'codex/bad.md',
      '---\nname: Bad\nkeys: [a, b\nkind: place\n---\nText\n',
    );
    assert.equal(value, undefined);
    assert.ok(diagnostics.length > 0);
    assert.ok(diagnostics.every((d) => d.code === 'yaml' && d.severity === 'error' && d.file === 'codex/bad.md'));
    assert.ok(
      diagnostics.some((d) => d.line === 2 || d.line === 3),
      JSON.stringify(diagnostics),
    );
  });

  it('a value that is itself "a: b" is an error at its line and column', () => {
    const { diagnostics } = parseCodexFile('codex/n.md', '---\nname: N\nkind: place: cave\n---\n');
    assert.deepEqual(
      diagnostics.map((d) => [d.line, d.column, d.code]),
      [[2, 6, 'yaml']],
    );
  });

  it('a duplicate field is an error on the second one', () => {
    const { diagnostics } = parseCodexFile('codex/d.md', '---\nname: A\nname: B\n---\n');
    assert.deepEqual(where(diagnostics), ['2:yaml:error']);
  });

  it('a list instead of fields is an error', () => {
    const { value, diagnostics } = parseCodexFile('codex/l.md', '---\n- a\n- b\n---\n');
    assert.equal(value, undefined);
    assert.deepEqual(where(diagnostics), ['1:notAMapping:error']);
  });

  it('an unclosed front matter is an error at line 0', () => {
    assert.deepEqual(where(parseCodexFile('codex/u.md', '---\nname: U\n').diagnostics), [
      '0:unclosedFrontMatter:error',
    ]);
  });

  const fieldErrors: [string, string, number][] = [
    ['unknown kind', 'kind: hero', 2],
    ['unknown logic', 'logic: and', 2],
    ['priority not whole', 'priority: 1.5', 2],
    ['always as text', 'always: "yes"', 2],
    ['too many keys', `keys: [${Array.from({ length: LIMITS.keysPerEntry + 1 }, (_, i) => `k${i}`).join(', ')}]`, 2],
    ['a key too long', `keys: [${'x'.repeat(LIMITS.keyLength + 1)}]`, 2],
    ['an empty key', 'keys: ["  "]', 2],
  ];
  for (const [title, line, at] of fieldErrors) {
    it(`${title} → an error at line ${at}`, () => {
      const { diagnostics } = parseCodexFile('codex/e.md', `---\nname: E\n${line}\n---\n`);
      assert.deepEqual(where(diagnostics), [`${at}:invalidField:error`], JSON.stringify(diagnostics));
    });
  }

  it('an invalid regex key is an error on its own line; the other keys stay', () => {
    const { value, diagnostics } = parseCodexFile('codex/r.md', '---\nname: R\nkeys:\n  - good\n  - /(oops/\n---\n');
    assert.deepEqual(where(diagnostics), ['4:invalidKey:error']);
    assert.deepEqual(value?.keys, ['good']);
  });
});

describe('chapters', () => {
  it('reads title, summary and beats; the body keeps its line', () => {
    const { value, diagnostics } = parseChapterFile(
      'chapters/02.md',
      '---\ntitle: Fog\nsummary: Mira finds the bell.\nbeats:\n  - arrive\n  - ring\n---\nProse.\n',
    );
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(value, {
      file: 'chapters/02.md',
      title: 'Fog',
      summary: 'Mira finds the bell.',
      beats: ['arrive', 'ring'],
      body: 'Prose.\n',
      bodyLine: 7,
    });
  });

  it('broken front matter costs the metadata, never the prose', () => {
    const { value, diagnostics } = parseChapterFile('chapters/03.md', '---\ntitle: [\n---\nThe prose.');
    assert.equal(value.title, '03');
    assert.equal(value.body, 'The prose.');
    assert.ok(diagnostics.length > 0 && diagnostics.every((d) => d.severity === 'error'));
  });
});

describe('projects and limits', () => {
  it('orders chapters with numbers as numbers', () => {
    const p = buildProject(
      ['chapters/chapter-10.md', 'chapters/chapter-2.md', 'chapters/chapter-1.md'].map((file) => ({ file, text: 'x' })),
      'f',
    );
    assert.deepEqual(
      p.chapters.map((c) => c.file),
      ['chapters/chapter-1.md', 'chapters/chapter-2.md', 'chapters/chapter-10.md'],
    );
    assert.ok(comparePaths('a/2.md', 'a/10.md') < 0);
  });

  it('ignores files outside story.md, codex/ and chapters/, and non-Markdown files', () => {
    const p = buildProject(
      [
        { file: 'notes/x.md', text: 'x' },
        { file: 'codex/a.txt', text: 'x' },
        { file: 'codex/a.md', text: 'x' },
      ],
      'f',
    );
    assert.deepEqual(
      p.codex.map((c) => c.file),
      ['codex/a.md'],
    );
  });

  it('a codex entry over the size limit is left out with an error that says the limit', () => {
    const p = buildProject([{ file: 'codex/big.md', text: 'x'.repeat(LIMITS.codexBytes + 1) }], 'f');
    assert.equal(p.codex.length, 0);
    assert.deepEqual(where(p.diagnostics), ['0:fileTooLarge:error']);
    assert.match(p.diagnostics[0]!.message, /at most 64 KB/);
  });

  it('codex entries past the count limit are left out, with one warning on the first left out', () => {
    const files = Array.from({ length: LIMITS.codexEntries + 3 }, (_, i) => ({
      file: `codex/e${String(i).padStart(5, '0')}.md`,
      text: 'x',
    }));
    const p = buildProject(files, 'f');
    assert.equal(p.codex.length, LIMITS.codexEntries);
    assert.deepEqual(where(p.diagnostics), ['0:tooManyFiles:warning']);
    assert.equal(p.diagnostics[0]!.file, `codex/e${String(LIMITS.codexEntries).padStart(5, '0')}.md`);
  });

  it('a story.md over the size limit: defaults, and an error', () => {
    const p = buildProject([{ file: 'story.md', text: 'x'.repeat(LIMITS.storyBytes + 1) }], 'novel');
    assert.equal(p.story.settings.title, 'novel');
    assert.deepEqual(where(p.diagnostics), ['0:fileTooLarge:error']);
  });
});

describe('scaffold', () => {
  it('the new project parses without a diagnostic and has a bible, one entry and chapter 1', () => {
    const p = buildProject(projectScaffold('The "Salt" Road'), 'f');
    assert.deepEqual(p.diagnostics, []);
    assert.equal(p.story.settings.title, 'The "Salt" Road');
    assert.equal(p.codex.length, 1);
    assert.deepEqual(
      p.chapters.map((c) => c.file),
      ['chapters/chapter-01.md'],
    );
  });

  it('a new codex entry parses, named and keyed as asked', () => {
    const f = codexScaffold('Old Harbour: North', 'place');
    assert.equal(f.file, 'codex/old-harbour-north.md');
    const { value, diagnostics } = parseCodexFile(f.file, f.text);
    assert.deepEqual(diagnostics, []);
    assert.equal(value?.name, 'Old Harbour: North');
    assert.deepEqual(value?.keys, ['Old Harbour: North']);
    assert.equal(value?.kind, 'place');
  });

  const slugs: [string, string][] = [
    ['Mira Vell', 'mira-vell'],
    ['Åsa Öberg', 'asa-oberg'],
    ['../../etc/passwd', 'etc-passwd'],
    ['???', 'untitled'],
  ];
  for (const [title, expected] of slugs)
    it(`slug(${JSON.stringify(title)}) = ${expected}`, () => assert.equal(slug(title), expected));
});
