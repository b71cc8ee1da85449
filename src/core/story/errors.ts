// Every story failure becomes one plain sentence plus the buttons that help (the protocol's
// ErrorAction). Rules: a network problem never signs anyone out; text that already streamed is
// always kept, and then "Continue" is offered; refused credentials get one automatic refresh
// (done by the service, see isCredentialError) before we ask the user to sign in again.

import type { ErrorAction } from './protocol/wire';

/** Serialisable: what the UI and the history file get. */
export interface StoryErrorInfo {
  /** Stable machine code, e.g. throttled, accessDenied, network, sessionExpired. */
  readonly code: string;
  readonly message: string;
  readonly actions: readonly ErrorAction[];
  /** Text streamed before the failure is kept, so 'continue' makes sense. */
  readonly partialKept: boolean;
}

export class StoryError extends Error implements StoryErrorInfo {
  override readonly name = 'StoryError';
  constructor(
    message: string,
    readonly code: string,
    readonly actions: readonly ErrorAction[],
    readonly partialKept = false,
    /** The AWS or Node error name behind it, for the log. */
    readonly cause_?: string,
  ) {
    super(message);
  }

  toJSON(): StoryErrorInfo {
    return { code: this.code, message: this.message, actions: this.actions, partialKept: this.partialKept };
  }
}

/** Where the failure happened: Cognito's identity pool (credentials) or Bedrock. */
export type ErrorSource = 'identityPool' | 'bedrock' | 'session';

/** Wraps anything thrown while getting credentials, so the mapper knows it came from Cognito. */
export class CredentialsError extends Error {
  override readonly name = 'CredentialsError';
  constructor(readonly original: unknown) {
    super(errorName(original));
  }
}

