// Every story failure becomes one plain sentence plus the buttons that help (the protocol's
// PanelAction), from one rules table per source (Bedrock, the identity pool, the story gateway in
// gatewayErrors.ts). Rules: a network problem never signs anyone out; text that already streamed is
// always kept, and then "Continue" is offered; refused credentials get one automatic refresh (done
// by the service, see isCredentialError) before we ask the user to sign in again.

import * as l10n from '@vscode/l10n';
import { notSignedIn } from '../messages';
import type { PanelAction } from './protocol/wire';
import { isNetworkError } from '../networkError';
import { retryAfterMs } from './generation/gateway';
import { MODEL_PROBLEM, modelName, ruleFor, sentence } from './errorRules';
import type { ErrorContext, Failure, Rule, RuleTable } from './errorRules';
import { gatewayDetails, GATEWAY_RULES } from './gatewayErrors';

/** Serialisable: what the UI and the history file get. */
export interface StoryErrorInfo {
  /** Stable machine code, e.g. throttled, accessDenied, network, sessionExpired. */
  readonly code: string;
  readonly message: string;
  readonly actions: readonly PanelAction[];
  /** Text streamed before the failure is kept, so 'continue' makes sense. */
  readonly partialKept: boolean;
  /** Epoch ms: the same request is refused until then (a spent daily budget), so nothing offers it again before. */
  readonly retryAt?: number | undefined;
}

export class StoryError extends Error implements StoryErrorInfo {
  override readonly name = 'StoryError';
  constructor(
    message: string,
    readonly code: string,
    readonly actions: readonly PanelAction[],
    readonly partialKept = false,
    /** The AWS or Node error name behind it, for the log. */
    readonly cause_?: string,
    readonly retryAt?: number,
  ) {
    super(message);
  }

  /** What the story file keeps: not `retryAt`, which only matters until the panel is told. */
  toJSON(): StoryErrorInfo {
    return { code: this.code, message: this.message, actions: this.actions, partialKept: this.partialKept };
  }

