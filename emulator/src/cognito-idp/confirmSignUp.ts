// ConfirmSignUp: the e-mailed code confirms the user (and verifies the e-mail if auto-verified).
import type { ConfirmSignUpRequest, ConfirmSignUpResponse } from '@aws-sdk/client-cognito-identity-provider';
import { AwsError } from '../errors';
import type { JsonOperation } from '../operation';
import { required } from '../operation';
import {
  analyticsMetadata,
  clientId,
  clientMetadata,
  confirmationCode,
  secretHash,
  session,
  userContextData,
  username,
} from './fields';
import type { UserPool } from './userPool';

type Needs = Pick<
  UserPool,
  'client' | 'checkSecretHash' | 'findUser' | 'notFound' | 'checkCode' | 'config' | 'now' | 'changed'
>;

export const confirmSignUp: JsonOperation<ConfirmSignUpRequest, ConfirmSignUpResponse, Needs> = {
  name: 'ConfirmSignUp',
  auth: 'none',
  input: {
    ClientId: clientId,
    SecretHash: secretHash,
    Username: username,
    ConfirmationCode: confirmationCode,
    ForceAliasCreation: { type: 'boolean' },
    AnalyticsMetadata: analyticsMetadata,
    UserContextData: userContextData,
    ClientMetadata: clientMetadata,
    Session: session,
  },
  handle(input, pool) {
    const client = pool.client(input.ClientId);
    const name = required(input.Username, 'Username');
    const code = required(input.ConfirmationCode, 'ConfirmationCode');
    pool.checkSecretHash(client, name, input.SecretHash);
    const user = pool.findUser(name);
    if (!user)
      return pool.notFound(
        client,
        new AwsError('CodeMismatchException', 'Invalid verification code provided, please try again.'),
      );
    if (user.status !== 'UNCONFIRMED')
      throw new AwsError('NotAuthorizedException', `User cannot be confirmed. Current status is ${user.status}`);
    pool.checkCode(user.confirmation, code);
    user.status = 'CONFIRMED';
    delete user.confirmation;
    if (user.attributes.email && pool.config.autoVerifiedAttributes.includes('email'))
      user.attributes.email_verified = 'true';
    user.modified = pool.now();
    pool.changed();
    return {};
  },
};
