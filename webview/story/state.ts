// The panel's state as plain data, and the rules read from it: which buttons are enabled, what
// the form turns into. No DOM here: the rules are unit-tested in Node (test/unit/webview).
import * as l10n from '@vscode/l10n';
import { AUDIENCES, LENGTHS, validateControls } from '../../src/core/story/protocol/controls';
import { EMPTY_DRAFT } from '../../src/core/story/protocol/webviewState';
import type { StoryControls, StoryLength } from '../../src/core/story/protocol/controls';
import { maxTokensFor } from '../../src/core/story/protocol/lengths';
import type { PromptStep } from '../../src/core/story/protocol/controls';
import { reservationsByLength, storyReservation } from '../../src/core/story/protocol/reservation';
import type { HostEvents, ParamsOf } from '../../src/core/story/protocol/messages';
import type { ContentPolicy } from '../../src/core/story/protocol/contentPolicy';
import type { StoryDraft, WebviewState } from '../../src/core/story/protocol/webviewState';
import type {
  AuthState,
  Cost,
  PanelAction,
  HistoryItem,
  ModelInfo,
  StoryOrigin,
  StoryStatus,
  TokenBudget,
  Usage,
} from '../../src/core/story/protocol/wire';

/** Requests that start a stream; the last one is kept for Retry. */
export type StoryAction =
  | { method: 'generate'; params: ParamsOf<'generate'> }
  | { method: 'continue' | 'regenerate'; params: ParamsOf<'continue'> }
  | { method: 'refine'; params: ParamsOf<'refine'> };

/** The story on screen. */
export interface Shown {
  readonly id: string;
  /** As shown in the heading. */
  readonly title: string;
  readonly modelId: string;
  readonly status: StoryStatus;
  readonly usage: Usage | null;
  readonly cost: Cost | null;
  readonly stopReason: string;
  /** Being written in another VS Code window: shown, but not continued, stopped or deleted here. */
  readonly elsewhere?: boolean;
  /** Its controls' length: what Continue, Regenerate and Refine reserve in budget mode. */
  readonly length?: StoryLength;
  /** Its controls: Regenerate sends them again, and Continue and Refine send them and more. */
  readonly controls?: StoryControls;
  /** While it is being continued: how it was before, for a Continue the budget refuses. */
  readonly before?: Shown;
  /** A story project's entry (#26): its chapter goes on in the editor, not here. */
  readonly origin?: StoryOrigin;
}

/**
 * Story requests the story gateway refused for a spent daily budget: not offered again until
 * `until` (when the budget resets), or until more tokens are left than when they were refused.
 */
export interface Refusal {
  /** The failed story, and the story it was asked of (Continue, Regenerate, Refine). */
  readonly storyIds: readonly string[];
  /** The refused new story's model and controls (`generateKey`): Generate waits for a change. */
  readonly generate: string | undefined;
  readonly until: number;
  readonly tokensLeft: number;
}

/** The error box: a message and the buttons that may fix it. */
export interface ErrorNote {
  readonly message: string;
  readonly actions: readonly PanelAction[];
  /** The story it is about (Continue continues that one). */
  readonly storyId?: string;
}

export interface PanelState {
  readonly auth: AuthState | undefined;
  readonly models: readonly ModelInfo[];
  readonly defaultModelId: string;
  readonly usageToday: HostEvents['usage.today'] | undefined;
  /** Budget mode: the daily token budget the story gateway keeps for this user; undefined in direct mode. */
  readonly budget: TokenBudget | undefined;
  /** Budget mode: what was refused for the budget and is not offered again yet. */
  readonly refused: Refusal | undefined;
  /** The stack's content policy (#27); Off until the host says otherwise. */
  readonly contentPolicy: ContentPolicy['policy'];
  /** Where it came from: the settings, or (budget mode) the story gateway, which applies it itself. */
  readonly contentPolicySource: NonNullable<ContentPolicy['source']>;
  readonly history: readonly HistoryItem[];
  /** Older stories the host left out of the list. */
  readonly historyOmitted: number;
  readonly shown: Shown | undefined;
  /** The status line belongs to the last action: each action replaces it. */
  readonly status: string;
  readonly error: ErrorNote | undefined;
  readonly lastAction: StoryAction | undefined;
  /** A stream request is waiting for its acknowledgement. */
  readonly busy: boolean;
  /** The form as typed, the refine instruction and the model. */
  readonly draft: StoryDraft;
  /** The email of the user whose draft, story and history are on show; another user's are cleared. */
  readonly owner: string | undefined;
  /** The story saved with the state, opened once the host says the same user is signed in. */
  readonly savedStoryId: string | undefined;
  /** Started without saved state and nothing typed yet: the host's memory of a closed panel may fill it. */
  readonly fresh: boolean;
}

