// GetUser: the signed-in user's attributes and MFA settings.
import type { GetUserRequest, GetUserResponse } from '@aws-sdk/client-cognito-identity-provider';
import type { JsonOperation } from '../operation';
import { token } from './fields';
import type { AccessCaller } from './userPool';

export const getUser: JsonOperation<GetUserRequest, GetUserResponse, unknown, AccessCaller> = {
  name: 'GetUser',
  auth: 'accessToken',
  input: { AccessToken: token },
  handle(_input, _pool, { user }) {
    return {
      Username: user.username,
      UserAttributes: Object.entries(user.attributes).map(([Name, Value]) => ({ Name, Value })),
      ...(user.totpEnabled
        ? { PreferredMfaSetting: 'SOFTWARE_TOKEN_MFA', UserMFASettingList: ['SOFTWARE_TOKEN_MFA'] }
        : {}),
    };
  },
};
