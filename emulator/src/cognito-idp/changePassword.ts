// ChangePassword: the signed-in user changes their password, proving the old one.
import type { ChangePasswordRequest, ChangePasswordResponse } from '@aws-sdk/client-cognito-identity-provider';
import type { JsonOperation } from '../operation';
import { required } from '../operation';
import { checkPassword } from '../passwords';
import { password, requiredPassword, token } from './fields';
import type { AccessCaller, UserPool } from './userPool';

type Needs = Pick<UserPool, 'checkAttempts' | 'failedSignIn' | 'checkPolicy' | 'setPassword' | 'changed'>;

export const changePassword: JsonOperation<ChangePasswordRequest, ChangePasswordResponse, Needs, AccessCaller> = {
  name: 'ChangePassword',
  auth: 'accessToken',
  input: { PreviousPassword: password, ProposedPassword: requiredPassword, AccessToken: token },
  async handle(input, pool, { user }) {
    const previous = required(input.PreviousPassword, 'PreviousPassword');
    const proposed = required(input.ProposedPassword, 'ProposedPassword');
    pool.checkAttempts(user);
    if (!(await checkPassword(previous, user.passwordHash))) return pool.failedSignIn(user);
    pool.checkPolicy(proposed);
    await pool.setPassword(user, proposed);
    pool.changed();
    return {};
  },
};
