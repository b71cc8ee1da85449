// Context assembly: the budget's order (always-on, priority, most recent mention), the paragraph
// cut, the prompt's order, "previously" nearest first, the request and the Show Context document.
import * as assert from 'node:assert/strict';
import { assembleContext, cutExcerpt, scanWindow } from '../../../src/core/project/assemble';
import type { AssemblyInput } from '../../../src/core/project/assemble';
import { buildProject } from '../../../src/core/project/project';
import { OPENING_MESSAGE, PROJECT_INSTRUCTIONS } from '../../../src/core/project/promptText';
import { renderContext } from '../../../src/core/project/render';
import { joinerBefore, projectRequest, safetyAudience } from '../../../src/core/project/request';
import { estimateTokens } from '../../../src/core/story/usage/usage';

function codex(name: string, fields: string, body = `${name} facts.`) {
  return { file: `codex/${name.toLowerCase()}.md`, text: `---\nname: ${name}\n${fields}\n---\n${body}\n` };
}

function project(budget: number, extra: { file: string; text: string }[] = []) {
  return buildProject(
    [
      {
        file: 'story.md',
        text: `---\ntitle: Salt\ngenre: fantasy\ncontextBudget: ${budget}\nrecursionDepth: 0\n---\nSalt is money.`,
      },
      codex('World', 'kind: lore\nalways: true\nkeys: []'),
      codex('Mira', 'kind: character\nkeys: [Mira]'),
      codex('Bram', 'kind: character\nkeys: [Bram]'),
      codex('Harbour', 'kind: place\nkeys: [harbour]\npriority: 10'),
      { file: 'chapters/01.md', text: '---\ntitle: One\nsummary: Mira arrives.\n---\nx' },
      { file: 'chapters/02.md', text: '---\ntitle: Two\nsummary: Bram leaves.\n---\nx' },
      { file: 'chapters/03.md', text: '---\ntitle: Three\n---\nx' },
      ...extra,
    ],
    'f',
  );
}

const input = (p: ReturnType<typeof project>, textBefore: string, chapterFile = 'chapters/03.md'): AssemblyInput => ({
  project: p,
  chapterFile,
  textBefore,
});