  /** What the panel is told. */
  info(): StoryErrorInfo {
    return { ...this.toJSON(), ...(this.retryAt !== undefined ? { retryAt: this.retryAt } : {}) };
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

const throttled: Rule = {
  code: 'throttled',
  actions: ['retry'],
  message: (f) =>
    l10n.t(
      'Bedrock is busy: too many requests for {0} right now, even after retrying. Wait a few seconds and try again.',
      modelName(f),
    ),
};
const unavailable: Rule = {
  code: 'unavailable',
  actions: ['retry'],
  message: ({ name }) => l10n.t('Bedrock could not finish the request ({0}). Try again in a moment.', name),
};

/** Bedrock's refusals by error name; a function where the message decides the buttons. */
const BEDROCK_RULES: RuleTable = {
  AccessDeniedException: {
    code: 'accessDenied',
    actions: ['pickModel'],
    message: (f) =>
      l10n.t(
        "Your account has no access to {0}. Ask your administrator to enable it in the Bedrock console (Model access) and to add it to the stack's AllowedModelIds parameter, or pick another model.",
        modelName(f),
      ),
  },
  ThrottlingException: throttled,
  ServiceQuotaExceededException: throttled,
  ModelNotReadyException: {
    code: 'modelNotReady',
    actions: ['retry'],
    message: ({ ctx }) =>
      ctx.modelId
        ? l10n.t('Model {0} is still starting up. Try again in a moment.', ctx.modelId)
        : l10n.t('This model is still starting up. Try again in a moment.'),
  },
  ServiceUnavailableException: unavailable,
  InternalServerException: unavailable,
  ModelTimeoutException: unavailable,
  ModelErrorException: unavailable,
  ModelStreamErrorException: unavailable,
  ValidationException: ({ awsMessage }) => ({
    code: 'validation',
    actions: MODEL_PROBLEM.test(awsMessage) ? ['pickModel'] : ['openSettings'],
    message: () => l10n.t('Bedrock rejected the request: {0}', sentence(awsMessage)),
  }),
  ResourceNotFoundException: {
    code: 'modelNotFound',
    actions: ['pickModel'],
    message: (f) =>
      l10n.t('Bedrock does not know {0} in this region: {1} Pick another model.', modelName(f), sentence(f.awsMessage)),
  },
};

const identityPoolBusy: Rule = {
  code: 'throttled',
  actions: ['retry'],
  message: () => l10n.t('Amazon Cognito is busy. Wait a few seconds and try again.'),
};
// A setting names something that is not there: settings to fix, not a stack to configure from.
const poolNotSetUp: Rule = {
  code: 'badSettings',
  actions: ['openSettings'],
  message: ({ awsMessage }) =>
    l10n.t('The identity pool is not set up for this app: {0} Check the Storyteller settings.', sentence(awsMessage)),
};

/** The identity pool's refusals (getting credentials) by error name. */
const IDENTITY_POOL_RULES: RuleTable = {
  NotAuthorizedException: ({ ctx, awsMessage }) =>
    ctx.afterCredentialRefresh || /unauthenticated/i.test(awsMessage)
      ? {
          code: 'sessionExpired',
          actions: ['signIn'],
          message: () => l10n.t('The identity pool did not accept your sign-in. Sign in again.'),
        }
      : {
          code: 'credentialsRefused',
          actions: ['retry'],
          message: () => l10n.t('The identity pool did not accept your sign-in. Try again.'),
        },
  ResourceNotFoundException: {
    code: 'badSettings',
    actions: ['openSettings'],
    message: () =>
      l10n.t(
        'The identity pool in the settings does not exist. Check "storyteller.identityPoolId" (run "Configure from Stack Outputs" again).',
      ),
  },
  InvalidParameterException: poolNotSetUp,
  InvalidIdentityPoolConfigurationException: poolNotSetUp,
  TooManyRequestsException: identityPoolBusy,
  LimitExceededException: identityPoolBusy,
  InternalErrorException: identityPoolBusy,
};

const at = (endpoint: string | undefined): string => (endpoint ? l10n.t(' at {0}', endpoint) : '');

/** Maps anything the story pipeline can throw to a StoryError. */
export function toStoryError(error: unknown, ctx: ErrorContext = {}): StoryError {
  if (error instanceof StoryError) return error;
  const partial = (ctx.receivedChars ?? 0) > 0;
  const make = (message: string, code: string, actions: readonly PanelAction[], retryAt?: number): StoryError => {
    // Whatever went wrong, text already streamed is kept and can be continued.
    const withContinue: PanelAction[] = partial
      ? ['continue', ...actions.filter((a) => a !== 'continue' && a !== 'retry')]
      : actions.filter((a) => a !== 'continue');
    return new StoryError(message, code, withContinue, partial, errorName(error), retryAt);
  };
  const kept = partial ? ` ${l10n.t('The text so far is kept: choose Continue to carry on from there.')}` : '';

  if (error instanceof CredentialsError) return fromIdentityPool(error.original, ctx, make);
  if (isSessionError(error)) return fromSession(error as ErrorLike, make);

  const e = (error ?? {}) as ErrorLike;
  const name = e.name ?? 'Error';
  const failure: Failure = {
    name,
    awsMessage: (e.message ?? String(error)).trim(),
    ctx,
    details: gatewayDetails(error),
    retryAfterMs: retryAfterMs(error, Date.now()),
  };

  if (isCredentialError(error)) {
    return ctx.afterCredentialRefresh
      ? make(
          l10n.t('Bedrock did not accept your sign-in ({0}), even with fresh credentials. Sign in again.', name) + kept,
          'sessionExpired',
          ['signIn'],
        )
      : make(l10n.t('Bedrock did not accept your credentials ({0}). Try again.', name) + kept, 'credentialsRefused', [
          'retry',
        ]);
  }
  if (ctx.gateway && !partial) {
    const rule = ruleFor(GATEWAY_RULES, failure);
    if (rule) return make(rule.message(failure), rule.code, rule.actions, rule.retryAt);
    if (isNetworkError(error))
      return make(
        l10n.t(
          "Can't reach the story gateway{0}. Check your network connection and proxy settings, then retry. You stay signed in.",
          at(ctx.endpoint),
        ),
        'network',
        ['retry'],
      );
  }
  if (partial && (STREAM_ERRORS.has(name) || isNetworkError(error) || name === 'Error')) {
    return make(l10n.t('The story was interrupted: {0}', interruption(error, failure)) + kept, 'interrupted', [
      'continue',
    ]);
  }
  const rule = ruleFor(BEDROCK_RULES, failure);
  if (rule) return make(rule.message(failure) + kept, rule.code, rule.actions);
  if (isNetworkError(error)) {
    return make(
      l10n.t(
        "Can't reach Amazon Bedrock{0}. Check your network connection and proxy settings, then retry. You stay signed in.",
        at(ctx.endpoint),
      ) + kept,
      'network',
      ['retry'],
    );
  }
  const status = e.$metadata?.httpStatusCode;
  if ((status !== undefined && status >= 500) || e.$fault === 'server') {
    const message = status
      ? l10n.t('Bedrock failed with {0} (HTTP {1}). Try again in a moment.', name, status)
      : l10n.t('Bedrock failed with {0}. Try again in a moment.', name);
    return make(message + kept, 'unavailable', ['retry']);
  }
  return make(
    l10n.t('The story could not be written: {0}: {1}', name, sentence(failure.awsMessage)) + kept,
    'unknown',
    ['retry'],
  );
}

type Make = (message: string, code: string, actions: readonly PanelAction[]) => StoryError;

function fromIdentityPool(original: unknown, ctx: ErrorContext, make: Make): StoryError {
  if (isSessionError(original)) return fromSession(original as ErrorLike, make);
  const name = errorName(original);
  const failure: Failure = {
    name,
    awsMessage: ((original as ErrorLike | null)?.message ?? '').trim(),
    ctx,
    details: {},
  };
  const rule = ruleFor(IDENTITY_POOL_RULES, failure);
  if (rule) return make(rule.message(failure), rule.code, rule.actions);
  if (isNetworkError(original)) {
    return make(
      l10n.t(
        "Can't reach Amazon Cognito{0} for credentials. Check your network connection and proxy settings, then retry. You stay signed in.",
        at(ctx.endpoint),
      ),
      'network',
      ['retry'],
    );
  }
  return make(
    l10n.t('Could not get AWS credentials from the identity pool: {0}: {1}', name, sentence(failure.awsMessage)),
    'credentials',
    ['retry'],
  );
}

/** An AuthError from the session manager (shape check: it may come from the other bundle). */
function isSessionError(error: unknown): boolean {
  const e = error as ErrorLike | null;
  return error instanceof Error && e?.name === 'AuthError' && (e.severity === 'user' || e.severity === 'transient');
}

function fromSession(e: ErrorLike, make: Make): StoryError {
  if (e.severity === 'transient')
    return make(e.message ?? l10n.t('Amazon Cognito is unreachable.'), 'network', ['retry']);
  if (e.code === 'NotSignedIn') return make(notSignedIn(), 'notSignedIn', ['signIn']);
  return make(e.message ?? l10n.t('Your session has ended. Sign in again.'), 'sessionExpired', ['signIn']);
}

function interruption(error: unknown, { name, awsMessage, ctx }: Failure): string {
  if (isNetworkError(error) || name === 'Error')
    return ctx.gateway
      ? l10n.t('the connection to the story gateway was cut.')
      : l10n.t('the connection to Bedrock was cut.');
  return `${name}${awsMessage ? ` (${awsMessage.replace(/[.\s]+$/, '')})` : ''}.`;
}
