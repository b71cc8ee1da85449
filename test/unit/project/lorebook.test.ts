// Lorebooks from other tools → codex entries: each format's fields (every secondary-key logic,
// regex keys, disabled and constant entries), the report of what did not map, one clear sentence
// for a malformed file, the limits, and export → import giving back the same codex.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportLorebookV3 } from '../../../src/core/project/lorebook/cardV3';
import { codexFileName, codexFileText } from '../../../src/core/project/lorebook/codexFiles';
import { detectFormat, importLorebook } from '../../../src/core/project/lorebook/importLorebook';
import { LOREBOOK_LIMITS, LorebookError } from '../../../src/core/project/lorebook/mapping';
import type { ImportedEntry, LorebookImport } from '../../../src/core/project/lorebook/mapping';
import { renderImportReport } from '../../../src/core/project/lorebook/report';
import { parseCodexFile } from '../../../src/core/project/parse';
import { buildProject } from '../../../src/core/project/project';
import { projectScaffold } from '../../../src/core/project/scaffold';

const fixture = (name: string) => readFileSync(join(__dirname, '../../fixtures/lorebooks', name), 'utf8');

const entry = (over: Partial<ImportedEntry>): ImportedEntry => ({
  name: '',
  kind: 'lore',
  keys: [],
  secondaryKeys: [],
  logic: 'any',
  always: false,
  priority: 0,
  enabled: true,
  caseSensitive: false,
  wholeWords: true,
  body: '',
  ...over,
});

/** "field@entry" for each report line, to compare sets. */
const fields = (r: LorebookImport['unmapped']) => r.map((l) => `${l.field}@${l.entry}`).sort();

