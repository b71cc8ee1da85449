// The story panel's enabling rules and draft handling (webview/story/state.ts), in plain Node.
import * as assert from 'node:assert/strict';
import { reservedTokens } from '../../../infra/src/gateway/reservation';
import type { StoryLength } from '../../../src/core/story/protocol/controls';
import { EMPTY_DRAFT } from '../../../src/core/story/protocol/webviewState';
import { buildConverseRequest } from '../../../src/core/story/prompt';
import type { HistoryItem, ModelInfo } from '../../../src/core/story/protocol/wire';
import {
  authLine,
  budgetLine,
  budgetResets,
  endedStatus,
  refusedUntil,
  shortfallLine,
  historyTokens,
  storyMeta,
  usageLine,
} from '../../../webview/story/format';
import {
  budgetShortfall,
  canContinue,
  canDelete,
  canExport,
  canGenerate,
  canRefine,
  canRegenerate,
  canStop,
  checkDraft,
  continueHeldUntil,
  controlsFromDraft,
  enabled,
  formAlert,
  generateKey,
  initialState,
  pickModel,
  refineHeldUntil,
  shownChoices,
  storyHeldUntil,
  toWebviewState,
  usableActions,
} from '../../../webview/story/state';
import type { PanelState, Shown } from '../../../webview/story/state';

/** When the day's budget starts again: relative to now, so the tests mean the same on any date. */
const RESETS_AT = Date.now() + 3 * 3_600_000;

const models: ModelInfo[] = [
  { id: 'nova', name: 'Nova Lite', provider: 'Amazon' },
  { id: 'haiku', name: 'Claude Haiku', provider: 'Anthropic' },
];

function shown(changes: Partial<Shown> = {}): Shown {
  return {
    id: 's-1',
    title: 'T',
    modelId: 'nova',
    status: 'done',
    usage: null,
    cost: null,
    stopReason: '',
    ...changes,
  };
}

/** Signed in, models offered, nothing on screen, idle. */
function state(changes: Partial<PanelState> = {}): PanelState {
  return {
    ...initialState(undefined),
    auth: { kind: 'signedIn', email: 'a@example.com' },
    models,
    defaultModelId: 'nova',
    ...changes,
  };
}

const item = (id: string, status: HistoryItem['status'] = 'done'): HistoryItem => ({
  id,
  title: id,
  modelId: 'nova',
  createdAt: 0,
  status,
  outputTokens: 1,
});

describe('story webview state: initial and saved state', () => {
  it('starts fresh without saved state, and from the saved draft, owner and story otherwise', () => {
    const none = initialState(undefined);
    assert.equal(none.fresh, true);
    assert.deepEqual(none.draft, EMPTY_DRAFT);
    const draft = { ...EMPTY_DRAFT, premise: 'Kept' };
    const saved = initialState({ version: 1, draft, storyId: 's-9', owner: 'a@example.com' });
    assert.equal(saved.fresh, false);
    assert.equal(saved.draft, draft);
    assert.equal(saved.owner, 'a@example.com');
    assert.equal(saved.savedStoryId, 's-9');
  });

  it('saves the draft, the story on screen and the owner, and nothing absent', () => {
    assert.deepEqual(toWebviewState(state()), { version: 1, draft: EMPTY_DRAFT });
    assert.deepEqual(toWebviewState(state({ shown: shown(), owner: 'a@example.com' })), {
      version: 1,
      draft: EMPTY_DRAFT,
      storyId: 's-1',
      owner: 'a@example.com',
    });
  });
});

