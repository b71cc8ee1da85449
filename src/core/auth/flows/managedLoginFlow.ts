// Managed login in the user's browser: the password, or a social provider's sign-in, is typed
// there and never reaches VS Code. The answer comes back by one of the routes (browser/routes.ts).
import * as l10n from '@vscode/l10n';
import type { BrowserFlow } from './flow';

export const managedLoginFlow: BrowserFlow = {
  id: 'browser',
  label: () => l10n.t('Sign In with Browser…'),
  options: { needsManagedLogin: true, asksPassword: false, sendsPassword: false },
  start: (login, request) => login.start(request),
};
