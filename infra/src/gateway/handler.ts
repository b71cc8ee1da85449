// The story gateway: a Lambda function URL (AWS_IAM, RESPONSE_STREAM) in front of Bedrock.
//   POST /converse-stream  a Converse request; Bedrock's own event stream back, after the
//                          caller's rate and token budget allowed it (reserve, then settle)
//   GET  /usage            the caller's tokens used and left today, requests left this minute
// Refusals before the stream are AWS-style JSON errors; failures during it are exception frames.
// Bedrock's own error messages (they name the account and the role) go only to the log.
import { BedrockRuntimeClient, ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import type { ConverseStreamCommandOutput, ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { Context, LambdaFunctionURLEvent } from 'aws-lambda';
import { BudgetStore } from './budget';
import type { Reservation } from './budget';
import { AUDIENCE_HEADER, ERROR_TYPE_HEADER, GATEWAY_PATHS, RESERVED_TOKENS_HEADER } from './contract';
import type { GatewayErrorBody, UsageResponse } from './contract';
import { requestFailure, streamFailure } from './errors';
import { CallerIdentity } from './identity';
import { chargedTokens, inputTokenBound, reservedTokens } from './reservation';
import { GUARDRAIL_INTERVENED, blockedPart, chooseGuardrail, guardrailConfigOf } from './safety';
import { audienceOf, stackGuardrails } from './policy';
import type { GuardrailChoice } from './safety';
import { GatewayError, denied, eventFrame, exceptionFrame, parseConverseRequest, validation } from './wire';
import type { ConverseRequest } from './wire';

const env = (name: string, fallback?: string): string => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`The gateway needs the environment variable ${name}.`);
  return value;
};
const int = (name: string, fallback: string): number => Number.parseInt(env(name, fallback), 10);

