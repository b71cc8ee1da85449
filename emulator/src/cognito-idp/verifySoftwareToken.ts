// VerifySoftwareToken: the first TOTP code from the new secret; during MFA_SETUP it turns the
// factor on at once, as in Cognito.
import type {
  VerifySoftwareTokenRequest,
  VerifySoftwareTokenResponse,
} from '@aws-sdk/client-cognito-identity-provider';
import { AwsError } from '../errors';
import type { JsonOperation } from '../operation';
import { required } from '../operation';
import { checkTotp } from '../totp';
import { optionalToken, session } from './fields';
import type { MfaCaller, UserPool } from './userPool';

export const verifySoftwareToken: JsonOperation<
  VerifySoftwareTokenRequest,
  VerifySoftwareTokenResponse,
  Pick<UserPool, 'now' | 'changed'>,
  MfaCaller
> = {
  name: 'VerifySoftwareToken',
  auth: 'accessTokenOrSession',
  input: {
    AccessToken: optionalToken,
    Session: session,
    UserCode: { type: 'string', required: true, min: 6, max: 6, pattern: '[0-9]+' },
    FriendlyDeviceName: { type: 'string' },
  },
  handle(input, pool, { user, session: s }) {
    const code = required(input.UserCode, 'UserCode');
    if (!user.pendingTotpSecret) throw new AwsError('InvalidParameterException', 'Call AssociateSoftwareToken first.');
    if (!checkTotp(user.pendingTotpSecret, code, pool.now()))
      throw new AwsError('EnableSoftwareTokenMFAException', 'Code mismatch');
    user.totpSecret = user.pendingTotpSecret;
    delete user.pendingTotpSecret;
    if (s) {
      user.totpEnabled = true;
      s.totpVerified = true;
    }
    pool.changed();
    return { Status: 'SUCCESS', ...(s && input.Session ? { Session: input.Session } : {}) };
  },
};
