// The Bedrock runtime (restJson1, SigV4 service "bedrock") and the control-plane list calls,
// answered by the local story engine. Requests are authenticated with the credentials the
// identity pool issued and authorised by the template role's policy.
import { EventStreamCodec } from '@smithy/core/event-streams';
import { AwsError } from './errors';
import type { Faults } from './faults';
import type { EmuRequest, Reply } from './http';
import { isAllowed } from './iam';
import type { IssuedCredentials } from './identityPool';
import { inferenceProfileSummaries, modelSummaries, resolveModel } from './models';
import type { ResolvedModel } from './models';
import { CONVERSE_SHAPE, LIST_FOUNDATION_MODELS_SHAPE, MODEL_ID_SHAPE } from './shapes';
import { verifySigV4 } from './sigv4';
import { countTokens, generate, tokenize } from './storyEngine';
import type { StoryResult } from './storyEngine';
import { validate } from './validate';

type Json = Record<string, unknown>;

export interface BedrockDeps {
  region: string;
  accountId: string;
  faults: Faults;
  credentials: Map<string, IssuedCredentials>;
  /** Tokens per second for streams; 0 streams as fast as the connection takes them. */
  streamRate: number;
}

const codec = new EventStreamCodec(
  (bytes) => Buffer.from(bytes).toString('utf8'),
  (text) => new Uint8Array(Buffer.from(text, 'utf8')),
);

function eventFrame(eventType: string, payload: unknown): Uint8Array {
  return codec.encode({
    headers: {
      ':message-type': { type: 'string', value: 'event' },
      ':event-type': { type: 'string', value: eventType },
      ':content-type': { type: 'string', value: 'application/json' },
    },
    body: new Uint8Array(Buffer.from(JSON.stringify(payload))),
  });
}

function exceptionFrame(exceptionType: string, message: string): Uint8Array {
  return codec.encode({
    headers: {
      ':message-type': { type: 'string', value: 'exception' },
      ':exception-type': { type: 'string', value: exceptionType },
      ':content-type': { type: 'string', value: 'application/json' },
    },
    body: new Uint8Array(Buffer.from(JSON.stringify({ message }))),
  });
}

const invalid = (message: string): AwsError => new AwsError('ValidationException', message, 400);

interface Parsed {
  inputTexts: string[];
  prompt: string;
  maxTokens: number;
  stopSequences: string[];
  temperature: unknown;
}

function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Messages in Converse/Nova/Claude form: alternate roles, start and end with the user. */
function readMessages(messages: unknown, textOf: (block: unknown) => string | null): { texts: string[]; userText: string } {
  if (!Array.isArray(messages) || messages.length === 0) throw invalid('A conversation must start with a user message. Try again with a conversation that starts with a user message.');
  const texts: string[] = [];
  const user: string[] = [];
  messages.forEach((m: unknown, i) => {
    if (!isObj(m) || (m.role !== 'user' && m.role !== 'assistant')) throw invalid(`messages.${i}.role: must be one of user, assistant`);
    if (i === 0 && m.role !== 'user') throw invalid('A conversation must start with a user message. Try again with a conversation that starts with a user message.');
    const prev = messages[i - 1] as Json | undefined;
    if (prev && prev.role === m.role) throw invalid('A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.');
    const content = typeof m.content === 'string' ? [m.content] : m.content;
    if (!Array.isArray(content) || content.length === 0) throw invalid(`messages.${i}.content: The content field in the Message object at messages.${i} is empty. Add a ContentBlock object to the content field and try again.`);
    for (const block of content) {
      const t = typeof block === 'string' ? block : textOf(block);
      if (t === null) throw invalid(`messages.${i}.content: only text content is supported by the local story engine`);
      if (t.trim() === '') throw invalid(`messages.${i}.content: text content blocks must be non-empty`);
      texts.push(t);
      if (m.role === 'user') user.push(t);
    }
  });
  return { texts, userText: user.join('\n') };
}

function checkMaxTokens(value: unknown, model: ResolvedModel, field: string, fallback: number): number {
  if (value === undefined || value === null) return Math.min(fallback, model.model.maxOutputTokens);
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw invalid(`${field} must be a positive integer, got ${String(value)}.`);
  if (n > model.model.maxOutputTokens) {
    throw invalid(`The maximum tokens you requested exceeds the model limit of ${model.model.maxOutputTokens}. Try again with a maximum tokens value that is lower than ${model.model.maxOutputTokens}.`);
  }
  return n;
}

