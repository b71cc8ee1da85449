// GetId: the identity id for the logins (stable per user), or a new unauthenticated identity
// where the pool allows them. Unsigned, as in AWS.
import type { GetIdInput, GetIdResponse } from '@aws-sdk/client-cognito-identity';
import { randomUUID } from 'node:crypto';
import { AwsError } from '../errors';
import type { JsonOperation } from '../operation';
import { identityPoolId, logins } from './fields';
import type { IdentityPool } from './identityPool';

type Needs = Pick<IdentityPool, 'checkPoolId' | 'authenticate' | 'config' | 'region' | 'unauthenticated'>;

export const getId: JsonOperation<GetIdInput, GetIdResponse, Needs> = {
  name: 'GetId',
  auth: 'none',
  input: {
    AccountId: { type: 'string', min: 1, max: 15, pattern: '\\d+' },
    IdentityPoolId: identityPoolId,
    Logins: logins,
  },
  handle(input, pool) {
    pool.checkPoolId(input.IdentityPoolId);
    const identity = pool.authenticate(input.Logins);
    if (identity) return { IdentityId: identity };
    if (!pool.config.allowUnauthenticated)
      throw new AwsError('NotAuthorizedException', 'Unauthenticated access is not supported for this identity pool.');
    const id = `${pool.region}:${randomUUID()}`;
    pool.unauthenticated.add(id);
    return { IdentityId: id };
  },
};
