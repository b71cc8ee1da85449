// Where credentials may go. Endpoints are https, or plain http on loopback for the emulator; a
// URL never carries a user name or password; a host outside AWS is asked about once; the JWKS
// that decides which tokens are genuine comes only from AWS's own issuer or the loopback emulator.
import * as l10n from '@vscode/l10n';
import { AuthError } from './errors';

/** The only hosts plain http may reach: the local emulator. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname.toLowerCase());
}

/** AWS's own service domains (regional, FIPS, dual-stack, China, VPC endpoints). */
export function isAwsHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host.endsWith('.amazonaws.com') || host.endsWith('.amazonaws.com.cn') || host.endsWith('.api.aws');
}

/** One sentence saying what is wrong with an endpoint URL, or undefined when it may be used. */
export function endpointProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'it is not a URL';
  }
  if (url.username !== '' || url.password !== '' || /^[a-z]+:\/\/[^/]*@/i.test(value))
    return 'a URL must not contain a user name or password';
  if (url.search !== '' || url.hash !== '' || /[?#]/.test(value)) return 'a URL must not have a query or fragment';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return undefined;
  if (url.protocol === 'http:')
    return 'plain http is allowed only for the local emulator on 127.0.0.1, localhost or [::1]';
  return 'only https URLs are allowed';
}

/**
 * The host ("name:port") that must be confirmed before anything is sent to this endpoint, or
 * undefined for an AWS or loopback host (or no endpoint: the SDK's AWS default).
 */
export function hostNeedingConsent(endpoint: string | undefined): string | undefined {
  if (!endpoint) return undefined;
  const url = new URL(endpoint);
  if (isLoopbackHost(url.hostname) || isAwsHost(url.hostname)) return undefined;
  return url.host.toLowerCase();
}

/**
 * Where the user pool's signing keys are fetched. A loopback endpoint is the emulator, which
 * signs its own tokens; any other endpoint (a VPC endpoint, or one that is not Cognito at all)
 * does not get to choose the keys: they come from AWS's issuer for the pool.
 */
export function jwksUrl(userPoolId: string, endpoint?: string): string {
  const region = userPoolId.split('_')[0]!;
  const path = `/${encodeURIComponent(userPoolId)}/.well-known/jwks.json`;
  if (endpoint) {
    const url = new URL(endpoint);
    if (isLoopbackHost(url.hostname) && endpointProblem(endpoint) === undefined) return `${url.origin}${path}`;
  }
  return `https://cognito-idp.${region}.amazonaws.com${path}`;
}

/** Remembers the hosts the user agreed to send their sign-in to (VS Code: user global state). */
export interface ConsentStore {
  get(): readonly string[];
  set(hosts: readonly string[]): Promise<void>;
}

export const CONSENT_REFUSED = 'EndpointNotConfirmed';

/**
 * Asks once per host before the first request to an endpoint outside AWS. Concurrent callers
 * for the same host share one question. `ask` resolves true only on an explicit yes.
 */
export class EndpointConsent {
  private readonly pending = new Map<string, Promise<boolean>>();

  constructor(
    private readonly store: ConsentStore,
    private readonly ask: (host: string) => Promise<boolean>,
  ) {}

  /** Records a yes the user gave elsewhere (Configure from Stack Outputs named these endpoints). */
  async grant(endpoints: readonly (string | undefined)[]): Promise<void> {
    const hosts = endpoints.map((e) => hostNeedingConsent(e)).filter((h): h is string => h !== undefined);
    const fresh = [...new Set(hosts)].filter((h) => !this.store.get().includes(h));
    if (fresh.length) await this.store.set([...this.store.get(), ...fresh]);
  }

  /** Resolves when every endpoint may be used; else throws, and nothing may be sent. */
  async approve(endpoints: readonly (string | undefined)[]): Promise<void> {
    for (const endpoint of endpoints) {
      const host = hostNeedingConsent(endpoint);
      if (!host || this.store.get().includes(host)) continue;
      let answer = this.pending.get(host);
      if (!answer) {
        answer = this.ask(host).then(
          async (yes) => {
            if (yes && !this.store.get().includes(host)) await this.store.set([...this.store.get(), host]);
            return yes;
          },
          () => false,
        );
        this.pending.set(host, answer);
        void answer.finally(() => this.pending.delete(host));
      }
      if (!(await answer)) throw consentRefused(host);
    }
  }
}

/** The error when the user did not confirm a host: a user error, never a reason to sign out. */
export function consentRefused(host: string): AuthError {
  return new AuthError(
    l10n.t(
      'Nothing was sent to {0}, because you did not confirm it. If you trust it, try again and choose "Send"; otherwise fix the endpoint in your user settings.',
      host,
    ),
    CONSENT_REFUSED,
    'user',
  );
}