function stopList(value: unknown, field: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((s) => typeof s !== 'string')) throw invalid(`${field} must be a list of strings.`);
  if (value.length > 4) throw invalid(`${field} has more than 4 stop sequences.`);
  return value as string[];
}

const systemTexts = (system: unknown): string[] =>
  Array.isArray(system) ? system.map((s) => (isObj(s) && typeof s.text === 'string' ? s.text : '')).filter(Boolean) : typeof system === 'string' ? [system] : [];

function parseConverse(body: Json, model: ResolvedModel): Parsed {
  const { texts, userText } = readMessages(body.messages, (b) => (isObj(b) && typeof b.text === 'string' ? b.text : null));
  const cfg = isObj(body.inferenceConfig) ? body.inferenceConfig : {};
  return {
    inputTexts: [...systemTexts(body.system), ...texts],
    prompt: userText,
    maxTokens: checkMaxTokens(cfg.maxTokens, model, 'inferenceConfig.maxTokens', model.model.family === 'claude' ? 4096 : 5000),
    stopSequences: stopList(cfg.stopSequences, 'inferenceConfig.stopSequences'),
    temperature: cfg.temperature,
  };
}

function parseInvoke(body: Json, model: ResolvedModel): Parsed {
  switch (model.model.family) {
    case 'nova': {
      const { texts, userText } = readMessages(body.messages, (b) => (isObj(b) && typeof b.text === 'string' ? b.text : null));
      const cfg = isObj(body.inferenceConfig) ? body.inferenceConfig : {};
      return {
        inputTexts: [...systemTexts(body.system), ...texts],
        prompt: userText,
        maxTokens: checkMaxTokens(cfg.maxTokens ?? cfg.max_new_tokens, model, 'inferenceConfig.maxTokens', 5000),
        stopSequences: stopList(cfg.stopSequences, 'inferenceConfig.stopSequences'),
        temperature: cfg.temperature,
      };
    }
    case 'claude': {
      if (typeof body.anthropic_version !== 'string') throw invalid('Malformed input request: #: required key [anthropic_version] not found, please reformat your input and try again.');
      if (body.max_tokens === undefined) throw invalid('Malformed input request: #: required key [max_tokens] not found, please reformat your input and try again.');
      const { texts, userText } = readMessages(body.messages, (b) => (isObj(b) && b.type === 'text' && typeof b.text === 'string' ? b.text : null));
      return {
        inputTexts: [...systemTexts(body.system), ...texts],
        prompt: userText,
        maxTokens: checkMaxTokens(body.max_tokens, model, 'max_tokens', 4096),
        stopSequences: stopList(body.stop_sequences, 'stop_sequences'),
        temperature: body.temperature,
      };
    }
    case 'titan': {
      if (typeof body.inputText !== 'string' || body.inputText.trim() === '') throw invalid('Malformed input request: #: required key [inputText] not found, please reformat your input and try again.');
      const cfg = isObj(body.textGenerationConfig) ? body.textGenerationConfig : {};
      return {
        inputTexts: [body.inputText],
        prompt: body.inputText,
        maxTokens: checkMaxTokens(cfg.maxTokenCount, model, 'textGenerationConfig.maxTokenCount', 512),
        stopSequences: stopList(cfg.stopSequences, 'textGenerationConfig.stopSequences'),
        temperature: cfg.temperature,
      };
    }
  }
}

/**
 * Replaces the story engine's output, for tests and benchmarks: `text` is told verbatim (e.g. a
 * hostile story); `tokens` makes every story exactly that long. maxTokens is not applied.
 */
export interface StoryOverride {
  text?: string;
  tokens?: number;
}

/** Timing of the last stream, in epoch milliseconds, so that a client can measure its lag. */
export interface StreamRecord {
  operation: string;
  tokens: number;
  /** Characters of the whole text streamed. */
  chars: number;
  startedAt: number;
  lastTokenAt: number | null;
  endedAt: number | null;
}

