// The messages between the story panel's webview and the extension host: one schema per message,
// one section per direction. Pure: no `vscode`, no DOM. Both sides check every message they receive
// with `parseWebviewMessage` / `parseHostMessage` (and `parseResult` for replies) and drop what fails.
//
// Envelopes
//   webview → host   {kind:'request', id, method, params}   REQUESTS: answered by exactly one response
//                    {kind:'event', type, data}              WEBVIEW_EVENTS: fire and forget ('ready', 'log', 'draft')
//   host → webview   {kind:'event', type, data}              HOST_EVENTS: pushed at any time
//                    {kind:'response', id, ok:true, result}
//                    {kind:'response', id, ok:false, error:{message, code?, actions}}   a refusal
//
// Conventions (the host implementation relies on these)
// - A request's response only acknowledges it or carries data the webview asked for. Everything
//   that happens to a story afterwards arrives as events (story.started → story.delta* →
//   story.done | story.stopped | story.error).
// - ok:false (a refusal) is for requests the host could not accept at all (unknown story id,
//   nothing to continue, busy, not signed in); its `actions` are the buttons that fix it, if any.
//   Failures after a story exists (auth, throttling, model access, network) are `story.error`
//   events with `actions`.
// - On `ready` the host sends `state` and `contentPolicy`, then `history`, `usage.today`, `usage.budget` and
//   `restore`. The webview re-opens the story it was showing (kept in its own state) with `history.open`.
// - story.started with kind 'new', 'regenerate' or 'refine' starts from empty text; 'continue'
//   appends to the text the story already has.
// - The host sends at most one story.delta per 16 ms per story (it batches), each within
//   LIMITS.deltaMax, and one stream per panel; the webview renders at most once per animation
//   frame whatever arrives.
// - `history` holds at most LIMITS.historyMax items (`omitted`: how many older ones did not fit);
//   `elsewhere: true` marks a story another VS Code window is writing. The host sends the newest
//   page with `total`; the webview asks for more, or searches, with `history.list` (offset, limit,
//   query), and asks again for what it shows after each `history` event.
import * as v from 'valibot';
import { contentPolicy } from './contentPolicy';
import { storyControls } from './controls';
import { LIMITS } from './limits';
import { isSafeLink } from './links';
import { panelMemory } from './webviewState';
import * as w from './wire';

/**
 * Bumped on any incompatible change. The webview sends it in `ready`; the host drops a `ready` of
 * another version (a panel left from before an update), so nothing else is exchanged with it.
 */
export const PROTOCOL_VERSION = 1;

const storyRef = v.strictObject({ storyId: w.id });
/** `{}` and nothing else (not even `[]`). */
const noParams = v.pipe(v.custom<Record<string, never>>(isRecord), v.strictObject({}));

// REQUESTS (webview → host): the params, and the result of a successful response

