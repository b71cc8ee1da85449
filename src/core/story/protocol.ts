// The one message protocol between the story panel's webview and the extension host.
// Pure: no `vscode`, no DOM. Both sides validate every message they receive with
// `parseWebviewMessage` / `parseHostMessage` (and `parseResult` for replies) and drop what fails.
//
// Envelopes
//   webview → host   {kind:'request', id, method, params}      answered by exactly one response
//                    {kind:'event', type, data}                 fire and forget ('ready', 'log')
//   host → webview   {kind:'response', id, ok:true, result}
//                    {kind:'response', id, ok:false, error:{message, code?}}
//                    {kind:'event', type, data}                 pushed at any time
//
// Conventions (the host implementation relies on these)
// - A request's response only acknowledges it or carries data the webview asked for. Everything
//   that happens to a story afterwards arrives as events (story.started → story.delta* →
//   story.done | story.stopped | story.error).
// - ok:false is for requests the host could not accept at all (unknown story id, nothing to
//   continue, busy). Failures the user can act on (auth, throttling, model access, network) are
//   `story.error` events with `actions`, even when they happen before anything streamed.
// - On the `ready` event the host sends `state`, then `history` and `usage.today`. The webview
//   re-opens the story it was showing (kept in its own state) with `history.open`.
// - story.started with kind 'new', 'regenerate' or 'refine' starts from empty text; 'continue'
//   appends to the text the story already has.
// - The host sends at most one story.delta per 16 ms per story (it batches), each within
//   LIMITS.deltaMax, and one stream per panel; the webview renders at most once per animation
//   frame whatever arrives.
// - `history` holds at most LIMITS.historyMax items (`omitted`: how many older ones did not fit);
//   `elsewhere: true` marks a story another VS Code window is writing. The host sends the newest
//   page with `total`; the webview asks for more, or searches, with `history.list` (offset, limit,
//   query), and asks again for what it shows after each `history` event.

/** Bumped on any incompatible change; sent by the webview in `ready`. */
export const PROTOCOL_VERSION = 1;

/** Every size and range the protocol enforces. The form shows the same limits. */
export const LIMITS = {
  premiseMax: 4000,
  genreMax: 100,
  toneMax: 100,
  charactersMax: 2000,
  settingMax: 2000,
  temperatureMin: 0,
  temperatureMax: 1,
  refineInstructionMax: 2000,
  idMax: 200,
  modelIdMax: 256,
  nameMax: 200,
  titleMax: 300,
  emailMax: 320,
  urlMax: 2048,
  messageMax: 4000,
  codeMax: 64,
  deltaMax: 262_144,
  storyTextMax: 4_194_304,
  modelsMax: 500,
  historyMax: 10_000,
  /** Items per `history.list` answer. */
  historyPageMax: 200,
  searchMax: 200,
} as const;

// ───────────────────────────── Wire types ─────────────────────────────

export const AUDIENCES = ['children', 'young adult', 'adult'] as const;
export type Audience = (typeof AUDIENCES)[number];
export const LENGTHS = ['short', 'medium', 'long'] as const;
export type StoryLength = (typeof LENGTHS)[number];

/** What the user asks for. Strings are trimmed; `characters` and `setting` are omitted when empty. */
export interface StoryControls {
  readonly premise: string;
  /** Free text, may be empty (the model chooses). */
  readonly genre: string;
  readonly audience: Audience;
  /** Free text, may be empty. */
  readonly tone: string;
  readonly length: StoryLength;
  /** Sampling temperature, 0..1. */
  readonly temperature: number;
  readonly characters?: string;
  readonly setting?: string;
}

export const DEFAULT_CONTROLS: StoryControls = {
  premise: '',
  genre: 'fantasy',
  audience: 'adult',
  tone: 'whimsical',
  length: 'medium',
  temperature: 0.7,
};

export interface ModelInfo {
  /** Bedrock model or inference-profile id, e.g. `amazon.nova-lite-v1:0`. */
  readonly id: string;
  /** Display name, e.g. `Nova Lite`. */
  readonly name: string;
  /** e.g. `Amazon`, `Anthropic`. */
  readonly provider: string;
}

export type AuthState =
  | { readonly status: 'signedIn'; readonly email: string }
  /** The network is down; the session (if any) is kept and refreshes by itself later. */
  | { readonly status: 'offline'; readonly email?: string }
  | { readonly status: 'signedOut' }
  | { readonly status: 'sessionExpired'; readonly email?: string }
  /** The storyteller.* settings are incomplete; the user must configure first. */
  | { readonly status: 'unconfigured' };
