// The shapes the story panel's messages carry: models, sign-in state, usage and cost, stories and
// the history. Each is one valibot schema (strict objects: a typo on either side shows up as a
// dropped message with a warning, not a silent misread); the types are derived from them.
import * as v from 'valibot';
import type { Action } from '../../actions';
import { storyControls } from './controls';
import { LIMITS } from './limits';

export const text = (min: number, max: number) => v.pipe(v.string(), v.minLength(min), v.maxLength(max));
export const int = (min: number, max: number) =>
  v.pipe(v.number(), v.finite(), v.integer(), v.minValue(min), v.maxValue(max));
/** An array of at most `max` items, typed readonly so either side may pass its own readonly lists. */
export const list = <T extends v.GenericSchema>(item: T, max: number) =>
  v.pipe(v.array(item), v.maxLength(max), v.readonly());

export const id = text(1, LIMITS.idMax);
export const modelId = text(1, LIMITS.modelIdMax);
export const count = int(0, Number.MAX_SAFE_INTEGER);
/** Milliseconds since the epoch. */
export const timestamp = int(0, 8.64e15);
export const email = text(1, LIMITS.emailMax);
/** A stable machine code, e.g. throttled, accessDenied, notFound: never markup. */
export const code = v.pipe(v.string(), v.regex(/^[A-Za-z][\w.-]{0,63}$/));
const yes = v.literal(true);

export const modelInfo = v.strictObject({
  /** Bedrock model or inference-profile id, e.g. `amazon.nova-lite-v1:0`. */
  id: modelId,
  /** Display name, e.g. `Nova Lite`. */
  name: text(1, LIMITS.nameMax),
  /** e.g. `Amazon`, `Anthropic`. */
  provider: text(0, LIMITS.nameMax),
});
export type ModelInfo = v.InferOutput<typeof modelInfo>;

export const authState = v.variant('kind', [
  v.strictObject({ kind: v.literal('signedIn'), email }),
  /** The network is down; the session (if any) is kept and refreshes by itself later. */
  v.strictObject({ kind: v.literal('offline'), email: v.exactOptional(email) }),
  v.strictObject({ kind: v.literal('signedOut') }),
  v.strictObject({ kind: v.literal('sessionExpired'), email: v.exactOptional(email) }),
  /** The storyteller.* settings are incomplete; the user must configure first. */
  v.strictObject({ kind: v.literal('unconfigured') }),
]);
export type AuthState = v.InferOutput<typeof authState>;
export type AuthKind = AuthState['kind'];

export const usage = v.strictObject({
  /** Input tokens neither read from nor written to the prompt cache (Bedrock's `inputTokens`). */
  inputTokens: count,
  outputTokens: count,
  /** Everything: input, cache read, cache write and output. */
  totalTokens: count,
  /** Input tokens read from the prompt cache; absent when the request had no cache point. */
  cacheReadInputTokens: v.exactOptional(count),
  /** Input tokens written to the prompt cache. */
  cacheWriteInputTokens: v.exactOptional(count),
  /** Counted from the text, not reported by Bedrock: a stream stopped or cut before its end. */
  estimated: v.exactOptional(yes),
});
export type Usage = v.InferOutput<typeof usage>;

/** A daily token budget the story gateway enforces (budget mode): what is left of it and when it starts again. */
export const tokenBudget = v.pipe(
  v.strictObject({
    dailyTokens: count,
    tokensLeft: count,
    /** The next UTC midnight, when the day's budget starts again. */
    resetsAt: timestamp,
  }),
  v.check((b) => b.tokensLeft <= b.dailyTokens),
);
export type TokenBudget = v.InferOutput<typeof tokenBudget>;

/** Always an estimate from public list prices; never a bill. */
export const cost = v.strictObject({
  amount: v.pipe(v.number(), v.finite(), v.minValue(0), v.maxValue(1e9)),
  /** ISO 4217, e.g. `USD`. */
  currency: v.pipe(v.string(), v.regex(/^[A-Z]{3}$/)),
  estimated: yes,
});
export type Cost = v.InferOutput<typeof cost>;

