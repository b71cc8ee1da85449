// The sentences that more than one part of the core says, each spelled once. Functions, not
// constants: the translations are configured after the modules load (see useTranslations).
import * as l10n from '@vscode/l10n';

export const notSignedIn = (): string => l10n.t('You are not signed in. Sign in to write stories.');

export const notConfigured = (): string =>
  l10n.t('Storyteller is not configured yet. Run "Storyteller: Configure from Stack Outputs…" first.');

/**
 * Loads the translations VS Code picked for its display language (`vscode.l10n.bundle`, passed
 * in by the composition root); without them the English defaults stay. Each bundle
 * (dist/extension.js, dist/signin.js, dist/story.js) has its own copy of @vscode/l10n to configure.
 */
export function useTranslations(contents: l10n.l10nJsonFormat | undefined): void {
  if (contents) l10n.config({ contents });
}