export type AuthStatus = AuthState['status'];

export interface Usage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly totalTokens: number;
  /** Counted from the text, not reported by Bedrock: a stream stopped or cut before its end. */
  readonly estimated?: true;
}

/** Always an estimate from public list prices; never a bill. */
export interface Cost {
  readonly amount: number;
  /** ISO 4217, e.g. `USD`. */
  readonly currency: string;
  readonly estimated: true;
}

export const STORY_KINDS = ['new', 'continue', 'regenerate', 'refine'] as const;
export type StoryKind = (typeof STORY_KINDS)[number];
export const STORY_STATUSES = ['streaming', 'done', 'stopped', 'failed'] as const;
export type StoryStatus = (typeof STORY_STATUSES)[number];
export const ERROR_ACTIONS = ['retry', 'continue', 'signIn', 'pickModel', 'openSettings'] as const;
/**
 * What the webview offers as buttons on a story error: 'retry' re-sends the request that
 * failed; 'continue' sends `continue` for the story (only with partialKept); 'signIn' and
 * 'openSettings' send those requests; 'pickModel' moves focus to the model picker.
 */
export type ErrorAction = (typeof ERROR_ACTIONS)[number];
export const EXPORT_TARGETS = ['editor', 'file', 'insert', 'copy'] as const;
/** editor: new untitled Markdown editor; file: save dialog; insert: at the active editor's cursor; copy: clipboard. */
export type ExportTarget = (typeof EXPORT_TARGETS)[number];

export interface HistoryItem {
  readonly id: string;
  readonly title: string;
  readonly modelId: string;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  readonly status: StoryStatus;
  readonly outputTokens: number;
  /** Input and output together, the unit the panel shows everywhere (when the history knows it). */
  readonly totalTokens?: number;
  /** The tokens are an estimate (stopped or cut before Bedrock counted them). */
  readonly estimated?: true;
  /** Streaming in another VS Code window: not to be continued or deleted here until it ends. */
  readonly elsewhere?: true;
}

/** At most LIMITS.historyMax items, newest first; `omitted` older stories did not fit. */
export interface HistoryPage {
  readonly items: readonly HistoryItem[];
  readonly omitted?: number;
  /** Paged: how many stories there are (that match `query`) in all; `items` start at `offset`. */
  readonly total?: number;
  readonly offset?: number;
  readonly query?: string;
}

/** Which page of the history to list: newest first, only stories whose title or premise has every word of `query`. */
export interface HistoryQuery {
  readonly offset?: number;
  /** At most LIMITS.historyPageMax. */
  readonly limit?: number;
  readonly query?: string;
}

export interface StoryRecord {
  readonly id: string;
  readonly title: string;
  readonly modelId: string;
  readonly controls: StoryControls;
  /** Markdown as the model wrote it (never HTML; the webview renders it safely). */
  readonly text: string;
  readonly status: StoryStatus;
  readonly usage: Usage | null;
  readonly cost: Cost | null;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  /** Streaming in another VS Code window (see HistoryItem). */
  readonly elsewhere?: true;
}

// ───────────────────────────── Webview → host ─────────────────────────────

type NoParams = Record<string, never>;

/** Every request the webview makes: its params and the result of a successful response. */
export interface WebviewRequests {
  /** Starts a new story. Result: the new story's id (story.started follows). */
  generate: {
    params: { readonly controls: StoryControls; readonly modelId: string };
    result: { readonly storyId: string };
  };
  /** Stops a streaming story; the partial text is kept (story.stopped follows). */
  stop: { params: { readonly storyId: string }; result: null };
  /** Appends more to a story (story.started kind 'continue' with the same storyId follows). */
  continue: { params: { readonly storyId: string }; result: { readonly storyId: string } };
  /** Writes the story again from the same controls; the result may be a new story id. */
  regenerate: { params: { readonly storyId: string }; result: { readonly storyId: string } };
  /** Rewrites the story following `instruction`; the result may be a new story id. */
  refine: { params: { readonly storyId: string; readonly instruction: string }; result: { readonly storyId: string } };
  listModels: { params: NoParams; result: { readonly models: readonly ModelInfo[]; readonly defaultModelId: string } };
  'history.list': { params: HistoryQuery; result: HistoryPage };
  /** The story itself is the result; the host does not also send story.opened for it. */
  'history.open': { params: { readonly id: string }; result: { readonly story: StoryRecord } };
  /** The host may confirm first; result says whether it was deleted. A `history` event follows. */
  'history.delete': { params: { readonly id: string }; result: { readonly deleted: boolean } };
  /** Result `exported: false` when the user cancelled (e.g. the save dialog). */
  export: { params: { readonly id: string; readonly target: ExportTarget }; result: { readonly exported: boolean } };
  /** Runs the sign-in flow; a `state` event follows when it changes anything. */
  signIn: { params: NoParams; result: null };
  /** Opens the Storyteller settings. */
  openSettings: { params: NoParams; result: null };
  /** Opens an http(s) or mailto link outside VS Code (the host checks the scheme again). */
  openLink: { params: { readonly url: string }; result: null };
}
export type WebviewMethod = keyof WebviewRequests;
export type ParamsOf<M extends WebviewMethod> = WebviewRequests[M]['params'];
export type ResultOf<M extends WebviewMethod> = WebviewRequests[M]['result'];
export type RequestOf<M extends WebviewMethod> = {
  readonly kind: 'request';
  /** Unique per webview session (a counter); echoed in the response. */
  readonly id: number;
  readonly method: M;
  readonly params: ParamsOf<M>;
};
export type WebviewRequest = { [M in WebviewMethod]: RequestOf<M> }[WebviewMethod];

