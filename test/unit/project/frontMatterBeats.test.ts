// Write Scene from Beat with the chapter's front-matter `beats`, the pure part: the item at the
// cursor (in each YAML shape the field accepts), when a pick is offered and where its scene goes,
// which beats seem written and which one is offered first, and the pick's labels.
import * as assert from 'node:assert/strict';
import type { BeatPlace } from '../../../src/core/project/beat';
import {
  beatChoices,
  beatSource,
  beatText,
  frontMatterBeatAt,
  pickLabel,
  placeBeat,
  preselected,
} from '../../../src/core/project/frontMatterBeats';
import type { BeatChoice, BeatWhere } from '../../../src/core/project/frontMatterBeats';
import { parseChapterFile } from '../../../src/core/project/parse';

/** `text` with the cursor mark `|` taken out, and the offset where it was. */
function cursor(marked: string): [string, number] {
  const at = marked.indexOf('|');
  assert.notEqual(at, -1, `no cursor in ${JSON.stringify(marked)}`);
  return [marked.slice(0, at) + marked.slice(at + 1), at];
}

/** The chapter as the project reads it: its parsed beats and where its prose starts. */
function chapter(text: string): { beats: readonly string[]; bodyStart: number } {
  const parsed = parseChapterFile('chapters/one.md', text).value;
  const bodyStart = text.split('\n').slice(0, parsed.bodyLine).join('\n').length + (parsed.bodyLine > 0 ? 1 : 0);
  return { beats: parsed.beats, bodyStart };
}

/** The text once the scene "SCENE" is in at `place`. */
function written(text: string, place: BeatPlace): string {
  return text.slice(0, place.insertAt) + place.lead + 'SCENE' + place.trail + text.slice(place.insertAt);
}

describe('Write Scene from Beat: the front-matter beat at the cursor', () => {
  const LIST = '---\ntitle: One\nbeats:\n  - Mira arrives at the harbour.\n  - Bram burns the map\n---\nProse.\n';
  const BLOCK = '---\nbeats:\n  - |\n    Mira arrives\n    at dawn\n  - >-\n    Bram burns\n    the map\n---\n';
  const FLOW = '---\nbeats: [Mira arrives, "Bram burns the map"]\n---\n';
  const LINES = '---\nbeats: |\n  - Mira arrives\n  - Bram burns the map\n\n  - The tide turns\n---\n';
  const ONE = '---\nbeats: "Mira arrives"\n---\n';
  const cases: [string, string, string, number | undefined][] = [
    ['a list item, the cursor in its text', LIST, 'Mira arr', 0],
    ['a list item, the cursor before its dash', LIST, '  - Bram', 1],
    ['the "beats:" line itself is no item', LIST, 'beats:', undefined],
    ['another field is no item', LIST, 'title', undefined],
    ['a multi-line block item, its second line', BLOCK, 'at dawn', 0],
    ['the next item starts right after a block item', BLOCK, '  - >-', 1],
    ['a folded item, its last line', BLOCK, 'the map', 1],
    ['the closing fence after a block item is no item', BLOCK, '---\n', undefined],
    ['a flow list: the item the cursor is in', FLOW, 'Bram', 1],
    ['a flow list: its first item', FLOW, 'arrives', 0],
    ['a flow list: the key, in none of its items', FLOW, 'beats', undefined],
    ['one string of lines: the line at the cursor', LINES, 'Bram', 1],
    ['one string of lines: after a blank line', LINES, 'tide', 2],
    ['one string of lines: the blank line', LINES, '\n  - The', undefined],
    ['a single string is the one beat', ONE, 'Mira', 0],
  ];
  for (const [name, text, at, expected] of cases)
    it(`${name}: ${String(expected)}`, () => {
      const { beats } = chapter(text);
      const offset = at === '---\n' ? text.lastIndexOf(at) : text.indexOf(at);
      assert.notEqual(offset, -1);
      assert.equal(frontMatterBeatAt(text, offset, beats), expected);
    });

  it('no item when the field did not parse as beats (its diagnostic says why), or there is no front matter', () => {
    const broken = '---\nbeats:\n  - one\n  - [two]\n---\n';
    assert.deepEqual(chapter(broken).beats, [], 'the field is dropped');
    assert.equal(frontMatterBeatAt(broken, broken.indexOf('one'), []), undefined);
    assert.equal(frontMatterBeatAt('beats:\n  - one\n', 12, ['one']), undefined);
    assert.equal(frontMatterBeatAt('---\nbeats: [one\n---\n', 12, ['one']), undefined, 'broken YAML');
  });

  it('a byte-order mark and CRLF line ends', () => {
    const text = '\uFEFF---\r\nbeats:\r\n  - one\r\n  - two\r\n---\r\nProse.\r\n';
    assert.equal(frontMatterBeatAt(text, text.indexOf('two'), ['one', 'two']), 1);
    assert.equal(frontMatterBeatAt(text, text.indexOf('  - one'), ['one', 'two']), 0);
  });
});

