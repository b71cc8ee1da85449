// AssociateSoftwareToken: a new TOTP secret, signed in or during the MFA_SETUP challenge.
import type {
  AssociateSoftwareTokenRequest,
  AssociateSoftwareTokenResponse,
} from '@aws-sdk/client-cognito-identity-provider';
import { AwsError } from '../errors';
import type { JsonOperation } from '../operation';
import { newTotpSecret } from '../totp';
import { optionalToken, session } from './fields';
import type { MfaCaller, UserPool } from './userPool';

export const associateSoftwareToken: JsonOperation<
  AssociateSoftwareTokenRequest,
  AssociateSoftwareTokenResponse,
  Pick<UserPool, 'config' | 'changed'>,
  MfaCaller
> = {
  name: 'AssociateSoftwareToken',
  auth: 'accessTokenOrSession',
  input: { AccessToken: optionalToken, Session: session },
  handle(input, pool, { user, session: s }) {
    if (pool.config.mfaConfiguration === 'OFF')
      throw new AwsError('SoftwareTokenMFANotFoundException', 'Software Token MFA is not enabled for the user pool');
    user.pendingTotpSecret = newTotpSecret();
    pool.changed();
    return { SecretCode: user.pendingTotpSecret, ...(s && input.Session ? { Session: input.Session } : {}) };
  },
};
