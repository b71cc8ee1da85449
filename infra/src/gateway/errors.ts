// What callers learn when Bedrock (or the SDK on the way to it) fails: the kind of failure, in one
// fixed sentence. Bedrock's own messages name the account id and the gateway role's ARN, so they
// go to the function's log only.
import { GatewayError } from './wire';

export type FailureKind = 'throttled' | 'modelUnavailable' | 'validation' | 'service';

/** Bedrock's error names by kind; anything else (a 5xx, a reset connection) is a service error. */
const KINDS: Readonly<Record<string, FailureKind>> = {
  ThrottlingException: 'throttled',
  ServiceQuotaExceededException: 'throttled',
  TooManyRequestsException: 'throttled',
  ModelNotReadyException: 'throttled',
  AccessDeniedException: 'modelUnavailable',
  ResourceNotFoundException: 'modelUnavailable',
  ValidationException: 'validation',
};

// The extension maps these by name and words: AllowedModelIds and "not supported" offer Pick Model.
const ANSWERS: Readonly<Record<FailureKind, { code: GatewayError['code']; status: number; message: string }>> = {
  throttled: {
    code: 'ThrottlingException',
    status: 429,
    message: 'Bedrock is receiving too many requests for this model; try again in a few seconds.',
  },
  modelUnavailable: {
    code: 'AccessDeniedException',
    status: 403,
    message: "This model is not available to the story gateway; pick another of the stack's AllowedModelIds.",
  },
  validation: {
    code: 'ValidationException',
    status: 400,
    message: 'Bedrock rejected the request: this model or its settings are not supported as sent; pick another model.',
  },
  service: {
    code: 'ServiceUnavailableException',
    status: 503,
    message: 'Bedrock could not finish the story; try again in a moment.',
  },
};

/** The exception frames ConverseStream defines (the SDK throws these by name; others it cannot read). */
const STREAM_MEMBERS: Readonly<Record<string, string>> = {
  ThrottlingException: 'throttlingException',
  ValidationException: 'validationException',
  InternalServerException: 'internalServerException',
  ServiceUnavailableException: 'serviceUnavailableException',
  ModelStreamErrorException: 'modelStreamErrorException',
};

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: number; requestId?: string };
}

const nameOf = (err: unknown): string => {
  const name = (err as ErrorLike | null)?.name;
  return typeof name === 'string' ? name : 'Error';
};

export const failureKind = (err: unknown): FailureKind => KINDS[nameOf(err)] ?? 'service';

/** Where the details go: the function's log (CloudWatch Logs). */
export type Log = (line: string) => void;
const toConsole: Log = (line) => console.error(line);

/** The whole story for the operator: one structured line in the function's log. */
function logFailure(phase: 'request' | 'stream', err: unknown, modelId: string, log: Log): void {
  const e = (err ?? {}) as ErrorLike;
  log(
    JSON.stringify({
      event: 'bedrockError',
      phase,
      modelId,
      kind: failureKind(err),
      name: nameOf(err),
      status: e.$metadata?.httpStatusCode,
      requestId: e.$metadata?.requestId,
      message: typeof e.message === 'string' ? e.message : String(err),
    }),
  );
}

/** The refusal for an error Bedrock (or the SDK) raised before the stream started; the details are logged. */
export function requestFailure(err: unknown, modelId: string, log: Log = toConsole): GatewayError {
  logFailure('request', err, modelId, log);
  const { code, status, message } = ANSWERS[failureKind(err)];
  return new GatewayError(code, message, status);
}

/** The exception frame for an error during the stream: a member the SDK knows, a fixed sentence. */
export function streamFailure(err: unknown, modelId: string, log: Log = toConsole): { type: string; message: string } {
  logFailure('stream', err, modelId, log);
  const kind = failureKind(err);
  const type =
    STREAM_MEMBERS[nameOf(err)] ??
    (kind === 'throttled'
      ? 'throttlingException'
      : kind === 'validation'
        ? 'validationException'
        : 'modelStreamErrorException');
  return { type, message: ANSWERS[kind].message };
}
