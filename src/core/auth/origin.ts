// The origin of a session: the pool, client and endpoints its tokens came from. A session is
// used only with the settings it came from; when they differ, nothing is sent anywhere and the
// user is asked to sign in again.
import * as l10n from '@vscode/l10n';

export interface SessionOrigin {
  readonly region: string;
  readonly userPoolId: string;
  readonly clientId: string;
  /** `storyteller.endpoints.cognitoIdp`; '' for AWS's own endpoint. */
  readonly cognitoIdp: string;
  readonly identityPoolId: string;
  /** `storyteller.endpoints.cognitoIdentity`; '' for AWS's own endpoint. */
  readonly cognitoIdentity: string;
}

/** Each field with its name in a message (a function: translations load after this module). */
const FIELDS: readonly [keyof SessionOrigin, () => string][] = [
  ['region', () => l10n.t('the region')],
  ['userPoolId', () => l10n.t('the user pool')],
  ['clientId', () => l10n.t('the app client')],
  ['cognitoIdp', () => l10n.t('the Cognito user pool endpoint')],
  ['identityPoolId', () => l10n.t('the identity pool')],
  ['cognitoIdentity', () => l10n.t('the Cognito identity pool endpoint')],
];

/** The settings an origin is read from: a StorytellerConfig (core/config.ts) is one. */
export interface OriginSettings {
  readonly region: string;
  readonly userPoolId: string;
  readonly clientId: string;
  readonly identityPoolId: string;
  readonly endpoints: { readonly cognitoIdp?: string; readonly cognitoIdentity?: string };
}

export function originOf(config: OriginSettings): SessionOrigin {
  return {
    region: config.region,
    userPoolId: config.userPoolId,
    clientId: config.clientId,
    cognitoIdp: config.endpoints.cognitoIdp ?? '',
    identityPoolId: config.identityPoolId,
    cognitoIdentity: config.endpoints.cognitoIdentity ?? '',
  };
}

export function sameOrigin(a: SessionOrigin, b: SessionOrigin): boolean {
  return FIELDS.every(([key]) => a[key] === b[key]);
}

/** The stored shape, checked field by field; undefined when it is not one. */
export function parseOrigin(value: unknown): SessionOrigin | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (!FIELDS.every(([key]) => typeof v[key] === 'string')) return undefined;
  return Object.fromEntries(FIELDS.map(([key]) => [key, v[key]])) as unknown as SessionOrigin;
}

/** What changed, for the message: `the user pool (us-east-1_A → us-east-1_B)`. */
export function describeChange(from: SessionOrigin, to: SessionOrigin): string {
  const show = (v: string) => (v === '' ? l10n.t('AWS default') : v);
  const changes = FIELDS.filter(([key]) => from[key] !== to[key]).map(([key, label]) =>
    l10n.t('{0} ({1} → {2})', label(), show(from[key]), show(to[key])),
  );
  if (changes.length === 0) return l10n.t('nothing');
  if (changes.length === 1) return changes[0]!;
  return l10n.t('{0} and {1}', changes.slice(0, -1).join(', '), changes[changes.length - 1]!);
}

export function originChangedMessage(from: SessionOrigin, to: SessionOrigin): string {
  return l10n.t(
    'Your sign-in settings changed since you signed in: {0}. Nothing was sent with the old session; sign in again.',
    describeChange(from, to),
  );
}

export const unboundMessage = (): string =>
  l10n.t(
    'Sign in again: this version remembers which user pool each session belongs to, and your saved session predates that.',
  );
export const notConfiguredMessage = (): string =>
  l10n.t(
    'Storyteller is not configured, so the saved session was not used. Run "Storyteller: Configure from Stack Outputs…", then sign in.',
  );
export const ORIGIN_CHANGED = 'OriginChanged';
