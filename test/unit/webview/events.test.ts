// The story panel's reducer of host events (webview/story/events.ts), in plain Node: the state
// each event leads to, and the effects it asks of the DOM.
import * as assert from 'node:assert/strict';
import { DEFAULT_CONTROLS } from '../../../src/core/story/protocol/controls';
import { hostEvent } from '../../../src/core/story/protocol/messages';
import type { HostEvents } from '../../../src/core/story/protocol/messages';
import { EMPTY_DRAFT } from '../../../src/core/story/protocol/webviewState';
import type { AuthState, HistoryItem, ModelInfo, StoryRecord } from '../../../src/core/story/protocol/wire';
import { reduce, storyCleared, storyShown } from '../../../webview/story/events';
import type { Effect } from '../../../webview/story/events';
import { elsewhereStatus } from '../../../webview/story/format';
import { initialState } from '../../../webview/story/state';
import type { PanelState, Shown } from '../../../webview/story/state';

/** When the day's budget starts again: relative to now, so the tests mean the same on any date. */
const RESETS_AT = Date.now() + 3 * 3_600_000;

const models: ModelInfo[] = [
  { id: 'nova', name: 'Nova Lite', provider: 'Amazon' },
  { id: 'haiku', name: 'Claude Haiku', provider: 'Anthropic' },
];
const alice: AuthState = { kind: 'signedIn', email: 'alice@example.com' };
const bob: AuthState = { kind: 'signedIn', email: 'bob@example.com' };
const controls = { ...DEFAULT_CONTROLS, premise: 'A lighthouse keeper befriends a storm.' };

const stateEvent = (auth: AuthState, defaultModelId = 'nova') => hostEvent('state', { auth, models, defaultModelId });

/** Alice signed in with her draft, a story on screen, history and usage. */
function aliceState(changes: Partial<PanelState> = {}): PanelState {
  return {
    ...initialState({ version: 1, draft: { ...EMPTY_DRAFT, premise: 'Mine', modelId: 'haiku' } }),
    auth: alice,
    owner: 'alice@example.com',
    models,
    defaultModelId: 'nova',
    shown: shown(),
    history: [item('s-1')],
    historyOmitted: 3,
    usageToday: { inputTokens: 1, outputTokens: 2, cost: null },
    status: 'Saved.',
    lastAction: { method: 'regenerate', params: { storyId: 's-1' } },
    ...changes,
  };
}

function shown(changes: Partial<Shown> = {}): Shown {
  const base = { id: 's-1', title: 'T', modelId: 'nova', usage: null, cost: null, stopReason: '' };
  return { ...base, status: 'done', ...changes };
}

function item(id: string, changes: Partial<HistoryItem> = {}): HistoryItem {
  return { id, title: id, modelId: 'nova', createdAt: 0, status: 'done', outputTokens: 1, ...changes };
}

function record(changes: Partial<StoryRecord> = {}): StoryRecord {
  const base = { id: 's-2', title: 'The Storm', modelId: 'nova', controls, text: 'Once.', usage: null, cost: null };
  return { ...base, status: 'done', createdAt: 0, ...changes };
}

const kinds = (effects: readonly Effect[]) => effects.map((e) => e.kind);