const REQUESTS = {
  /** Starts a new story. Result: the new story's id (story.started follows). */
  generate: { params: v.strictObject({ controls: storyControls, modelId: w.modelId }), result: storyRef },
  /** Stops a streaming story; the partial text is kept (story.stopped follows). */
  stop: { params: storyRef, result: v.null() },
  /** Appends more to a story (story.started kind 'continue' with the same storyId follows). */
  continue: { params: storyRef, result: storyRef },
  /** Writes the story again from the same controls; the result may be a new story id. */
  regenerate: { params: storyRef, result: storyRef },
  /** Rewrites the story following `instruction`; the result may be a new story id. */
  refine: {
    params: v.strictObject({
      storyId: w.id,
      instruction: v.pipe(
        v.string(),
        v.check((s) => s.trim() !== ''),
        v.maxLength(LIMITS.refineInstructionMax),
      ),
    }),
    result: storyRef,
  },
  listModels: {
    params: noParams,
    result: v.strictObject({
      models: w.list(w.modelInfo, LIMITS.modelsMax),
      defaultModelId: w.text(0, LIMITS.modelIdMax),
    }),
  },
  'history.list': { params: v.pipe(v.custom<object>(isRecord), w.historyQuery), result: w.historyPage },
  /** The story itself is the result; the host does not also send story.opened for it. */
  'history.open': { params: v.strictObject({ id: w.id }), result: v.strictObject({ story: w.storyRecord }) },
  /** The host may confirm first; result says whether it was deleted. A `history` event follows. */
  'history.delete': { params: v.strictObject({ id: w.id }), result: v.strictObject({ deleted: v.boolean() }) },
  /**
   * Opens the chapter a story project's entry was written in (#26), in an editor; the host finds it
   * inside the workspace's folders only, and refuses with a sentence when it is gone.
   */
  'history.openChapter': { params: v.strictObject({ id: w.id }), result: v.null() },
  /** Result `exported: false` when the user cancelled (e.g. the save dialog). */
  export: {
    params: v.strictObject({ id: w.id, target: v.picklist(w.EXPORT_TARGETS) }),
    result: v.strictObject({ exported: v.boolean() }),
  },
  /** Runs the sign-in flow; a `state` event follows when it changes anything. */
  signIn: { params: noParams, result: v.null() },
  /** Opens the Storyteller settings. */
  openSettings: { params: noParams, result: v.null() },
  /** Runs "Configure from Stack Outputs…" (what a panel with no settings offers first). */
  configure: { params: noParams, result: v.null() },
  /** Opens an http(s) or mailto link outside VS Code (the host checks the scheme again). */
  openLink: {
    params: v.strictObject({ url: v.pipe(v.string(), v.maxLength(LIMITS.urlMax), v.check(isSafeLink)) }),
    result: v.null(),
  },
} satisfies Record<string, { params: v.GenericSchema; result: v.GenericSchema }>;

export type WebviewMethod = keyof typeof REQUESTS;
export type ParamsOf<M extends WebviewMethod> = v.InferOutput<(typeof REQUESTS)[M]['params']>;
export type ResultOf<M extends WebviewMethod> = v.InferOutput<(typeof REQUESTS)[M]['result']>;
export type WebviewRequests = { [M in WebviewMethod]: { params: ParamsOf<M>; result: ResultOf<M> } };
export type RequestOf<M extends WebviewMethod> = {
  readonly kind: 'request';
  /** Unique per webview session (a counter); echoed in the response. */
  readonly id: number;
  readonly method: M;
  readonly params: ParamsOf<M>;
};
export type WebviewRequest = { [M in WebviewMethod]: RequestOf<M> }[WebviewMethod];
/** What a host implements: one async handler per method. Throwing gives a refusal (ok:false). */
export type RequestHandlers = { [M in WebviewMethod]: (params: ParamsOf<M>) => Promise<ResultOf<M>> };

// WEBVIEW_EVENTS (webview → host): fire and forget

const WEBVIEW_EVENTS = {
  /** The webview has loaded and listens; the host answers with `state`, `history`, `usage.today`. */
  ready: v.strictObject({ protocolVersion: v.literal(PROTOCOL_VERSION) }),
  /** An unexpected error in the webview, for the host's log. Never contains story text. */
  log: v.strictObject({ level: v.picklist(['warn', 'error']), message: w.text(0, LIMITS.messageMax) }),
  /** The form and the story on show, whenever the webview saves them: the host keeps them for a reopened panel. */
  draft: panelMemory,
};

export type WebviewEvents = { [T in keyof typeof WEBVIEW_EVENTS]: v.InferOutput<(typeof WEBVIEW_EVENTS)[T]> };
export type WebviewEventType = keyof WebviewEvents;
export type WebviewEvent = {
  [T in WebviewEventType]: { readonly kind: 'event'; readonly type: T; readonly data: WebviewEvents[T] };
}[WebviewEventType];
export type WebviewMessage = WebviewRequest | WebviewEvent;

// HOST_EVENTS (host → webview)

