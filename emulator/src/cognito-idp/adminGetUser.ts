// AdminGetUser: an administrator reads a user's attributes and status.
import type { AdminGetUserRequest, AdminGetUserResponse } from '@aws-sdk/client-cognito-identity-provider';
import { AwsError } from '../errors';
import type { JsonOperation } from '../operation';
import { required } from '../operation';
import { userPoolId, username } from './fields';
import type { UserPool } from './userPool';

export const adminGetUser: JsonOperation<
  AdminGetUserRequest,
  AdminGetUserResponse,
  Pick<UserPool, 'checkPool' | 'findUser'>
> = {
  name: 'AdminGetUser',
  auth: 'sigv4Any',
  input: { UserPoolId: userPoolId, Username: username },
  handle(input, pool) {
    pool.checkPool(input.UserPoolId);
    const user = pool.findUser(required(input.Username, 'Username'));
    if (!user) throw new AwsError('UserNotFoundException', 'User does not exist.');
    return {
      Username: user.username,
      UserAttributes: Object.entries(user.attributes).map(([Name, Value]) => ({ Name, Value })),
      UserCreateDate: user.created / 1000,
      UserLastModifiedDate: user.modified / 1000,
      Enabled: user.enabled,
      UserStatus: user.status,
      ...(user.totpEnabled
        ? { PreferredMfaSetting: 'SOFTWARE_TOKEN_MFA', UserMFASettingList: ['SOFTWARE_TOKEN_MFA'] }
        : {}),
    };
  },
};