describe('lorebook import', () => {
  it('SillyTavern World Info: keys, each secondary logic, constant, order, disabled, regex keys', () => {
    const result = importLorebook(fixture('sillytavern-world-info.json'));
    assert.equal(result.format, 'sillyTavern');
    assert.deepEqual(result.entries, [
      entry({
        name: 'Mira Vell',
        keys: ['Mira', 'Vell'],
        priority: 100,
        body: "Mira Vell is the harbour pilot's daughter; she reads tides like other people read faces.",
      }),
      entry({
        name: 'The Lighthouse at night',
        keys: ['lighthouse'],
        secondaryKeys: ['storm', 'night'],
        logic: 'all',
        priority: 50,
        body: 'In storms the lighthouse keeper lights the green lamp, not the white one.',
      }),
      entry({
        name: 'Harbour without fog',
        keys: ['harbour'],
        secondaryKeys: ['fog'],
        logic: 'not any',
        priority: 10,
        body: 'On clear days the harbour smells of tar and oranges.',
      }),
      entry({
        name: 'Ferry, not all',
        keys: ['ferry'],
        secondaryKeys: ['late', 'rain'],
        logic: 'not all',
        priority: 5,
        enabled: false,
        body: 'The ferry is never late unless it rains and the pilot is ill.',
      }),
      entry({
        name: 'The Salt Road',
        keys: ['/salt[- ]road/i'],
        always: true,
        priority: 200,
        caseSensitive: true,
        wholeWords: false,
        body: 'The Salt Road runs from the harbour to the mines of Orl.',
      }),
    ]);
    // Position 0/1, depth without @depth, probability 100 and empty fields are not reported.
    assert.deepEqual(fields(result.unmapped), [
      'depth@#2 "The Lighthouse at night"',
      'group@#4 "Ferry, not all"',
      'position@#2 "The Lighthouse at night"',
      'probability@#3 "Harbour without fog"',
    ]);
    assert.deepEqual(result.skipped, []);
  });

  it('Character Card V3 lorebook_v3: use_regex keys, ignored secondary keys, extensions, decorators', () => {
    const result = importLorebook(fixture('lorebook-v3.json'));
    assert.equal(result.format, 'lorebookV3');
    assert.deepEqual(result.entries, [
      entry({
        name: 'Mines of Orl',
        keys: ['Orl', 'the mines'],
        secondaryKeys: ['flood'],
        priority: 20,
        body: 'The mines of Orl closed after the flood; the tunnels still breathe.',
      }),
      entry({
        name: 'Tide tables',
        keys: ['/tide ?tables?/i'],
        priority: 3,
        enabled: false,
        body: 'Tide tables are printed in the harbour office every Sunday.',
      }),
      entry({
        name: 'Captain Ashe',
        keys: ['Captain Ashe'],
        secondaryKeys: ['debt'],
        logic: 'not any',
        priority: 7,
        body: '@@depth 2\nCaptain Ashe owes the harbour master money.',
      }),
    ]);
    assert.deepEqual(fields(result.unmapped), [
      'content@#3 "Captain Ashe"',
      'extensions.depth@#2 "Tide tables"',
      'extensions.position@#2 "Tide tables"',
      'priority@#3 "Captain Ashe"',
      'recursive_scanning@(lorebook)',
      'scan_depth@(lorebook)',
      'secondary_keys@#2 "Tide tables"',
      'token_budget@(lorebook)',
    ]);
  });

  it("a character card's embedded lorebook (data.character_book)", () => {
    const result = importLorebook(fixture('character-card-v3.json'));
    assert.equal(result.format, 'characterCard');
    assert.deepEqual(result.entries, [
      entry({
        name: 'The Gannet',
        keys: ['pilot boat'],
        always: true,
        priority: 1,
        body: 'The pilot boat is called the Gannet.',
      }),
    ]);
    assert.deepEqual(result.unmapped, []);
  });

  it('NovelAI .lorebook: regex keys, forceActivation, budgetPriority, contextConfig reported', () => {
    const result = importLorebook(fixture('novelai.lorebook'));
    assert.equal(result.format, 'novelAi');
    assert.deepEqual(result.entries, [
      entry({
        name: 'Orla',
        keys: ['Orla', '/keeper(s)?/i'],
        wholeWords: false,
        body: 'Orla keeps the lighthouse and hates visitors.',
      }),
      entry({
        name: 'Brinmouth',
        keys: ['Brinmouth'],
        always: true,
        enabled: false,
        priority: 50,
        wholeWords: false,
        body: 'The town of Brinmouth lies where the salt road meets the sea.',
      }),
    ]);
    // The first entry is at NovelAI's defaults: nothing reported for it.
    assert.deepEqual(fields(result.unmapped), [
      'categories@(lorebook)',
      'contextConfig.insertionPosition@#2 "Brinmouth"',
      'contextConfig.prefix@#2 "Brinmouth"',
      'contextConfig.suffix@#2 "Brinmouth"',
      'contextConfig.tokenBudget@#2 "Brinmouth"',
      'searchRange@#2 "Brinmouth"',
    ]);
  });

  const malformed: [string, string, LorebookError['code'], RegExp][] = [
    ['not JSON', '{"entries": ', 'notJson', /^This file is not JSON \(.+\); SillyTavern World Info/],
    ['unknown JSON', '{"hello": 1}', 'unknownFormat', /not a lorebook Storyteller reads/],
    ['a list', '[1, 2]', 'unknownFormat', /not a lorebook Storyteller reads/],
    [
      'SillyTavern with a wrong key list',
      '{"entries": {"7": {"key": {"a": 1}, "content": "x"}}}',
      'invalid',
      /^This looks like a SillyTavern World Info file, but the field entries → 7 → key is wrong: .+\. Export it again/,
    ],
    [
      'SillyTavern with an unknown logic',
      '{"entries": {"0": {"key": ["a"], "selectiveLogic": 4}}}',
      'invalid',
      /SillyTavern World Info file, but the field entries → 0 → selectiveLogic is wrong/,
    ],
    [
      'lorebook_v3 without entries',
      '{"spec": "lorebook_v3", "data": {}}',
      'invalid',
      /^This looks like a Character Card V3 lorebook \(lorebook_v3\), but the field data → entries is wrong/,
    ],
    ['a card without a lorebook', '{"spec": "chara_card_v3", "data": {"name": "x"}}', 'noCharacterBook', /no lorebook/],
    [
      'NovelAI with text that is a number',
      '{"lorebookVersion": 5, "entries": [{"text": 5, "keys": []}]}',
      'invalid',
      /^This looks like a NovelAI lorebook, but the field entries → 0 → text is wrong/,
    ],
  ];
  for (const [title, text, code, message] of malformed)
    it(`malformed: ${title} is one sentence naming the format`, () => {
      assert.throws(
        () => importLorebook(text),
        (e: unknown) => e instanceof LorebookError && e.code === code && message.test(e.message),
      );
    });

  it('limits: file size, entry count, key count and length, text length, priority range, invalid regex', () => {
    assert.throws(() => importLorebook(' '.repeat(LOREBOOK_LIMITS.fileBytes + 1)), { code: 'tooLarge' });
    const many = {
      entries: Object.fromEntries(Array.from({ length: LOREBOOK_LIMITS.entries + 1 }, (_, i) => [i, {}])),
    };
    assert.throws(() => importLorebook(JSON.stringify(many)), /has 2,001 entries; a codex may hold at most 2,000/);
    const keys = [...Array.from({ length: 55 }, (_, i) => `k${i}`), 'x'.repeat(101), '/[/', ''];
    const result = importLorebook(
      JSON.stringify({
        entries: {
          0: { key: keys, content: 'a', order: 5000, comment: 'Big' },
          1: { key: ['b'], content: 'b'.repeat(LOREBOOK_LIMITS.bodyChars + 1), comment: 'Huge' },
        },
      }),
    );
    assert.equal(result.entries.length, 1);
    assert.equal(result.entries[0]!.keys.length, 50);
    assert.equal(result.entries[0]!.priority, 1000);
    assert.deepEqual(
      result.unmapped.map((l) => l.why.replace(/:.*$/, '')).filter((w, i, a) => a.indexOf(w) === i),
      ['left out', 'priority is a whole number from -1,000 to 1,000; 1000 is used'],
    );
    assert.equal(result.unmapped.filter((l) => l.field === 'keys').length, 5 + 2);
    assert.match(result.skipped[0]!.why, /at most 49,152 characters; split it into several entries/);
  });

  it('an entry with no name is named by its first key', () => {
    const result = importLorebook(
      '{"entries": {"0": {"key": ["/x/", "Orla"], "content": "o"}, "1": {"content": "n"}}}',
    );
    assert.deepEqual(
      result.entries.map((e) => e.name),
      ['Orla', 'Entry 2'],
    );
  });

  it('detects each format by its shape', () => {
    assert.equal(detectFormat({ spec: 'lorebook_v3', data: {} }), 'lorebookV3');
    assert.equal(detectFormat({ spec: 'chara_card_v2', data: {} }), 'characterCard');
    assert.equal(detectFormat({ data: { character_book: {} } }), 'characterCard');
    assert.equal(detectFormat({ lorebookVersion: 5, entries: [] }), 'novelAi');
    assert.equal(detectFormat({ entries: {} }), 'sillyTavern');
    assert.equal(detectFormat({ entries: [] }), undefined);
  });

  it('the report lists counts, fields not mapped and entries not imported, table cells escaped', () => {
    const result = importLorebook(fixture('sillytavern-world-info.json'));
    const text = renderImportReport(result, { source: 'world.json', written: ['codex/mira-vell.md'] });
    assert.match(text, /^# Lorebook import: world\.json\n\nRead as a SillyTavern World Info file\./);
    assert.match(text, /- Codex entries written: 1\n- Entries not imported: 0\n- Fields not mapped: 4/);
    assert.match(text, /\| #2 "The Lighthouse at night" \| position \| 4 \| the codex has one place for entries/);
    const piped = renderImportReport(
      { ...result, unmapped: [{ entry: 'a|b', field: 'f', value: '"x\ny"', why: 'w' }] },
      { source: 's', written: [] },
    );
    assert.match(piped, /\| a\\\|b \| f \| "x y" \| w \|/);
  });
});

describe('codex files from imported entries', () => {
  it('file names are slugs inside codex/, never a path, never a reserved name', () => {
    assert.equal(codexFileName('Mira Vell', 1), 'codex/mira-vell.md');
    assert.equal(codexFileName('Mira Vell', 3), 'codex/mira-vell-3.md');
    assert.equal(codexFileName('../../etc/passwd', 1), 'codex/etc-passwd.md');
    assert.equal(codexFileName('..\\..\\x', 1), 'codex/x.md');
    assert.equal(codexFileName('/', 1), 'codex/untitled.md');
    assert.equal(codexFileName('CON', 1), 'codex/con-entry.md');
    assert.equal(codexFileName('Ærø: Café', 1), 'codex/ærø-cafe.md');
  });

  it('each imported entry written as a codex file parses back to itself, without diagnostics', () => {
    for (const name of [
      'sillytavern-world-info.json',
      'lorebook-v3.json',
      'character-card-v3.json',
      'novelai.lorebook',
    ])
      for (const e of importLorebook(fixture(name)).entries) {
        const parsed = parseCodexFile('codex/x.md', codexFileText(e));
        assert.deepEqual(parsed.diagnostics, [], `${name}: ${e.name}`);
        assert.deepEqual(parsed.value, { file: 'codex/x.md', ...e }, `${name}: ${e.name}`);
      }
    // Names and keys YAML would misread stay text.
    const odd = entry({ name: 'yes', keys: ['- x', '#tag', '123', 'a: b', '"q"'], body: '---\nnot front matter' });
    assert.deepEqual(parseCodexFile('codex/y.md', codexFileText(odd)).value, { file: 'codex/y.md', ...odd });
  });
});

describe('export as lorebook_v3', () => {
  const codexFiles = [
    ...projectScaffold('The Salt Road').filter((f) => f.file.startsWith('codex/')),
    ...importLorebook(fixture('sillytavern-world-info.json')).entries.map((e, i) => ({
      file: `codex/st-${i}.md`,
      text: codexFileText(e),
    })),
    ...importLorebook(fixture('novelai.lorebook')).entries.map((e, i) => ({
      file: `codex/nai-${i}.md`,
      text: codexFileText(e),
    })),
    {
      file: 'codex/people/ashe.md',
      text: '---\nname: Captain Ashe\nkind: character\nkeys: [Ashe, "/capt(ain)?\\\\.? ashe/i"]\nsecondaryKeys: [debt]\nlogic: not all\nalways: true\npriority: -3\nenabled: false\ncaseSensitive: true\nwholeWords: false\n---\nOwes money.\n',
    },
  ];

  it('export → import gives back the same codex (every field, every logic, regex keys, disabled entries)', () => {
    const project = buildProject([{ file: 'story.md', text: '---\ntitle: T\n---\n' }, ...codexFiles], 'salt');
    assert.deepEqual(project.diagnostics, []);
    assert.equal(project.codex.length, 1 + 5 + 2 + 1);
    assert.deepEqual(
      [...new Set(project.codex.map((e) => e.logic))].sort(),
      ['all', 'any', 'not all', 'not any'],
      'the table covers each logic',
    );
    const json = exportLorebookV3('The Salt Road', project.codex);
    const back = importLorebook(json);
    assert.equal(back.format, 'lorebookV3');
    assert.deepEqual(back.unmapped, []);
    assert.deepEqual(back.skipped, []);
    assert.deepEqual(
      back.entries,
      project.codex.map(({ file: _file, ...e }) => e),
    );
    // Written again as files, the codex parses to what it was.
    const again = buildProject(
      [
        { file: 'story.md', text: '' },
        ...back.entries.map((e, i) => ({ file: project.codex[i]!.file, text: codexFileText(e) })),
      ],
      'salt',
    );
    assert.deepEqual(again.codex, project.codex);
  });

  it('writes the spec fields and the logic where SillyTavern reads it', () => {
    const book = JSON.parse(exportLorebookV3('T', buildProject(codexFiles, 't').codex)) as {
      spec: string;
      data: { name: string; entries: Record<string, unknown>[] };
    };
    assert.equal(book.spec, 'lorebook_v3');
    assert.equal(book.data.name, 'T');
    const ashe = book.data.entries.find((e) => e['name'] === 'Captain Ashe')!;
    assert.deepEqual(ashe, {
      keys: ['Ashe', '/capt(ain)?\\.? ashe/i'],
      content: 'Owes money.',
      extensions: { selectiveLogic: 1, match_whole_words: false, storyteller: { kind: 'character' } },
      enabled: false,
      insertion_order: -3,
      case_sensitive: true,
      use_regex: false,
      constant: true,
      name: 'Captain Ashe',
      priority: -3,
      // Codex paths in order: mira-vell, nai-0, nai-1, people/ashe.
      id: 4,
      comment: 'Captain Ashe',
      selective: true,
      secondary_keys: ['debt'],
      position: 'before_char',
    });
  });
});