function run(parsed: Parsed, model: ResolvedModel, override: StoryOverride | null): StoryResult {
  if (override) {
    const told = override.text ?? generate({ inputTexts: parsed.inputTexts, prompt: parsed.prompt, maxTokens: Number.MAX_SAFE_INTEGER, stopSequences: [], seedExtra: model.calledId }).text;
    let tokens = tokenize(told);
    if (override.tokens !== undefined) {
      const unit = tokens.length > 0 ? tokens : ['word'];
      while (tokens.length < override.tokens) tokens = tokens.concat(['\n\n'], unit);
      tokens = tokens.slice(0, override.tokens);
    }
    return { tokens, text: tokens.join(''), stopReason: 'end_turn', stopSequence: null, inputTokens: countTokens(parsed.inputTexts), outputTokens: tokens.length };
  }
  return generate({
    inputTexts: parsed.inputTexts,
    prompt: parsed.prompt,
    maxTokens: parsed.maxTokens,
    stopSequences: parsed.stopSequences,
    seedExtra: JSON.stringify([model.calledId, parsed.temperature ?? null]),
  });
}

const CLAUDE_STOP: Record<string, string> = { end_turn: 'end_turn', max_tokens: 'max_tokens', stop_sequence: 'stop_sequence' };
const TITAN_STOP: Record<string, string> = { end_turn: 'FINISH', max_tokens: 'LENGTH', stop_sequence: 'STOP_CRITERIA_MET' };

/** The whole-response body of InvokeModel in the model family's own shape. */
function invokeBody(model: ResolvedModel, r: StoryResult): Json {
  switch (model.model.family) {
    case 'nova':
      return {
        output: { message: { role: 'assistant', content: [{ text: r.text }] } },
        stopReason: r.stopReason,
        usage: { inputTokens: r.inputTokens, outputTokens: r.outputTokens, totalTokens: r.inputTokens + r.outputTokens },
      };
    case 'claude':
      return {
        id: `msg_bdrk_local${Date.now().toString(36)}`,
        type: 'message',
        role: 'assistant',
        model: model.model.modelId.replace(/^anthropic\./, '').replace(/-v\d+:\d+$/, ''),
        content: [{ type: 'text', text: r.text }],
        stop_reason: CLAUDE_STOP[r.stopReason],
        stop_sequence: r.stopSequence,
        usage: { input_tokens: r.inputTokens, output_tokens: r.outputTokens },
      };
    case 'titan':
      return {
        inputTextTokenCount: r.inputTokens,
        results: [{ tokenCount: r.outputTokens, outputText: r.text, completionReason: TITAN_STOP[r.stopReason] }],
      };
  }
}

/** The model-native stream chunks of InvokeModelWithResponseStream, before base64 wrapping. */
function invokeStreamChunks(model: ResolvedModel, r: StoryResult, latencyMs: () => number): { head: Json[]; token: (t: string, i: number) => Json; tail: () => Json[] } {
  const metrics = (): Json => ({ 'amazon-bedrock-invocationMetrics': { inputTokenCount: r.inputTokens, outputTokenCount: r.outputTokens, invocationLatency: latencyMs(), firstByteLatency: 1 } });
  switch (model.model.family) {
    case 'nova':
      return {
        head: [{ messageStart: { role: 'assistant' } }],
        token: (t) => ({ contentBlockDelta: { delta: { text: t }, contentBlockIndex: 0 } }),
        tail: () => [
          { contentBlockStop: { contentBlockIndex: 0 } },
          { messageStop: { stopReason: r.stopReason } },
          { metadata: { usage: { inputTokens: r.inputTokens, outputTokens: r.outputTokens } }, ...metrics() },
        ],
      };
    case 'claude':
      return {
        head: [
          { type: 'message_start', message: { id: 'msg_bdrk_local', type: 'message', role: 'assistant', model: model.model.modelId, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: r.inputTokens, output_tokens: 1 } } },
          { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
        ],
        token: (t) => ({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: t } }),
        tail: () => [
          { type: 'content_block_stop', index: 0 },
          { type: 'message_delta', delta: { stop_reason: CLAUDE_STOP[r.stopReason], stop_sequence: r.stopSequence }, usage: { output_tokens: r.outputTokens } },
          { type: 'message_stop', ...metrics() },
        ],
      };
    case 'titan':
      return {
        head: [],
        token: (t, i) => ({ outputText: t, index: 0, totalOutputTextTokenCount: i + 1, completionReason: null, inputTextTokenCount: i === 0 ? r.inputTokens : null }),
        tail: () => [{ outputText: '', index: 0, totalOutputTextTokenCount: r.outputTokens, completionReason: TITAN_STOP[r.stopReason], inputTextTokenCount: null, ...metrics() }],
      };
  }
}

