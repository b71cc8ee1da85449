// SetUserMFAPreference: turns the signed-in user's TOTP factor on or off (never off where the
// pool requires MFA); SMS MFA is not offered.
import type {
  SetUserMFAPreferenceRequest,
  SetUserMFAPreferenceResponse,
} from '@aws-sdk/client-cognito-identity-provider';
import { AwsError } from '../errors';
import type { JsonOperation } from '../operation';
import { mfaSettings, token } from './fields';
import type { AccessCaller, UserPool } from './userPool';

export const setUserMFAPreference: JsonOperation<
  SetUserMFAPreferenceRequest,
  SetUserMFAPreferenceResponse,
  Pick<UserPool, 'config' | 'changed'>,
  AccessCaller
> = {
  name: 'SetUserMFAPreference',
  auth: 'accessToken',
  input: {
    SMSMfaSettings: mfaSettings,
    SoftwareTokenMfaSettings: mfaSettings,
    EmailMfaSettings: mfaSettings,
    AccessToken: token,
  },
  handle(input, pool, { user }) {
    const settings = input.SoftwareTokenMfaSettings ?? {};
    if (input.SMSMfaSettings?.Enabled)
      throw new AwsError('InvalidParameterException', 'SMS MFA is not enabled for this user pool');
    if (settings.Enabled !== undefined) {
      if (settings.Enabled && !user.totpSecret)
        throw new AwsError('InvalidParameterException', 'User has not verified software token mfa');
      if (!settings.Enabled && pool.config.mfaConfiguration === 'ON')
        throw new AwsError('InvalidParameterException', 'MFA is required for this user pool and cannot be disabled');
      user.totpEnabled = settings.Enabled;
    }
    pool.changed();
    return {};
  },
};