export interface WebviewEvents {
  /** The webview has loaded and listens; the host answers with `state`, `history`, `usage.today`. */
  ready: { readonly protocolVersion: number };
  /** An unexpected error in the webview, for the host's log. Never contains story text. */
  log: { readonly level: 'warn' | 'error'; readonly message: string };
  /** The form and the story on show, whenever the webview saves them: the host keeps them in memory for a reopened
   * panel. */
  draft: PanelMemory;
}

/** The panel's form and shown story, as the host keeps them for this user while the panel is closed. */
export interface PanelMemory {
  readonly draft: StoryDraft;
  readonly storyId?: string;
}
export type WebviewEventType = keyof WebviewEvents;
export type WebviewEvent = {
  [T in WebviewEventType]: { readonly kind: 'event'; readonly type: T; readonly data: WebviewEvents[T] };
}[WebviewEventType];
export type WebviewMessage = WebviewRequest | WebviewEvent;

/** What a host implements: one async handler per method. Throwing gives an ok:false response. */
export type RequestHandlers = { [M in WebviewMethod]: (params: ParamsOf<M>) => Promise<ResultOf<M>> };

// ───────────────────────────── Host → webview ─────────────────────────────

export interface HostEvents {
  /** Sign-in state and the models the user may pick. Sent on `ready` and whenever either changes. */
  state: { readonly auth: AuthState; readonly models: readonly ModelInfo[]; readonly defaultModelId: string };
  'story.started': {
    readonly storyId: string;
    readonly modelId: string;
    readonly controls: StoryControls;
    readonly kind: StoryKind;
  };
  /** The next piece of text (a batch of tokens) of a streaming story. */
  'story.delta': { readonly storyId: string; readonly text: string };
  'story.done': {
    readonly storyId: string;
    readonly usage: Usage;
    readonly cost: Cost | null;
    /** Bedrock's stopReason, e.g. end_turn, max_tokens, stop_sequence, content_filtered. */
    readonly stopReason: string;
  };
  /** The user stopped it; the partial text is kept. Usage so far, if known. */
  'story.stopped': { readonly storyId: string; readonly usage?: Usage; readonly cost?: Cost | null };
  'story.error': {
    /** Absent when no story was created (e.g. signed out before generating). */
    readonly storyId?: string;
    /** Stable machine code, e.g. throttled, accessDenied, modelNotAllowed, network, sessionExpired. */
    readonly code: string;
    /** Shown to the user as is. */
    readonly message: string;
    readonly actions: readonly ErrorAction[];
    /** Whether the text streamed so far is kept (so 'continue' makes sense). */
    readonly partialKept: boolean;
  };
  /** The newest page of the history, with `total`. Sent on `ready` and after every change. */
  history: HistoryPage;
  /** Shows a story the host chose (e.g. from a command). Same shape as history.open's result. */
  'story.opened': { readonly story: StoryRecord };
  /** Today's totals for this user, for the header. */
  'usage.today': { readonly inputTokens: number; readonly outputTokens: number; readonly cost: Cost | null };
  /** After `ready`: this user's form and story from before the panel was closed (a new panel starts with them). */
  restore: PanelMemory;
}
export type HostEventType = keyof HostEvents;
export type HostEvent = {
  [T in HostEventType]: { readonly kind: 'event'; readonly type: T; readonly data: HostEvents[T] };
}[HostEventType];
export interface ResponseError {
  readonly message: string;
  readonly code?: string;
}
export type HostResponse =
  | { readonly kind: 'response'; readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly kind: 'response'; readonly id: number; readonly ok: false; readonly error: ResponseError };
