// Every Cognito failure becomes one plain sentence that says what to do, plus what the session
// manager must do about it. Only definite auth errors may sign a user out; a network error,
// throttling or a 5xx never does.
import * as l10n from '@vscode/l10n';
import type { Action } from '../actions';
import { notificationSafe } from '../notificationText';
import { isNetworkError } from '../networkError';

export type Severity =
  /** Worth retrying later: offline, throttled, 5xx. Never a reason to sign out. */
  | 'transient'
  /** The user's input, account state or configuration. */
  | 'user';

/**
 * What one Cognito code means when it covers several cases (NotAuthorizedException covers five).
 * Code compares this, never the message, which may be translated.
 */
export type AuthReason =
  | 'wrongPassword'
  | 'tooManyPasswords'
  /** The refresh or access token was revoked or expired. */
  | 'sessionEnded'
  /** The app client needs a client secret, or another one. */
  | 'clientSecret'
  | 'guestAccess';

export class AuthError extends Error {
  override readonly name = 'AuthError';
  constructor(
    message: string,
    /** Cognito's exception name, or the extension's own (e.g. 'NotSignedIn'). */
    readonly code: string,
    readonly severity: Severity,
    readonly action?: Action,
    readonly reason?: AuthReason,
  ) {
    super(message);
  }
}

interface Rule {
  readonly message: (awsMessage: string, reason: AuthReason | undefined) => string;
  readonly severity: Severity;
  readonly action?: Action;
  /** Reads the case from Cognito's own (English) message, once, here. */
  readonly reason?: (awsMessage: string) => AuthReason | undefined;
}

const RULES: Record<string, Rule> = {
  NotAuthorizedException: { message: notAuthorized, severity: 'user', reason: notAuthorizedReason },
  UserNotConfirmedException: {
    message: () => l10n.t('Your account is not confirmed yet. Enter the 6-digit code from the confirmation email.'),
    severity: 'user',
    action: 'confirmSignUp',
  },
  UsernameExistsException: {
    message: () =>
      l10n.t('An account with this email already exists. Sign in, or reset the password if you forgot it.'),
    severity: 'user',
    action: 'signIn',
  },
  InvalidPasswordException: {
    message: (m) => l10n.t('The password does not meet the policy: {0}', stripPrefix(m)),
    severity: 'user',
  },
  CodeMismatchException: {
    message: () => l10n.t('That code is not right. Check the latest email and type the 6 digits again.'),
    severity: 'user',
  },
  ExpiredCodeException: {
    message: () => l10n.t('That code has expired. Ask for a new code and use it within 24 hours.'),
    severity: 'user',
    action: 'resendCode',
  },
  LimitExceededException: {
    message: () => l10n.t('Too many attempts. Wait a few minutes, then try again.'),
    severity: 'transient',
  },
  TooManyRequestsException: {
    message: () => l10n.t('Cognito is receiving too many requests. Wait a moment, then try again.'),
    severity: 'transient',
    action: 'retry',
  },
  TooManyFailedAttemptsException: {
    message: () => l10n.t('Too many failed attempts. Wait a few minutes, then try again.'),
    severity: 'user',
  },
  PasswordResetRequiredException: {
    message: () =>
      l10n.t('Your password must be reset before you can sign in. Use "Forgot Password" to choose a new one.'),
    severity: 'user',
    action: 'forgotPassword',
  },
  UserNotFoundException: {
    message: () => l10n.t('No account exists for this email. Sign up first.'),
    severity: 'user',
    action: 'signUp',
  },
  UserLambdaValidationException: { message: (m) => triggerMessage(m), severity: 'user' },
  InvalidParameterException: {
    message: (m) => l10n.t('Cognito rejected the request: {0}', stripPrefix(m)),
    severity: 'user',
  },
  CodeDeliveryFailureException: {
    message: () => l10n.t('Cognito could not send the code email. Check the address, then ask for a new code.'),
    severity: 'user',
    action: 'resendCode',
  },
  EnableSoftwareTokenMFAException: {
    message: () => l10n.t('That authenticator code is not right. Wait for the next code and try again.'),
    severity: 'user',
  },
  SoftwareTokenMFANotFoundException: {
    message: (m) =>
      /not enabled for the user pool/i.test(m)
        ? l10n.t(
            'This user pool does not allow authenticator apps. Deploy the template with MfaConfiguration set to OPTIONAL or ON.',
          )
        : l10n.t('No authenticator app is set up for this account. Set up MFA first.'),
    severity: 'user',
  },
  MFAMethodNotFoundException: {
    message: () => l10n.t('No MFA method is set up for this account. Set up an authenticator app first.'),
    severity: 'user',
  },
  ResourceNotFoundException: {
    message: () =>
      l10n.t('The user pool or app client in the settings does not exist. Run "Configure from Stack Outputs" again.'),
    severity: 'user',
    action: 'configure',
  },
  InvalidUserPoolConfigurationException: {
    message: (m) => l10n.t('The user pool is not set up for this: {0}', stripPrefix(m)),
    severity: 'user',
  },
  InternalErrorException: {
    message: () => l10n.t('Cognito had an internal error. Try again in a moment.'),
    severity: 'transient',
    action: 'retry',
  },
  ServiceUnavailableException: {
    message: () => l10n.t('Cognito is unavailable right now. Try again in a moment.'),
    severity: 'transient',
    action: 'retry',
  },
};