export function initialState(saved: WebviewState | undefined): PanelState {
  return {
    auth: undefined,
    models: [],
    defaultModelId: '',
    usageToday: undefined,
    budget: undefined,
    refused: undefined,
    contentPolicy: 'Off',
    contentPolicySource: 'settings',
    history: [],
    historyOmitted: 0,
    shown: undefined,
    status: '',
    error: undefined,
    lastAction: undefined,
    busy: false,
    draft: saved?.draft ?? EMPTY_DRAFT,
    owner: saved?.owner,
    savedStoryId: saved?.storyId,
    fresh: saved === undefined,
  };
}

/** What setState keeps (no story text, no secrets). */
export function toWebviewState(s: PanelState): WebviewState {
  return {
    version: 1,
    draft: s.draft,
    ...(s.shown ? { storyId: s.shown.id } : {}),
    ...(s.owner ? { owner: s.owner } : {}),
  };
}

// ───────────── What is enabled when ─────────────

export function isSignedIn(s: PanelState): boolean {
  return s.auth?.kind === 'signedIn';
}

/** A story streams into this panel (not one another window is writing). */
export function isStreaming(s: PanelState): boolean {
  return s.shown?.status === 'streaming' && !s.shown.elsewhere;
}

/** A story project's entry (#26): Continue, Regenerate and Refine are the panel's own, so not offered. */
export function isProjectEntry(s: PanelState): boolean {
  return s.shown?.origin !== undefined;
}

/** Signed in and nothing in flight: a new stream may start. */
export function canWrite(s: PanelState): boolean {
  return isSignedIn(s) && !s.busy && !isStreaming(s);
}

export function canGenerate(s: PanelState): boolean {
  return canWrite(s) && s.models.length > 0 && !generateRefused(s) && budgetShortfall(s) === undefined;
}

/** Budget mode: the form's story cannot fit in what is left today (`shortest`: nor could any length). */
export interface Shortfall {
  readonly left: number;
  /**
   * What the gateway reserves for this story: exactly, by its own rule (prompt bytes plus the
   * output limit), when the story is known; else its output limit, the least any prompt needs.
   */
  readonly need: number;
  readonly shortest: boolean;
  readonly resetsAt: number;
  /** The chosen length, and the shorter ones that do fit today (shortest first). */
  readonly length?: StoryLength;
  readonly fits?: readonly StoryLength[];
}

/** Known before asking: the gateway reserves what its rule says, so less left is a sure refusal. */
export function budgetShortfall(s: PanelState): Shortfall | undefined {
  const { draft, budget } = s;
  if (!budget || !draft.modelId || !(LENGTHS as readonly string[]).includes(draft.length)) return undefined;
  const length = draft.length as StoryLength;
  const { controls } = checkDraft(draft);
  if (!controls) return shortfall(budget, length, draft.modelId);
  const needs = reservationsByLength(draft.modelId, controls);
  const need = needs.find((n) => n.length === length)?.need;
  if (need === undefined || budget.tokensLeft >= need) return undefined;
  const fits = needs.filter((n) => n.need <= budget.tokensLeft).map((n) => n.length);
  return { left: budget.tokensLeft, need, shortest: fits.length === 0, resetsAt: budget.resetsAt, length, fits };
}

/**
 * The same for the story on screen: Regenerate reserves exactly what a new story of its controls
 * does, and Continue and Refine that and more, so less left refuses all three.
 */
