// GlobalSignOut: revokes every refresh token of the signed-in user (and the tokens minted from them).
import type { GlobalSignOutRequest, GlobalSignOutResponse } from '@aws-sdk/client-cognito-identity-provider';
import type { JsonOperation } from '../operation';
import { token } from './fields';
import type { AccessCaller, UserPool } from './userPool';

export const globalSignOut: JsonOperation<
  GlobalSignOutRequest,
  GlobalSignOutResponse,
  Pick<UserPool, 'revokeAll'>,
  AccessCaller
> = {
  name: 'GlobalSignOut',
  auth: 'accessToken',
  input: { AccessToken: token },
  handle(_input, pool, { user }) {
    pool.revokeAll(user.username);
    return {};
  },
};
