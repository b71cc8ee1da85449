// AdminConfirmSignUp: an administrator confirms an unconfirmed user without a code.
import type { AdminConfirmSignUpRequest, AdminConfirmSignUpResponse } from '@aws-sdk/client-cognito-identity-provider';
import { AwsError } from '../errors';
import type { JsonOperation } from '../operation';
import { required } from '../operation';
import { clientMetadata, userPoolId, username } from './fields';
import type { UserPool } from './userPool';

export const adminConfirmSignUp: JsonOperation<
  AdminConfirmSignUpRequest,
  AdminConfirmSignUpResponse,
  Pick<UserPool, 'checkPool' | 'findUser' | 'now' | 'changed'>
> = {
  name: 'AdminConfirmSignUp',
  auth: 'sigv4Any',
  input: { UserPoolId: userPoolId, Username: username, ClientMetadata: clientMetadata },
  handle(input, pool) {
    pool.checkPool(input.UserPoolId);
    const name = required(input.Username, 'Username');
    const user = pool.findUser(name);
    if (!user) throw new AwsError('UserNotFoundException', 'User does not exist.');
    if (user.status !== 'UNCONFIRMED')
      throw new AwsError('NotAuthorizedException', `User cannot be confirmed. Current status is ${user.status}`);
    user.status = 'CONFIRMED';
    delete user.confirmation;
    user.modified = pool.now();
    pool.changed();
    return {};
  },
};