describe('context assembly', () => {
  const text = 'Bram sailed.\n\nMira watched the harbour. Then Bram came back.';

  it('prompt order: system (instructions, bible, always-on), then entries by priority and recent mention, then previously', () => {
    const c = assembleContext(input(project(8000), text));
    assert.ok(c.system.text.startsWith(PROJECT_INSTRUCTIONS));
    assert.match(
      c.system.text,
      /## Story bible\nTitle: Salt\nGenre: fantasy\n\nSalt is money\.\n\n## Codex\n### World \(lore\)\nWorld facts\./,
    );
    assert.deepEqual(
      c.always.map((e) => e.name),
      ['World'],
    );
    // Harbour has the highest priority; Bram's last mention is after Mira's.
    assert.deepEqual(
      c.entries.map((e) => [e.name, e.key]),
      [
        ['Harbour', 'harbour'],
        ['Bram', 'Bram'],
        ['Mira', 'Mira'],
      ],
    );
    assert.deepEqual(
      c.previously.map((p) => p.title),
      ['Two', 'One'],
    );
    assert.equal(
      c.contextText,
      '## Codex\n### Harbour (place)\nHarbour facts.\n\n### Bram (character)\nBram facts.\n\n### Mira (character)\nMira facts.\n\n## Previously (earlier chapters, nearest first)\n### Two\nBram leaves.\n\n### One\nMira arrives.\n',
    );
    assert.deepEqual(c.excerpt, {
      text,
      tokens: estimateTokens(text),
      cut: 'none',
      availableTokens: estimateTokens(text),
    });
    assert.deepEqual(c.leftOut, []);
    assert.equal(c.totalTokens, c.system.tokens + estimateTokens(c.contextText) + c.excerpt.tokens);
  });

  it('is deterministic', () => {
    const p = project(8000);
    assert.deepEqual(assembleContext(input(p, text)), assembleContext(input(p, text)));
  });

  it('only summaries of earlier chapters, and none for the first chapter', () => {
    assert.deepEqual(
      assembleContext(input(project(8000), text, 'chapters/02.md')).previously.map((p) => p.title),
      ['One'],
    );
    assert.deepEqual(assembleContext(input(project(8000), text, 'chapters/01.md')).previously, []);
  });

  it('a short budget keeps always-on first, then priority, then the most recent mention', () => {
    // Room for the system part, Harbour and one more entry only: Bram (mentioned last) beats Mira.
    const p = project(8000);
    const full = assembleContext(input(p, text));
    const tokens = (name: string) => full.entries.find((e) => e.name === name)!.tokens;
    // Half of Mira's size to spare, for the section heading.
    const budget = full.system.tokens + tokens('Harbour') + tokens('Bram') + tokens('Mira') / 2 + estimateTokens(text);
    const tight = assembleContext(
      input({ ...p, story: { ...p.story, settings: { ...p.story.settings, contextBudget: budget } } }, text),
    );
    assert.deepEqual(
      tight.entries.map((e) => e.name),
      ['Harbour', 'Bram'],
    );
    assert.deepEqual(
      tight.leftOut.map((e) => [e.name, e.why]),
      [['Mira', 'budget']],
    );
    assert.deepEqual(tight.previously, []);
    assert.deepEqual(
      tight.summariesLeftOut.map((s) => s.title),
      ['Two', 'One'],
    );
    assert.ok(tight.totalTokens <= budget + 2, `${tight.totalTokens} within ${budget}`);
  });

  it('a quarter of the budget stays for the excerpt however many entries fire', () => {
    const many = Array.from({ length: 40 }, (_, i) => codex(`E${i}`, `keys: [key${i}]`, 'word '.repeat(100)));
    const words = Array.from({ length: 40 }, (_, i) => `key${i}`).join(' ');
    const before = `${'A paragraph of prose.\n\n'.repeat(400)}${words}`;
    const c = assembleContext(input(project(4000, many), before));
    assert.ok(c.leftOut.length > 0);
    assert.ok(c.excerpt.tokens >= 1000 - 2, `excerpt ${c.excerpt.tokens}`);
    assert.ok(c.totalTokens <= 4000 + 2, `${c.totalTokens}`);
  });
});

describe('the excerpt', () => {
  const table: [string, string, number, string, string][] = [
    ['fits whole', 'One.\n\nTwo.', 100, 'One.\n\nTwo.', 'none'],
    ['cut at a paragraph', 'First paragraph here.\n\nSecond one.\n\nThird.', 6, 'Second one.\n\nThird.', 'paragraph'],
    [
      'a paragraph break late in the slice is not used',
      'aaaa bbbb cccc dddd eeee ffff\n\ngggg',
      6,
      'dddd eeee ffff\n\ngggg',
      'word',
    ],
    ['cut at a blank line with spaces', 'aaaa aaaa aaaa\n  \nbbbb', 3, 'bbbb', 'paragraph'],
    ['no paragraph: cut at a line', 'aaaa aaaa aaaa aaaa\nbbbb cccc', 4, 'bbbb cccc', 'line'],
    ['no line: cut at a word', 'aaaa bbbb cccc dddd', 3, 'cccc dddd', 'word'],
    ['nothing fits', 'aaaa', 0, '', 'word'],
  ];
  for (const [title, text, tokens, expected, cut] of table) {
    it(title, () => {
      const e = cutExcerpt(text, tokens);
      assert.equal(e.text, expected);
      assert.equal(e.cut, cut);
      assert.ok(e.tokens <= tokens || cut === 'none');
    });
  }

  it('the scan window starts at a whole word', () => {
    assert.equal(scanWindow('Miranda Mira', 2), 'Mira');
    assert.equal(scanWindow('short', 100), 'short');
  });
});

