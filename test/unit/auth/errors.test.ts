import * as assert from 'node:assert/strict';
import * as l10n from '@vscode/l10n';
import { AuthError, endsSession, isWrongCode, isWrongPassword, toAuthError } from '../../../src/core/auth/errors';

function aws(name: string, message: string, status = 400) {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: status } });
}

describe('Cognito error messages', () => {
  const cases: [Error, string, string, string | undefined][] = [
    [
      aws('NotAuthorizedException', 'Incorrect username or password.'),
      'Incorrect email or password. Try again, or use "Forgot Password".',
      'user',
      undefined,
    ],
    [
      aws('NotAuthorizedException', 'Refresh Token has been revoked'),
      'Your session has ended. Sign in again.',
      'user',
      undefined,
    ],
    [
      aws('NotAuthorizedException', 'Client abc is configured with secret but SECRET_HASH was not received'),
      'The app client needs a client secret that matches. Run "Storyteller: Set Client Secret…" with the secret from the app client.',
      'user',
      undefined,
    ],
    [
      aws('NotAuthorizedException', 'Unable to verify secret hash for client abc'),
      'The app client needs a client secret that matches. Run "Storyteller: Set Client Secret…" with the secret from the app client.',
      'user',
      undefined,
    ],
    [
      aws('NotAuthorizedException', 'Password attempts exceeded'),
      'Too many wrong passwords. Wait a few minutes, or reset the password.',
      'user',
      undefined,
    ],
    [
      aws('UserNotConfirmedException', 'User is not confirmed.'),
      'Your account is not confirmed yet. Enter the 6-digit code from the confirmation email.',
      'user',
      'confirmSignUp',
    ],
    [
      aws('UsernameExistsException', 'An account with the given email already exists.'),
      'An account with this email already exists. Sign in, or reset the password if you forgot it.',
      'user',
      'signIn',
    ],
    [
      aws('InvalidPasswordException', 'Password did not conform with policy: Password must have symbol characters'),
      'The password does not meet the policy: Password must have symbol characters.',
      'user',
      undefined,
    ],
    [
      aws('CodeMismatchException', 'Invalid verification code provided, please try again.'),
      'That code is not right. Check the latest email and type the 6 digits again.',
      'user',
      undefined,
    ],
    [
      aws('ExpiredCodeException', 'Invalid code provided, please request a code again.'),
      'That code has expired. Ask for a new code and use it within 24 hours.',
      'user',
      'resendCode',
    ],
    [
      aws('LimitExceededException', 'Attempt limit exceeded, please try after some time.'),
      'Too many attempts. Wait a few minutes, then try again.',
      'transient',
      undefined,
    ],
    [
      aws('TooManyRequestsException', 'Rate exceeded'),
      'Cognito is receiving too many requests. Wait a moment, then try again.',
      'transient',
      'retry',
    ],
    [
      aws('PasswordResetRequiredException', 'Password reset required for the user'),
      'Your password must be reset before you can sign in. Use "Forgot Password" to choose a new one.',
      'user',
      'forgotPassword',
    ],
    [
      aws('UserNotFoundException', 'User does not exist.'),
      'No account exists for this email. Sign up first.',
      'user',
      'signUp',
    ],
    [
      aws(
        'UserLambdaValidationException',
        'PreSignUp failed with error Sign-up is limited to addresses at example.com.',
      ),
      'Sign-up is limited to addresses at example.com.',
      'user',
      undefined,
    ],
    [
      aws('ResourceNotFoundException', 'User pool client abc does not exist.'),
      'The user pool or app client in the settings does not exist. Run "Configure from Stack Outputs" again.',
      'user',
      'configure',
    ],
    [
      aws('SoftwareTokenMFANotFoundException', 'Software Token MFA is not enabled for the user pool'),
      'This user pool does not allow authenticator apps. Deploy the template with MfaConfiguration set to OPTIONAL or ON.',
      'user',
      undefined,
    ],
    [
      aws('SoftwareTokenMFANotFoundException', 'Software Token MFA has not been enabled by the user.'),
      'No authenticator app is set up for this account. Set up MFA first.',
      'user',
      undefined,
    ],
    [
      aws('InternalErrorException', 'boom', 500),
      'Cognito had an internal error. Try again in a moment.',
      'transient',
      'retry',
    ],
    [aws('SomethingNew', 'odd', 502), 'Cognito failed with HTTP 502. Try again in a moment.', 'transient', 'retry'],
    [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4566'), { code: 'ECONNREFUSED' }),
      'Cannot reach Amazon Cognito. Check your network connection or proxy, then try again.',
      'transient',
      'retry',
    ],
    [
      Object.assign(new TypeError('fetch failed'), { cause: { code: 'ENOTFOUND' } }),
      'Cannot reach Amazon Cognito. Check your network connection or proxy, then try again.',
      'transient',
      'retry',
    ],
    [
      aws('SomethingNew', 'A brand new failure'),
      'Cognito refused the request (SomethingNew): A brand new failure',
      'user',
      undefined,
    ],
  ];
  for (const [error, message, severity, action] of cases) {
    it(`${error.name}: ${error.message}`, () => {
      const mapped = toAuthError(error);
      assert.ok(mapped instanceof AuthError);
      assert.equal(mapped.message, message);
      assert.equal(mapped.severity, severity);
      assert.equal(mapped.action, action);
    });
  }

  it('ends the session only on definite auth errors', () => {
    const ends = (e: Error) => endsSession(toAuthError(e));
    assert.equal(ends(aws('NotAuthorizedException', 'Refresh Token has been revoked')), true);
    assert.equal(ends(aws('UserNotFoundException', 'User does not exist.')), true);
    assert.equal(ends(aws('PasswordResetRequiredException', 'x')), true);
    assert.equal(ends(aws('UserNotConfirmedException', 'x')), true);
    assert.equal(ends(aws('NotAuthorizedException', 'Unable to verify secret hash for client abc')), false);
    assert.equal(ends(aws('TooManyRequestsException', 'x')), false);
    assert.equal(ends(aws('InternalErrorException', 'x', 500)), false);
    assert.equal(ends(Object.assign(new Error('down'), { code: 'ECONNRESET' })), false);
  });

  describe('compares reasons, not messages', () => {
    // A translation changes every sentence: nothing may depend on one.
    beforeEach(() =>
      l10n.config({
        contents: {
          'Incorrect email or password. Try again, or use "Forgot Password".': 'Falsche E-Mail oder falsches Passwort.',
          'The app client needs a client secret that matches. Run "Storyteller: Set Client Secret…" with the secret from the app client.':
            'Der App-Client braucht ein Client-Geheimnis.',
          'Your session has ended. Sign in again.': 'Ihre Sitzung ist beendet.',
        },
      }),
    );
    afterEach(() => l10n.config({ contents: {} }));

    it('knows a wrong password in any language', () => {
      const wrong = toAuthError(aws('NotAuthorizedException', 'Incorrect username or password.'));
      assert.equal(wrong.message, 'Falsche E-Mail oder falsches Passwort.');
      assert.equal(wrong.reason, 'wrongPassword');
      assert.equal(isWrongPassword(wrong), true);
      assert.equal(isWrongPassword(toAuthError(aws('UserNotFoundException', 'User does not exist.'))), true);
      for (const other of ['Password attempts exceeded', 'Refresh Token has been revoked', 'Unauthenticated access'])
        assert.equal(isWrongPassword(toAuthError(aws('NotAuthorizedException', other))), false, other);
    });

    it('ends the session on a revoked token, not on a client secret problem, in any language', () => {
      const secret = toAuthError(aws('NotAuthorizedException', 'Unable to verify secret hash for client abc'));
      assert.equal(secret.message, 'Der App-Client braucht ein Client-Geheimnis.');
      assert.equal(secret.reason, 'clientSecret');
      assert.equal(endsSession(secret), false);
      const revoked = toAuthError(aws('NotAuthorizedException', 'Refresh Token has been revoked'));
      assert.equal(revoked.message, 'Ihre Sitzung ist beendet.');
      assert.equal(revoked.reason, 'sessionEnded');
      assert.equal(endsSession(revoked), true);
    });

    it('reads the reason of an AuthError made anywhere, whatever its message', () => {
      assert.equal(
        isWrongPassword(new AuthError('anything', 'NotAuthorizedException', 'user', undefined, 'wrongPassword')),
        true,
      );
      assert.equal(
        isWrongPassword(new AuthError('Incorrect email or password.', 'NotAuthorizedException', 'user')),
        false,
      );
      assert.equal(
        endsSession(new AuthError('anything', 'NotAuthorizedException', 'user', undefined, 'clientSecret')),
        false,
      );
      assert.equal(isWrongCode(toAuthError(aws('ExpiredCodeException', 'x'))), true);
      assert.equal(isWrongCode(toAuthError(aws('CodeMismatchException', 'x'))), true);
      assert.equal(isWrongCode(toAuthError(aws('LimitExceededException', 'x'))), false);
    });
  });
});