export type HostMessage = HostEvent | HostResponse;

// ───────────────────────────── Constructors (typed, for both sides) ─────────────────────────────

export function hostEvent<T extends HostEventType>(type: T, data: HostEvents[T]): HostEvent {
  return { kind: 'event', type, data } as HostEvent;
}
export function webviewEvent<T extends WebviewEventType>(type: T, data: WebviewEvents[T]): WebviewEvent {
  return { kind: 'event', type, data } as WebviewEvent;
}
export function request<M extends WebviewMethod>(id: number, method: M, params: ParamsOf<M>): RequestOf<M> {
  return { kind: 'request', id, method, params };
}
export function okResponse<M extends WebviewMethod>(id: number, _method: M, result: ResultOf<M>): HostResponse {
  return { kind: 'response', id, ok: true, result };
}
export function errorResponse(id: number, message: string, code?: string): HostResponse {
  const error: ResponseError = code === undefined ? { message: clip(message) } : { message: clip(message), code };
  return { kind: 'response', id, ok: false, error };
}

function clip(s: string): string {
  return s.length > LIMITS.messageMax ? `${s.slice(0, LIMITS.messageMax - 1)}…` : s;
}

// ───────────────────────────── Story controls ─────────────────────────────

export interface FieldError {
  readonly field: keyof StoryControls | 'controls';
  readonly message: string;
}
export type ControlsResult =
  { readonly ok: true; readonly value: StoryControls } | { readonly ok: false; readonly errors: readonly FieldError[] };

const CONTROL_FIELDS: ReadonlySet<string> = new Set([
  'premise',
  'genre',
  'audience',
  'tone',
  'length',
  'temperature',
  'characters',
  'setting',
]);

/**
 * Validates and normalises story controls: the form uses it for inline messages, the host
 * before it calls Bedrock, and the protocol for `generate`. Errors come in form order.
 */
export function validateControls(controls: unknown): ControlsResult {
  if (!isRecord(controls))
    return { ok: false, errors: [{ field: 'controls', message: 'Story controls are missing.' }] };
  const errors: FieldError[] = [];
  for (const key of Object.keys(controls)) {
    if (!CONTROL_FIELDS.has(key)) errors.push({ field: 'controls', message: `Unknown field "${key.slice(0, 40)}".` });
  }
  /** 'required': non-empty; 'present': a string, may be empty; 'optional': may be absent. */
  const text = (
    field: 'premise' | 'genre' | 'tone' | 'characters' | 'setting',
    label: string,
    max: number,
    mode: 'required' | 'present' | 'optional',
  ): string | undefined => {
    const raw = controls[field];
    if (raw === undefined && mode === 'optional') return undefined;
    if (raw === undefined && mode === 'required') {
      errors.push({ field, message: `${label} is required.` });
      return undefined;
    }
    if (typeof raw !== 'string') {
      errors.push({ field, message: `${label} must be text.` });
      return undefined;
    }
    const value = raw.trim();
    if (mode === 'required' && value === '') errors.push({ field, message: `${label} is required.` });
    else if (value.length > max)
      errors.push({
        field,
        message: `${label} is ${value.length.toLocaleString('en-US')} characters long; the limit is ${max.toLocaleString('en-US')}.`,
      });
    return value;
  };
  const choice = <T extends string>(
    field: 'audience' | 'length',
    label: string,
    options: readonly T[],
  ): T | undefined => {
    const raw = controls[field];
    if (typeof raw === 'string' && (options as readonly string[]).includes(raw)) return raw as T;
    errors.push({ field, message: `${label} must be one of: ${options.join(', ')}.` });
    return undefined;
  };

  const premise = text('premise', 'Premise', LIMITS.premiseMax, 'required');
  const genre = text('genre', 'Genre', LIMITS.genreMax, 'present');
  const audience = choice('audience', 'Audience', AUDIENCES);
  const tone = text('tone', 'Tone', LIMITS.toneMax, 'present');
  const length = choice('length', 'Length', LENGTHS);
  const temperature = controls.temperature;
  if (typeof temperature !== 'number' || !Number.isFinite(temperature)) {
    errors.push({
      field: 'temperature',
      message: `Temperature must be a number from ${LIMITS.temperatureMin} to ${LIMITS.temperatureMax}.`,
    });
  } else if (temperature < LIMITS.temperatureMin || temperature > LIMITS.temperatureMax) {
    errors.push({
      field: 'temperature',
      message: `Temperature must be from ${LIMITS.temperatureMin} to ${LIMITS.temperatureMax}; it is ${temperature}.`,
    });
  }
  const characters = text('characters', 'Characters', LIMITS.charactersMax, 'optional');
  const setting = text('setting', 'Setting', LIMITS.settingMax, 'optional');

  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      premise: premise!,
      genre: genre!,
      audience: audience!,
      tone: tone!,
      length: length!,
      temperature: temperature as number,
      ...(characters ? { characters } : {}),
      ...(setting ? { setting } : {}),
    },
  };
}

