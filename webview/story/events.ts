// Host events reduced into the panel's state. Pure: what the DOM must do besides re-rendering
// from state (the streaming text, requests, saving) comes back as effects, applied by main.ts.
import * as l10n from '@vscode/l10n';
import { EMPTY_DRAFT } from '../../src/core/story/protocol/webviewState';
import type { HostEvent, HostEvents } from '../../src/core/story/protocol/messages';
import type { AuthState, Cost, StoryRecord, TokenBudget, Usage } from '../../src/core/story/protocol/wire';
import { titleFromPremise } from '../../src/core/story/protocol/titles';
import {
  elsewhereStatus,
  endedStatus,
  failedStatus,
  finishedElsewhereStatus,
  openedStatus,
  startedStatus,
} from './format';
import { generateKey, isStreaming, pickModel, usableActions } from './state';
import type { PanelState, Refusal, Shown } from './state';

export type Effect =
  /** Replace the story text (empty: clear it). */
  | { readonly kind: 'resetText'; readonly text?: string }
  | { readonly kind: 'append'; readonly text: string }
  /** Render what is pending, then mark the story no longer busy. */
  | { readonly kind: 'finish' }
  /** Mark the story busy (streaming) or not, now. */
  | { readonly kind: 'busy'; readonly busy: boolean }
  /** Ask the host for a story; `quiet`: if it is gone, say nothing. */
  | { readonly kind: 'open'; readonly id: string; readonly quiet: boolean }
  /** Keep the state (setState, and the host's memory). */
  | { readonly kind: 'save' }
  /** Put the draft back into the form; `clear` also drops its error messages. */
  | { readonly kind: 'fillForm'; readonly clear: boolean }
  /** Offer the models again and select `value`. */
  | { readonly kind: 'models'; readonly value: string }
  /** At `at` (epoch ms), offer again what the budget refused (`liftRefusal`). */
  | { readonly kind: 'liftRefusal'; readonly at: number };

export interface Update {
  readonly state: PanelState;
  readonly effects: readonly Effect[];
}

type Fx = Effect[];

/** Reduces one host event. A `history` event must first have been accepted by the pager. */
export function reduce(s: PanelState, e: HostEvent): Update {
  const fx: Fx = [];
  return { state: step(s, e, fx), effects: fx };
}

function step(s: PanelState, e: HostEvent, fx: Fx): PanelState {
  switch (e.type) {
    case 'state':
      return onState(s, e.data, fx);
    case 'story.started':
      return onStarted(s, e.data, fx);
    case 'story.delta':
      if (s.shown?.id === e.data.storyId && isStreaming(s)) fx.push({ kind: 'append', text: e.data.text });
      return s;
    case 'story.done': {
      const { storyId, usage, cost, stopReason } = e.data;
      return onEnded(s, storyId, { status: 'done', usage, cost, stopReason }, fx);
    }
    case 'story.stopped': {
      const { storyId, usage, cost } = e.data;
      return onEnded(s, storyId, { status: 'stopped', usage: usage ?? null, cost: cost ?? null }, fx);
    }
    case 'story.error':
      return onError(s, e.data, fx);
    case 'history':
      return onHistory(s, e.data, fx);
    case 'story.opened':
      return showStory(s, e.data.story, true, fx);
    case 'restore':
      return onRestore(s, e.data, fx);
    case 'usage.today':
      return { ...s, usageToday: e.data };
    case 'usage.budget':
      return onBudget(s, e.data ?? undefined);
    case 'contentPolicy':
      return { ...s, contentPolicy: e.data.policy, contentPolicySource: e.data.source ?? 'settings' };
  }
}

function onState(s: PanelState, update: HostEvents['state'], fx: Fx): PanelState {
  const was = s.auth?.kind;
  let next = followUser({ ...s, auth: update.auth }, update.auth, fx);
  if (was !== undefined && was !== update.auth.kind) next = { ...next, status: '' };
  next = { ...next, models: update.models, defaultModelId: update.defaultModelId };
  return withModels(next, fx);
}

/** Offers the models and selects the draft's one, or another if it is not offered. */
function withModels(s: PanelState, fx: Fx): PanelState {
  const value = pickModel(s.models, s.draft.modelId, s.defaultModelId);
  fx.push({ kind: 'models', value });
  return value ? { ...s, draft: { ...s.draft, modelId: value } } : s;
}

