// ResendConfirmationCode: a fresh code for an unconfirmed user (a decoy for unknown ones when
// the client prevents user-existence errors).
import type {
  ResendConfirmationCodeRequest,
  ResendConfirmationCodeResponse,
} from '@aws-sdk/client-cognito-identity-provider';
import { AwsError } from '../errors';
import type { JsonOperation } from '../operation';
import { analyticsMetadata, clientId, clientMetadata, secretHash, userContextData, username } from './fields';
import type { UserPool } from './userPool';

type Needs = Pick<UserPool, 'codeRecipient' | 'sendCode' | 'changed' | 'delivery'>;

export const resendConfirmationCode: JsonOperation<
  ResendConfirmationCodeRequest,
  ResendConfirmationCodeResponse,
  Needs
> = {
  name: 'ResendConfirmationCode',
  auth: 'none',
  input: {
    ClientId: clientId,
    SecretHash: secretHash,
    Username: username,
    AnalyticsMetadata: analyticsMetadata,
    UserContextData: userContextData,
    ClientMetadata: clientMetadata,
  },
  handle(input, pool) {
    const recipient = pool.codeRecipient(input);
    if ('reply' in recipient) return recipient.reply;
    const { user } = recipient;
    if (user.status !== 'UNCONFIRMED') throw new AwsError('InvalidParameterException', 'User is already confirmed.');
    pool.sendCode(user, 'confirmation');
    pool.changed();
    return pool.delivery(user);
  },
};
