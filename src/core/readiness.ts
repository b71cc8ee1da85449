// What the settings make possible, decided in one place: the status bar, the auth commands, the
// story panel and the context keys all ask these, so "configured" means one thing everywhere.
import { isConfigured } from './config';
import type { ConfigResult, StorytellerConfig } from './config';

type Usable = ConfigResult & { readonly ok: true };

/** Valid settings that name a user pool and its app client: sign-up and sign-in can work. */
export function canSignIn(settings: ConfigResult): settings is Usable {
  return settings.ok && isConfigured(settings.config);
}

/** Sign-in can work and an identity pool turns the sign-in into Bedrock credentials. */
export function canWriteStories(settings: ConfigResult): settings is Usable {
  return canSignIn(settings) && settings.config.identityPoolId !== '';
}

/** The config when sign-in can work, else undefined. */
export function signInConfig(settings: ConfigResult): StorytellerConfig | undefined {
  return canSignIn(settings) ? settings.config : undefined;
}

/** The config when stories can be written, else undefined. */
export function storyConfig(settings: ConfigResult): StorytellerConfig | undefined {
  return canWriteStories(settings) ? settings.config : undefined;
}