describe('Write Scene from Beat: where the beat comes from', () => {
  const WITH = '---\ntitle: One\nbeats:\n  - Mira arrives at the harbour.\n  - "**Bram burns the map**"\n---\n';
  const WITHOUT = '---\ntitle: One\n---\n';
  const source = (marked: string) => {
    const [text, at] = cursor(marked);
    const { beats, bodyStart } = chapter(text);
    return { text, found: beatSource(text, at, at, bodyStart, beats) };
  };

  it('a front-matter item at the cursor: its scene ends the prose, as a paragraph of its own', () => {
    const { text, found } = source(`${WITH.replace('  - "**Bram', '  - "**Br|am')}The ferry was late.\n\n`);
    assert.ok(typeof found !== 'string' && found.kind === 'here');
    assert.equal(found.place.beat, 'Bram burns the map', 'marks off');
    assert.equal(written(text, found.place), `${WITH}The ferry was late.\n\nSCENE\n\n`);
    assert.equal(found.place.beatStart, found.place.insertAt, 'all the prose comes before it');
  });

  it('elsewhere in the front matter: a pick, its scene at the end; without beats the refusal', () => {
    const { found } = source(`${WITH.replace('title', 'ti|tle')}Prose.`);
    assert.ok(typeof found !== 'string' && found.kind === 'pick');
    assert.deepEqual(found.where, { at: 'end' });
    assert.deepEqual(
      found.choices.map((c) => [c.index, c.beat, c.written]),
      [
        [0, 'Mira arrives at the harbour.', false],
        [1, 'Bram burns the map', false],
      ],
    );
    assert.equal(found.preselect, 0);
    assert.equal(source(`${WITHOUT.replace('title', 'ti|tle')}Prose.`).found, 'inFrontMatter');
  });

  it('a blank line in the prose: a pick, its scene on that line; without beats "noBeat"', () => {
    const { text, found } = source(`${WITH}The ferry was late.\n|\nThe end.`);
    assert.ok(typeof found !== 'string' && found.kind === 'pick');
    assert.deepEqual(found.where, { at: 'line', offset: text.indexOf('\nThe end.') });
    assert.equal(source(`${WITHOUT}The ferry was late.\n|\nThe end.`).found, 'noBeat');
    assert.equal(source(`---\nbeats: ["- ", "[ ]"]\n---\nA.\n|`).found, 'noBeat', 'no beat once marks are off');
  });

  it('a beat line in the prose is the beat, front-matter beats or not', () => {
    const { found } = source(`${WITH}The ferry was late.\n\n- Bram |finds the map\n`);
    assert.ok(typeof found !== 'string' && found.kind === 'here');
    assert.equal(found.place.beat, 'Bram finds the map');
  });

  it('a front-matter beat too long is refused as one in the prose is', () => {
    const long = `---\nbeats: |\n  ${'word '.repeat(500)}\n---\nProse.`;
    const { beats, bodyStart } = chapter(long);
    assert.equal(beatSource(long, 20, 20, bodyStart, beats), 'beatTooLong');
  });
});

describe('Write Scene from Beat: where a picked beat goes', () => {
  const FM = '---\nbeats: [x]\n---\n';
  const cases: [string, string, BeatWhere | 'cursor', string][] = [
    ['the end, after a line break', `${FM}Prose.\n`, { at: 'end' }, `${FM}Prose.\n\nSCENE\n`],
    ['the end, without one', `${FM}Prose.`, { at: 'end' }, `${FM}Prose.\n\nSCENE`],
    ['the end, before trailing blank space', `${FM}Prose.  \n\n\n`, { at: 'end' }, `${FM}Prose.\n\nSCENE  \n\n\n`],
    ['the end of an empty chapter', FM, { at: 'end' }, `${FM}SCENE`],
    ['the end of a chapter of blank lines', `${FM}\n\n`, { at: 'end' }, `${FM}SCENE\n\n`],
    // The body starts on the fence's line when nothing follows it: the scene still goes below it.
    ['the end, the fence the last line', '---\nbeats: [x]\n---', { at: 'end' }, '---\nbeats: [x]\n---\n\nSCENE'],
    ['a blank line right after a paragraph', `${FM}A.\n|`, 'cursor', `${FM}A.\n\nSCENE`],
    ['a blank line between paragraphs', `${FM}A.\n\n|\n\nB.`, 'cursor', `${FM}A.\n\nSCENE\n\nB.`],
    ['a blank line with text right after it', `${FM}A.\n\n|\nB.`, 'cursor', `${FM}A.\n\nSCENE\n\nB.`],
    ['both sides close', `${FM}A.\n|\nB.`, 'cursor', `${FM}A.\n\nSCENE\n\nB.`],
    ['the chapter start', `${FM}|\nB.`, 'cursor', `${FM}SCENE\n\nB.`],
    ['spaces on the line go after it', `${FM}A.\n\n  |  \n\nB.`, 'cursor', `${FM}A.\n\nSCENE    \n\nB.`],
    ['CRLF', `${FM}A.\r\n\r\n|\r\nB.`, 'cursor', `${FM}A.\r\n\r\nSCENE\n\r\nB.`],
  ];
  for (const [name, marked, where, expected] of cases)
    it(name, () => {
      const [text, at] = where === 'cursor' ? cursor(marked) : [marked, 0];
      const place = placeBeat(
        text,
        chapter(text).bodyStart,
        where === 'cursor' ? { at: 'line', offset: at } : where,
        'b',
      );
      assert.ok(typeof place !== 'string');
      assert.equal(written(text, place), expected);
      assert.equal(place.beatStart, place.insertAt);
    });

  it('a beat too long is refused', () => {
    assert.equal(placeBeat('Prose.', 0, { at: 'end' }, 'x'.repeat(2_001)), 'beatTooLong');
  });
});

