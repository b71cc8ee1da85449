// AdminEnableUser: an administrator lets a disabled user sign in again. The tokens revoked when
// the user was disabled stay revoked: the user signs in afresh.
import type { AdminEnableUserRequest, AdminEnableUserResponse } from '@aws-sdk/client-cognito-identity-provider';
import { AwsError } from '../errors';
import type { JsonOperation } from '../operation';
import { required } from '../operation';
import { userPoolId, username } from './fields';
import type { UserPool } from './userPool';

export const adminEnableUser: JsonOperation<
  AdminEnableUserRequest,
  AdminEnableUserResponse,
  Pick<UserPool, 'checkPool' | 'findUser' | 'now' | 'changed'>
> = {
  name: 'AdminEnableUser',
  auth: 'sigv4Any',
  input: { UserPoolId: userPoolId, Username: username },
  handle(input, pool) {
    pool.checkPool(input.UserPoolId);
    const user = pool.findUser(required(input.Username, 'Username'));
    if (!user) throw new AwsError('UserNotFoundException', 'User does not exist.');
    user.enabled = true;
    user.modified = pool.now();
    pool.changed();
    return {};
  },
};
