// AdminDeleteUser: an administrator deletes a user. Their tokens are revoked and sign-ins under
// way dropped; the username (or e-mail) is free to sign up again.
import type { AdminDeleteUserRequest } from '@aws-sdk/client-cognito-identity-provider';
import { AwsError } from '../errors';
import type { JsonOperation } from '../operation';
import { required } from '../operation';
import { userPoolId, username } from './fields';
import type { UserPool } from './userPool';

// The API defines no output for AdminDeleteUser: an empty object.
export const adminDeleteUser: JsonOperation<
  AdminDeleteUserRequest,
  object,
  Pick<UserPool, 'checkPool' | 'findUser' | 'cutOff' | 'users' | 'changed'>
> = {
  name: 'AdminDeleteUser',
  auth: 'sigv4Any',
  input: { UserPoolId: userPoolId, Username: username },
  handle(input, pool) {
    pool.checkPool(input.UserPoolId);
    const user = pool.findUser(required(input.Username, 'Username'));
    if (!user) throw new AwsError('UserNotFoundException', 'User does not exist.');
    pool.cutOff(user.username);
    delete pool.users[user.username];
    pool.changed();
    return {};
  },
};
