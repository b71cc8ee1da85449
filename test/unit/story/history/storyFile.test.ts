import * as assert from 'node:assert/strict';
import { parseStory } from '../../../../src/core/story/history/storyFile';
import type { StoredStory } from '../../../../src/core/story/history/storyFile';

const STORY: StoredStory = {
  version: 1,
  id: 'a1b2',
  title: 'An otter finds a lighthouse',
  modelId: 'amazon.nova-lite-v1:0',
  controls: {
    premise: 'An otter',
    genre: 'fantasy',
    audience: 'children',
    tone: 'warm',
    length: 'short',
    temperature: 0.7,
  },
  text: 'Once upon a time.',
  turns: [
    {
      kind: 'new',
      text: 'Once upon a time.',
      status: 'done',
      usage: { inputTokens: 1, outputTokens: 2, totalTokens: 3 },
      at: 5,
    },
    { kind: 'refine', instruction: 'Shorter', text: 'Once.', status: 'failed', at: 6 },
  ],
  status: 'failed',
  usage: { inputTokens: 1, outputTokens: 2, totalTokens: 3, estimated: true },
  cost: { amount: 0.001, currency: 'USD', estimated: true },
  error: { code: 'throttled', message: 'Too many requests.', actions: ['retry'], partialKept: true },
  stopReason: 'end_turn',
  parentId: 'a0',
  createdAt: 5,
  updatedAt: 6,
  leaseUntil: 10,
};

const parse = (value: unknown) => parseStory(JSON.stringify(value));

describe('story file', () => {
  it('reads every field a story file holds', () => {
    assert.deepEqual(parse(STORY), STORY);
    const { error: _e, stopReason: _s, parentId: _p, leaseUntil: _l, ...minimal } = STORY;
    assert.deepEqual(parse({ ...minimal, usage: null, cost: null }), { ...minimal, usage: null, cost: null });
  });

  it('reads a story the content policy blocked (#27): its blocked turn keeps no text, its error says why', () => {
    const blocked: StoredStory = {
      ...STORY,
      text: '',
      turns: [
        { kind: 'new', text: '', status: 'blocked', usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 }, at: 5 },
      ],
      status: 'blocked',
      stopReason: 'guardrail_intervened',
      error: {
        code: 'premiseBlocked',
        message: 'The content policy blocked this premise: “No.” Change the premise and try again.',
        actions: [],
        partialKept: false,
      },
    };
    assert.deepEqual(parse(blocked), blocked);
    // Files written before it (no blocked status anywhere) read as they always did.
    assert.deepEqual(parse(STORY), STORY);
  });

  it('says what is wrong with a file it cannot read', () => {
    const cases: [unknown, string][] = [
      [[STORY], 'not a story object'],
      [null, 'not a story object'],
      [{ ...STORY, version: 2 }, 'unknown version 2'],
      [{ ...STORY, version: undefined }, 'unknown version undefined'],
      [{ ...STORY, title: undefined }, '"title" is missing'],
      [{ ...STORY, createdAt: undefined }, '"createdAt" is missing'],
      [{ ...STORY, id: '../etc' }, 'bad id: Invalid format: Expected /^[A-Za-z0-9-]{1,100}$/ but received "../etc"'],
      [
        { ...STORY, status: 'lost' },
        'bad status: Invalid type: Expected ("streaming" | "done" | "stopped" | "failed" | "blocked") but received "lost"',
      ],
      [{ ...STORY, controls: { ...STORY.controls, premise: ' ' } }, 'bad controls.premise: Premise is required.'],
      [
        { ...STORY, turns: [{ ...STORY.turns[0], kind: 'rewrite' }] },
        'bad turns.0.kind: Invalid type: Expected ("new" | "continue" | "regenerate" | "refine") but received "rewrite"',
      ],
      [{ ...STORY, password: 'x' }, 'unknown field "password"'],
    ];
    for (const [value, message] of cases) assert.equal(parse(value), message, JSON.stringify(value).slice(0, 80));
    assert.equal(parseStory('{"version":1,"id":'), 'not valid JSON');
    const badAction = parse({ ...STORY, error: { ...STORY.error, actions: ['reboot'] } });
    assert.match(
      String(badAction),
      /^bad error\.actions\.0: Invalid type: Expected \(.*"retry".*\) but received "reboot"$/,
    );
  });
});