const region = env('AWS_REGION');
const allowedModels = new Set(
  env('ALLOWED_MODEL_IDS', '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);
// Nova Micro, Lite and Pro's ceiling: the longest story (5,000) fits; the day's budget is the real limit.
const maxTokensPerStory = int('MAX_TOKENS_PER_STORY', '10000');
/** Stop the story this long before the function's timeout, so it can still settle. */
const SETTLE_MARGIN_MS = 3000;

// The stack's content policy (#27); a template before it sets nothing: Off. Checked at cold start.
const guardrails = stackGuardrails(process.env);

const store = new BudgetStore(new DynamoDBClient({ region }), env('TABLE_NAME'), {
  dailyTokensPerUser: int('DAILY_TOKENS_PER_USER', '0'),
  dailyTokensTotal: int('DAILY_TOKENS_TOTAL', '0'),
  requestsPerMinute: int('REQUESTS_PER_MINUTE_PER_USER', '0'),
  requestBurst: int('REQUEST_BURST_PER_USER', '0'),
});
const identity = new CallerIdentity({
  region,
  userPoolId: env('USER_POOL_ID'),
  clientId: env('USER_POOL_CLIENT_ID'),
  identityPoolId: env('IDENTITY_POOL_ID'),
  userPoolEndpoint: process.env['AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER'],
});
// HTTP/1.1 with kept-alive connections: the SDK's default HTTP/2 handler opens a new session
// (a new TLS connection) for every event stream, so every story would pay a handshake first.
const bedrock = new BedrockRuntimeClient({ region, requestHandler: new NodeHttpHandler({ connectionTimeout: 5000 }) });

const JSON_TYPE = { 'content-type': 'application/json' };

function sendJson(
  stream: awslambda.ResponseStream,
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<void> {
  const out = awslambda.HttpResponseStream.from(stream, { statusCode, headers: { ...JSON_TYPE, ...headers } });
  return new Promise((done) => out.end(JSON.stringify(body), () => done()));
}

function sendError(stream: awslambda.ResponseStream, err: GatewayError): Promise<void> {
  const body: GatewayErrorBody = { message: err.message, ...err.extra };
  return sendJson(stream, err.status, body, { [ERROR_TYPE_HEADER]: err.code, ...err.headers });
}

function bodyOf(event: LambdaFunctionURLEvent): string {
  const raw = event.body ?? '';
  return event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
}

async function converseStream(
  event: LambdaFunctionURLEvent,
  stream: awslambda.ResponseStream,
  context: Context,
): Promise<void> {
  const caller = await identity.identify(event);
  const req: ConverseRequest = parseConverseRequest(bodyOf(event));
  const guard = chooseGuardrail(guardrails, audienceOf(event.headers[AUDIENCE_HEADER]));
  if (!allowedModels.has(req.modelId))
    throw denied(`The model ${req.modelId} is not one this stack allows (AllowedModelIds).`);
  if (req.inferenceConfig.maxTokens > maxTokensPerStory)
    throw validation(`maxTokens is ${req.inferenceConfig.maxTokens}; the gateway allows at most ${maxTokensPerStory}.`);
  // Counts the request against the rates too. Held for the function's whole remaining life plus a
  // minute: only a dead invocation outlives it.
  const reserving = store.reserve(caller.sub, reservedTokens(req), context.getRemainingTimeInMillis() + 60_000);
  await tell(req, guard, reserving, stream, context);
}

/** Not sent: the reservation was refused (its own error is the answer). Not retryable. */
class NotReserved extends Error {
  override readonly name = 'NotReserved';
}

/**
 * Bedrock's request is built and signed while the reservation is made, and leaves only once the
 * reservation stands: Bedrock is never called before the budget allows it, and the story does
 * not wait for the SDK's work on top of DynamoDB's.
 */
function sendOnceReserved(command: ConverseStreamCommand, reserving: Promise<Reservation>): ConverseStreamCommand {
  command.middlewareStack.add(
    (next) => async (args) => {
      await reserving.catch(() => {
        throw new NotReserved('The reservation was refused; the request was not sent.');
      });
      return next(args);
    },
    // Innermost: after serializing, signing and the retry strategy, just before the HTTP handler.
    { step: 'deserialize', priority: 'low', name: 'sendOnceReserved' },
  );
  return command;
}

/** Bedrock's request, which leaves once the reservation stands (sendOnceReserved). */
function startBedrock(
  req: ConverseRequest,
  guard: GuardrailChoice,
  reserving: Promise<Reservation>,
  signal: AbortSignal,
): Promise<ConverseStreamCommandOutput> {
  const sending = bedrock.send(
    sendOnceReserved(
      new ConverseStreamCommand({
        modelId: req.modelId,
        messages: req.messages,
        ...(req.system ? { system: req.system } : {}),
        inferenceConfig: req.inferenceConfig,
        // The stack's guardrail, chosen here (never the client's): sync, so no blocked chunk is sent.
        ...(guardrailConfigOf(guard) ? { guardrailConfig: guardrailConfigOf(guard) } : {}),
      }),
      reserving,
    ),
    { abortSignal: signal },
  );
  // A refused reservation is answered with its own error, in tell; this rejection says nothing more.
  sending.catch(() => undefined);
  return sending;
}

/** What the stream carried: what settling charges when Bedrock did not report its usage. */
interface Streamed {
  outputBytes: number;
  deltas: number;
  reported: number | undefined;
  /** Bedrock's stopReason, and the trace of its metadata (what a guardrail blocked). */
  stopReason?: string | undefined;
  outputTokens?: number | undefined;
  trace?: unknown;
}

/** Settles the reservation with what the story used, never more than was reserved. */
function settleStory(req: ConverseRequest, reservation: Reservation, streamed: Streamed): Promise<void> {
  // Bedrock's usage when it reported it; otherwise the reservation's bound (a token per byte) of
  // what was sent and streamed, so stopping a story early cannot halve its price.
  const used =
    streamed.reported ??
    inputTokenBound(req) + Math.min(req.inferenceConfig.maxTokens, Math.max(streamed.deltas, streamed.outputBytes));
  // The budgets were checked against the reservation: charging more could overrun them.
  if (used > reservation.tokens)
    console.warn(
      JSON.stringify({
        event: 'usageOverReservation',
        modelId: req.modelId,
        reportedTokens: used,
        reservedTokens: reservation.tokens,
        chargedTokens: reservation.tokens,
      }),
    );
  return store.settle(reservation, used);
}

type Failure = { type: string; message: string };

/**
 * Passes Bedrock's events on as frames while the caller listens, counting what they carry into
 * `streamed`; the exception frame to end with, if the stream failed.
 */
async function relay(
  events: AsyncIterable<ConverseStreamOutput>,
  out: awslambda.ResponseStream,
  streamed: Streamed,
  req: ConverseRequest,
  aborted: AbortSignal,
  gone: () => boolean,
): Promise<Failure | null> {
  try {
    for await (const e of events) {
      const [type, payload] = Object.entries(e).find(([k, val]) => k !== '$unknown' && val !== undefined) ?? [];
      if (!type) continue;
      if (e.contentBlockDelta?.delta && 'text' in e.contentBlockDelta.delta) {
        streamed.outputBytes += Buffer.byteLength(e.contentBlockDelta.delta.text ?? '');
        streamed.deltas++;
      }
      // Cache reads and writes count at full weight (chargedTokens).
      const charged = chargedTokens(e.metadata?.usage);
      if (charged !== undefined) streamed.reported = charged;
      if (e.metadata) {
        streamed.outputTokens = e.metadata.usage?.outputTokens;
        streamed.trace = e.metadata.trace;
      }
      if (e.messageStop) streamed.stopReason = e.messageStop.stopReason;
      if (!gone()) out.write(eventFrame(type, payload));
    }
  } catch (err) {
    // Aborted: the caller left (nobody to tell) or the time limit came (our own sentence).
    if (!aborted.aborted) return streamFailure(err, req.modelId);
    if (!gone())
      return { type: 'modelTimeoutException', message: 'The story ran into the gateway’s time limit and was stopped.' };
  }
  return null;
}

/** The operator's line for a blocked story: which guardrail, and whether it was the premise or the output. */
function logIntervention(req: ConverseRequest, guard: GuardrailChoice, streamed: Streamed): void {
  console.warn(
    JSON.stringify({
      event: 'guardrailIntervened',
      modelId: req.modelId,
      level: guard.level,
      blocked: blockedPart(streamed.trace, streamed.outputTokens),
      billedTokens: streamed.reported,
    }),
  );
}

/** Streams the story and settles the reservation however the stream ends. */
async function tell(
  req: ConverseRequest,
  guard: GuardrailChoice,
  reserving: Promise<Reservation>,
  stream: awslambda.ResponseStream,
  context: Context,
): Promise<void> {
  const abort = new AbortController();
  const sending = startBedrock(req, guard, reserving, abort.signal);
  const reservation = await reserving;
  let events: AsyncIterable<ConverseStreamOutput>;
  try {
    const out = await sending;
    events = out.stream ?? (async function* () {})();
  } catch (err) {
    // Bedrock refused before generating anything: nothing is spent.
    await store.settle(reservation, 0);
    throw requestFailure(err, req.modelId);
  }
  const out = awslambda.HttpResponseStream.from(stream, {
    statusCode: 200,
    headers: {
      'content-type': 'application/vnd.amazon.eventstream',
      [RESERVED_TOKENS_HEADER]: String(reservation.tokens),
    },
  });
  let gone = false;
  const hangUp = (): void => {
    gone = true;
    abort.abort();
  };
  out.on('error', hangUp);
  out.on('close', hangUp);
  const deadline = setTimeout(() => abort.abort(), Math.max(0, context.getRemainingTimeInMillis() - SETTLE_MARGIN_MS));
  const streamed: Streamed = { outputBytes: 0, deltas: 0, reported: undefined };
  let failure: Failure | null;
  try {
    failure = await relay(events, out, streamed, req, abort.signal, () => gone);
  } finally {
    clearTimeout(deadline);
  }
  if (streamed.stopReason === GUARDRAIL_INTERVENED) logIntervention(req, guard, streamed);
  try {
    await settleStory(req, reservation, streamed);
  } finally {
    if (!gone) {
      if (failure) out.write(exceptionFrame(failure.type, failure.message));
      await new Promise<void>((done) => out.end(() => done()));
    }
  }
}

async function route(event: LambdaFunctionURLEvent, stream: awslambda.ResponseStream, context: Context): Promise<void> {
  const method = event.requestContext.http.method;
  const path = event.rawPath;
  if (path === `/${GATEWAY_PATHS.converseStream}` && method === 'POST') return converseStream(event, stream, context);
  if (path === `/${GATEWAY_PATHS.usage}` && method === 'GET') {
    const caller = await identity.identify(event);
    // What the stack allows too, so the client offers only models and lengths that can be served.
    const usage = await store.usage(caller.sub);
    const body: UsageResponse = {
      ...usage,
      allowedModelIds: [...allowedModels],
      maxTokensPerStory,
      contentSafety: guardrails.policy,
    };
    return sendJson(stream, 200, body);
  }
  throw new GatewayError(
    'ValidationException',
    `No route ${method} ${path}; use POST /${GATEWAY_PATHS.converseStream} or GET /${GATEWAY_PATHS.usage}.`,
    404,
  );
}

export const handler = awslambda.streamifyResponse<LambdaFunctionURLEvent>(async (event, stream, context) => {
  try {
    await route(event, stream, context);
  } catch (err) {
    if (err instanceof GatewayError) return sendError(stream, err);
    console.error('gateway: unexpected error', err);
    return sendError(stream, new GatewayError('InternalServerException', 'The story gateway failed. Try again.', 500));
  }
});