/** Clears what belonged to another user; opens the saved story once its owner is signed in. */
function followUser(s: PanelState, auth: AuthState, fx: Fx): PanelState {
  const email = auth.kind === 'signedIn' || auth.kind === 'offline' ? auth.email : undefined;
  let next = s;
  const otherUser = email !== undefined && s.owner !== undefined && email !== s.owner;
  if (auth.kind === 'signedOut' || auth.kind === 'unconfigured' || otherUser) {
    const hadSome = s.owner !== undefined || s.shown !== undefined || s.history.length > 0;
    next = hadSome ? clearUser(s, fx) : { ...s, owner: undefined };
  } else if (auth.kind === 'sessionExpired') {
    // The same person may sign in again: their draft waits (another user's sign-in clears it), the rest goes.
    next = {
      ...clearStory(s, fx),
      savedStoryId: undefined,
      usageToday: undefined,
      budget: undefined,
      refused: undefined,
      history: [],
      historyOmitted: 0,
    };
  }
  if (email !== undefined && next.owner === undefined) {
    next = { ...next, owner: email };
    fx.push({ kind: 'save' });
  }
  if (email !== undefined && next.savedStoryId) {
    if (!next.shown) fx.push({ kind: 'open', id: next.savedStoryId, quiet: true });
    next = { ...next, savedStoryId: undefined };
  }
  return next;
}

/**
 * Another user signed in, or this one signed out: nothing of theirs stays on screen or in the
 * saved state (story, usage, history, draft, errors).
 */
function clearUser(s: PanelState, fx: Fx): PanelState {
  const next: PanelState = {
    ...clearStory(s, fx),
    owner: undefined,
    lastAction: undefined,
    savedStoryId: undefined,
    usageToday: undefined,
    budget: undefined,
    refused: undefined,
    history: [],
    historyOmitted: 0,
    draft: { ...EMPTY_DRAFT, modelId: s.draft.modelId },
  };
  fx.push({ kind: 'fillForm', clear: true }, { kind: 'save' });
  return next;
}

function clearStory(s: PanelState, fx: Fx): PanelState {
  fx.push({ kind: 'resetText' }, { kind: 'busy', busy: false });
  return { ...s, shown: undefined, status: '', error: undefined };
}

function withoutBefore(shown: Shown): Shown {
  const { before: _before, ...rest } = shown;
  return rest;
}

function onStarted(s: PanelState, started: HostEvents['story.started'], fx: Fx): PanelState {
  const keep = started.kind === 'continue' && s.shown?.id === started.storyId;
  if (!keep) fx.push({ kind: 'resetText' });
  fx.push({ kind: 'busy', busy: true }, { kind: 'save' });
  const title = keep && s.shown ? s.shown.title : titleFromPremise(started.controls.premise);
  const shown: Shown = {
    id: started.storyId,
    title,
    modelId: started.modelId,
    status: 'streaming',
    usage: null,
    cost: null,
    stopReason: '',
    length: started.controls.length,
    controls: started.controls,
    ...(keep && s.shown ? { before: withoutBefore(s.shown) } : {}),
  };
  return { ...s, shown, error: undefined, status: startedStatus(started.kind) };
}

interface Ending {
  readonly status: 'done' | 'stopped';
  readonly usage: Usage | null;
  readonly cost: Cost | null;
  readonly stopReason?: string;
}

function onEnded(s: PanelState, storyId: string, end: Ending, fx: Fx): PanelState {
  if (!s.shown || s.shown.id !== storyId) return s;
  fx.push({ kind: 'finish' });
  const stopReason = end.stopReason ?? '';
  const shown = { ...s.shown, status: end.status, usage: end.usage, cost: end.cost, stopReason };
  return { ...s, shown, status: endedStatus(end.status, stopReason) };
}

function onError(s: PanelState, failure: HostEvents['story.error'], fx: Fx): PanelState {
  if (!failure.partialKept && failure.storyId !== undefined && failure.storyId === s.shown?.id)
    return onNotWritten(s, failure, fx);
  let next = s;
  if (failure.storyId && s.shown?.id === failure.storyId) {
    if (!failure.partialKept) fx.push({ kind: 'resetText' });
    fx.push({ kind: 'finish' });
    const status = failedStatus(failure.partialKept);
    next = { ...s, shown: { ...s.shown, status: 'failed' }, status };
  } else if (failure.storyId) {
    return s; // About another story.
  }
  const actions = usableActions(
    next,
    failure.actions.filter((a) => a !== 'continue' || failure.partialKept),
  );
  const error = { message: failure.message, actions, ...(failure.storyId ? { storyId: failure.storyId } : {}) };
  return { ...next, error, refused: refusal(s, failure, fx) };
}

/**
 * The story on screen failed before any text (a spent budget, throttling, a refused model): the
 * host kept history as it was, so a new story (Generate, Regenerate, Refine) is gone and the panel
 * goes back to what it showed before; a failed Continue leaves its story as it was (#24).
 */