/**
 * By shape, not instanceof: the extension has two bundles (dist/extension.js and the lazily
 * loaded dist/story.js), each with its own copy of this class.
 */
export function isAuthError(error: unknown): error is AuthError {
  if (error instanceof AuthError) return true;
  const e = error as Partial<AuthError> | null;
  return (
    e instanceof Error &&
    e.name === 'AuthError' &&
    typeof e.code === 'string' &&
    (e.severity === 'user' || e.severity === 'transient')
  );
}

/** Turns anything a Cognito call can throw into an AuthError. */
export function toAuthError(error: unknown): AuthError {
  if (isAuthError(error)) return error;
  const e = (error ?? {}) as {
    name?: string;
    message?: string;
    code?: string;
    $metadata?: { httpStatusCode?: number };
    cause?: { code?: string };
  };
  const name = e.name ?? 'Error';
  const awsMessage = e.message ?? String(error);

  const rule = RULES[name];
  if (rule) {
    const reason = rule.reason?.(awsMessage);
    return new AuthError(rule.message(awsMessage, reason), name, rule.severity, rule.action, reason);
  }
  if (isNetworkError(e)) {
    return new AuthError(
      l10n.t('Cannot reach Amazon Cognito. Check your network connection or proxy, then try again.'),
      'NetworkError',
      'transient',
      'retry',
    );
  }
  if (name === 'AbortError') return new AuthError(l10n.t('Cancelled.'), 'AbortError', 'user');
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 500) {
    return new AuthError(
      l10n.t('Cognito failed with HTTP {0}. Try again in a moment.', status),
      name,
      'transient',
      'retry',
    );
  }
  return new AuthError(
    notificationSafe(l10n.t('Cognito refused the request ({0}): {1}', name, awsMessage)),
    name,
    'user',
  );
}

/** Which case of NotAuthorized Cognito means, from its message (Cognito's messages are not translated). */
function notAuthorizedReason(awsMessage: string): AuthReason | undefined {
  if (/SECRET_HASH|secret hash/i.test(awsMessage)) return 'clientSecret';
  if (/revoked|Refresh Token has expired|Invalid Refresh Token|Access Token has/i.test(awsMessage))
    return 'sessionEnded';
  if (/Password attempts exceeded/i.test(awsMessage)) return 'tooManyPasswords';
  if (/Incorrect username or password/i.test(awsMessage)) return 'wrongPassword';
  if (/Unauthenticated access/i.test(awsMessage)) return 'guestAccess';
  return undefined;
}

function notAuthorized(awsMessage: string, reason: AuthReason | undefined): string {
  switch (reason) {
    case 'clientSecret':
      return l10n.t(
        'The app client needs a client secret that matches. Run "Storyteller: Set Client Secret…" with the secret from the app client.',
      );
    case 'sessionEnded':
      return l10n.t('Your session has ended. Sign in again.');
    case 'tooManyPasswords':
      return l10n.t('Too many wrong passwords. Wait a few minutes, or reset the password.');
    case 'wrongPassword':
      return l10n.t('Incorrect email or password. Try again, or use "Forgot Password".');
    case 'guestAccess':
      return l10n.t('Guest access is not allowed. Sign in first.');
    default:
      return l10n.t('Cognito refused the request: {0}', stripPrefix(awsMessage));
  }
}

/** A confirmation code to type again: wrong, or expired. */
export const isWrongCode = (e: AuthError): boolean =>
  e.code === 'CodeMismatchException' || e.code === 'ExpiredCodeException';

/** A password (or an address) to type again; Cognito does not say which of the two was wrong. */
export const isWrongPassword = (e: AuthError): boolean =>
  e.reason === 'wrongPassword' || e.code === 'UserNotFoundException';

const SESSION_ENDING = new Set([
  'NotAuthorizedException',
  'UserNotFoundException',
  'PasswordResetRequiredException',
  'UserNotConfirmedException',
]);

/**
 * True when a failed refresh proves the stored session is dead. A missing or wrong client
 * secret is not such proof: the session works again once the secret is set.
 */
export function endsSession(error: AuthError): boolean {
  return SESSION_ENDING.has(error.code) && error.reason !== 'clientSecret';
}

function triggerMessage(awsMessage: string): string {
  // "PreSignUp failed with error Sign-up is limited to ... ." → the trigger's own sentence.
  const match = /failed with error (.*?)\.?$/s.exec(awsMessage);
  return notificationSafe(match?.[1] ? `${match[1].trim()}.` : l10n.t('Sign-up was refused: {0}', awsMessage));
}

/** "Password did not conform with policy: Password not long enough" → "Password not long enough." */
function stripPrefix(message: string): string {
  const rest = notificationSafe(message.replace(/^[^:]{0,60}:\s*/, '').trim());
  return /[.!?]$/.test(rest) ? rest : `${rest}.`;
}