describe('story webview state: what is enabled when', () => {
  it('Generate needs a signed-in user, a model, and no request or stream of its own in flight', () => {
    assert.equal(canGenerate(state()), true);
    assert.equal(canGenerate(state({ auth: { kind: 'offline', email: 'a@example.com' } })), false);
    assert.equal(canGenerate(state({ auth: { kind: 'signedOut' } })), false);
    assert.equal(canGenerate(state({ auth: undefined })), false);
    assert.equal(canGenerate(state({ models: [] })), false);
    assert.equal(canGenerate(state({ busy: true })), false);
    assert.equal(canGenerate(state({ shown: shown({ status: 'streaming' }) })), false);
    // A story another window writes does not hold this panel up.
    assert.equal(canGenerate(state({ shown: shown({ status: 'streaming', elsewhere: true }) })), true);
  });

  it('Stop only while a story streams here', () => {
    assert.equal(canStop(state({ shown: shown({ status: 'streaming' }) })), true);
    assert.equal(canStop(state({ shown: shown({ status: 'streaming' }), auth: { kind: 'signedOut' } })), true);
    assert.equal(canStop(state({ shown: shown({ status: 'streaming', elsewhere: true }) })), false);
    assert.equal(canStop(state({ shown: shown({ status: 'stopped' }) })), false);
    assert.equal(canStop(state()), false);
  });

  it('Continue needs a finished story with text', () => {
    assert.equal(canContinue(state({ shown: shown() }), true), true);
    assert.equal(canContinue(state({ shown: shown({ status: 'failed' }) }), true), true);
    assert.equal(canContinue(state({ shown: shown() }), false), false, 'no text');
    assert.equal(canContinue(state(), true), false, 'no story');
    assert.equal(canContinue(state({ shown: shown({ status: 'streaming', elsewhere: true }) }), true), false);
    assert.equal(canContinue(state({ shown: shown(), busy: true }), true), false);
  });

  it('Regenerate needs a story of this window, text or not', () => {
    assert.equal(canRegenerate(state({ shown: shown({ status: 'failed' }) })), true);
    assert.equal(canRegenerate(state({ shown: shown({ elsewhere: true }) })), false);
    assert.equal(canRegenerate(state()), false);
    assert.equal(canRegenerate(state({ shown: shown(), auth: { kind: 'sessionExpired' } })), false);
  });

  it('Refine needs text and an instruction that is not blank', () => {
    const draft = (refineInstruction: string) => ({ ...EMPTY_DRAFT, refineInstruction });
    assert.equal(canRefine(state({ shown: shown(), draft: draft('Happier') }), true), true);
    assert.equal(canRefine(state({ shown: shown(), draft: draft('   ') }), true), false);
    assert.equal(canRefine(state({ shown: shown(), draft: draft('Happier') }), false), false);
    assert.equal(canRefine(state({ shown: shown({ elsewhere: true }), draft: draft('Happier') }), true), false);
  });

  it('a story project entry (#26) is not continued, regenerated or refined in the panel; it is exported and deleted', () => {
    const origin = { project: 'The Salt Road', chapter: 'chapters/02.md', command: 'continue' as const };
    const s = state({ shown: shown({ origin }), draft: { ...EMPTY_DRAFT, refineInstruction: 'Happier' } });
    assert.deepEqual(
      [canContinue(s, true), canRegenerate(s), canRefine(s, true), canExport(s, true)],
      [false, false, false, true],
    );
    const item: HistoryItem = {
      id: 's-1',
      title: 'T',
      modelId: 'nova',
      createdAt: 1,
      status: 'done',
      outputTokens: 1,
      origin,
    };
    assert.equal(canDelete(s, item), true);
  });

  it('Export needs text and no stream here, but no sign-in', () => {
    assert.equal(canExport(state({ shown: shown(), auth: { kind: 'signedOut' } }), true), true);
    assert.equal(canExport(state({ shown: shown({ status: 'streaming' }) }), true), false);
    assert.equal(canExport(state({ shown: shown({ status: 'streaming', elsewhere: true }) }), true), true);
    assert.equal(canExport(state({ shown: shown() }), false), false);
  });

  it('Delete is refused for a story being written, here or in another window', () => {
    const streamingHere = state({ shown: shown({ status: 'streaming' }) });
    assert.equal(canDelete(streamingHere, item('s-1')), false, 'the listed status may lag behind');
    assert.equal(canDelete(streamingHere, item('s-2')), true);
    assert.equal(canDelete(state(), item('s-3', 'streaming')), false);
    assert.equal(canDelete(state({ shown: shown() }), item('s-1')), true);
  });

  it('a request the daily budget refused waits: Continue, Regenerate and Refine of that story, Generate of the same form', () => {
    const draft = { ...EMPTY_DRAFT, premise: 'A storm.', modelId: 'nova', refineInstruction: 'Happier' };
    const controls = checkDraft(draft).controls;
    assert.ok(controls);
    const refused = { storyIds: ['s-1'], generate: generateKey(controls, 'nova'), until: 1, tokensLeft: 0 };
    const held = state({ shown: shown(), draft, refused });
    assert.deepEqual(enabled(held, true), {
      generate: false,
      stop: false,
      continue: false,
      regenerate: false,
      refine: false,
      export: true,
    });
    const other = state({ shown: shown({ id: 's-2' }), draft, refused });
    assert.equal(canRegenerate(other), true, 'another story is not the refused one');
    assert.equal(canContinue(other, true), true);
    assert.equal(
      canGenerate(state({ draft: { ...draft, length: 'short' }, refused })),
      true,
      'a shorter story may fit',
    );
    assert.equal(canGenerate(state({ draft: { ...draft, modelId: 'haiku' }, refused })), true, 'another model');
    assert.equal(canGenerate(state({ draft, refused: { ...refused, generate: undefined } })), true);
    assert.match(refusedUntil(RESETS_AT), /^Your daily token budget does not cover this story\. It starts again at \d/);
  });

  it('budget mode: Generate waits when the gateway would reserve more than is left (its own rule, exactly)', () => {
    const resetsAt = RESETS_AT;
    const budget = (tokensLeft: number) => ({ dailyTokens: 50_000, tokensLeft, resetsAt });
    const draft = (length: string, modelId = 'nova') => ({ ...EMPTY_DRAFT, premise: 'A storm.', length, modelId });
    const controls = (length: StoryLength) => checkDraft(draft(length)).controls!;
    // What the gateway reserves: the request's UTF-8 bytes, its template allowance and the output limit.
    const need = (length: StoryLength, modelId = 'nova') =>
      reservedTokens(buildConverseRequest(modelId, controls(length)));
    const medium = need('medium');
    assert.ok(medium > 2000, `the prompt comes on top of Medium's 2,000: ${medium}`);
    assert.equal(budgetShortfall(state({ draft: draft('medium') })), undefined, 'direct mode: no budget');
    assert.equal(
      budgetShortfall(state({ draft: draft('medium'), budget: budget(medium) })),
      undefined,
      'exactly enough',
    );
    const short = budgetShortfall(state({ draft: draft('medium'), budget: budget(medium - 1) }));
    assert.deepEqual(short, {
      left: medium - 1,
      need: medium,
      shortest: false,
      resetsAt,
      length: 'medium',
      fits: ['short'],
    });
    assert.equal(canGenerate(state({ draft: draft('medium'), budget: budget(medium - 1) })), false);
    assert.equal(canGenerate(state({ draft: draft('short'), budget: budget(medium - 1) })), true, 'Short fits');
    assert.equal(
      shortfallLine(short),
      `Medium needs ${medium.toLocaleString('en-US')} tokens; ${(medium - 1).toLocaleString('en-US')} are left today. Short fits.`,
    );
    // 2,000 left: Medium's output limit alone would fit, but not with its prompt (#24).
    assert.equal(canGenerate(state({ draft: draft('medium'), budget: budget(2000) })), false);
    // Nothing fits: only when the budget comes back.
    const none = budgetShortfall(state({ draft: draft('short'), budget: budget(need('short') - 1) }));
    assert.equal(none?.shortest, true);
    assert.deepEqual(none?.fits, []);
    assert.match(
      shortfallLine(none),
      /^[\d,]+ tokens left today: not enough for a story\. Your daily token budget starts again at \d/,
    );
    // A longer premise needs more.
    const longer = { ...draft('short'), premise: 'A storm. '.repeat(50) };
    assert.equal(canGenerate(state({ draft: longer, budget: budget(need('short')) })), false);
    // A model with a lower output limit reserves less: Llama's is 2,048, so a Long story needs its prompt + 2,048.
    const llama = 'meta.llama3-70b-instruct-v1:0';
    const llamaLong = reservedTokens(buildConverseRequest(llama, controls('long')));
    assert.equal(llamaLong, need('long') - 5000 + 2048);
    const llamaDraft = draft('long', llama);
    assert.equal(budgetShortfall(state({ draft: llamaDraft, budget: budget(llamaLong) })), undefined);
    assert.equal(budgetShortfall(state({ draft: llamaDraft, budget: budget(llamaLong - 1) }))?.need, llamaLong);
    // A form that cannot make a request yet: the output limit, the least any prompt needs.
    assert.equal(
      budgetShortfall(state({ draft: { ...draft('medium'), premise: '' }, budget: budget(1999) }))?.need,
      2000,
    );
    assert.equal(shortfallLine(undefined), '');
  });

  it('budget mode: Continue, Regenerate and Refine of the story on screen wait when its length cannot fit', () => {
    const resetsAt = RESETS_AT;
    const draft = { ...EMPTY_DRAFT, refineInstruction: 'Happier' };
    const long = (tokensLeft: number) =>
      state({ shown: shown({ length: 'long' }), draft, budget: { dailyTokens: 50_000, tokensLeft, resetsAt } });
    assert.deepEqual(enabled(long(4999), true), {
      generate: true,
      stop: false,
      continue: false,
      regenerate: false,
      refine: false,
      export: true,
    });
    assert.equal(storyHeldUntil(long(4999)), resetsAt, 'the buttons say when the budget starts again');
    assert.equal(canRegenerate(long(5000)), true, 'enough for its output limit');
    assert.equal(storyHeldUntil(long(5000)), undefined);
    assert.equal(canRegenerate(state({ shown: shown(), budget: long(0).budget })), true, 'a story of unknown length');
  });

  it('budget mode: Continue and Refine count the story so far, as the gateway does (#24)', () => {
    const resetsAt = RESETS_AT;
    const controls = checkDraft({ ...EMPTY_DRAFT, premise: 'A storm.', modelId: 'nova' }).controls!;
    const text = 'The wind rose over the harbour. '.repeat(40);
    const regenerate = reservedTokens(buildConverseRequest('nova', controls));
    const cont = reservedTokens(buildConverseRequest('nova', controls, { kind: 'continue', story: text }));
    const refine = reservedTokens(
      buildConverseRequest('nova', controls, { kind: 'refine', story: text, instruction: 'Happier' }),
    );
    assert.ok(cont > regenerate + 1000 && refine > cont, `${regenerate} < ${cont} < ${refine}`);
    const at = (tokensLeft: number) =>
      state({
        shown: shown({ controls, length: controls.length }),
        draft: { ...EMPTY_DRAFT, refineInstruction: 'Happier' },
        budget: { dailyTokens: 50_000, tokensLeft, resetsAt },
      });
    assert.deepEqual(enabled(at(cont - 1), true, text), {
      generate: true,
      stop: false,
      continue: false,
      regenerate: true,
      refine: false,
      export: true,
    });
    assert.equal(continueHeldUntil(at(cont - 1), text), resetsAt, 'its tooltip says when the budget comes back');
    assert.equal(storyHeldUntil(at(cont - 1)), undefined, 'Regenerate is not held: it fits');
    assert.equal(canContinue(at(cont), true, text), true, 'exactly enough');
    assert.equal(canRefine(at(cont), true, text), false, 'Refine sends the instruction too');
    assert.equal(canRefine(at(refine), true, text), true);
    assert.equal(refineHeldUntil(at(refine - 1), text), resetsAt);
    assert.equal(canRegenerate(at(regenerate - 1)), false);
  });

  it('names every button of the story part at once', () => {
    const s = state({ shown: shown({ status: 'streaming' }) });
    assert.deepEqual(enabled(s, true), {
      generate: false,
      stop: true,
      continue: false,
      regenerate: false,
      refine: false,
      export: false,
    });
  });

  it('offers Retry only when there is a request to send again', () => {
    assert.deepEqual(usableActions(state(), ['retry', 'signIn']), ['signIn']);
    const lastAction = { method: 'continue', params: { storyId: 's-1' } } as const;
    assert.deepEqual(usableActions(state({ lastAction }), ['retry', 'signIn']), ['retry', 'signIn']);
  });
});

