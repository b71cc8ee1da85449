// AdminDisableUser: an administrator deactivates a user. Every sign-in is then refused with
// "User is disabled." and the user's tokens are revoked, as AWS documents; the user still
// appears in AdminGetUser and ListUsers, with Enabled false.
import type { AdminDisableUserRequest, AdminDisableUserResponse } from '@aws-sdk/client-cognito-identity-provider';
import { AwsError } from '../errors';
import type { JsonOperation } from '../operation';
import { required } from '../operation';
import { userPoolId, username } from './fields';
import type { UserPool } from './userPool';

export const adminDisableUser: JsonOperation<
  AdminDisableUserRequest,
  AdminDisableUserResponse,
  Pick<UserPool, 'checkPool' | 'findUser' | 'cutOff' | 'now' | 'changed'>
> = {
  name: 'AdminDisableUser',
  auth: 'sigv4Any',
  input: { UserPoolId: userPoolId, Username: username },
  handle(input, pool) {
    pool.checkPool(input.UserPoolId);
    const user = pool.findUser(required(input.Username, 'Username'));
    if (!user) throw new AwsError('UserNotFoundException', 'User does not exist.');
    user.enabled = false;
    user.modified = pool.now();
    pool.cutOff(user.username);
    pool.changed();
    return {};
  },
};
