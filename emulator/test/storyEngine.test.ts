// The local story engine: the form's setting and characters are used, and a story never repeats a
// sentence or a paragraph, however long; still the same story for the same request (#24).
import { strict as assert } from 'node:assert';
import { writeStory } from '../src/storyEngine';

const brief = (characters: string, setting: string, length = 'long story (about 2,500 words)'): string =>
  [
    `Write a ${length} for adult readers.`,
    'Genre: mystery',
    'Tone: whimsical',
    `Characters: ${characters}`,
    `Setting: ${setting}`,
    '',
    'Premise: A keeper finds an old hotel on the hill.',
  ].join('\n');

describe('story engine', () => {
  it('sets the story where the form says, with the characters it names (not a place from its own lists)', () => {
    const story = writeStory(brief('Mara, the keeper; Gull, a talkative bird', 'A rocky island, late autumn'), 's');
    assert.match(story, /\ba rocky island\b/);
    assert.doesNotMatch(story, /old hotel on the hill,/, 'the premise’s words do not replace the setting');
    assert.match(story, /\bMara\b/);
    assert.match(story, /\bGull\b/);
    assert.match(story, /\bkeeper\b/);
    assert.match(story, /\btalkative bird\b/);
    const three = writeStory(brief('Mara, Gull and Pip', 'The moon base'), 's');
    assert.match(three, /\bthe moon base\b/);
    assert.match(three, /\bMara\b/);
    assert.match(three, /\bGull\b/);
  });

  it('never repeats a sentence or a paragraph, even in the longest story', () => {
    for (const seed of ['a', 'b', 'c', 'd', 'e']) {
      const story = writeStory(brief('Mara, the keeper', 'A harbour town'), seed);
      const words = story.split(/\s+/).length;
      assert.ok(words > 1500, `a long story: ${words} words`);
      const paragraphs = story.split('\n\n');
      assert.equal(new Set(paragraphs).size, paragraphs.length, `seed ${seed}: a paragraph repeats`);
      const sentences = story.split(/(?<=[.!?"])\s+/);
      assert.equal(new Set(sentences).size, sentences.length, `seed ${seed}: a sentence repeats`);
    }
  });

  it('is deterministic: the same request, the same story; another seed, another story', () => {
    const request = brief('Mara', 'A harbour town', 'short story (about 400 words)');
    assert.equal(writeStory(request, 'x'), writeStory(request, 'x'));
    assert.notEqual(writeStory(request, 'x'), writeStory(request, 'y'));
  });
});
