// The identity pool's operations (X-Amz-Target AWSCognitoIdentityService.<name>).
import type { ServiceJsonOperation } from '../operation';
import { getCredentialsForIdentity } from './getCredentialsForIdentity';
import { getId } from './getId';
import type { IdentityPool } from './identityPool';

export const COGNITO_IDENTITY_TARGET_PREFIX = 'AWSCognitoIdentityService';

export const COGNITO_IDENTITY_OPERATIONS: readonly ServiceJsonOperation<IdentityPool>[] = [
  getId,
  getCredentialsForIdentity,
];