describe('story webview state: draft ↔ controls', () => {
  const valid = { ...EMPTY_DRAFT, premise: '  A keeper.  ', temperature: '0.3', modelId: 'nova' };

  it('turns a valid draft into trimmed controls, leaving out blank optional fields', () => {
    const { controls, errors } = checkDraft({ ...valid, characters: '  ', setting: 'An island' });
    assert.equal(errors.size, 0);
    assert.deepEqual(controls, {
      premise: 'A keeper.',
      genre: 'fantasy',
      audience: 'adult',
      tone: 'whimsical',
      length: 'medium',
      temperature: 0.3,
      setting: 'An island',
    });
  });

  it('reports the first problem of each field, a blank temperature and a missing model included', () => {
    const { controls, errors } = checkDraft({ ...valid, premise: '', temperature: ' ', modelId: '' });
    assert.equal(controls, undefined);
    assert.deepEqual(
      [...errors],
      [
        ['premise', 'Premise is required.'],
        ['temperature', 'Temperature must be a number from 0 to 1.'],
        ['model', 'Pick a model.'],
      ],
    );
    assert.equal(
      formAlert(errors),
      'Please fix 3 problems: Premise is required. Temperature must be a number from 0 to 1. Pick a model.',
    );
    assert.equal(
      formAlert(checkDraft({ ...valid, temperature: '2' }).errors),
      'Please fix one problem: Temperature must be from 0 to 1; it is 2.',
    );
    assert.equal(formAlert(new Map()), '');
  });

  it('reads an empty temperature as NaN, not 0, so it is reported', () => {
    const c = controlsFromDraft({ ...valid, temperature: '' }) as { temperature: number };
    assert.ok(Number.isNaN(c.temperature));
  });

  it('shows an audience or length the selects do not offer as the default', () => {
    assert.deepEqual(shownChoices({ ...EMPTY_DRAFT, audience: 'children', length: 'epic' }), {
      audience: 'children',
      length: EMPTY_DRAFT.length,
    });
  });

  it("selects the draft's model if offered, else (with none) the default, else the first", () => {
    assert.equal(pickModel(models, 'haiku', 'nova'), 'haiku');
    assert.equal(pickModel(models, '', 'haiku'), 'haiku');
    assert.equal(pickModel(models, 'gone', 'haiku'), 'nova');
    assert.equal(pickModel([], 'haiku', 'nova'), '');
  });
});

