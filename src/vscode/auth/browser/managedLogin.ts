// The managed login client for the settings; oauth4webapi and the token verifier load here, with
// the sign-in bundle (dist/signin.js), never at activation.
import type { ManagedLogin } from '../../../core/auth/browser/managedLogin';
import type { StorytellerConfig } from '../../../core/config';
import { loadSignIn } from '../../bundles';
import type { AuthParts } from '../parts';
import { readClientSecret } from '../secretStore';

export function managedLoginFor({ secrets, log }: AuthParts, config: StorytellerConfig): Promise<ManagedLogin> {
  return loadSignIn().ManagedLogin.create({
    domain: config.hostedUi.domain,
    region: config.region,
    userPoolId: config.userPoolId,
    clientId: config.clientId,
    ...(config.endpoints.cognitoIdp ? { endpoint: config.endpoints.cognitoIdp } : {}),
    clientSecret: () => readClientSecret(secrets, log),
  });
}
