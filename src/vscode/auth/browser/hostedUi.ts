// The managed login client for the settings; oauth4webapi and the token verifier load here, with
// the sign-in bundle (dist/signin.js), never at activation.
import type { HostedUi } from '../../../core/auth/browser/hostedUi';
import type { StorytellerConfig } from '../../../core/config';
import { loadSignIn } from '../../bundles';
import type { AuthParts } from '../parts';
import { readClientSecret } from '../secretStore';

export function hostedUiFor({ secrets, log }: AuthParts, config: StorytellerConfig): Promise<HostedUi> {
  return loadSignIn().HostedUi.create({
    domain: config.hostedUi.domain,
    region: config.region,
    userPoolId: config.userPoolId,
    clientId: config.clientId,
    ...(config.endpoints.cognitoIdp ? { endpoint: config.endpoints.cognitoIdp } : {}),
    clientSecret: () => readClientSecret(secrets, log),
  });
}
