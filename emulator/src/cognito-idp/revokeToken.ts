// RevokeToken: revokes one refresh token and the access and ID tokens minted from it.
import type { RevokeTokenRequest, RevokeTokenResponse } from '@aws-sdk/client-cognito-identity-provider';
import { AwsError } from '../errors';
import type { JsonOperation } from '../operation';
import { required } from '../operation';
import { clientId, token } from './fields';
import type { UserPool } from './userPool';

type Needs = Pick<UserPool, 'client' | 'verifyToken' | 'refreshTokens' | 'changed'>;

export const revokeToken: JsonOperation<RevokeTokenRequest, RevokeTokenResponse, Needs> = {
  name: 'RevokeToken',
  auth: 'none',
  input: {
    Token: token,
    ClientId: clientId,
    ClientSecret: { type: 'string', min: 1, max: 64, pattern: '[\\w+]+', sensitive: true },
  },
  handle(input, pool) {
    const refresh = required(input.Token, 'Token');
    const client = pool.client(input.ClientId);
    if (client.secret) {
      if (!input.ClientSecret)
        throw new AwsError(
          'NotAuthorizedException',
          `Client ${client.id} is configured with secret but ClientSecret was not received`,
        );
      if (input.ClientSecret !== client.secret)
        throw new AwsError('NotAuthorizedException', `Unable to verify secret for client ${client.id}`);
    }
    if (!client.enableTokenRevocation)
      throw new AwsError('UnsupportedOperationException', 'Token revocation is not enabled for this app client');
    if (pool.verifyToken(refresh))
      throw new AwsError('UnsupportedTokenTypeException', 'Only refresh tokens can be revoked');
    const record = pool.refreshTokens[refresh];
    if (record) {
      if (record.clientId !== client.id)
        throw new AwsError('UnauthorizedException', 'The token was not issued to this client');
      record.revoked = true;
      pool.changed();
    }
    return {};
  },
};