export function storyShortfall(s: PanelState): Shortfall | undefined {
  const { shown, budget } = s;
  if (!shown || !budget) return undefined;
  const need = shown.controls ? storyReservation(shown.modelId, shown.controls) : undefined;
  if (need === undefined) return shown.length ? shortfall(budget, shown.length, shown.modelId) : undefined;
  if (budget.tokensLeft >= need) return undefined;
  return { left: budget.tokensLeft, need, shortest: false, resetsAt: budget.resetsAt };
}

function shortfall(budget: TokenBudget, length: StoryLength, modelId: string): Shortfall | undefined {
  const need = maxTokensFor(length, modelId);
  if (budget.tokensLeft >= need) return undefined;
  const shortest = budget.tokensLeft < maxTokensFor(LENGTHS[0], modelId);
  return { left: budget.tokensLeft, need, shortest, resetsAt: budget.resetsAt };
}

/** A new story's request as a key: the same model and controls are refused alike. */
export function generateKey(controls: StoryControls, modelId: string): string {
  return JSON.stringify([modelId, controls]);
}

/** The form still asks for the story the budget refused (a change of length or model may fit). */
export function generateRefused(s: PanelState): boolean {
  if (s.refused?.generate === undefined) return false;
  const { controls } = checkDraft(s.draft);
  return controls !== undefined && generateKey(controls, s.draft.modelId) === s.refused.generate;
}

/**
 * The story on screen was refused (or failed) for the budget, or what is left cannot cover its
 * length: Continue, Regenerate and Refine wait.
 */
export function storyRefused(s: PanelState): boolean {
  return storyHeldUntil(s) !== undefined;
}

/** When what holds the story on screen back ends: the budget's reset. */
export function storyHeldUntil(s: PanelState): number | undefined {
  if (s.shown === undefined) return undefined;
  if (s.refused?.storyIds.includes(s.shown.id)) return s.refused.until;
  return storyShortfall(s)?.resetsAt;
}

/**
 * When what holds back this request of the story on screen ends: the story's own hold, or what
 * is left today not covering the request (Continue and Refine send `text` too, so they may need
 * more than Regenerate).
 */
function heldUntil(s: PanelState, step: PromptStep): number | undefined {
  const held = storyHeldUntil(s);
  if (held !== undefined || step.kind === 'regenerate') return held;
  const { shown, budget } = s;
  if (!shown?.controls || !budget) return undefined;
  const need = storyReservation(shown.modelId, shown.controls, step);
  return need !== undefined && need > budget.tokensLeft ? budget.resetsAt : undefined;
}

/** Continue's hold: the story's, or a story so far too long for what is left today. */
export const continueHeldUntil = (s: PanelState, text: string): number | undefined =>
  text === '' ? storyHeldUntil(s) : heldUntil(s, { kind: 'continue', story: text });

/** Refine's hold, with the instruction typed so far. */
export const refineHeldUntil = (s: PanelState, text: string): number | undefined =>
  text === '' || s.draft.refineInstruction.trim() === ''
    ? storyHeldUntil(s)
    : heldUntil(s, { kind: 'refine', story: text, instruction: s.draft.refineInstruction });

export function canStop(s: PanelState): boolean {
  return isStreaming(s);
}

/** `hasText`: the story on screen has text (the renderer knows, deltas included); `text`, that text. */
export function canContinue(s: PanelState, hasText: boolean, text = ''): boolean {
  return (
    canWrite(s) &&
    s.shown !== undefined &&
    !isProjectEntry(s) &&
    hasText &&
    s.shown.status !== 'streaming' &&
    continueHeldUntil(s, text) === undefined
  );
}

export function canRegenerate(s: PanelState): boolean {
  return canWrite(s) && s.shown !== undefined && !isProjectEntry(s) && s.shown.elsewhere !== true && !storyRefused(s);
}