// ───────────────────────────── Tiny schema helper ─────────────────────────────
// A parser returns a fresh, typed value or FAIL. Objects reject unknown keys, so a typo on
// either side shows up as a dropped message with a warning rather than a silent misread.

const FAIL: unique symbol = Symbol('invalid');
type Parser<T> = (x: unknown) => T | typeof FAIL;
interface Optional<T> {
  readonly optional: Parser<T>;
}
type Shape<T> = {
  readonly [K in keyof T]-?: object extends Pick<T, K> ? Optional<Exclude<T[K], undefined>> : Parser<T[K]>;
};

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

const str =
  (min: number, max: number): Parser<string> =>
  (x) =>
    typeof x === 'string' && x.length >= min && x.length <= max ? x : FAIL;
const num =
  (min: number, max: number, integer = false): Parser<number> =>
  (x) =>
    typeof x === 'number' && Number.isFinite(x) && x >= min && x <= max && (!integer || Number.isInteger(x)) ? x : FAIL;
const oneOf =
  <T extends string>(values: readonly T[]): Parser<T> =>
  (x) =>
    typeof x === 'string' && (values as readonly string[]).includes(x) ? (x as T) : FAIL;
const literal =
  <T extends string | number | boolean | null>(value: T): Parser<T> =>
  (x) =>
    x === value ? value : FAIL;
const nullable =
  <T>(p: Parser<T>): Parser<T | null> =>
  (x) =>
    x === null ? null : p(x);
const arrayOf =
  <T>(p: Parser<T>, max: number): Parser<T[]> =>
  (x) => {
    if (!Array.isArray(x) || x.length > max) return FAIL;
    const out: T[] = [];
    for (const item of x) {
      const v = p(item);
      if (v === FAIL) return FAIL;
      out.push(v);
    }
    return out;
  };
const optional = <T>(p: Parser<T>): Optional<T> => ({ optional: p });

function object<T>(shape: Shape<T>): Parser<T> {
  const entries = Object.entries(shape) as [string, Parser<unknown> | Optional<unknown>][];
  return (x) => {
    if (!isRecord(x)) return FAIL;
    for (const key of Object.keys(x)) if (!hasOwn(shape, key)) return FAIL;
    const out: Record<string, unknown> = {};
    for (const [key, p] of entries) {
      if (typeof p === 'function') {
        const v = p(x[key]);
        if (v === FAIL) return FAIL;
        out[key] = v;
      } else if (hasOwn(x, key)) {
        const v = p.optional(x[key]);
        if (v === FAIL) return FAIL;
        out[key] = v;
      }
    }
    return out as T;
  };
}

/** Discriminated union on `status`, each variant its own object shape. */
function byTag<T>(tag: string, variants: Record<string, Parser<T>>): Parser<T> {
  return (x) => {
    if (!isRecord(x) || typeof x[tag] !== 'string' || !hasOwn(variants, x[tag])) return FAIL;
    return variants[x[tag]]!(x);
  };
}

// ───────────────────────────── Parsers for the wire types ─────────────────────────────

const id = str(1, LIMITS.idMax);
const modelId = str(1, LIMITS.modelIdMax);
const count = num(0, Number.MAX_SAFE_INTEGER, true);
const timestamp = num(0, 8.64e15, true);
const requestId = num(0, Number.MAX_SAFE_INTEGER, true);
const email = str(1, LIMITS.emailMax);
const message = str(0, LIMITS.messageMax);
const code = (x: unknown): string | typeof FAIL =>
  typeof x === 'string' && /^[A-Za-z][\w.-]{0,63}$/.test(x) ? x : FAIL;