function onNotWritten(s: PanelState, failure: HostEvents['story.error'], fx: Fx): PanelState {
  const asked = s.lastAction;
  const continued = asked?.method === 'continue' ? asked.params.storyId : undefined;
  let shown = s.shown;
  fx.push({ kind: 'finish' });
  if (shown && continued === shown.id) shown = shown.before ?? shown;
  else {
    fx.push({ kind: 'resetText' });
    shown = undefined;
    // Regenerate and Refine were asked of the story on screen before: show it again.
    if (asked && asked.method !== 'generate') fx.push({ kind: 'open', id: asked.params.storyId, quiet: true });
  }
  const storyId = continued ?? (asked && asked.method !== 'generate' ? asked.params.storyId : undefined);
  const actions = usableActions(
    s,
    failure.actions.filter((a) => a !== 'continue' || continued !== undefined),
  );
  const error = { message: failure.message, actions, ...(storyId ? { storyId } : {}) };
  const status =
    failure.code === 'budgetExceeded' ? l10n.t('Not enough budget today.') : l10n.t('The story could not be written.');
  return { ...s, shown, status, error, refused: refusal(s, failure, fx) };
}

/** A budget with more left than when something was refused (a new day, a higher limit) lifts the refusal. */
function onBudget(s: PanelState, budget: TokenBudget | undefined): PanelState {
  const lifted = s.refused && (!budget || budget.tokensLeft > s.refused.tokensLeft);
  return { ...s, budget, ...(lifted ? { refused: undefined } : {}) };
}

/** A refusal for the day's budget: the same requests wait until it resets (`retryAt`). */
function refusal(s: PanelState, failure: HostEvents['story.error'], fx: Fx): Refusal | undefined {
  if (failure.retryAt === undefined) return s.refused;
  const asked = s.lastAction;
  fx.push({ kind: 'liftRefusal', at: failure.retryAt });
  return {
    storyIds: [
      ...(failure.storyId ? [failure.storyId] : []),
      ...(asked && asked.method !== 'generate' ? [asked.params.storyId] : []),
    ],
    generate: asked?.method === 'generate' ? generateKey(asked.params.controls, asked.params.modelId) : undefined,
    until: failure.retryAt,
    tokensLeft: s.budget?.tokensLeft ?? 0,
  };
}

function onHistory(s: PanelState, page: HostEvents['history'], fx: Fx): PanelState {
  // The other window finished the story on screen: show how it ended.
  const shown = s.shown;
  if (shown?.elsewhere && !page.items.some((i) => i.id === shown.id && i.elsewhere))
    fx.push({ kind: 'open', id: shown.id, quiet: false });
  return { ...s, history: page.items, historyOmitted: page.omitted ?? 0 };
}

/** A new panel for the same user: the form and story of the one that was closed. */
function onRestore(s: PanelState, d: HostEvents['restore'], fx: Fx): PanelState {
  if (!s.fresh) return s;
  fx.push({ kind: 'fillForm', clear: false });
  const next = withModels({ ...s, fresh: false, draft: d.draft }, fx);
  if (d.storyId && !s.shown) fx.push({ kind: 'open', id: d.storyId, quiet: true });
  fx.push({ kind: 'save' });
  return next;
}

function showStory(s: PanelState, story: StoryRecord, announce: boolean, fx: Fx): PanelState {
  const elsewhere = story.elsewhere === true;
  const wasElsewhere = s.shown?.id === story.id && s.shown.elsewhere === true;
  const title = story.title || titleFromPremise(story.controls.premise);
  fx.push({ kind: 'resetText', text: story.text }, { kind: 'busy', busy: story.status === 'streaming' && !elsewhere });
  fx.push({ kind: 'save' });
  const status = elsewhere
    ? elsewhereStatus()
    : wasElsewhere
      ? finishedElsewhereStatus()
      : announce
        ? openedStatus(title)
        : s.status;
  const { id, modelId, usage, cost } = story;
  const shown: Shown = {
    id,
    title,
    modelId,
    status: story.status,
    usage,
    cost,
    stopReason: '',
    elsewhere,
    length: story.controls.length,
    controls: story.controls,
    ...(story.origin ? { origin: story.origin } : {}),
  };
  // Shown again quietly after a refusal about it (a refused Regenerate's story): the message stays.
  const error = !announce && s.error?.storyId === story.id ? s.error : undefined;
  return { ...s, shown, status, error };
}

/** A story the host sent (history.open's answer); `announce` says so on the status line. */
export function storyShown(s: PanelState, story: StoryRecord, announce: boolean): Update {
  const fx: Fx = [];
  return { state: showStory(s, story, announce, fx), effects: fx };
}

/** Nothing on screen any more (the story shown was deleted). */
export function storyCleared(s: PanelState): Update {
  const fx: Fx = [];
  return { state: clearStory(s, fx), effects: fx };
}
