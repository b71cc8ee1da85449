// The story engine's continuation mode (a story project's Continue Writing): the codex as the
// extension renders it is read, and the text goes on from where the manuscript stops.
import { strict as assert } from 'node:assert';
import { parseCodex, writeContinuation } from '../src/continuation';
import { generate, tokenize } from '../src/storyEngine';

const SYSTEM = [
  "You are a novelist's co-writer. Continue the manuscript in the last message from exactly where it stops.",
  '',
  '## Story bible',
  'Title: The Lamp',
  '',
  '## Codex',
  '### Mira Vell (character)',
  'The lighthouse keeper. Stubborn, kind.',
  '',
  '### The Drowned Library (place)',
  'A library under the harbour.',
].join('\n');
const CONTEXT = [
  '## Codex',
  '### Corin (character)',
  'Mira’s brother.',
  '### Brass Key (thing)',
  'Opens nothing.',
].join('\n');

const count = (t: string) => tokenize(t).length;
const seeded = () => {
  let n = 0;
  return () => (n = (n * 7 + 3) % 11) / 11;
};

describe('story engine: continuing a manuscript', () => {
  it('reads the codex entries under "## Codex" in every text, in order, each once', () => {
    const entries = parseCodex([SYSTEM, CONTEXT, '## Codex\n### Corin (character)\nAgain.']);
    assert.deepEqual(
      entries.map((e) => [e.name, e.kind]),
      [
        ['Mira Vell', 'character'],
        ['The Drowned Library', 'place'],
        ['Corin', 'character'],
        ['Brass Key', 'thing'],
      ],
    );
    assert.equal(entries[0]!.body, 'The lighthouse keeper. Stubborn, kind.');
  });

  it('finds no codex in a story prompt, or in "###" headings outside a codex section', () => {
    assert.deepEqual(parseCodex(['Write a story about Mara (a keeper).']), []);
    assert.deepEqual(parseCodex(['## Previously\n### Chapter 1 (draft)\nThey met.']), []);
    assert.deepEqual(parseCodex(['## Codex\n### Just a heading\ntext']), []);
  });

  const table: [string, string, RegExp][] = [
    ['an ended sentence: a new one', 'Mira lit the lamp.', /^\p{Lu}/u],
    ['open after a verb: the sentence is finished first', 'Mira lit the lamp and waited', /^\p{Ll}[^.]*\./u],
    ['open after "the": a noun phrase first', 'The wind rose and the', /^(old|narrow) /],
    ['open after "to": a place first', 'Mira walked to', /^the Drowned Library\b/],
    ['an empty chapter note: an opening', '(The chapter begins here. Write its opening.)', /^\p{Lu}/u],
  ];
  for (const [name, before, start] of table) {
    it(name, () => {
      const text = writeContinuation(parseCodex([SYSTEM, CONTEXT]), before, seeded(), count, 120);
      assert.match(text, start);
      assert.doesNotMatch(text, /^\s/, 'no leading space: the extension joins the words');
    });
  }

  it('names every entry within its first sentences: characters act, places are where it happens', () => {
    const text = writeContinuation(parseCodex([SYSTEM, CONTEXT]), 'Mira lit the lamp.', seeded(), count, 300);
    const firstFour = text
      .split(/(?<=[.!?"])\s+/)
      .slice(0, 4)
      .join(' ');
    for (const name of ['Mira Vell', 'the Drowned Library', 'Corin', 'Brass Key'])
      assert.ok(firstFour.includes(name), name);
    assert.ok(count(text) >= 300, `${count(text)} tokens`);
    assert.match(text, /[.!?"]$/, 'ends with a whole sentence');
  });

  it('a project prompt with a bible and no entries is continued too, with stand-ins', () => {
    const bibleOnly = '## Story bible\nTitle: The Lamp\n';
    const r = generate({
      inputTexts: [bibleOnly, 'She waited'],
      prompt: 'She waited',
      lastUserText: 'She waited',
      maxTokens: 2000,
      stopSequences: [],
      seedExtra: 'm',
    });
    assert.match(r.text, /^\p{Ll}/u, 'the open sentence is completed');
    assert.doesNotMatch(r.text, /Once, in|The end\./);
  });

  it('a story prompt is still a story; a project prompt is a continuation; maxTokens and usage as before', () => {
    const base = { stopSequences: [], seedExtra: 'm' };
    const story = generate({
      ...base,
      inputTexts: ['Write a story about Ada.'],
      prompt: 'Write a story about Ada.',
      lastUserText: 'Write a story about Ada.',
      maxTokens: 2000,
    });
    assert.match(story.text, /\bAda\b/);
    assert.doesNotMatch(story.text, /Mira Vell/);
    const req = {
      ...base,
      inputTexts: [SYSTEM, CONTEXT, 'Mira lit the lamp.'],
      prompt: 'Mira lit the lamp.',
      lastUserText: 'Mira lit the lamp.',
    };
    const whole = generate({ ...req, maxTokens: 2000 });
    assert.equal(whole.stopReason, 'end_turn');
    assert.match(whole.text, /Mira Vell/);
    assert.equal(whole.inputTokens, count(SYSTEM) + count(CONTEXT) + count('Mira lit the lamp.'));
    assert.equal(whole.outputTokens, whole.tokens.length);
    const cut = generate({ ...req, maxTokens: 25 });
    assert.equal(cut.stopReason, 'max_tokens');
    assert.equal(cut.outputTokens, 25);
    assert.match(cut.text, /Mira Vell/, 'the first entry comes early, even in a short answer');
    assert.equal(generate({ ...req, maxTokens: 2000 }).text, whole.text, 'deterministic');
  });
});