const controls: Parser<StoryControls> = (x) => {
  const r = validateControls(x);
  return r.ok ? r.value : FAIL;
};
const modelInfo = object<ModelInfo>({ id: modelId, name: str(1, LIMITS.nameMax), provider: str(0, LIMITS.nameMax) });
const usage = object<Usage>({
  inputTokens: count,
  outputTokens: count,
  totalTokens: count,
  estimated: optional(literal(true)),
});
const cost = object<Cost>({
  amount: num(0, 1e9),
  currency: (x) => (typeof x === 'string' && /^[A-Z]{3}$/.test(x) ? x : FAIL),
  estimated: literal(true),
});
const auth = byTag<AuthState>('status', {
  signedIn: object<{ status: 'signedIn'; email: string }>({ status: literal('signedIn'), email }),
  offline: object<{ status: 'offline'; email?: string }>({ status: literal('offline'), email: optional(email) }),
  signedOut: object<{ status: 'signedOut' }>({ status: literal('signedOut') }),
  sessionExpired: object<{ status: 'sessionExpired'; email?: string }>({
    status: literal('sessionExpired'),
    email: optional(email),
  }),
  unconfigured: object<{ status: 'unconfigured' }>({ status: literal('unconfigured') }),
});
const historyItem = object<HistoryItem>({
  id,
  title: str(0, LIMITS.titleMax),
  modelId,
  createdAt: timestamp,
  status: oneOf(STORY_STATUSES),
  outputTokens: count,
  totalTokens: optional(count),
  estimated: optional(literal(true)),
  elsewhere: optional(literal(true)),
});
const searchQuery = str(0, LIMITS.searchMax);
const historyPage = object<HistoryPage>({
  items: arrayOf(historyItem, LIMITS.historyMax),
  omitted: optional(count),
  total: optional(count),
  offset: optional(count),
  query: optional(searchQuery),
});
const storyRecord = object<StoryRecord>({
  id,
  title: str(0, LIMITS.titleMax),
  modelId,
  controls,
  text: str(0, LIMITS.storyTextMax),
  status: oneOf(STORY_STATUSES),
  usage: nullable(usage),
  cost: nullable(cost),
  createdAt: timestamp,
  elsewhere: optional(literal(true)),
});
const noParams = object<NoParams>({});
const storyRef = object<{ storyId: string }>({ storyId: id });

const requestParams: { readonly [M in WebviewMethod]: Parser<ParamsOf<M>> } = {
  generate: object<ParamsOf<'generate'>>({ controls, modelId }),
  stop: storyRef,
  continue: storyRef,
  regenerate: storyRef,
  refine: object<ParamsOf<'refine'>>({
    storyId: id,
    instruction: (x) =>
      typeof x === 'string' && x.trim() !== '' && x.length <= LIMITS.refineInstructionMax ? x : FAIL,
  }),
  listModels: noParams,
  'history.list': object<HistoryQuery>({
    offset: optional(count),
    limit: optional(num(1, LIMITS.historyPageMax, true)),
    query: optional(searchQuery),
  }),
  'history.open': object<ParamsOf<'history.open'>>({ id }),
  'history.delete': object<ParamsOf<'history.delete'>>({ id }),
  export: object<ParamsOf<'export'>>({ id, target: oneOf(EXPORT_TARGETS) }),
  signIn: noParams,
  openSettings: noParams,
  openLink: object<ParamsOf<'openLink'>>({
    url: (x) => (typeof x === 'string' && x.length <= LIMITS.urlMax && isSafeLink(x) ? x : FAIL),
  }),
};

const storyIdResult = object<{ storyId: string }>({ storyId: id });
const results: { readonly [M in WebviewMethod]: Parser<ResultOf<M>> } = {
  generate: storyIdResult,
  stop: literal(null),
  continue: storyIdResult,
  regenerate: storyIdResult,
  refine: storyIdResult,
  listModels: object<ResultOf<'listModels'>>({
    models: arrayOf(modelInfo, LIMITS.modelsMax),
    defaultModelId: str(0, LIMITS.modelIdMax),
  }),
  'history.list': historyPage,
  'history.open': object<ResultOf<'history.open'>>({ story: storyRecord }),
  'history.delete': object<ResultOf<'history.delete'>>({ deleted: (x) => (typeof x === 'boolean' ? x : FAIL) }),
  export: object<ResultOf<'export'>>({ exported: (x) => (typeof x === 'boolean' ? x : FAIL) }),
  signIn: literal(null),
  openSettings: literal(null),
  openLink: literal(null),
};

const webviewEvents: { readonly [T in WebviewEventType]: Parser<WebviewEvents[T]> } = {
  ready: object<WebviewEvents['ready']>({ protocolVersion: num(1, 1_000_000, true) }),
  log: object<WebviewEvents['log']>({ level: oneOf(['warn', 'error'] as const), message }),
  draft: (x) => panelMemory(x),
};