describe('Write Scene from Beat: the beats offered, those that seem written, the one offered first', () => {
  const BEATS = ['Mira arrives at the harbour.', 'Bram burns the map', 'The tide turns', 'Storm.'];
  const cases: [string, string, boolean[], number][] = [
    ['nothing written yet', 'The ferry was late.', [false, false, false, false], 0],
    [
      'the first told in one paragraph (other word forms too)',
      'The ferry was late.\n\nMira was arriving at last; the harbour stank of salt.',
      [true, false, false, false],
      1,
    ],
    ['its words spread over two paragraphs', 'Mira arrived.\n\nThe harbour slept.', [false, false, false, false], 0],
    [
      'as the emulator writes a scene: it opens with the beat',
      'It began like this: Mira arrives at the harbour.\n\nThen it happened, as it had to: Bram burns the map.',
      [true, true, false, false],
      2,
    ],
    [
      'the next after the last written, even with one before it not',
      'Bram burns the map.\n\nThe tide turns.',
      [false, true, true, false],
      3,
    ],
    ['a beat of one word never counts', 'Storm. Storm.', [false, false, false, false], 0],
  ];
  for (const [name, prose, seem, first] of cases)
    it(name, () => {
      const choices = beatChoices(BEATS, prose);
      assert.deepEqual(
        choices.map((c) => c.written),
        seem,
      );
      assert.equal(preselected(choices), first);
    });

  it('the last one written: the first open one; all written: the first', () => {
    const choices = (written: boolean[]): BeatChoice[] => written.map((w, index) => ({ index, beat: 'b', written: w }));
    assert.equal(preselected(choices([true, false, true])), 1);
    assert.equal(preselected(choices([true, true])), 0);
    assert.equal(preselected(choices([false])), 0);
  });

  it('common words and case do not make a beat written', () => {
    const [choice] = beatChoices(['They were there with them'], 'they were there with them, THEY WERE');
    assert.equal(choice?.written, false);
    const [named] = beatChoices(['MIRA finds the MAPS'], 'mira finds the maps');
    assert.equal(named?.written, true);
  });

  const forms: [string, string, boolean][] = [
    ['The tide turns', 'and the tide was turning', true],
    ["Mira reads her father's rings", 'Mira read every ring her father kept', true],
    ['Bram burns the glasses', 'Bram burned the glass', true],
    ['The bell rings at night', 'That night the bell rang', false],
    ['The funeral at the chapel', 'They buried him by the sea chapel', false],
  ];
  for (const [beat, prose, seems] of forms)
    it(`word forms: ${JSON.stringify(beat)} in ${JSON.stringify(prose)}: ${String(seems)}`, () =>
      assert.equal(beatChoices([beat], prose)[0]?.written, seems));

  it('blank beats are left out; the index stays the item number', () => {
    assert.deepEqual(
      beatChoices(['- ', '> Beat: Bram burns it', ''], '').map((c) => [c.index, c.beat]),
      [[1, 'Bram burns it']],
    );
    assert.equal(beatText('- one\n\n- two'), 'one\ntwo');
  });

  it('labels: one line, icon syntax shown as written', () => {
    assert.equal(pickLabel('Mira $(zap) arrives\n  at $(dawn)'), 'Mira \\$(zap) arrives at \\$(dawn)');
    assert.equal(pickLabel('a $ (b) $x'), 'a $ (b) $x');
  });
});
