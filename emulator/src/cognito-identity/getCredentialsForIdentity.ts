// GetCredentialsForIdentity: temporary credentials (ASIA…) for the role of the identity's
// kind, expiring after the configured lifetime. Unsigned, as in AWS.
import type {
  GetCredentialsForIdentityInput,
  GetCredentialsForIdentityResponse,
} from '@aws-sdk/client-cognito-identity';
import type { RoleConfig } from '../config';
import { AwsError } from '../errors';
import type { JsonOperation } from '../operation';
import { required } from '../operation';
import { identityId, logins } from './fields';
import type { IdentityPool } from './identityPool';

type Needs = Pick<IdentityPool, 'authenticate' | 'config' | 'unauthenticated' | 'issue'>;

export const getCredentialsForIdentity: JsonOperation<
  GetCredentialsForIdentityInput,
  GetCredentialsForIdentityResponse,
  Needs
> = {
  name: 'GetCredentialsForIdentity',
  auth: 'none',
  input: { IdentityId: identityId, Logins: logins, CustomRoleArn: { type: 'string', min: 20, max: 2048 } },
  handle(input, pool) {
    const id = required(input.IdentityId, 'IdentityId');
    const identity = pool.authenticate(input.Logins);
    let role: RoleConfig | null;
    if (identity) {
      if (identity !== id)
        throw new AwsError(
          'NotAuthorizedException',
          "Logins don't match. Please include at least one valid login for this identity or identity pool.",
        );
      role = pool.config.authenticatedRole;
    } else {
      if (!pool.config.allowUnauthenticated)
        throw new AwsError('NotAuthorizedException', 'Unauthenticated access is not supported for this identity pool.');
      if (!pool.unauthenticated.has(id)) throw new AwsError('ResourceNotFoundException', `Identity '${id}' not found.`);
      role = pool.config.unauthenticatedRole;
    }
    if (!role)
      throw new AwsError(
        'InvalidIdentityPoolConfigurationException',
        'Invalid identity pool configuration. Check assigned IAM roles for this pool.',
      );
    const creds = pool.issue(id, role);
    return {
      IdentityId: id,
      Credentials: {
        AccessKeyId: creds.accessKeyId,
        SecretKey: creds.secretKey,
        SessionToken: creds.sessionToken,
        Expiration: Math.floor(creds.expires / 1000),
      },
    };
  },
};