const hostEvents: { readonly [T in HostEventType]: Parser<HostEvents[T]> } = {
  state: object<HostEvents['state']>({
    auth,
    models: arrayOf(modelInfo, LIMITS.modelsMax),
    defaultModelId: str(0, LIMITS.modelIdMax),
  }),
  'story.started': object<HostEvents['story.started']>({ storyId: id, modelId, controls, kind: oneOf(STORY_KINDS) }),
  'story.delta': object<HostEvents['story.delta']>({ storyId: id, text: str(1, LIMITS.deltaMax) }),
  'story.done': object<HostEvents['story.done']>({
    storyId: id,
    usage,
    cost: nullable(cost),
    stopReason: str(0, LIMITS.codeMax),
  }),
  'story.stopped': object<HostEvents['story.stopped']>({
    storyId: id,
    usage: optional(usage),
    cost: optional(nullable(cost)),
  }),
  'story.error': object<HostEvents['story.error']>({
    storyId: optional(id),
    code,
    message: str(1, LIMITS.messageMax),
    actions: (x) => {
      const list = arrayOf(oneOf(ERROR_ACTIONS), ERROR_ACTIONS.length)(x);
      return list !== FAIL && new Set(list).size === list.length ? list : FAIL;
    },
    partialKept: (x) => (typeof x === 'boolean' ? x : FAIL),
  }),
  history: historyPage,
  'story.opened': object<HostEvents['story.opened']>({ story: storyRecord }),
  'usage.today': object<HostEvents['usage.today']>({ inputTokens: count, outputTokens: count, cost: nullable(cost) }),
  restore: (x) => panelMemory(x),
};

const responseError = object<ResponseError>({ message, code: optional(code) });

// ───────────────────────────── Public validators ─────────────────────────────

/** The host's check of everything the webview posts. Undefined for anything malformed. */
export function parseWebviewMessage(x: unknown): WebviewMessage | undefined {
  if (!isRecord(x)) return undefined;
  if (x.kind === 'request') {
    if (!onlyKeys(x, ['kind', 'id', 'method', 'params'])) return undefined;
    const rid = requestId(x.id);
    if (rid === FAIL || typeof x.method !== 'string' || !hasOwn(requestParams, x.method)) return undefined;
    const method = x.method as WebviewMethod;
    const params = (requestParams[method] as Parser<unknown>)(x.params);
    if (params === FAIL) return undefined;
    return { kind: 'request', id: rid, method, params } as WebviewRequest;
  }
  if (x.kind === 'event') return parseEvent(x, webviewEvents) as WebviewEvent | undefined;
  return undefined;
}

/** The webview's check of everything the host posts. A response's result is checked with `parseResult`. */
export function parseHostMessage(x: unknown): HostMessage | undefined {
  if (!isRecord(x)) return undefined;
  if (x.kind === 'response') {
    const rid = requestId(x.id);
    if (rid === FAIL) return undefined;
    if (x.ok === true && onlyKeys(x, ['kind', 'id', 'ok', 'result']) && hasOwn(x, 'result')) {
      return { kind: 'response', id: rid, ok: true, result: x.result };
    }
    if (x.ok === false && onlyKeys(x, ['kind', 'id', 'ok', 'error'])) {
      const error = responseError(x.error);
      return error === FAIL ? undefined : { kind: 'response', id: rid, ok: false, error };
    }
    return undefined;
  }
  if (x.kind === 'event') return parseEvent(x, hostEvents) as HostEvent | undefined;
  return undefined;
}

/** Checks a successful response's result against the method that was called. */
export function parseResult<M extends WebviewMethod>(method: M, result: unknown): ResultOf<M> | undefined {
  const v = (results[method] as Parser<ResultOf<M>>)(result);
  return v === FAIL ? undefined : v;
}

/** Checks a request's params (for hosts that dispatch without parseWebviewMessage, and tests). */
export function parseParams<M extends WebviewMethod>(method: M, params: unknown): ParamsOf<M> | undefined {
  const v = (requestParams[method] as Parser<ParamsOf<M>>)(params);
  return v === FAIL ? undefined : v;
}

function parseEvent(
  x: Record<string, unknown>,
  table: Record<string, Parser<unknown>>,
): { kind: 'event'; type: string; data: unknown } | undefined {
  if (!onlyKeys(x, ['kind', 'type', 'data']) || typeof x.type !== 'string' || !hasOwn(table, x.type)) return undefined;
  const data = table[x.type]!(x.data);
  return data === FAIL ? undefined : { kind: 'event', type: x.type, data };
}

function onlyKeys(x: Record<string, unknown>, keys: readonly string[]): boolean {
  return Object.keys(x).every((k) => keys.includes(k));
}