export function canRefine(s: PanelState, hasText: boolean, text = ''): boolean {
  return (
    canWrite(s) &&
    s.shown !== undefined &&
    !isProjectEntry(s) &&
    hasText &&
    s.shown.elsewhere !== true &&
    s.draft.refineInstruction.trim() !== '' &&
    refineHeldUntil(s, text) === undefined
  );
}

export function canExport(s: PanelState, hasText: boolean): boolean {
  return s.shown !== undefined && hasText && !isStreaming(s);
}

/** A story still being written (here or elsewhere) cannot be deleted. */
export function canDelete(s: PanelState, item: HistoryItem): boolean {
  return item.status !== 'streaming' && !(isStreaming(s) && s.shown?.id === item.id);
}

/** The buttons of the story part, by name. */
export interface Enabled {
  readonly generate: boolean;
  readonly stop: boolean;
  readonly continue: boolean;
  readonly regenerate: boolean;
  readonly refine: boolean;
  readonly export: boolean;
}

export function enabled(s: PanelState, hasText: boolean, text = ''): Enabled {
  return {
    generate: canGenerate(s),
    stop: canStop(s),
    continue: canContinue(s, hasText, text),
    regenerate: canRegenerate(s),
    refine: canRefine(s, hasText, text),
    export: canExport(s, hasText),
  };
}

/** Error buttons that can work now: Retry needs a request to re-send. */
export function usableActions(s: PanelState, actions: readonly PanelAction[]): PanelAction[] {
  return actions.filter((a) => a !== 'retry' || s.lastAction !== undefined);
}

// ───────────── Draft ↔ controls ─────────────

export type FormField =
  'premise' | 'genre' | 'audience' | 'tone' | 'length' | 'temperature' | 'characters' | 'setting' | 'model';

/** The controls the draft describes, unchecked: an empty temperature is NaN, so it is reported. */
export function controlsFromDraft(d: StoryDraft): unknown {
  const t = d.temperature.trim();
  return {
    premise: d.premise,
    genre: d.genre,
    audience: d.audience,
    tone: d.tone,
    length: d.length,
    temperature: t === '' ? NaN : Number(t),
    ...(d.characters.trim() ? { characters: d.characters } : {}),
    ...(d.setting.trim() ? { setting: d.setting } : {}),
  };
}

export interface DraftCheck {
  /** Valid controls, or undefined when there is any problem. */
  readonly controls: StoryControls | undefined;
  /** The first problem of each field, in the order found. */
  readonly errors: ReadonlyMap<FormField, string>;
}

export function checkDraft(d: StoryDraft): DraftCheck {
  const result = validateControls(controlsFromDraft(d));
  const errors = new Map<FormField, string>();
  if (!result.ok)
    for (const e of result.errors) if (!errors.has(e.field as FormField)) errors.set(e.field as FormField, e.message);
  if (!d.modelId) errors.set('model', l10n.t('Pick a model.'));
  return { controls: result.ok && errors.size === 0 ? result.value : undefined, errors };
}

/** The sentence above Generate that sums up the problems. */
export function formAlert(errors: ReadonlyMap<FormField, string>): string {
  if (errors.size === 0) return '';
  const problems = [...errors.values()].join(' ');
  return errors.size === 1
    ? l10n.t('Please fix one problem: {0}', problems)
    : l10n.t('Please fix {0} problems: {1}', errors.size, problems);
}

/** The audience and length the selects show: a value they do not offer falls back to the default. */
export function shownChoices(d: StoryDraft): { audience: string; length: string } {
  return {
    audience: (AUDIENCES as readonly string[]).includes(d.audience) ? d.audience : EMPTY_DRAFT.audience,
    length: (LENGTHS as readonly string[]).includes(d.length) ? d.length : EMPTY_DRAFT.length,
  };
}

/** The model to select: the draft's (with none, the default) if offered, else the first. */
export function pickModel(models: readonly ModelInfo[], draftModelId: string, defaultModelId: string): string {
  const wanted = draftModelId || defaultModelId;
  return models.some((m) => m.id === wanted) ? wanted : (models[0]?.id ?? '');
}

export function modelName(s: PanelState, id: string): string {
  return s.models.find((m) => m.id === id)?.name ?? id;
}