describe('the request and Show Context', () => {
  const p = project(8000);
  const c = assembleContext(input(p, 'Mira walked to the harbour.\n'));

  it('system blocks (stable first), and the excerpt as the last user message', () => {
    const r = projectRequest(c, 'amazon.nova-lite-v1:0', p.story.settings);
    assert.deepEqual(r.system, [{ text: c.system.text }, { text: c.contextText }]);
    assert.deepEqual(r.messages, [{ role: 'user', content: [{ text: 'Mira walked to the harbour.' }] }]);
    assert.deepEqual(r.inferenceConfig, { maxTokens: 500, temperature: 0.8 });
  });

  it('at the start of a chapter the message asks for its opening', () => {
    const r = projectRequest(assembleContext(input(p, '', 'chapters/01.md')), 'm', p.story.settings);
    assert.equal(r.messages[0]!.content[0]!.text, OPENING_MESSAGE);
    assert.equal(r.system.length, 1);
  });

  const joins: [string, string][] = [
    ['', ''],
    ['word', ' '],
    ['end.\n', ''],
    ['end. ', ''],
  ];
  for (const [before, joiner] of joins)
    it(`joiner after ${JSON.stringify(before)}`, () => assert.equal(joinerBefore(before), joiner));

  const audiences: [string | undefined, string][] = [
    [undefined, 'adult'],
    ['adults', 'adult'],
    ['Children 6-9', 'children'],
    ['kids', 'children'],
    ['middle-grade readers', 'children'],
    ['YA', 'young adult'],
    ['young adults', 'young adult'],
    ['teenagers', 'young adult'],
    ['grown-ups who like yachts', 'adult'],
  ];
  for (const [audience, expected] of audiences)
    it(`audience ${JSON.stringify(audience)} → the ${expected} guardrail`, () =>
      assert.equal(safetyAudience(audience), expected));

  it('Show Context names each entry, the key that fired it, the summaries, tokens and the cache point', () => {
    const doc = renderContext({
      context: c,
      request: projectRequest(c, 'amazon.titan-text-express-v1', p.story.settings),
      where: 'chapters/03.md, line 5',
    });
    assert.match(doc, /^# Context at chapters\/03\.md, line 5/);
    assert.match(doc, /- \*\*World\*\* \(lore\): always on/);
    assert.match(doc, /- \*\*Mira\*\* \(character\): key "Mira" · \d+ tokens · `codex\/mira\.md`/);
    assert.match(doc, /- \*\*Harbour\*\* \(place\): key "harbour"/);
    assert.doesNotMatch(doc, /\*\*Bram\*\*/);
    assert.match(doc, /- \*\*Two\*\* · \d+ tokens · `chapters\/02\.md`/);
    assert.match(
      doc,
      new RegExp(`\\| \\*\\*Total\\*\\* \\| \\*\\*${c.totalTokens.toLocaleString('en-US')} of 8,000\\*\\* \\|`),
    );
    assert.match(doc, /## Cache point\n\nNone: `amazon\.titan-text-express-v1` has no prompt caching on Bedrock/);
    assert.match(doc, /### Message \(user\)\n\n```text\nMira walked to the harbour\.\n```/);
  });

  it('a cache point is placed when the prefix reaches the minimum, and says why not when below', () => {
    const placed = assembleContext({ ...input(p, 'x'), cacheMinTokens: 10 });
    assert.deepEqual(placed.cachePoint, { placed: true, prefixTokens: placed.system.tokens });
    const below = assembleContext({ ...input(p, 'x'), cacheMinTokens: 1_000_000 });
    assert.equal(below.cachePoint.placed, false);
    assert.match(
      renderContext({ context: below, request: projectRequest(below, 'm', p.story.settings), where: 'x' }),
      /below the 1,000,000 tokens this model caches at least/,
    );
  });

  it('text with backticks cannot close its fence', () => {
    const tricky = assembleContext(input(p, 'a ```` b'));
    const doc = renderContext({ context: tricky, request: projectRequest(tricky, 'm', p.story.settings), where: 'x' });
    assert.match(doc, /`````text\na ```` b\n`````/);
  });
});
