// Write Scene from Beat and Summarize Chapter, the pure parts: which text is the beat and where the
// scene goes, the request with the beat as its instruction, the summary's truncation rule and
// tidying, and the front-matter edit that sets `summary` and keeps every other byte.
import * as assert from 'node:assert/strict';
import { BEAT_MAX_CHARS, findBeat, sceneRequest, stripBeatMarks } from '../../../src/core/project/beat';
import { assembleContext } from '../../../src/core/project/assemble';
import { splitFrontMatter } from '../../../src/core/project/frontMatter';
import { buildProject } from '../../../src/core/project/project';
import { parseChapterFile } from '../../../src/core/project/parse';
import { BEAT_HEADING, OPENING_MESSAGE, SUMMARY_HEADING } from '../../../src/core/project/promptText';
import { projectRequest } from '../../../src/core/project/request';
import { SUMMARY_MAX_CHARS, fitProse, summaryRequest, tidySummary } from '../../../src/core/project/summary';
import { applyTextEdit, summaryEdit } from '../../../src/core/project/summaryEdit';
import { estimateTokens } from '../../../src/core/story/usage/usage';

describe('Write Scene from Beat: the beat', () => {
  const marks: [string, string][] = [
    ['Mira finds the map', 'Mira finds the map'],
    ['  - Mira finds the map  ', 'Mira finds the map'],
    ['* Mira finds the map', 'Mira finds the map'],
    ['3. Mira finds the map', 'Mira finds the map'],
    ['- [ ] Mira finds the map', 'Mira finds the map'],
    ['> Beat: Mira finds the map', 'Mira finds the map'],
    ['### Beat 2 — Mira finds the map', 'Mira finds the map'],
    ['<!-- beat: Mira finds the map -->', 'Mira finds the map'],
    ['**Mira finds the map**', 'Mira finds the map'],
    ['[Mira finds the map]', 'Mira finds the map'],
    ['_(Mira finds the map)_', 'Mira finds the map'],
    ['Beatrice laughs', 'Beatrice laughs'],
    ['- ', ''],
  ];
  for (const [line, beat] of marks)
    it(`${JSON.stringify(line)} is the beat ${JSON.stringify(beat)}`, () => assert.equal(stripBeatMarks(line), beat));

  const doc = '---\ntitle: One\n---\nThe ferry was late.\n\n- Mira finds the map\n\nThe end.\n';
  const body = doc.indexOf('The ferry');
  const beatAt = doc.indexOf('- Mira');

  it('the line at the cursor: the scene goes in after it, as a paragraph of its own', () => {
    const found = findBeat(doc, beatAt + 5, beatAt + 5, body);
    assert.ok(typeof found !== 'string');
    assert.equal(found.beat, 'Mira finds the map');
    assert.equal(found.beatStart, beatAt);
    assert.equal(found.insertAt, doc.indexOf('\n\nThe end.'));
    assert.deepEqual([found.lead, found.trail], ['\n\n', ''], 'a blank line already follows');
    assert.equal(doc.slice(body, found.beatStart), 'The ferry was late.\n\n', 'the text before the beat');
  });

  it('text on the very next line gets a blank line after the scene; CRLF line ends are respected', () => {
    const crlf = 'Start.\r\n- Mira finds the map\r\nNext line.\r\n';
    const found = findBeat(crlf, 10, 10, 0);
    assert.ok(typeof found !== 'string');
    assert.equal(found.insertAt, crlf.indexOf('\r\nNext'));
    assert.equal(found.trail, '\n');
    const last = findBeat('Start.\n\nMira finds the map', 12, 12, 0);
    assert.ok(typeof last !== 'string');
    assert.deepEqual([last.insertAt, last.trail], ['Start.\n\nMira finds the map'.length, '']);
  });

  it('a selection: its lines (marks off) are the beat, the scene goes after its last line', () => {
    const text = 'Before.\n- Mira finds the map\n- Bram burns it\nAfter.\n';
    const start = text.indexOf('Mira');
    const end = text.indexOf('After.'); // whole lines selected: ends at the next line's start
    const found = findBeat(text, end, start, 0);
    assert.ok(typeof found !== 'string');
    assert.equal(found.beat, 'Mira finds the map\nBram burns it');
    assert.equal(found.beatStart, text.indexOf('- Mira'));
    assert.equal(found.insertAt, text.indexOf('\nAfter.'));
  });

  it('refuses a blank line, the front matter and a beat too long', () => {
    assert.equal(findBeat(doc, doc.indexOf('\n\n- Mira') + 1, doc.indexOf('\n\n- Mira') + 1, body), 'noBeat');
    assert.equal(findBeat(doc, 5, 5, body), 'inFrontMatter');
    const long = `${'word '.repeat(BEAT_MAX_CHARS / 4)}`;
    assert.equal(findBeat(long, 0, long.length, 0), 'beatTooLong');
  });

  const project = buildProject(
    [
      { file: 'story.md', text: '---\ntitle: Salt\n---\nSalt is money.' },
      { file: 'codex/bram.md', text: '---\nname: Bram\nkind: character\nkeys: [Bram]\n---\nBram is a smuggler.\n' },
      { file: 'chapters/01.md', text: '---\ntitle: One\n---\nx' },
    ],
    'f',
  );

  it('the beat joins the scan window: an entry only the beat names fires', () => {
    const without = assembleContext({ project, chapterFile: 'chapters/01.md', textBefore: 'Mira waited.' });
    assert.deepEqual(
      without.entries.map((e) => e.name),
      [],
    );
    const context = assembleContext({
      project,
      chapterFile: 'chapters/01.md',
      textBefore: 'Mira waited.',
      instruction: 'Bram arrives',
    });
    assert.deepEqual(
      context.entries.map((e) => [e.name, e.key]),
      [['Bram', 'Bram']],
    );
  });

  it('the request: the text before the beat, then the beat as the last block of the last user message', () => {
    const context = assembleContext({
      project,
      chapterFile: 'chapters/01.md',
      textBefore: 'Mira waited.\n\n',
      instruction: 'Bram arrives',
    });
    const base = projectRequest(context, 'm', project.story.settings);
    const request = sceneRequest(base, 'Bram arrives');
    assert.deepEqual(request.system, base.system, 'the system part (and its cache point) is the same');
    const content = request.messages[request.messages.length - 1]!.content.map((b) => b.text);
    assert.equal(content.length, 2);
    assert.equal(content[0], 'Mira waited.');
    assert.ok(content[1]!.startsWith(`${BEAT_HEADING}\n`));
    assert.ok(content[1]!.endsWith('\n\nBram arrives'));
    // A beat at the chapter's start: no "(The chapter begins here…)" note before it.
    const empty = assembleContext({
      project,
      chapterFile: 'chapters/01.md',
      textBefore: '',
      instruction: 'Bram arrives',
    });
    const opening = sceneRequest(projectRequest(empty, 'm', project.story.settings), 'Bram arrives');
    const texts = opening.messages[0]!.content.map((b) => b.text);
    assert.equal(texts.length, 1);
    assert.ok(!texts.includes(OPENING_MESSAGE));
  });
});