/**
 * The only links a story may carry: http, https and mailto. Used by the markdown renderer's
 * validateLink in the webview and by the host before it opens anything.
 */
export function isSafeLink(url: string): boolean {
  return /^(https?:\/\/[^\s]+|mailto:[^\s]+)$/i.test(url.trim()) && url.length <= LIMITS.urlMax;
}

/**
 * The URL the host opens for a safe link: http(s) as is; mailto with only its address and the
 * `subject` and `body` fields, so a story cannot make the mail client attach a file
 * (`?attach=`), add recipients (`cc`, `bcc`, `to`) or set other headers. Undefined when unsafe.
 */
export function linkToOpen(url: string): string | undefined {
  if (!isSafeLink(url)) return undefined;
  const link = url.trim();
  if (!/^mailto:/i.test(link)) return link;
  const rest = link.slice('mailto:'.length).split('#')[0]!;
  const q = rest.indexOf('?');
  const to = q < 0 ? rest : rest.slice(0, q);
  const kept = new Map<string, string>();
  for (const field of q < 0 ? [] : rest.slice(q + 1).split('&')) {
    const eq = field.indexOf('=');
    const key = decodeKey(eq < 0 ? field : field.slice(0, eq));
    if ((key === 'subject' || key === 'body') && !kept.has(key)) kept.set(key, eq < 0 ? '' : field.slice(eq + 1));
  }
  const query = [...kept].map(([k, v]) => `${k}=${v}`).join('&');
  return `mailto:${to}${query ? `?${query}` : ''}`;
}

function decodeKey(key: string): string {
  try {
    return decodeURIComponent(key).toLowerCase();
  } catch {
    return '';
  }
}

// ───────────────────────────── Webview state (getState/setState, the serializer) ─────────────────────────────

/** The form as typed, so a half-edited (even invalid) draft survives a reload. */
export interface StoryDraft {
  readonly premise: string;
  readonly genre: string;
  readonly audience: string;
  readonly tone: string;
  readonly length: string;
  /** As typed in the field, e.g. "0.7". */
  readonly temperature: string;
  readonly characters: string;
  readonly setting: string;
  readonly modelId: string;
  readonly refineInstruction: string;
}

/**
 * What the webview keeps with setState and what the host's WebviewPanelSerializer receives. No secrets, no story text.
 */
export interface WebviewState {
  readonly version: 1;
  readonly draft: StoryDraft;
  /** The story on screen, re-opened with history.open after a reload. */
  readonly storyId?: string;
  /** The email of the user the draft and story belong to: another user's are cleared, never shown. */
  readonly owner?: string;
}

export const EMPTY_DRAFT: StoryDraft = {
  premise: DEFAULT_CONTROLS.premise,
  genre: DEFAULT_CONTROLS.genre,
  audience: DEFAULT_CONTROLS.audience,
  tone: DEFAULT_CONTROLS.tone,
  length: DEFAULT_CONTROLS.length,
  temperature: String(DEFAULT_CONTROLS.temperature),
  characters: '',
  setting: '',
  modelId: '',
  refineInstruction: '',
};

// Lenient on length: an over-long draft is clipped, not thrown away.
const draftText =
  (max: number): Parser<string> =>
  (x) =>
    typeof x === 'string' ? x.slice(0, max) : FAIL;
const storyDraft = object<StoryDraft>({
  premise: draftText(LIMITS.premiseMax * 4),
  genre: draftText(LIMITS.genreMax * 4),
  audience: draftText(100),
  tone: draftText(LIMITS.toneMax * 4),
  length: draftText(100),
  temperature: draftText(100),
  characters: draftText(LIMITS.charactersMax * 4),
  setting: draftText(LIMITS.settingMax * 4),
  modelId: draftText(LIMITS.modelIdMax),
  refineInstruction: draftText(LIMITS.refineInstructionMax * 4),
});
const webviewState = object<WebviewState>({
  version: literal(1),
  draft: storyDraft,
  storyId: optional(id),
  owner: optional(email),
});
const panelMemoryParser = object<PanelMemory>({ draft: storyDraft, storyId: optional(id) });
// A function (hoisted) so that the event tables above can use the parser defined here.
function panelMemory(x: unknown): PanelMemory | typeof FAIL {
  return panelMemoryParser(x);
}

/** Validates persisted state (from getState or the serializer); undefined when unusable. */
export function parseWebviewState(x: unknown): WebviewState | undefined {
  const v = webviewState(x);
  return v === FAIL ? undefined : v;
}