const HOST_EVENTS = {
  /** Sign-in state and the models the user may pick. Sent on `ready` and whenever either changes. */
  state: v.strictObject({
    auth: w.authState,
    models: w.list(w.modelInfo, LIMITS.modelsMax),
    defaultModelId: w.text(0, LIMITS.modelIdMax),
  }),
  'story.started': v.strictObject({
    storyId: w.id,
    modelId: w.modelId,
    controls: storyControls,
    kind: v.picklist(w.STORY_KINDS),
  }),
  /** The next piece of text (a batch of tokens) of a streaming story. */
  'story.delta': v.strictObject({ storyId: w.id, text: w.text(1, LIMITS.deltaMax) }),
  'story.done': v.strictObject({
    storyId: w.id,
    /** The whole story's tokens (every turn: a continued story's too), as its history row counts them. */
    usage: w.usage,
    cost: v.nullable(w.cost),
    /** Bedrock's stopReason, e.g. end_turn, max_tokens, stop_sequence, content_filtered. */
    stopReason: w.text(0, LIMITS.codeMax),
  }),
  /** The user stopped it; the partial text is kept. Usage so far, if known. */
  'story.stopped': v.strictObject({
    storyId: w.id,
    usage: v.exactOptional(w.usage),
    cost: v.exactOptional(v.nullable(w.cost)),
  }),
  'story.error': v.strictObject({
    /** Absent when no story was created (e.g. signed out before generating). */
    storyId: v.exactOptional(w.id),
    /** e.g. throttled, accessDenied, modelNotAllowed, network, sessionExpired. */
    code: w.code,
    /** Shown to the user as is. */
    message: w.text(1, LIMITS.messageMax),
    actions: w.errorActions,
    /** Whether the text streamed so far is kept (so 'continue' makes sense). */
    partialKept: v.boolean(),
    /** Epoch ms: the same request is refused until then (a spent daily budget); not offered again before. */
    retryAt: v.exactOptional(w.timestamp),
  }),
  /** The newest page of the history, with `total`. Sent on `ready` and after every change. */
  history: w.historyPage,
  /** Shows a story the host chose (e.g. from a command). Same shape as history.open's result. */
  'story.opened': v.strictObject({ story: w.storyRecord }),
  /** Today's totals for this user, for the header. */
  'usage.today': v.strictObject({
    inputTokens: w.count,
    outputTokens: w.count,
    cost: v.nullable(w.cost),
    /** Prompt-cache tokens today (#26): input read from and written to the cache, besides inputTokens. */
    cacheReadInputTokens: v.exactOptional(w.count),
    cacheWriteInputTokens: v.exactOptional(w.count),
    /** Story projects' share of today (#26), most tokens first; the names are the writer's text. */
    projects: v.exactOptional(
      v.pipe(
        v.array(
          v.strictObject({
            project: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
            requests: w.count,
            totalTokens: w.count,
            cost: v.nullable(w.cost),
          }),
        ),
        v.maxLength(100),
      ),
    ),
  }),
  /** After `ready`: this user's form and story from before the panel was closed (a new panel starts with them). */
  restore: panelMemory,
  /**
   * Budget mode (stories through the stack's story gateway): this user's daily token budget, as the
   * gateway counts it, after `ready` and after each story; null in direct mode (no budget to show).
   */
  'usage.budget': v.nullable(w.tokenBudget),
  /**
   * The stack's content policy (#27), after each `state`: the panel says which guardrail applies to
   * the form's audience ("Content policy: strict (children)").
   */
  contentPolicy,
};

export type HostEvents = { [T in keyof typeof HOST_EVENTS]: v.InferOutput<(typeof HOST_EVENTS)[T]> };
export type HostEventType = keyof HostEvents;
export type HostEvent = {
  [T in HostEventType]: { readonly kind: 'event'; readonly type: T; readonly data: HostEvents[T] };
}[HostEventType];

// RESPONSES (host → webview): one per request

