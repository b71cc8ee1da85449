// The managed login client for the settings; oauth4webapi and the token verifier load here, with
// the sign-in bundle (dist/signin.js), never at activation.
import type { HostedUi } from '../../../core/auth/browser/hostedUi';
import type { StorytellerConfig } from '../../../core/config';
import { loadSignIn } from '../../bundles';
import { clientSecretFromEnv } from '../clientSecret';
import type { AuthParts } from '../parts';
import { CLIENT_SECRET_KEY } from '../secretStore';

export function hostedUiFor({ secrets, log }: AuthParts, config: StorytellerConfig): Promise<HostedUi> {
  return loadSignIn().HostedUi.create({
    domain: config.hostedUi.domain,
    region: config.region,
    userPoolId: config.userPoolId,
    clientId: config.clientId,
    ...(config.endpoints.cognitoIdp ? { endpoint: config.endpoints.cognitoIdp } : {}),
    clientSecret: async () => {
      const secret = clientSecretFromEnv() ?? (await secrets.get(CLIENT_SECRET_KEY));
      if (secret) log.addSecret(secret);
      return secret;
    },
  });
}