describe('story webview format', () => {
  it('says who is signed in, and today’s usage in total tokens', () => {
    assert.equal(authLine({ kind: 'signedIn', email: 'a@example.com' }), 'Signed in as a@example.com');
    assert.equal(authLine({ kind: 'unconfigured' }), 'Not configured');
    assert.equal(authLine(undefined), '');
    const cost = { amount: 0.0123, currency: 'USD', estimated: true } as const;
    assert.equal(
      usageLine({ inputTokens: 1000, outputTokens: 2345, cost }),
      'Today: 3,345 total tokens · ≈ $0.0123 (estimate)',
    );
    assert.equal(usageLine(undefined), '');
    // Prompt caching (#26): cached tokens count in the total and are named.
    assert.equal(
      usageLine({ inputTokens: 100, outputTokens: 400, cost, cacheReadInputTokens: 4000, cacheWriteInputTokens: 500 }),
      'Today: 5,000 total tokens (4,000 read from the cache, 500 written to it) · ≈ $0.0123 (estimate)',
    );
    assert.equal(
      usageLine({ inputTokens: 1, outputTokens: 2, cost: null, cacheReadInputTokens: 0, cacheWriteInputTokens: 0 }),
      'Today: 3 total tokens',
    );
  });

  it('shows the daily token budget in budget mode, and nothing in direct mode', () => {
    const budget = { dailyTokens: 50_000, tokensLeft: 12_400, resetsAt: RESETS_AT };
    assert.equal(budgetLine(budget), '12,400 of 50,000 tokens left today');
    assert.equal(budgetLine({ ...budget, tokensLeft: 0 }), '0 of 50,000 tokens left today');
    assert.equal(budgetLine(undefined), '');
    assert.match(budgetResets(budget), /^Your daily token budget \(set by the stack\) starts again at \d{1,2}:\d{2}/);
    assert.equal(budgetResets(undefined), '');
  });

  it('describes the story on screen, marking estimates, and how it ended', () => {
    const usage = { inputTokens: 5, outputTokens: 300, totalTokens: 305, estimated: true } as const;
    assert.equal(storyMeta(state(), shown({ usage })), 'Nova Lite · ≈ 305 total tokens (estimate)');
    const cached = {
      inputTokens: 5,
      outputTokens: 300,
      totalTokens: 1305,
      cacheReadInputTokens: 1000,
      cacheWriteInputTokens: 0,
    };
    assert.equal(
      storyMeta(state(), shown({ usage: cached })),
      'Nova Lite · 1,305 total tokens (1,000 read from the cache, 0 written to it)',
    );
    assert.equal(storyMeta(state(), shown({ modelId: 'unknown' })), 'unknown');
    assert.equal(
      endedStatus('done', 'max_tokens'),
      'Story finished. It reached the length limit: Continue writes more.',
    );
    assert.equal(endedStatus('done', 'guardrail_intervened'), 'Story finished. The model stopped for content reasons.');
    assert.equal(endedStatus('stopped', 'max_tokens'), 'Stopped. The text so far is kept.');
    assert.equal(historyTokens(item('s-1')), '1 output tokens', 'older hosts: output tokens, not mixed');
    assert.equal(historyTokens({ ...item('s-1'), totalTokens: 1200 }), '1,200 total tokens');
  });
});