export class BedrockService {
  private override: StoryOverride | null = null;
  private last: StreamRecord | null = null;

  constructor(private readonly d: BedrockDeps) {}

  /** Every story from now on is told this way; null goes back to the story engine. */
  setStoryOverride(override: StoryOverride | null): void {
    this.override = override;
  }

  lastStream(): StreamRecord | null {
    return this.last && { ...this.last };
  }

  /** Tokens per second for streams that start from now on; 0 = as fast as possible. */
  setStreamRate(tokensPerSecond: number): void {
    this.d.streamRate = tokensPerSecond;
  }

  /** Returns the operation name for a request this service serves, or null. */
  static operationOf(req: EmuRequest): string | null {
    if (req.method === 'GET' && req.path === '/foundation-models') return 'ListFoundationModels';
    if (req.method === 'GET' && req.path === '/inference-profiles') return 'ListInferenceProfiles';
    const m = /^\/model\/.+\/(converse|converse-stream|invoke|invoke-with-response-stream)$/.exec(req.path);
    if (req.method !== 'POST' || !m) return null;
    return { converse: 'Converse', 'converse-stream': 'ConverseStream', invoke: 'InvokeModel', 'invoke-with-response-stream': 'InvokeModelWithResponseStream' }[m[1] as string] ?? null;
  }

  async handle(operation: string, req: EmuRequest, reply: Reply): Promise<void> {
    const started = Date.now();
    const caller = verifySigV4(req, { service: 'bedrock', region: this.d.region, now: this.d.faults.now() }, (id) => {
      const c = this.d.credentials.get(id);
      return c && { secretKey: c.secretKey, sessionToken: c.sessionToken, expires: c.expires };
    });
    const creds = this.d.credentials.get(caller.accessKeyId) as IssuedCredentials;
    this.d.faults.checkError(operation);
    const { region, accountId } = this.d;
    const deny = (action: string, resource: string): AwsError =>
      new AwsError('AccessDeniedException', `User: arn:aws:sts::${accountId}:assumed-role/${creds.role.name}/CognitoIdentityCredentials is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`, 403);

    if (operation === 'ListFoundationModels' || operation === 'ListInferenceProfiles') {
      if (operation === 'ListFoundationModels') validate(Object.fromEntries(req.query), LIST_FOUNDATION_MODELS_SHAPE, 'ValidationException');
      const action = `bedrock:${operation}`;
      if (!isAllowed(creds.role, action, ['*'])) throw deny(action, '*');
      const body = operation === 'ListFoundationModels'
        ? { modelSummaries: modelSummaries(region) }
        : { inferenceProfileSummaries: inferenceProfileSummaries(region, accountId) };
      reply.send(200, { 'content-type': 'application/json' }, JSON.stringify(body));
      return;
    }

    const rawId = /^\/model\/(.+)\/[a-z-]+$/.exec(req.path)?.[1] ?? '';
    validate({ modelId: rawId }, MODEL_ID_SHAPE, 'ValidationException');
    const streaming = operation === 'ConverseStream' || operation === 'InvokeModelWithResponseStream';
    const action = streaming ? 'bedrock:InvokeModelWithResponseStream' : 'bedrock:InvokeModel';
    const model = resolveModel(rawId, region, accountId);
    const resources = model?.resources ?? [`arn:aws:bedrock:${region}::foundation-model/${rawId}`];
    const refused = resources.find((r) => !isAllowed(creds.role, action, [r]));
    if (refused) throw deny(action, refused);
    if (!model) throw invalid('The provided model identifier is invalid.');
    if (model.model.profileOnly && !model.profile) {
      throw invalid(`Invocation of model ID ${model.model.modelId} with on-demand throughput isn't supported. Retry your request with the ID or ARN of an inference profile that contains this model.`);
    }
    let body: Json;
    try {
      const parsedBody: unknown = JSON.parse(req.body.toString('utf8') || 'null');
      if (!isObj(parsedBody)) throw new Error('not an object');
      body = parsedBody;
    } catch {
      throw invalid('Malformed input request, please reformat your input and try again.');
    }
    const converse = operation === 'Converse' || operation === 'ConverseStream';
    if (converse) validate(body, CONVERSE_SHAPE, 'ValidationException');
    const result = run(converse ? parseConverse(body, model) : parseInvoke(body, model), model, this.override);
    const latency = (): number => Date.now() - started;

    if (operation === 'Converse') {
      reply.send(200, { 'content-type': 'application/json' }, JSON.stringify({
        output: { message: { role: 'assistant', content: [{ text: result.text }] } },
        stopReason: result.stopReason,
        usage: { inputTokens: result.inputTokens, outputTokens: result.outputTokens, totalTokens: result.inputTokens + result.outputTokens },
        metrics: { latencyMs: latency() },
      }));
      return;
    }
    if (operation === 'InvokeModel') {
      reply.send(200, {
        'content-type': 'application/json',
        'x-amzn-bedrock-input-token-count': String(result.inputTokens),
        'x-amzn-bedrock-output-token-count': String(result.outputTokens),
        'x-amzn-bedrock-invocation-latency': String(latency()),
      }, JSON.stringify(invokeBody(model, result)));
      return;
    }

    let head: Uint8Array[];
    let token: (t: string, i: number) => Uint8Array;
    let tail: () => Uint8Array[];
    if (operation === 'ConverseStream') {
      head = [eventFrame('messageStart', { role: 'assistant' })];
      token = (t) => eventFrame('contentBlockDelta', { contentBlockIndex: 0, delta: { text: t } });
      tail = () => [
        eventFrame('contentBlockStop', { contentBlockIndex: 0 }),
        eventFrame('messageStop', { stopReason: result.stopReason }),
        eventFrame('metadata', {
          usage: { inputTokens: result.inputTokens, outputTokens: result.outputTokens, totalTokens: result.inputTokens + result.outputTokens },
          metrics: { latencyMs: latency() },
        }),
      ];
    } else {
      const chunk = (payload: Json): Uint8Array => eventFrame('chunk', { bytes: Buffer.from(JSON.stringify(payload)).toString('base64') });
      const shapes = invokeStreamChunks(model, result, latency);
      head = shapes.head.map(chunk);
      token = (t, i) => chunk(shapes.token(t, i));
      tail = () => shapes.tail().map(chunk);
    }
    await this.stream(operation, reply, result, head, token, tail);
  }