describe('Summarize Chapter: what the model reads', () => {
  const para = (i: number) => `Paragraph ${i} ${'word '.repeat(20).trim()}.`;
  const prose = Array.from({ length: 30 }, (_, i) => para(i + 1)).join('\n\n');

  it('a chapter that fits goes whole (blank lines normalised)', () => {
    const fitted = fitProse('\n\nOne.\n \nTwo.\n\n\n', 1000);
    assert.deepEqual(fitted, { text: 'One.\n\nTwo.', paragraphs: 2, leftOut: 0 });
  });

  it('a long one: the first and last whole paragraphs that fit in half the room each, and a line for the rest', () => {
    const tokens = 200;
    const fitted = fitProse(prose, tokens);
    assert.ok(estimateTokens(fitted.text) <= tokens, `${estimateTokens(fitted.text)} tokens`);
    const parts = fitted.text.split('\n\n');
    assert.equal(parts[0], para(1));
    assert.equal(parts[parts.length - 1], para(30));
    const marker = parts.findIndex((p) => p.startsWith('[…'));
    assert.equal(parts[marker], `[… ${fitted.leftOut} paragraphs left out …]`);
    assert.deepEqual(
      parts.slice(0, marker),
      Array.from({ length: marker }, (_, i) => para(i + 1)),
      'whole paragraphs',
    );
    assert.equal(fitted.paragraphs, 30);
    assert.equal(parts.length - 1 + fitted.leftOut, 30, 'every paragraph is sent or counted');
  });

  it('a first paragraph longer than half the room is cut at a word', () => {
    const huge = `${'alpha '.repeat(400).trim()}.\n\nThe end.`;
    const fitted = fitProse(huge, 100);
    assert.ok(fitted.text.startsWith('alpha alpha'));
    assert.match(fitted.text, /alpha …\n\nThe end\.$/);
    assert.ok(estimateTokens(fitted.text) <= 100);
  });

  it("the request: the instructions and the story's settings, then the chapter under its heading", () => {
    const story = { settings: { title: 'Salt', genre: 'fantasy' }, bible: '' } as Parameters<typeof summaryRequest>[0];
    const plan = summaryRequest(story, { title: 'One', body: prose }, 'm', 500);
    assert.ok(plan);
    const [system] = plan.request.system;
    assert.ok(system && 'text' in system, 'one text block, no cache point');
    assert.equal(plan.request.system.length, 1);
    assert.match(system.text, /Title: Salt\nGenre: fantasy/);
    const text = plan.request.messages[0]!.content[0]!.text;
    assert.ok(text.startsWith(`${SUMMARY_HEADING} One\n\n${para(1)}`));
    assert.ok(plan.prose.leftOut > 0);
    const tokens = estimateTokens(system.text) + estimateTokens(text);
    assert.ok(tokens <= 500, `${tokens} tokens within the budget`);
    assert.equal(summaryRequest(story, { title: 'One', body: '\n \n' }, 'm', 500), undefined, 'no prose, no request');
  });

  it('the answer becomes one paragraph without a label or quotes, within the field limit', () => {
    assert.equal(tidySummary('  Summary: Mira\n\narrives.  '), 'Mira arrives.');
    assert.equal(tidySummary('“Mira arrives.”'), 'Mira arrives.');
    assert.equal(tidySummary('"Mira" said "no".'), '"Mira" said "no".');
    assert.ok(tidySummary('word '.repeat(10_000)).length <= SUMMARY_MAX_CHARS);
  });
});