describe('story webview events: sign-in state and users', () => {
  it("takes the first signed-in user as the owner, saves, and selects the draft's model", () => {
    const { state, effects } = reduce(initialState(undefined), stateEvent(alice, 'haiku'));
    assert.equal(state.owner, 'alice@example.com');
    assert.equal(state.draft.modelId, 'haiku');
    assert.deepEqual(effects, [{ kind: 'save' }, { kind: 'models', value: 'haiku' }]);
  });

  it('opens the story saved with the state once its owner is signed in, and only once', () => {
    const saved = initialState({ version: 1, draft: EMPTY_DRAFT, storyId: 's-7', owner: 'alice@example.com' });
    const offline = reduce(saved, stateEvent({ kind: 'sessionExpired' }));
    assert.ok(!offline.effects.some((e) => e.kind === 'open'), 'not before sign-in');
    const first = reduce(saved, stateEvent(alice));
    assert.deepEqual(
      first.effects.find((e) => e.kind === 'open'),
      { kind: 'open', id: 's-7', quiet: true },
    );
    assert.equal(first.state.savedStoryId, undefined);
    assert.ok(!reduce(first.state, stateEvent(alice)).effects.some((e) => e.kind === 'open'));
  });

  it("clears everything of the previous user when another signs in, keeping only the model's choice", () => {
    const { state, effects } = reduce(aliceState(), stateEvent(bob));
    assert.equal(state.owner, 'bob@example.com');
    assert.deepEqual(state.draft, { ...EMPTY_DRAFT, modelId: 'haiku' });
    assert.equal(state.shown, undefined);
    assert.deepEqual(state.history, []);
    assert.equal(state.historyOmitted, 0);
    assert.equal(state.usageToday, undefined);
    assert.equal(state.lastAction, undefined);
    assert.equal(state.status, '');
    assert.deepEqual(kinds(effects), ['resetText', 'busy', 'fillForm', 'save', 'save', 'models']);
    assert.deepEqual(effects[2], { kind: 'fillForm', clear: true });
  });

  it('clears on sign-out, but leaves a panel that shows nothing alone', () => {
    const out = reduce(aliceState(), stateEvent({ kind: 'signedOut' }));
    assert.equal(out.state.owner, undefined);
    assert.equal(out.state.draft.premise, '');
    const empty = reduce({ ...initialState(undefined), auth: alice }, stateEvent({ kind: 'signedOut' }));
    assert.deepEqual(kinds(empty.effects), ['models']);
  });

  it('keeps the draft and owner when the session expires, and drops the story, history and usage', () => {
    const { state } = reduce(aliceState(), stateEvent({ kind: 'sessionExpired' }));
    assert.equal(state.draft.premise, 'Mine');
    assert.equal(state.owner, 'alice@example.com');
    assert.equal(state.shown, undefined);
    assert.deepEqual(state.history, []);
    assert.equal(state.usageToday, undefined);
  });

  it('empties the status line when the sign-in state changes, not when it is sent again', () => {
    assert.equal(reduce(aliceState(), stateEvent(alice)).state.status, 'Saved.');
    const offline = stateEvent({ kind: 'offline', email: 'alice@example.com' });
    assert.equal(reduce(aliceState(), offline).state.status, '');
  });

  it("falls back to the first model when the draft's is no longer offered", () => {
    const s = aliceState({ draft: { ...EMPTY_DRAFT, modelId: 'retired' } });
    const { state, effects } = reduce(s, stateEvent(alice, 'haiku'));
    assert.equal(state.draft.modelId, 'nova');
    assert.deepEqual(effects.at(-1), { kind: 'models', value: 'nova' });
  });
});

describe('story webview events: a story streaming', () => {
  const started = (data: Partial<HostEvents['story.started']> = {}) =>
    hostEvent('story.started', { storyId: 's-2', modelId: 'haiku', controls, kind: 'new', ...data });

  it('starts a new story from empty text, titled from its premise, and drops the error', () => {
    const s = aliceState({ error: { message: 'Throttled.', actions: ['retry'] } });
    const { state, effects } = reduce(s, started());
    assert.deepEqual(state.shown, {
      id: 's-2',
      title: 'A lighthouse keeper befriends a storm',
      modelId: 'haiku',
      status: 'streaming',
      usage: null,
      cost: null,
      stopReason: '',
      length: controls.length,
      controls,
    });
    assert.equal(state.status, 'Writing the story…');
    assert.equal(state.error, undefined);
    assert.deepEqual(effects, [{ kind: 'resetText' }, { kind: 'busy', busy: true }, { kind: 'save' }]);
  });

  it('continues the story on screen without clearing its text or title', () => {
    const { state, effects } = reduce(aliceState(), started({ storyId: 's-1', kind: 'continue' }));
    assert.equal(state.shown?.title, 'T');
    assert.equal(state.status, 'Continuing the story…');
    assert.ok(!kinds(effects).includes('resetText'));
  });

  it('appends deltas of the story streaming here only, without changing state', () => {
    const s = aliceState({ shown: shown({ status: 'streaming' }) });
    const mine = reduce(s, hostEvent('story.delta', { storyId: 's-1', text: 'more' }));
    assert.equal(mine.state, s);
    assert.deepEqual(mine.effects, [{ kind: 'append', text: 'more' }]);
    assert.deepEqual(reduce(s, hostEvent('story.delta', { storyId: 's-9', text: 'x' })).effects, []);
    const elsewhere = aliceState({ shown: shown({ status: 'streaming', elsewhere: true }) });
    assert.deepEqual(reduce(elsewhere, hostEvent('story.delta', { storyId: 's-1', text: 'x' })).effects, []);
  });

  it('ends a story with its usage, cost and reason, and ignores the end of another', () => {
    const s = aliceState({ shown: shown({ status: 'streaming' }) });
    const usage = { inputTokens: 5, outputTokens: 10, totalTokens: 15 };
    const cost = { amount: 0.001, currency: 'USD', estimated: true } as const;
    const done = hostEvent('story.done', { storyId: 's-1', usage, cost, stopReason: 'max_tokens' });
    const { state, effects } = reduce(s, done);
    assert.deepEqual(state.shown, { ...shown(), status: 'done', usage, cost, stopReason: 'max_tokens' });
    assert.equal(state.status, 'Story finished. It reached the length limit: Continue writes more.');
    assert.deepEqual(effects, [{ kind: 'finish' }]);
    const other = reduce(s, hostEvent('story.done', { storyId: 's-9', usage, cost, stopReason: 'end_turn' }));
    assert.equal(other.state, s);

    const stopped = reduce(s, hostEvent('story.stopped', { storyId: 's-1' })).state;
    assert.equal(stopped.shown?.status, 'stopped');
    assert.equal(stopped.shown?.usage, null);
    assert.equal(stopped.status, 'Stopped. The text so far is kept.');
  });
});

