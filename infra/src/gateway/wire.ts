// The gateway's wire: the request body (a Converse request, checked with valibot), AWS-style
// JSON errors before the stream, and event-stream frames (Bedrock's own format) during it.
import { EventStreamCodec } from '@smithy/core/event-streams';
import * as v from 'valibot';
import type { GatewayErrorCode, GatewayErrorDetails } from './contract';
import { MAX_CACHE_POINTS, cacheMinTokens, tooManyCachePointsMessage } from './promptCaching';

/** The largest request body the gateway reads: far above any story prompt, far below Lambda's 6 MB. */
export const MAX_BODY_BYTES = 262_144;

const text = v.pipe(v.string(), v.minLength(1), v.maxLength(100_000));

const TextBlock = v.strictObject({ text });

/** A prompt-cache point as the extension sends it (default TTL, 5 minutes); see promptCaching.ts. */
const CachePointBlock = v.strictObject({ cachePoint: v.strictObject({ type: v.literal('default') }) });

const ContentBlock = v.union([TextBlock, CachePointBlock]);

const Message = v.strictObject({
  role: v.picklist(['user', 'assistant']),
  content: v.pipe(v.array(ContentBlock), v.minLength(1), v.maxLength(20)),
});

export const ConverseRequest = v.strictObject({
  modelId: v.pipe(v.string(), v.regex(/^[a-z0-9-]+(\.[A-Za-z0-9_:-]+)+$/), v.maxLength(256)),
  messages: v.pipe(v.array(Message), v.minLength(1), v.maxLength(100)),
  system: v.optional(v.pipe(v.array(v.union([TextBlock, CachePointBlock])), v.maxLength(10))),
  inferenceConfig: v.strictObject({
    maxTokens: v.pipe(v.number(), v.integer(), v.minValue(1)),
    temperature: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1))),
    topP: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1))),
    stopSequences: v.optional(v.pipe(v.array(v.pipe(v.string(), v.minLength(1), v.maxLength(100))), v.maxLength(4))),
  }),
  // Accepted so a client that sends its own (the extension does, for direct mode) is served, and
  // then dropped: the gateway applies the stack's guardrail itself (safety.ts).
  guardrailConfig: v.optional(v.looseObject({})),
});

export type ConverseRequest = v.InferOutput<typeof ConverseRequest>;

/** A refusal before the stream starts: AWS's JSON error shape, with `x-amzn-errortype`. */
export class GatewayError extends Error {
  constructor(
    readonly code: GatewayErrorCode,
    message: string,
    readonly status: number,
    readonly extra: GatewayErrorDetails = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const validation = (message: string): GatewayError => new GatewayError('ValidationException', message, 400);
export const denied = (message: string): GatewayError => new GatewayError('AccessDeniedException', message, 403);

/** Parses and checks the body; the first issue is the message, as AWS reports one constraint. */
export function parseConverseRequest(body: string): ConverseRequest {
  if (Buffer.byteLength(body) > MAX_BODY_BYTES)
    throw validation(`The request body is larger than ${MAX_BODY_BYTES} bytes.`);
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw validation('The request body is not JSON.');
  }
  const result = v.safeParse(ConverseRequest, json);
  if (!result.success) {
    const issue = result.issues[0];
    const path = issue ? v.getDotPath(issue) : null;
    throw validation(`Invalid request${path ? ` at '${path}'` : ''}: ${issue?.message ?? 'malformed'}.`);
  }
  // The client's guardrail is never used (see ConverseRequest).
  const { guardrailConfig: _clients, ...request } = result.output;
  return withCachePoints(request);
}

/**
 * Cache points: more than AWS allows is refused with AWS's own sentence, before anything is
 * reserved; for a model without prompt caching (the shared table) they are dropped, so Bedrock is
 * never asked to cache for a model that cannot.
 */
function withCachePoints(request: ConverseRequest): ConverseRequest {
  const isPoint = (b: object) => 'cachePoint' in b;
  const points =
    (request.system ?? []).filter(isPoint).length + request.messages.flatMap((m) => m.content).filter(isPoint).length;
  if (points > MAX_CACHE_POINTS) throw validation(tooManyCachePointsMessage(points));
  if (points === 0 || cacheMinTokens(request.modelId) !== undefined) return request;
  const messages = request.messages.map((m) => ({ ...m, content: m.content.filter((b) => !isPoint(b)) }));
  if (messages.some((m) => m.content.length === 0))
    throw validation("Invalid request at 'messages': a message has only cache points and no text.");
  return {
    ...request,
    ...(request.system ? { system: request.system.filter((b) => !isPoint(b)) } : {}),
    messages,
  };
}

/** The input bound of the reservation rule (reservation.ts), under the name bench/gateway.ts imports. */
export { inputTokenBound as estimateInputTokens } from './reservation';

const codec = new EventStreamCodec(
  (bytes) => Buffer.from(bytes).toString('utf8'),
  (s) => new Uint8Array(Buffer.from(s, 'utf8')),
);

const stringHeader = (value: string): { type: 'string'; value: string } => ({ type: 'string', value });

/** One event of Bedrock's ConverseStream, framed as Bedrock frames it. */
export function eventFrame(eventType: string, payload: unknown): Uint8Array {
  return codec.encode({
    headers: {
      ':message-type': stringHeader('event'),
      ':event-type': stringHeader(eventType),
      ':content-type': stringHeader('application/json'),
    },
    body: new Uint8Array(Buffer.from(JSON.stringify(payload))),
  });
}

/** An error during the stream, as Bedrock sends one (the SDK throws it from the loop). */
export function exceptionFrame(
  exceptionType: string,
  message: string,
  extra: Record<string, unknown> = {},
): Uint8Array {
  return codec.encode({
    headers: {
      ':message-type': stringHeader('exception'),
      ':exception-type': stringHeader(exceptionType),
      ':content-type': stringHeader('application/json'),
    },
    body: new Uint8Array(Buffer.from(JSON.stringify({ message, ...extra }))),
  });
}
