// AdminUserGlobalSignOut: an administrator signs a user out everywhere. Their refresh tokens,
// and the access and ID tokens minted from them, are revoked; as in AWS, a managed-login
// session cookie is not cleared (the browser must go through /logout for that).
import type {
  AdminUserGlobalSignOutRequest,
  AdminUserGlobalSignOutResponse,
} from '@aws-sdk/client-cognito-identity-provider';
import { AwsError } from '../errors';
import type { JsonOperation } from '../operation';
import { required } from '../operation';
import { userPoolId, username } from './fields';
import type { UserPool } from './userPool';

export const adminUserGlobalSignOut: JsonOperation<
  AdminUserGlobalSignOutRequest,
  AdminUserGlobalSignOutResponse,
  Pick<UserPool, 'checkPool' | 'findUser' | 'revokeAll'>
> = {
  name: 'AdminUserGlobalSignOut',
  auth: 'sigv4Any',
  input: { UserPoolId: userPoolId, Username: username },
  handle(input, pool) {
    pool.checkPool(input.UserPoolId);
    const user = pool.findUser(required(input.Username, 'Username'));
    if (!user) throw new AwsError('UserNotFoundException', 'User does not exist.');
    pool.revokeAll(user.username);
    return {};
  },
};