/** A refusal: one sentence for the user, a machine code, and the buttons that fix it (often none). */
const responseError = v.strictObject({
  message: w.text(0, LIMITS.messageMax),
  code: v.exactOptional(w.code),
  actions: w.errorActions,
});
export type ResponseError = v.InferOutput<typeof responseError>;
export type HostResponse =
  | { readonly kind: 'response'; readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly kind: 'response'; readonly id: number; readonly ok: false; readonly error: ResponseError };
export type HostMessage = HostEvent | HostResponse;

// Envelopes: one strict schema per message, chosen by `kind` and then `method` or `type`.

const requestId = w.int(0, Number.MAX_SAFE_INTEGER);
const methods = Object.keys(REQUESTS) as WebviewMethod[];

const requestSchema = (method: WebviewMethod) =>
  v.strictObject({
    kind: v.literal('request'),
    id: requestId,
    method: v.literal(method),
    params: REQUESTS[method].params,
  });
const eventSchema = <T extends string>(type: T, data: v.GenericSchema) =>
  v.strictObject({ kind: v.literal('event'), type: v.literal(type), data });
const eventsSchema = (table: Record<string, v.GenericSchema>) =>
  v.variant(
    'type',
    Object.entries(table).map(([type, data]) => eventSchema(type, data)),
  );

const webviewMessage = v.variant('kind', [
  v.variant('method', methods.map(requestSchema)),
  eventsSchema(WEBVIEW_EVENTS),
]);
const hostMessage = v.variant('kind', [
  v.variant('ok', [
    v.strictObject({ kind: v.literal('response'), id: requestId, ok: v.literal(true), result: v.unknown() }),
    v.strictObject({ kind: v.literal('response'), id: requestId, ok: v.literal(false), error: responseError }),
  ]),
  eventsSchema(HOST_EVENTS),
]);

/** The host's check of everything the webview posts. Undefined for anything malformed. */
export function parseWebviewMessage(x: unknown): WebviewMessage | undefined {
  const r = v.safeParse(webviewMessage, x);
  return r.success ? (r.output as WebviewMessage) : undefined;
}

/** The webview's check of everything the host posts. A response's result is checked with `parseResult`. */
export function parseHostMessage(x: unknown): HostMessage | undefined {
  const r = v.safeParse(hostMessage, x);
  return r.success ? (r.output as HostMessage) : undefined;
}

/** Checks a successful response's result against the method that was called. */
export function parseResult<M extends WebviewMethod>(method: M, result: unknown): ResultOf<M> | undefined {
  const r = v.safeParse(REQUESTS[method].result, result);
  return r.success ? (r.output as ResultOf<M>) : undefined;
}

// Constructors (typed, for both sides)

export function hostEvent<T extends HostEventType>(type: T, data: HostEvents[T]): HostEvent {
  return { kind: 'event', type, data } as HostEvent;
}
export function webviewEvent<T extends WebviewEventType>(type: T, data: WebviewEvents[T]): WebviewEvent {
  return { kind: 'event', type, data } as WebviewEvent;
}
export function request<M extends WebviewMethod>(id: number, method: M, params: ParamsOf<M>): RequestOf<M> {
  return { kind: 'request', id, method, params };
}

/**
 * A refusal. The message is clipped to LIMITS.messageMax; a code that is not a plain identifier
 * and actions that are not PanelActions (or repeat) are left out, so the webview never drops the reply.
 */
export function errorResponse(
  id: number,
  message: string,
  refusal: { readonly code?: string | undefined; readonly actions?: readonly string[] | undefined } = {},
): HostResponse {
  const { code, actions } = refusal;
  const known = Array.isArray(actions)
    ? [...new Set(actions)].filter((a): a is w.PanelAction => v.is(actionSchema, a))
    : [];
  const error: ResponseError = {
    message: clip(message),
    ...(code !== undefined && v.is(w.code, code) ? { code } : {}),
    actions: known,
  };
  return { kind: 'response', id, ok: false, error };
}

const actionSchema = v.picklist(w.PANEL_ACTIONS);

function clip(s: string): string {
  return s.length > LIMITS.messageMax ? `${s.slice(0, LIMITS.messageMax - 1)}…` : s;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
