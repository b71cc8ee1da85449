// AdminSetUserPassword: an administrator sets a user's password, permanent (CONFIRMED) or
// temporary (FORCE_CHANGE_PASSWORD: the next sign-in gets NEW_PASSWORD_REQUIRED).
import type {
  AdminSetUserPasswordRequest,
  AdminSetUserPasswordResponse,
} from '@aws-sdk/client-cognito-identity-provider';
import { AwsError } from '../errors';
import type { JsonOperation } from '../operation';
import { required } from '../operation';
import { requiredPassword, userPoolId, username } from './fields';
import type { UserPool } from './userPool';

type Needs = Pick<UserPool, 'checkPool' | 'findUser' | 'checkPolicy' | 'setPassword' | 'config' | 'now' | 'changed'>;

export const adminSetUserPassword: JsonOperation<AdminSetUserPasswordRequest, AdminSetUserPasswordResponse, Needs> = {
  name: 'AdminSetUserPassword',
  auth: 'sigv4Any',
  input: { UserPoolId: userPoolId, Username: username, Password: requiredPassword, Permanent: { type: 'boolean' } },
  async handle(input, pool) {
    pool.checkPool(input.UserPoolId);
    const user = pool.findUser(required(input.Username, 'Username'));
    if (!user) throw new AwsError('UserNotFoundException', 'User does not exist.');
    const password = required(input.Password, 'Password');
    pool.checkPolicy(password);
    await pool.setPassword(user, password);
    if (input.Permanent === true) {
      // AWS: "if you set a permanent password, their status becomes Confirmed", whatever it was.
      user.status = 'CONFIRMED';
      delete user.temporaryPasswordExpires;
      delete user.confirmation;
    } else {
      user.status = 'FORCE_CHANGE_PASSWORD';
      user.temporaryPasswordExpires = pool.now() + pool.config.passwordPolicy.temporaryPasswordValidityDays * 86400_000;
    }
    // The emulator's lockout never wears off by itself, so a password the administrator sets lifts it.
    user.failedSignIns = 0;
    pool.changed();
    return {};
  },
};
