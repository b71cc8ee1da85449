import * as assert from 'node:assert/strict';
import type { StoryControls } from '../../../src/core/story/protocol/controls';
import { CONTINUE_INSTRUCTION, PromptError, SYSTEM_PROMPT, buildConverseRequest } from '../../../src/core/story/prompt';
import { baseModelId } from '../../../src/core/story/generation/inferenceProfiles';
import { maxTokensFor } from '../../../src/core/story/protocol/lengths';
import { titleFromPremise, titleFromStory } from '../../../src/core/story/protocol/titles';

const CONTROLS: StoryControls = {
  premise: 'An otter named Pip finds a lighthouse that sings.',
  genre: 'fantasy',
  audience: 'children',
  tone: 'whimsical',
  length: 'short',
  temperature: 0.7,
  characters: 'Pip, an otter; Mara, the keeper',
  setting: 'a foggy harbour',
};

describe('story prompt builder', () => {
  it('builds a new story: storyteller system prompt, one user turn with every control, length → maxTokens', () => {
    const req = buildConverseRequest('amazon.nova-lite-v1:0', CONTROLS);
    assert.equal(req.modelId, 'amazon.nova-lite-v1:0');
    assert.deepEqual(req.system, [{ text: SYSTEM_PROMPT }]);
    assert.match(SYSTEM_PROMPT, /storyteller/);
    assert.equal(req.messages.length, 1);
    const brief = req.messages[0]!.content[0]!.text;
    assert.equal(req.messages[0]!.role, 'user');
    for (const part of [
      'short story',
      'children',
      'Genre: fantasy',
      'Tone: whimsical',
      'Characters: Pip, an otter; Mara, the keeper',
      'Setting: a foggy harbour',
      `Premise: ${CONTROLS.premise}`,
    ]) {
      assert.ok(brief.includes(part), `brief lacks "${part}": ${brief}`);
    }
    assert.deepEqual(req.inferenceConfig, { maxTokens: 800, temperature: 0.7 });
  });

  it('leaves out empty genre, tone and absent characters and setting', () => {
    const { characters: _c, setting: _s, ...rest } = CONTROLS;
    const brief = buildConverseRequest('amazon.nova-lite-v1:0', { ...rest, genre: '', tone: '' }).messages[0]!
      .content[0]!.text;
    assert.ok(!/Genre:|Tone:|Characters:|Setting:/.test(brief), brief);
  });

  it('maps length to tokens, capped by the limits of models we know', () => {
    assert.equal(maxTokensFor('medium', 'amazon.nova-lite-v1:0'), 2000);
    assert.equal(maxTokensFor('long', 'amazon.nova-lite-v1:0'), 5000);
    assert.equal(maxTokensFor('long', 'amazon.titan-text-lite-v1'), 4096);
    assert.equal(maxTokensFor('long', 'us.anthropic.claude-3-haiku-20240307-v1:0'), 4096);
    assert.equal(maxTokensFor('long', 'meta.llama3-70b-instruct-v1:0'), 2048);
    assert.equal(maxTokensFor('long', 'some.unknown-model-v1'), 5000);
    assert.equal(
      baseModelId('arn:aws:bedrock:us-east-1:123456789012:inference-profile/eu.amazon.nova-pro-v1:0'),
      'amazon.nova-pro-v1:0',
    );
  });

  it('continue sends the story as the assistant turn, then a continue instruction', () => {
    const req = buildConverseRequest('amazon.nova-lite-v1:0', CONTROLS, {
      kind: 'continue',
      story: '# Pip\n\nOnce upon a time.  \n',
    });
    assert.deepEqual(
      req.messages.map((m) => m.role),
      ['user', 'assistant', 'user'],
    );
    assert.equal(req.messages[1]!.content[0]!.text, '# Pip\n\nOnce upon a time.', 'trailing whitespace trimmed');
    assert.equal(req.messages[2]!.content[0]!.text, CONTINUE_INSTRUCTION);
    assert.equal(
      req.messages[0]!.content[0]!.text,
      buildConverseRequest('amazon.nova-lite-v1:0', CONTROLS).messages[0]!.content[0]!.text,
    );
  });

  it('refine sends the story, then the instruction; regenerate re-sends the original', () => {
    const req = buildConverseRequest('amazon.nova-lite-v1:0', CONTROLS, {
      kind: 'refine',
      story: 'Once upon a time.',
      instruction: ' make it rhyme ',
    });
    assert.deepEqual(
      req.messages.map((m) => m.role),
      ['user', 'assistant', 'user'],
    );
    assert.match(req.messages[2]!.content[0]!.text, /^Rewrite the whole story with this change: make it rhyme\n/);
    assert.deepEqual(
      buildConverseRequest('amazon.nova-lite-v1:0', CONTROLS, { kind: 'regenerate' }),
      buildConverseRequest('amazon.nova-lite-v1:0', CONTROLS),
    );
  });

  const invalid: [string, Partial<Record<keyof StoryControls, unknown>>, string, RegExp][] = [
    ['an empty premise', { premise: '   ' }, 'premise', /^Premise is required\.$/],
    [
      'a premise over 4,000 characters',
      { premise: 'x'.repeat(4001) },
      'premise',
      /^Premise is 4,001 characters long; the limit is 4,000\.$/,
    ],
    [
      'an unknown audience',
      { audience: 'toddlers' },
      'audience',
      /^Audience must be one of: children, young adult, adult\.$/,
    ],
    ['an unknown length', { length: 'epic' }, 'length', /^Length must be one of: short, medium, long\.$/],
    ['a temperature above 1', { temperature: 1.5 }, 'temperature', /^Temperature must be from 0 to 1; it is 1\.5\.$/],
    [
      'a temperature that is not a number',
      { temperature: '0.5' },
      'temperature',
      /^Temperature must be a number from 0 to 1\.$/,
    ],
  ];
  for (const [what, change, field, message] of invalid) {
    it(`rejects ${what}, naming the field`, () => {
      assert.throws(
        () => buildConverseRequest('amazon.nova-lite-v1:0', { ...CONTROLS, ...change } as StoryControls),
        (e: PromptError) => {
          assert.ok(e instanceof PromptError);
          assert.equal(e.field, field);
          assert.match(e.message, message);
          return true;
        },
      );
    });
  }

  it('rejects continuing an empty story and a blank refine instruction', () => {
    assert.throws(() => buildConverseRequest('amazon.nova-lite-v1:0', CONTROLS, { kind: 'continue', story: ' \n' }), {
      field: 'story',
      message: 'There is no story text to continue. Write a story first.',
    });
    assert.throws(
      () =>
        buildConverseRequest('amazon.nova-lite-v1:0', CONTROLS, { kind: 'refine', story: 'Text.', instruction: '  ' }),
      { field: 'instruction' },
    );
    assert.throws(() => buildConverseRequest('', CONTROLS), { field: 'modelId' });
  });

  it('derives titles from the premise and from the story heading', () => {
    assert.equal(titleFromPremise('An otter finds a lighthouse. Then more happens.'), 'An otter finds a lighthouse');
    const long = titleFromPremise(
      'A very long premise about a dragon who wanted to become a baker in a tiny mountain village far away',
    );
    assert.ok(long.length <= 60 && long.endsWith('…'), long);
    assert.equal(titleFromPremise('  '), 'Untitled story');
    assert.equal(titleFromStory('# The Singing Light\n\nOnce…'), 'The Singing Light');
    assert.equal(titleFromStory('Once upon a time'), undefined);
  });
});
