// ForgotPassword: a reset code to the user's verified e-mail (a decoy for unknown users when
// the client prevents user-existence errors).
import type { ForgotPasswordRequest, ForgotPasswordResponse } from '@aws-sdk/client-cognito-identity-provider';
import { AwsError } from '../errors';
import type { JsonOperation } from '../operation';
import { analyticsMetadata, clientId, clientMetadata, secretHash, userContextData, username } from './fields';
import type { UserPool } from './userPool';

type Needs = Pick<UserPool, 'codeRecipient' | 'sendCode' | 'changed' | 'delivery'>;

export const forgotPassword: JsonOperation<ForgotPasswordRequest, ForgotPasswordResponse, Needs> = {
  name: 'ForgotPassword',
  auth: 'none',
  input: {
    ClientId: clientId,
    SecretHash: secretHash,
    UserContextData: userContextData,
    Username: username,
    AnalyticsMetadata: analyticsMetadata,
    ClientMetadata: clientMetadata,
  },
  handle(input, pool) {
    const recipient = pool.codeRecipient(input);
    if ('reply' in recipient) return recipient.reply;
    const { user } = recipient;
    if (!user.attributes.email || (user.attributes.email_verified !== 'true' && user.status !== 'UNCONFIRMED')) {
      throw new AwsError(
        'InvalidParameterException',
        'Cannot reset password for the user as there is no registered/verified email or phone_number',
      );
    }
    pool.sendCode(user, 'reset');
    pool.changed();
    return pool.delivery(user);
  },
};