describe('story webview events: errors', () => {
  const error = (data: Partial<HostEvents['story.error']>) =>
    hostEvent('story.error', {
      code: 'throttled',
      message: 'Bedrock is busy.',
      actions: ['retry', 'continue'],
      partialKept: false,
      ...data,
    });

  it('a story that failed before any text is not shown as a failed story (#24); Continue only when text was kept', () => {
    // Regenerate of s-1 made s-2, which failed before its first word: s-1 comes back, with Retry.
    const s = aliceState({ shown: shown({ id: 's-2', status: 'streaming' }) });
    const lost = reduce(s, error({ storyId: 's-2' }));
    assert.equal(lost.state.shown, undefined);
    assert.equal(lost.state.status, 'The story could not be written.');
    assert.deepEqual(lost.state.error, { message: 'Bedrock is busy.', actions: ['retry'], storyId: 's-1' });
    assert.deepEqual(lost.effects, [
      { kind: 'finish' },
      { kind: 'resetText' },
      { kind: 'open', id: 's-1', quiet: true },
    ]);

    const kept = reduce(s, error({ storyId: 's-2', partialKept: true }));
    assert.equal(kept.state.status, 'The story stopped early. The text so far is kept.');
    assert.deepEqual(kept.state.error?.actions, ['retry', 'continue']);
    assert.deepEqual(kept.effects, [{ kind: 'finish' }]);
  });

  it('ignores an error about another story, and offers no Retry with nothing to retry', () => {
    const s = aliceState();
    assert.equal(reduce(s, error({ storyId: 's-9' })).state, s);
    const { state } = reduce(aliceState({ lastAction: undefined }), error({ actions: ['retry', 'signIn'] }));
    assert.deepEqual(state.error, { message: 'Bedrock is busy.', actions: ['signIn'] });
    assert.equal(state.shown?.status, 'done', 'no story id: the story on screen is not touched');
  });
});