export interface ErrorContext {
  readonly modelId?: string;
  /** Characters of story text received before the failure. */
  readonly receivedChars?: number;
  /** True once the automatic credentials refresh was spent. */
  readonly afterCredentialRefresh?: boolean;
  readonly endpoint?: string;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ECONNABORTED',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_HTTP2_STREAM_ERROR',
  'ERR_HTTP2_SESSION_ERROR',
  'ERR_HTTP2_GOAWAY_SESSION',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

/** Bedrock refusing the signature or the session: worth one fresh set of credentials. */
const CREDENTIAL_ERRORS = new Set([
  'ExpiredTokenException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'ExpiredToken',
  'InvalidClientTokenId',
]);

/** Errors Bedrock sends inside an open stream (the SDK's names). */
const STREAM_ERRORS = new Set([
  'ModelStreamErrorException',
  'InternalServerException',
  'ServiceUnavailableException',
  'ThrottlingException',
  'ValidationException',
  'ModelTimeoutException',
]);

interface ErrorLike {
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
  $fault?: string;
  cause?: unknown;
  severity?: string;
  action?: string;
}

function errorName(error: unknown): string {
  return (error as ErrorLike | null)?.name ?? 'Error';
}

/** True for a refusal that fresh credentials can fix (Bedrock or the identity pool). */
export function isCredentialError(error: unknown): boolean {
  if (error instanceof CredentialsError) return errorName(error.original) === 'NotAuthorizedException';
  return CREDENTIAL_ERRORS.has(errorName(error));
}

export function isAbort(error: unknown): boolean {
  const name = errorName(error);
  return name === 'AbortError' || (error as ErrorLike | null)?.code === 'ABORT_ERR';
}

export function isNetworkError(error: unknown): boolean {
  let e = error as ErrorLike | null | undefined;
  for (let depth = 0; e && depth < 4; depth++) {
    if (NETWORK_CODES.has(e.code ?? '') || e.name === 'TimeoutError' || e.name === 'FetchError') return true;
    e = e.cause as ErrorLike | undefined;
  }
  return false;
}

const modelName = (ctx: ErrorContext): string => (ctx.modelId ? `model ${ctx.modelId}` : 'this model');

/** Maps anything the story pipeline can throw to a StoryError. */
export function toStoryError(error: unknown, ctx: ErrorContext = {}): StoryError {
  if (error instanceof StoryError) return error;
  const partial = (ctx.receivedChars ?? 0) > 0;
  const make = (message: string, code: string, actions: ErrorAction[]): StoryError => {
    // Whatever went wrong, text already streamed is kept and can be continued.
    const withContinue: ErrorAction[] = partial
      ? ['continue', ...actions.filter((a) => a !== 'continue' && a !== 'retry')]
      : actions.filter((a) => a !== 'continue');
    return new StoryError(message, code, withContinue, partial, errorName(error));
  };
  const kept = partial ? ' The text so far is kept: choose Continue to carry on from there.' : '';

  if (error instanceof CredentialsError) return fromIdentityPool(error.original, ctx, make);
  if (isSessionError(error)) return fromSession(error as ErrorLike, make);

  const e = (error ?? {}) as ErrorLike;
  const name = e.name ?? 'Error';
  const awsMessage = (e.message ?? String(error)).trim();

  if (isCredentialError(error)) {
    return ctx.afterCredentialRefresh
      ? make(
          `Bedrock did not accept your sign-in (${name}), even with fresh credentials. Sign in again.${kept}`,
          'sessionExpired',
          ['signIn'],
        )
      : make(`Bedrock did not accept your credentials (${name}). Try again.${kept}`, 'credentialsRefused', ['retry']);
  }
  if (partial && (STREAM_ERRORS.has(name) || isNetworkError(error) || name === 'Error')) {
    return make(`The story was interrupted: ${interruption(error, name, awsMessage)}${kept}`, 'interrupted', [
      'continue',
    ]);
  }
  switch (name) {
    case 'AccessDeniedException':
      return make(
        `Your account has no access to ${modelName(ctx)}. Ask your administrator to enable it in the Bedrock console (Model access) and to add it to the stack's AllowedModelIds parameter, or pick another model.${kept}`,
        'accessDenied',
        ['pickModel'],
      );
    case 'ThrottlingException':
    case 'ServiceQuotaExceededException':
      return make(
        `Bedrock is busy: too many requests for ${modelName(ctx)} right now, even after retrying. Wait a few seconds and try again.${kept}`,
        'throttled',
        ['retry'],
      );
    case 'ModelNotReadyException':
      return make(
        `${capitalise(modelName(ctx))} is still starting up. Try again in a moment.${kept}`,
        'modelNotReady',
        ['retry'],
      );
    case 'ServiceUnavailableException':
    case 'InternalServerException':
    case 'ModelTimeoutException':
    case 'ModelErrorException':
    case 'ModelStreamErrorException':
      return make(`Bedrock could not finish the request (${name}). Try again in a moment.${kept}`, 'unavailable', [
        'retry',
      ]);
    case 'ValidationException': {
      const modelProblem = /model identifier|on-demand throughput|inference profile|model.*(not|isn't) supported/i.test(
        awsMessage,
      );
      return make(
        `Bedrock rejected the request: ${sentence(awsMessage)}${kept}`,
        'validation',
        modelProblem ? ['pickModel'] : ['openSettings'],
      );
    }
    case 'ResourceNotFoundException':
      return make(
        `Bedrock does not know ${modelName(ctx)} in this region: ${sentence(awsMessage)} Pick another model.${kept}`,
        'modelNotFound',
        ['pickModel'],
      );
  }
  if (isNetworkError(error)) {
    return make(
      `Can't reach Amazon Bedrock${ctx.endpoint ? ` at ${ctx.endpoint}` : ''}. Check your network connection and proxy settings, then retry. You stay signed in.${kept}`,
      'network',
      ['retry'],
    );
  }
  const status = e.$metadata?.httpStatusCode;
  if ((status !== undefined && status >= 500) || e.$fault === 'server') {
    return make(
      `Bedrock failed with ${name}${status ? ` (HTTP ${status})` : ''}. Try again in a moment.${kept}`,
      'unavailable',
      ['retry'],
    );
  }
  return make(`The story could not be written: ${name}: ${sentence(awsMessage)}${kept}`, 'unknown', ['retry']);
}

type Make = (message: string, code: string, actions: ErrorAction[]) => StoryError;

function fromIdentityPool(original: unknown, ctx: ErrorContext, make: Make): StoryError {
  if (isSessionError(original)) return fromSession(original as ErrorLike, make);
  const name = errorName(original);
  const message = ((original as ErrorLike | null)?.message ?? '').trim();
  switch (name) {
    case 'NotAuthorizedException':
      return ctx.afterCredentialRefresh || /unauthenticated/i.test(message)
        ? make('The identity pool did not accept your sign-in. Sign in again.', 'sessionExpired', ['signIn'])
        : make('The identity pool did not accept your sign-in. Try again.', 'credentialsRefused', ['retry']);
    case 'ResourceNotFoundException':
      return make(
        'The identity pool in the settings does not exist. Check "storyteller.identityPoolId" (run "Configure from Stack Outputs" again).',
        'notConfigured',
        ['openSettings'],
      );
    case 'InvalidParameterException':
    case 'InvalidIdentityPoolConfigurationException':
      return make(
        `The identity pool is not set up for this app: ${sentence(message)} Check the Storyteller settings.`,
        'notConfigured',
        ['openSettings'],
      );
    case 'TooManyRequestsException':
    case 'LimitExceededException':
    case 'InternalErrorException':
      return make('Amazon Cognito is busy. Wait a few seconds and try again.', 'throttled', ['retry']);
  }
  if (isNetworkError(original)) {
    return make(
      `Can't reach Amazon Cognito${ctx.endpoint ? ` at ${ctx.endpoint}` : ''} for credentials. Check your network connection and proxy settings, then retry. You stay signed in.`,
      'network',
      ['retry'],
    );
  }
  return make(`Could not get AWS credentials from the identity pool: ${name}: ${sentence(message)}`, 'credentials', [
    'retry',
  ]);
}

/** An AuthError from the session manager (shape check: it may come from the other bundle). */
function isSessionError(error: unknown): boolean {
  const e = error as ErrorLike | null;
  return error instanceof Error && e?.name === 'AuthError' && (e.severity === 'user' || e.severity === 'transient');
}

function fromSession(e: ErrorLike, make: Make): StoryError {
  if (e.severity === 'transient') return make(`${e.message ?? 'Amazon Cognito is unreachable.'}`, 'network', ['retry']);
  if (e.code === 'NotSignedIn')
    return make('You are not signed in. Sign in to write stories.', 'notSignedIn', ['signIn']);
  return make(e.message ?? 'Your session has ended. Sign in again.', 'sessionExpired', ['signIn']);
}

function interruption(error: unknown, name: string, awsMessage: string): string {
  if (isNetworkError(error) || name === 'Error') return 'the connection to Bedrock was cut.';
  return `${name}${awsMessage ? ` (${awsMessage.replace(/[.\s]+$/, '')})` : ''}.`;
}

function sentence(text: string): string {
  const t = text.trim();
  if (t === '') return '';
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