export const STORY_KINDS = ['new', 'continue', 'regenerate', 'refine'] as const;
export type StoryKind = (typeof STORY_KINDS)[number];
/** 'blocked': the stack's content policy (a Bedrock guardrail) blocked the premise or the story (#27). */
export const STORY_STATUSES = ['streaming', 'done', 'stopped', 'failed', 'blocked'] as const;
export type StoryStatus = (typeof STORY_STATUSES)[number];
/**
 * The Actions the panel has buttons for, offered with a story error or a refusal: 'retry' re-sends
 * the request that failed; 'continue' sends `continue` for the story (only with partialKept);
 * 'signIn' and 'openSettings' send those requests; 'pickModel' moves focus to the model picker.
 */
export const PANEL_ACTIONS = [
  'retry',
  'continue',
  'signIn',
  'pickModel',
  'openSettings',
  'configure',
] as const satisfies readonly Action[];
export type PanelAction = (typeof PANEL_ACTIONS)[number];
/** Each action at most once. */
export const errorActions = v.pipe(
  list(v.picklist(PANEL_ACTIONS), PANEL_ACTIONS.length),
  v.check((actions) => new Set(actions).size === actions.length),
);
/** editor: new untitled Markdown editor; file: save dialog; insert: at the active editor's cursor; copy: clipboard. */
export const EXPORT_TARGETS = ['editor', 'file', 'insert', 'copy'] as const;
export type ExportTarget = (typeof EXPORT_TARGETS)[number];

/** The story-project commands whose generations the history keeps (#26). */
export const PROJECT_COMMANDS = ['continue', 'scene', 'summary'] as const;
export type ProjectCommand = (typeof PROJECT_COMMANDS)[number];

/**
 * What a story project's generation was for (#26): its project's title, its chapter (a
 * workspace-relative path, as the writer's workspace names it) and the command. Absent for a
 * quick story written in the panel. File names and titles are the writer's text: shown as text.
 */
export const storyOrigin = v.strictObject({
  project: text(0, LIMITS.titleMax),
  chapter: text(1, LIMITS.chapterPathMax),
  command: v.picklist(PROJECT_COMMANDS),
});
export type StoryOrigin = v.InferOutput<typeof storyOrigin>;

export const historyItem = v.strictObject({
  id,
  title: text(0, LIMITS.titleMax),
  modelId,
  createdAt: timestamp,
  status: v.picklist(STORY_STATUSES),
  outputTokens: count,
  /** Input and output together, the unit the panel shows everywhere (when the history knows it). */
  totalTokens: v.exactOptional(count),
  /** The tokens are an estimate (stopped or cut before Bedrock counted them). */
  estimated: v.exactOptional(yes),
  /** Streaming in another VS Code window: not to be continued or deleted here until it ends. */
  elsewhere: v.exactOptional(yes),
  /** Written by a story project's command (Continue Writing, …), not the panel's form. */
  origin: v.exactOptional(storyOrigin),
});
export type HistoryItem = v.InferOutput<typeof historyItem>;

export const searchQuery = text(0, LIMITS.searchMax);

/** At most LIMITS.historyMax items, newest first; `omitted` older stories did not fit. */
export const historyPage = v.strictObject({
  items: list(historyItem, LIMITS.historyMax),
  omitted: v.exactOptional(count),
  /** Paged: how many stories there are (that match `query`) in all; `items` start at `offset`. */
  total: v.exactOptional(count),
  offset: v.exactOptional(count),
  query: v.exactOptional(searchQuery),
});
export type HistoryPage = v.InferOutput<typeof historyPage>;

/** Which page of the history to list: newest first, only stories whose title or premise has every word of `query`. */
export const historyQuery = v.strictObject({
  offset: v.exactOptional(count),
  limit: v.exactOptional(int(1, LIMITS.historyPageMax)),
  query: v.exactOptional(searchQuery),
});
export type HistoryQuery = v.InferOutput<typeof historyQuery>;

export const storyRecord = v.strictObject({
  id,
  title: text(0, LIMITS.titleMax),
  modelId,
  controls: storyControls,
  /** Markdown as the model wrote it (never HTML; the webview renders it safely). */
  text: text(0, LIMITS.storyTextMax),
  status: v.picklist(STORY_STATUSES),
  usage: v.nullable(usage),
  cost: v.nullable(cost),
  createdAt: timestamp,
  /** Streaming in another VS Code window (see HistoryItem). */
  elsewhere: v.exactOptional(yes),
  /** A story project's generation (see HistoryItem): not continued, regenerated or refined in the panel. */
  origin: v.exactOptional(storyOrigin),
});
export type StoryRecord = v.InferOutput<typeof storyRecord>;
