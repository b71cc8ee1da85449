// The story engine's Write Scene from Beat and Summarize Chapter modes, as the extension asks for
// them: a scene opens with its beat and brings on the entries the beat names first; a summary names
// the chapter's people and quotes how it begins and ends. Deterministic, as tests need.
import { strict as assert } from 'node:assert';
import { BEAT_HEADING, SUMMARY_HEADING, projectReply, writeSummary } from '../src/chapterTasks';
import { generate, tokenize } from '../src/storyEngine';

const SYSTEM = [
  '## Story bible',
  'Title: The Lamp',
  '',
  '## Codex',
  '### Mira Vell (character)',
  'The lighthouse keeper.',
  '### Bram (character)',
  'A smuggler.',
  '### The Drowned Library (place)',
  'A library under the harbour.',
].join('\n');
const BEAT = `${BEAT_HEADING}\nWrite the scene for this beat.\nProse only.\n\nBram burns the map`;

function request(lastUserText: string, system = SYSTEM) {
  return {
    inputTexts: [system, lastUserText],
    prompt: lastUserText,
    maxTokens: 1000,
    stopSequences: [],
    seedExtra: 'm',
    lastUserText,
  };
}

describe('story engine: scenes and summaries', () => {
  it('a beat block ends the last user message: the scene opens with the beat, its entry first', () => {
    const { text } = generate(request(`The ferry was late.\n${BEAT}`));
    assert.match(text, /^[^\n]*: Bram burns the map\.\n\n/);
    const afterOpening = text.slice(text.indexOf('\n\n'));
    assert.ok(afterOpening.indexOf('Bram') < afterOpening.indexOf('Mira Vell'), 'the beat names Bram: he acts first');
    assert.ok(!text.includes(BEAT_HEADING), 'the instruction is not written out');
    assert.equal(generate(request(`The ferry was late.\n${BEAT}`)).text, text, 'the same request, the same scene');
  });

  it('without the beat block, the same manuscript is continued as before', () => {
    const { text } = generate(request('The ferry was late.'));
    assert.ok(!text.includes('Bram burns the map'));
  });

  it('a summary request: the people named, the first and last sentences quoted', () => {
    const user = `${SUMMARY_HEADING} Chapter 1\n\nThe ferry was late.\n\nMira Vell met Bram at the quay. "You came," Bram said.\n\n[… 3 paragraphs left out …]\n\nIt was over.`;
    const { text } = generate(request(user, 'You summarize one chapter of a novel.'));
    assert.equal(text, writeSummary(user));
    assert.match(text, /^In Chapter 1, Bram and Mira Vell are at the centre of things\./);
    assert.match(text, /It opens: “The ferry was late\.” It ends: “It was over\.”$/);
    assert.ok(!text.includes('left out'));
  });

  it('an ordinary story request is not a project task', () => {
    const random = () => 0.5;
    assert.equal(
      projectReply({ inputTexts: ['Write a story.'], lastUserText: 'A fox', random, count: (t) => tokenize(t).length }),
      undefined,
    );
  });
});
