// Cognito pre sign-up trigger: limits sign-up to the allowed email domains, refuses sub-addresses
// (a+tag@) when asked to, refuses new Google / Amazon users when self sign-up is off (unless their
// domain is listed) and, for teams that add users themselves, confirms them without a code.
// Self-contained (node built-ins and types only) so that `sam build` can bundle it from infra/.
import type { PreSignUpTriggerEvent } from 'aws-lambda';

export interface PreSignUpConfig {
  /** Lowercased domains; empty means anyone may sign up. */
  readonly allowedDomains: readonly string[];
  readonly autoConfirm: boolean;
  /** false refuses `name+tag@domain`, so one mailbox cannot open many accounts. */
  readonly allowPlusAddressing: boolean;
  /** false (AllowSelfSignUp=false): a new external-provider user needs an allowed domain. */
  readonly allowSelfSignUp: boolean;
}

/** Parses ALLOWED_EMAIL_DOMAINS: comma-separated, forgiving about case, spaces and a leading "@". */
export function parseDomains(raw: string | undefined): string[] {
  const domains = (raw ?? '')
    .split(',')
    .map((d) => d.trim().toLowerCase().replace(/^@/, ''))
    .filter((d) => d.length > 0);
  return [...new Set(domains)];
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): PreSignUpConfig {
  return {
    allowedDomains: parseDomains(env['ALLOWED_EMAIL_DOMAINS']),
    autoConfirm: (env['AUTO_CONFIRM_USERS'] ?? '').trim().toLowerCase() === 'true',
    // Anything but an explicit "false" allows them, as before the setting existed.
    allowPlusAddressing: (env['ALLOW_PLUS_ADDRESSING'] ?? '').trim().toLowerCase() !== 'false',
    allowSelfSignUp: (env['ALLOW_SELF_SIGN_UP'] ?? '').trim().toLowerCase() !== 'false',
  };
}

/**
 * The lowercased domain of a plausible address, or undefined. Deliberately strict: exactly one
 * "@" (so `a@b@example.com` cannot pass as example.com) and no whitespace inside.
 */
export function emailDomain(email: string | undefined): string | undefined {
  const normalised = (email ?? '').trim().toLowerCase();
  if (/\s/.test(normalised)) return undefined;
  const parts = normalised.split('@');
  if (parts.length !== 2) return undefined;
  const [local, domain] = parts as [string, string];
  return local.length > 0 && domain.length > 0 ? domain : undefined;
}

/** Exact domain match: neither `evil-example.com` nor `example.com.evil.org` is example.com. */
export function isAllowedEmail(email: string | undefined, domains: readonly string[]): boolean {
  if (domains.length === 0) return true;
  const domain = emailDomain(email);
  return domain !== undefined && domains.includes(domain);
}

/** True when the address's local part carries a `+tag`. */
export function isPlusAddress(email: string | undefined): boolean {
  const normalised = (email ?? '').trim();
  const at = normalised.lastIndexOf('@');
  return at > 0 && normalised.slice(0, at).includes('+');
}

export const PLUS_ADDRESS_MESSAGE =
  'Sign-up does not accept addresses with a "+" tag (name+tag@…). Please use your address without the tag.';

/** How people know the providers Cognito names its federated users after (`Google_<sub>`). */
const PROVIDER_LABELS: Record<string, string> = {
  Google: 'Google',
  LoginWithAmazon: 'Login with Amazon',
  Facebook: 'Facebook',
  SignInWithApple: 'Sign in with Apple',
};

/** The refusal of a new external-provider user while only administrators create accounts. */
export function selfSignUpOffMessage(userName: string): string {
  const provider = userName.includes('_') ? userName.slice(0, userName.indexOf('_')) : '';
  const label = PROVIDER_LABELS[provider] ?? (provider || 'another provider');
  return `Only an administrator can create accounts here, so signing in with ${label} cannot open a new one. Please ask your administrator for an account.`;
}

const MAX_LISTED_DOMAINS = 5;

/** What the user sees (Cognito prefixes it with "PreSignUp failed with error"). */
export function rejectionMessage(domains: readonly string[]): string {
  if (domains.length > MAX_LISTED_DOMAINS) {
    return 'Sign-up is limited to email addresses of approved organisations. Please use your work email address.';
  }
  const list =
    domains.length === 1 ? domains[0] : `${domains.slice(0, -1).join(', ')} or ${domains[domains.length - 1]}`;
  return `Sign-up is limited to email addresses at ${list}. Please use an address at ${domains.length === 1 ? 'that domain' : 'one of those domains'}.`;
}

/** The trigger's whole decision, without I/O: returns the event to hand back, or throws to reject. */
export function decide(event: PreSignUpTriggerEvent, config: PreSignUpConfig): PreSignUpTriggerEvent {
  const email = event.request.userAttributes?.['email'];
  if (!isAllowedEmail(email, config.allowedDomains)) {
    throw new Error(rejectionMessage(config.allowedDomains));
  }
  // AllowAdminCreateUserOnly stops SignUp, but Cognito still creates a user at a first Google or
  // Amazon sign-in: with self sign-up off, only the domain list (checked above) may admit one.
  if (
    !config.allowSelfSignUp &&
    event.triggerSource === 'PreSignUp_ExternalProvider' &&
    config.allowedDomains.length === 0
  )
    throw new Error(selfSignUpOffMessage(event.userName));
  if (!config.allowPlusAddressing && isPlusAddress(email)) throw new Error(PLUS_ADDRESS_MESSAGE);
  // An external identity provider vouches for its own users: Cognito confirms them anyway, and
  // marking their email verified here would trust an address this pool never checked.
  if (config.autoConfirm && event.triggerSource !== 'PreSignUp_ExternalProvider') {
    event.response.autoConfirmUser = true;
    if (email !== undefined && email.trim() !== '') event.response.autoVerifyEmail = true;
  }
  return event;
}

export async function handler(event: PreSignUpTriggerEvent): Promise<PreSignUpTriggerEvent> {
  const config = readConfig();
  try {
    return decide(event, config);
  } catch (e) {
    // Log the domain, not the address: enough to debug a rejection without keeping personal data.
    console.log(
      JSON.stringify({
        rejected: event.triggerSource,
        domain: emailDomain(event.request.userAttributes?.['email']) ?? null,
      }),
    );
    throw e;
  }
}
