// ConfirmForgotPassword: the reset code and a new password that meets the policy.
import type {
  ConfirmForgotPasswordRequest,
  ConfirmForgotPasswordResponse,
} from '@aws-sdk/client-cognito-identity-provider';
import { AwsError } from '../errors';
import type { JsonOperation } from '../operation';
import { required } from '../operation';
import {
  analyticsMetadata,
  clientId,
  clientMetadata,
  confirmationCode,
  requiredPassword,
  secretHash,
  userContextData,
  username,
} from './fields';
import type { UserPool } from './userPool';

type Needs = Pick<
  UserPool,
  'client' | 'checkSecretHash' | 'findUser' | 'notFound' | 'checkCode' | 'checkPolicy' | 'setPassword' | 'changed'
>;

export const confirmForgotPassword: JsonOperation<ConfirmForgotPasswordRequest, ConfirmForgotPasswordResponse, Needs> =
  {
    name: 'ConfirmForgotPassword',
    auth: 'none',
    input: {
      ClientId: clientId,
      SecretHash: secretHash,
      Username: username,
      ConfirmationCode: confirmationCode,
      Password: requiredPassword,
      AnalyticsMetadata: analyticsMetadata,
      UserContextData: userContextData,
      ClientMetadata: clientMetadata,
    },
    async handle(input, pool) {
      const client = pool.client(input.ClientId);
      const name = required(input.Username, 'Username');
      const code = required(input.ConfirmationCode, 'ConfirmationCode');
      const pass = required(input.Password, 'Password');
      pool.checkSecretHash(client, name, input.SecretHash);
      const user = pool.findUser(name);
      if (!user)
        return pool.notFound(
          client,
          new AwsError('CodeMismatchException', 'Invalid verification code provided, please try again.'),
        );
      pool.checkCode(user.reset, code);
      pool.checkPolicy(pass);
      await pool.setPassword(user, pass);
      delete user.reset;
      user.failedSignIns = 0;
      if (user.status === 'RESET_REQUIRED' || user.status === 'FORCE_CHANGE_PASSWORD') user.status = 'CONFIRMED';
      pool.changed();
      return {};
    },
  };
