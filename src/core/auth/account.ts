// How an account is shown: its label (the email, or the name a provider shared) and how the user
// signed in, for the Accounts menu and the status bar.
import * as l10n from '@vscode/l10n';
import type { Session } from './session';

/** Display names of the identity providers Cognito knows by these names. */
const PROVIDER_NAMES: Readonly<Record<string, string>> = {
  COGNITO: 'Amazon Cognito',
  LoginWithAmazon: 'Login with Amazon',
  Google: 'Google',
  Facebook: 'Facebook',
  SignInWithApple: 'Sign in with Apple',
};

export function providerName(provider: string): string {
  return PROVIDER_NAMES[provider] ?? provider;
}

/** The email; else the name the provider shared; else the user name. */
export function accountLabel(session: Pick<Session, 'email' | 'name' | 'username'>): string {
  return session.email || session.name || session.username;
}

/** "with a password", "in the browser with Google"... */
export function signedInHow(session: Pick<Session, 'method' | 'provider'>): string {
  if (session.method !== 'browser') return l10n.t('with a password in VS Code');
  if (!session.provider || session.provider === 'COGNITO')
    return l10n.t("in the browser, on Amazon Cognito's sign-in page");
  return l10n.t('in the browser, with {0}', providerName(session.provider));
}
