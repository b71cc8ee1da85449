// The OpenID Connect discovery document on the pool's issuer path, as Cognito publishes it:
// the issuer is the real one (tokens carry it), the endpoints are the hosted domain's.
import type { ManagedLogin } from './managedLogin';

export function discoveryDocument(ml: ManagedLogin, issuer: string, poolId: string): Record<string, unknown> {
  return {
    authorization_endpoint: `${ml.base}/oauth2/authorize`,
    end_session_endpoint: `${ml.base}/logout`,
    id_token_signing_alg_values_supported: ['RS256'],
    issuer,
    jwks_uri: `${ml.base}/${poolId}/.well-known/jwks.json`,
    response_types_supported: ['code', 'token'],
    revocation_endpoint: `${ml.base}/oauth2/revoke`,
    scopes_supported: ['openid', 'email', 'phone', 'profile'],
    subject_types_supported: ['public'],
    token_endpoint: `${ml.base}/oauth2/token`,
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    userinfo_endpoint: `${ml.base}/oauth2/userInfo`,
  };
}