  private async stream(operation: string, reply: Reply, result: StoryResult, head: Uint8Array[], token: (t: string, i: number) => Uint8Array,
    tail: () => Uint8Array[]): Promise<void> {
    const cut = this.d.faults.takeCut(operation);
    reply.startStream(200, {
      'content-type': 'application/vnd.amazon.eventstream',
      'x-amzn-bedrock-content-type': 'application/json',
    });
    for (const frame of head) await reply.write(frame);
    const rate = this.d.streamRate;
    const start = Date.now();
    const record: StreamRecord = { operation, tokens: result.tokens.length, chars: result.text.length, startedAt: start, lastTokenAt: null, endedAt: null };
    this.last = record;
    for (let i = 0; i < result.tokens.length; i++) {
      if (reply.closed) return;
      if (cut && i === cut.afterTokens) return this.cutStream(reply, cut.mode, cut.exception, cut.message);
      if (rate > 0) {
        const due = start + (i * 1000) / rate;
        const wait = due - Date.now();
        if (wait > 2) await new Promise((done) => setTimeout(done, wait));
      }
      await reply.write(token(result.tokens[i] as string, i));
      record.lastTokenAt = Date.now();
    }
    if (cut && cut.afterTokens >= result.tokens.length) return this.cutStream(reply, cut.mode, cut.exception, cut.message);
    for (const frame of tail()) await reply.write(frame);
    reply.end();
    record.endedAt = Date.now();
  }

  private async cutStream(reply: Reply, mode: 'exception' | 'reset', exception: string, message: string): Promise<void> {
    if (mode === 'reset') {
      reply.reset();
      return;
    }
    await reply.write(exceptionFrame(exception, message));
    reply.end();
  }
}