describe('Summarize Chapter: the front-matter edit', () => {
  const SUMMARY = 'Mira Vell: arrives at the quay #1, and "finds" the map. '.repeat(3).trim();
  const cases: [string, string][] = [
    [
      'replaces a value, keeps its comment and the fields around it',
      '---\ntitle: A\nsummary: old # c\nbeats: [x]\n---\nBody\n',
    ],
    ['replaces a block scalar', '---\nsummary: |\n  line one\n  line two\n\ntitle: x\n---\nB'],
    ['fills an empty value', '---\nsummary:\ntitle: x\n---\n'],
    ['in a flow mapping', '---\n{title: A, summary: B}\n---\nx'],
    ['adds the field', '---\ntitle: x # the title\n# a note\n---\nx'],
    ['adds front matter to a file without', 'The ferry was late.\n'],
    ['keeps a byte-order mark and CRLF', '\uFEFF---\r\ntitle: x\r\nsummary: >-\r\n  a\r\n  b\r\n---\r\nbody\r\n'],
    ['in empty front matter', '---\n---\nx'],
    ['replaces a wrong value', '---\ntitle: x\nsummary: [1, 2]\n---\nx'],
  ];
  for (const [what, before] of cases)
    it(what, () => {
      const edit = summaryEdit(before, SUMMARY);
      assert.ok(typeof edit !== 'string', edit as string);
      const after = applyTextEdit(before, edit);
      const chapter = parseChapterFile('chapters/1.md', after);
      assert.equal(chapter.value.summary, SUMMARY);
      assert.deepEqual(
        chapter.diagnostics.filter((d) => d.severity === 'error'),
        [],
      );
      assert.equal(splitFrontMatter(after).body, splitFrontMatter(before).body, 'the body, byte for byte');
      // Every byte outside the edit is the file's own.
      assert.equal(after.slice(0, edit.start), before.slice(0, edit.start));
      assert.equal(after.slice(edit.start + edit.text.length), before.slice(edit.end));
      if (before.includes('\r\n')) assert.ok(!/[^\r]\n/.test(after), 'CRLF only');
    });

  it('keeps the comments and fields outside the summary, byte for byte', () => {
    const before = '---\ntitle: A # t\nsummary: old\n# beats next\nbeats:\n  - one\n---\nBody\n';
    const after = applyTextEdit(before, summaryEdit(before, 'New.') as Exclude<ReturnType<typeof summaryEdit>, string>);
    assert.equal(after, '---\ntitle: A # t\nsummary: New.\n# beats next\nbeats:\n  - one\n---\nBody\n');
  });

  it('refuses broken YAML, duplicate keys and unclosed front matter, changing nothing', () => {
    assert.equal(summaryEdit('---\ntitle: [x\n---\nB', 'S'), 'badFrontMatter');
    assert.equal(summaryEdit('---\nsummary: a\nsummary: b\n---\nB', 'S'), 'badFrontMatter');
    assert.equal(summaryEdit('---\n- a list\n---\nB', 'S'), 'badFrontMatter');
    assert.equal(summaryEdit('---\ntitle: x\nBody', 'S'), 'unclosedFrontMatter');
  });
});
