// Checks made before any network call, so a typo costs no round trip and no attempt counter.
// Each returns undefined when the input is fine, or a sentence that says what to fix.
import * as l10n from '@vscode/l10n';

export interface PasswordPolicy {
  readonly minimumLength: number;
  readonly requireLowercase: boolean;
  readonly requireUppercase: boolean;
  readonly requireNumbers: boolean;
  readonly requireSymbols: boolean;
}

/** The same policy as infra/template.yaml's user pool. */
export const DEFAULT_PASSWORD_POLICY: PasswordPolicy = {
  minimumLength: 10,
  requireLowercase: true,
  requireUppercase: true,
  requireNumbers: true,
  requireSymbols: true,
};

// Cognito's special characters, https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-policies.html
// A space is allowed inside a password but does not count as a symbol.
export const SYMBOLS = '^$*.[]{}()?"!@#%&/\\,><\':;|_~`=+-';

/** Cognito refuses longer passwords; refusing here saves a round trip and an attempt. */
export const MAX_PASSWORD_LENGTH = 256;

export function checkEmail(value: string): string | undefined {
  const email = value.trim();
  if (email === '') return l10n.t('Enter your email address.');
  if (email.length > 254) return l10n.t('That email address is too long.');
  if (/\s/.test(email)) return l10n.t('An email address cannot contain spaces.');
  const at = email.lastIndexOf('@');
  if (at < 1 || email.indexOf('@') !== at) return l10n.t('Enter an email address like name@example.com.');
  const domain = email.slice(at + 1);
  if (domain === '') return l10n.t('Add the domain after the @, as in {0}example.com.', email);
  if (!/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/.test(domain) || /(^|\.)-|-(\.|$)/.test(domain)) {
    return l10n.t('"{0}" is not a valid email domain. Enter an address like name@example.com.', domain);
  }
  return undefined;
}

export function checkPassword(password: string, policy: PasswordPolicy = DEFAULT_PASSWORD_POLICY): string | undefined {
  if (password === '') return l10n.t('Enter a password.');
  if (password !== password.trim()) return l10n.t('A password cannot start or end with a space.');
  if ([...password].length > MAX_PASSWORD_LENGTH) return tooLong();
  const missing: string[] = [];
  if ([...password].length < policy.minimumLength)
    missing.push(l10n.t('at least {0} characters', policy.minimumLength));
  if (policy.requireLowercase && !/[a-z]/.test(password)) missing.push(l10n.t('a lowercase letter'));
  if (policy.requireUppercase && !/[A-Z]/.test(password)) missing.push(l10n.t('an uppercase letter'));
  if (policy.requireNumbers && !/[0-9]/.test(password)) missing.push(l10n.t('a number'));
  if (policy.requireSymbols && ![...password].some((c) => SYMBOLS.includes(c)))
    missing.push(l10n.t('a symbol such as ! or #'));
  if (missing.length === 0) return undefined;
  return l10n.t('The password needs {0}.', joinList(missing));
}

/** The rules, shown before typing starts (#24): "At least 10 characters, with a lowercase letter, …". */
export function passwordRules(policy: PasswordPolicy = DEFAULT_PASSWORD_POLICY): string {
  const needs: string[] = [];
  if (policy.requireLowercase) needs.push(l10n.t('a lowercase letter'));
  if (policy.requireUppercase) needs.push(l10n.t('an uppercase letter'));
  if (policy.requireNumbers) needs.push(l10n.t('a number'));
  if (policy.requireSymbols) needs.push(l10n.t('a symbol such as ! or #'));
  return needs.length === 0
    ? l10n.t('At least {0} characters.', policy.minimumLength)
    : l10n.t('At least {0} characters, with {1}.', policy.minimumLength, joinList(needs));
}

/** The password a user signs in with is not re-checked against the policy: it may predate it. */
export function checkExistingPassword(password: string): string | undefined {
  if (password === '') return l10n.t('Enter your password.');
  if ([...password].length > MAX_PASSWORD_LENGTH) return tooLong();
  return undefined;
}

export function checkCode(value: string): string | undefined {
  const code = value.replace(/\s+/g, '');
  if (code === '') return l10n.t('Enter the 6-digit code.');
  if (!/^\d{6}$/.test(code)) return l10n.t('The code is 6 digits, like 123456.');
  return undefined;
}

/** Codes are often pasted with spaces ("123 456"); send only the digits. */
export function normalizeCode(value: string): string {
  return value.replace(/\s+/g, '');
}

export function normalizeEmail(value: string): string {
  return value.trim().toLowerCase();
}

function joinList(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return l10n.t('{0} and {1}', items.slice(0, -1).join(', '), items[items.length - 1]!);
}

const tooLong = (): string => l10n.t('A password can have at most {0} characters.', MAX_PASSWORD_LENGTH);
