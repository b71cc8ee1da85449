// DescribeUserPoolClient: an administrator reads an app client's settings (flows, token
// revocation, OAuth, callback URLs) and its secret, as `npm run check:stack` does.
import type {
  DescribeUserPoolClientRequest,
  DescribeUserPoolClientResponse,
} from '@aws-sdk/client-cognito-identity-provider';
import type { JsonOperation } from '../operation';
import { clientId, userPoolId } from './fields';
import type { UserPool } from './userPool';

const UNITS = { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'days' } as const;

export const describeUserPoolClient: JsonOperation<
  DescribeUserPoolClientRequest,
  DescribeUserPoolClientResponse,
  Pick<UserPool, 'checkPool' | 'client'>
> = {
  name: 'DescribeUserPoolClient',
  auth: 'sigv4Any',
  input: { UserPoolId: userPoolId, ClientId: clientId },
  handle(input, pool) {
    pool.checkPool(input.UserPoolId);
    const c = pool.client(input.ClientId);
    return {
      UserPoolClient: {
        UserPoolId: input.UserPoolId,
        ClientId: c.id,
        ClientName: c.name,
        ...(c.secret ? { ClientSecret: c.secret } : {}),
        ExplicitAuthFlows: c.explicitAuthFlows as never,
        PreventUserExistenceErrors: c.preventUserExistenceErrors ? 'ENABLED' : 'LEGACY',
        EnableTokenRevocation: c.enableTokenRevocation,
        AccessTokenValidity: c.accessTokenSeconds / 60,
        IdTokenValidity: c.idTokenSeconds / 60,
        RefreshTokenValidity: c.refreshTokenSeconds / 86_400,
        TokenValidityUnits: UNITS,
        AllowedOAuthFlowsUserPoolClient: c.oauth.enabled,
        ...(c.oauth.flows.length > 0 ? { AllowedOAuthFlows: c.oauth.flows as never } : {}),
        ...(c.oauth.scopes.length > 0 ? { AllowedOAuthScopes: c.oauth.scopes } : {}),
        ...(c.oauth.callbackUrls.length > 0 ? { CallbackURLs: c.oauth.callbackUrls } : {}),
        ...(c.oauth.logoutUrls.length > 0 ? { LogoutURLs: c.oauth.logoutUrls } : {}),
        ...(c.oauth.providers.length > 0 ? { SupportedIdentityProviders: c.oauth.providers } : {}),
      },
    };
  },
};
