// DeleteUser: the signed-in user deletes themselves; their tokens stop working.
import type { DeleteUserRequest } from '@aws-sdk/client-cognito-identity-provider';
import type { JsonOperation } from '../operation';
import { token } from './fields';
import type { AccessCaller, UserPool } from './userPool';

export const deleteUser: JsonOperation<
  DeleteUserRequest,
  object,
  Pick<UserPool, 'revokeAll' | 'users' | 'changed'>,
  AccessCaller
> = {
  name: 'DeleteUser',
  auth: 'accessToken',
  input: { AccessToken: token },
  handle(_input, pool, { user }) {
    pool.revokeAll(user.username);
    delete pool.users[user.username];
    pool.changed();
    return {};
  },
};