describe('story webview events: history, opened stories and restore', () => {
  it('lists the newest page and reopens a story the other window has finished', () => {
    const s = aliceState({ shown: shown({ status: 'streaming', elsewhere: true }) });
    const still = reduce(s, hostEvent('history', { items: [item('s-1', { elsewhere: true, status: 'streaming' })] }));
    assert.deepEqual(still.effects, []);
    const page = { items: [item('s-1'), item('s-0')], omitted: 2 };
    const ended = reduce(s, hostEvent('history', page));
    assert.deepEqual(ended.state.history, page.items);
    assert.equal(ended.state.historyOmitted, 2);
    assert.deepEqual(ended.effects, [{ kind: 'open', id: 's-1', quiet: false }]);
  });

  it('shows an opened story, saying so, and one another window writes as such', () => {
    const { state, effects } = reduce(aliceState(), hostEvent('story.opened', { story: record() }));
    assert.equal(state.shown?.id, 's-2');
    assert.equal(state.status, 'Opened “The Storm”.');
    assert.deepEqual(effects, [{ kind: 'resetText', text: 'Once.' }, { kind: 'busy', busy: false }, { kind: 'save' }]);

    const writing = record({ status: 'streaming', elsewhere: true, title: '' });
    const elsewhere = storyShown(aliceState(), writing, false);
    assert.equal(elsewhere.state.status, elsewhereStatus());
    assert.equal(elsewhere.state.shown?.title, 'A lighthouse keeper befriends a storm', 'untitled: from the premise');
    assert.deepEqual(elsewhere.effects[1], { kind: 'busy', busy: false }, 'not busy here');
    const finished = storyShown(elsewhere.state, record({ title: '' }), false);
    assert.equal(finished.state.status, 'The other window finished writing this story.');
    assert.equal(storyShown(aliceState(), record(), false).state.status, 'Saved.', 'quietly: the line stays');
  });

  it('clears the story on screen (deleted)', () => {
    const { state, effects } = storyCleared(aliceState({ error: { message: 'x', actions: [] } }));
    assert.equal(state.shown, undefined);
    assert.equal(state.error, undefined);
    assert.equal(state.status, '');
    assert.deepEqual(effects, [{ kind: 'resetText' }, { kind: 'busy', busy: false }]);
  });

  it("restores a closed panel's form and story into a fresh panel only", () => {
    const memory = { draft: { ...EMPTY_DRAFT, premise: 'Older', modelId: 'gone' }, storyId: 's-5' };
    const fresh = { ...initialState(undefined), auth: alice, models, defaultModelId: 'haiku' };
    const { state, effects } = reduce(fresh, hostEvent('restore', memory));
    assert.equal(state.fresh, false);
    assert.equal(state.draft.premise, 'Older');
    assert.equal(state.draft.modelId, 'nova', 'a model no longer offered is replaced');
    assert.deepEqual(effects, [
      { kind: 'fillForm', clear: false },
      { kind: 'models', value: 'nova' },
      { kind: 'open', id: 's-5', quiet: true },
      { kind: 'save' },
    ]);
    const typed = { ...fresh, fresh: false };
    assert.equal(reduce(typed, hostEvent('restore', memory)).state, typed);
  });

  it("keeps today's usage for the header", () => {
    const usage = { inputTokens: 3, outputTokens: 4, cost: null };
    assert.deepEqual(reduce(aliceState(), hostEvent('usage.today', usage)).state.usageToday, usage);
  });

  it('a budget refusal holds back the same request until the reset, or until more tokens are left', () => {
    const resetsAt = RESETS_AT;
    const budget = { dailyTokens: 2000, tokensLeft: 300, resetsAt };
    const refusal = hostEvent('story.error', {
      storyId: 's-9',
      code: 'budgetExceeded',
      message: 'Your daily token budget has 300 tokens left and this story may need 1,050.',
      actions: [],
      partialKept: false,
      retryAt: resetsAt,
    });
    // Regenerate of s-1 was refused: s-9 is the failed story, on screen.
    const before = aliceState({
      budget,
      shown: shown({ id: 's-9', status: 'streaming' }),
      lastAction: { method: 'regenerate', params: { storyId: 's-1' } },
    });
    const { state, effects } = reduce(before, refusal);
    assert.deepEqual(state.refused, {
      storyIds: ['s-9', 's-1'],
      generate: undefined,
      until: resetsAt,
      tokensLeft: 300,
    });
    assert.deepEqual(
      effects.filter((e) => e.kind === 'liftRefusal'),
      [{ kind: 'liftRefusal', at: resetsAt }],
    );
    const same = reduce(state, hostEvent('usage.budget', budget)).state;
    assert.equal(same.refused, state.refused, 'as many tokens left: still refused');
    const more = reduce(state, hostEvent('usage.budget', { ...budget, tokensLeft: 2000 })).state;
    assert.equal(more.refused, undefined, 'a new day (or a higher budget) lifts it');
    assert.equal(reduce(state, hostEvent('usage.budget', null)).state.refused, undefined, 'direct mode: no budget');
    assert.equal(reduce(state, stateEvent({ kind: 'signedOut' })).state.refused, undefined);

    // A new story refused: its model and controls are kept to compare with the form.
    const asked = { method: 'generate' as const, params: { controls, modelId: 'nova' } };
    const generated = reduce(aliceState({ budget, shown: before.shown, lastAction: asked }), refusal).state.refused;
    assert.deepEqual(generated?.storyIds, ['s-9']);
    assert.equal(generated?.generate, JSON.stringify(['nova', controls]));

    // Any other error changes nothing.
    const throttled = { storyId: 's-9', code: 'throttled', message: 'Busy.', actions: [], partialKept: false };
    const other = reduce(state, hostEvent('story.error', throttled));
    assert.equal(other.state.refused, state.refused);
  });

  it('a budget refusal is "Not enough budget today", not a failed story: the panel goes back to what it showed (#24)', () => {
    const budget = { dailyTokens: 2000, tokensLeft: 300, resetsAt: RESETS_AT };
    const refusal = (storyId: string) =>
      hostEvent('story.error', {
        storyId,
        code: 'budgetExceeded',
        message: 'Your daily token budget has 300 tokens left and this story may need 1,050.',
        actions: [],
        partialKept: false,
        retryAt: RESETS_AT,
      });
    // Generate: the refused story is gone from history; nothing stays on screen but the message.
    const asked = { method: 'generate' as const, params: { controls, modelId: 'nova' } };
    const generated = reduce(
      aliceState({ budget, shown: shown({ id: 's-9', status: 'streaming' }), lastAction: asked }),
      refusal('s-9'),
    );
    assert.equal(generated.state.shown, undefined);
    assert.equal(generated.state.status, 'Not enough budget today.');
    assert.deepEqual(generated.state.error, {
      message: 'Your daily token budget has 300 tokens left and this story may need 1,050.',
      actions: [],
    });
    assert.deepEqual(
      generated.effects.filter((e) => e.kind !== 'liftRefusal'),
      [{ kind: 'finish' }, { kind: 'resetText' }],
    );
    // Regenerate of s-1: s-1 is shown again (quietly), and the message stays about it.
    const regenerated = reduce(
      aliceState({
        budget,
        shown: shown({ id: 's-10', status: 'streaming' }),
        lastAction: { method: 'regenerate', params: { storyId: 's-1' } },
      }),
      refusal('s-10'),
    );
    assert.equal(regenerated.state.shown, undefined);
    assert.equal(regenerated.state.error?.storyId, 's-1');
    assert.deepEqual(
      regenerated.effects.filter((e) => e.kind === 'open'),
      [{ kind: 'open', id: 's-1', quiet: true }],
    );
    // Continue of s-1: the story stays as it was before Continue (its status, usage and cost).
    const done = shown({ id: 's-1', status: 'done', usage: { inputTokens: 5, outputTokens: 7, totalTokens: 12 } });
    const continuing = reduce(
      aliceState({ budget, shown: done, lastAction: { method: 'continue', params: { storyId: 's-1' } } }),
      hostEvent('story.started', { storyId: 's-1', kind: 'continue', modelId: 'nova', controls }),
    ).state;
    assert.equal(continuing.shown?.status, 'streaming');
    const continued = reduce(continuing, refusal('s-1'));
    assert.deepEqual(continued.state.shown, done);
    assert.equal(continued.state.status, 'Not enough budget today.');
    assert.ok(!continued.effects.some((e) => e.kind === 'resetText'), 'the text stays');
  });

  it("keeps the stack's content policy, which is the stack's and not the user's: it stays across sign-out (#27)", () => {
    const strict = reduce(aliceState(), hostEvent('contentPolicy', { policy: 'Strict' })).state;
    assert.equal(strict.contentPolicy, 'Strict');
    assert.equal(reduce(strict, stateEvent({ kind: 'signedOut' })).state.contentPolicy, 'Strict');
    assert.equal(reduce(strict, hostEvent('contentPolicy', { policy: 'Off' })).state.contentPolicy, 'Off');
  });

  it('records where the policy came from: the gateway’s (budget mode) or the settings’ when unsaid (#27)', () => {
    const fromGateway = reduce(
      aliceState(),
      hostEvent('contentPolicy', { policy: 'Standard', source: 'gateway' }),
    ).state;
    assert.deepEqual([fromGateway.contentPolicy, fromGateway.contentPolicySource], ['Standard', 'gateway']);
    const unsaid = reduce(fromGateway, hostEvent('contentPolicy', { policy: 'Strict' })).state;
    assert.deepEqual([unsaid.contentPolicy, unsaid.contentPolicySource], ['Strict', 'settings']);
  });

  it('keeps the token budget in budget mode, drops it in direct mode and for the next user', () => {
    const budget = { dailyTokens: 2000, tokensLeft: 800, resetsAt: RESETS_AT };
    const withBudget = reduce(aliceState(), hostEvent('usage.budget', budget)).state;
    assert.deepEqual(withBudget.budget, budget);
    assert.equal(reduce(withBudget, hostEvent('usage.budget', null)).state.budget, undefined);
    assert.equal(reduce(withBudget, stateEvent({ kind: 'signedOut' })).state.budget, undefined);
    assert.equal(
      reduce(withBudget, stateEvent({ kind: 'signedIn', email: 'bob@example.com' })).state.budget,
      undefined,
      "another user never sees Alice's budget",
    );
  });
});
