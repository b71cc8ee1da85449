// Browser sign-in through Cognito managed login: the authorization code grant with PKCE S256, a
// random state checked on return, a nonce checked in the ID token, and the code exchanged at
// /oauth2/token (HTTP Basic when the app client has a secret). The protocol is oauth4webapi's;
// the tokens are then verified with aws-jwt-verify like a password sign-in's, and the session has
// the same shape, so the session manager refreshes it the same way (REFRESH_TOKEN_AUTH).
import * as l10n from '@vscode/l10n';
import type * as OAuth from 'oauth4webapi' with { 'resolution-mode': 'import' };
import { notificationSafe } from '../../notificationText';
import { isLoopbackHost } from '../endpoints';
import { AuthError, toAuthError } from '../errors';
import type { Session } from '../session';
import { createTokenVerifier } from '../tokens';
import type { TokenVerifier } from '../tokens';

export interface ManagedLoginOptions {
  /** The managed login origin, e.g. `https://prefix.auth.us-east-1.amazoncognito.com` (the emulator: http on 127.0.0.1). */
  readonly domain: string;
  readonly region: string;
  readonly userPoolId: string;
  readonly clientId: string;
  /** `storyteller.endpoints.cognitoIdp`: where the emulator's signing keys are (see jwksUrl). */
  readonly endpoint?: string;
  /** Read when needed, from SecretStorage; undefined for a public client. */
  readonly clientSecret: () => Promise<string | undefined>;
}

export interface BrowserSignInRequest {
  /** One of the app client's CallbackURLs, exactly. */
  readonly redirectUri: string;
  /** `COGNITO`, `LoginWithAmazon`, `Google`...: straight to that provider's page; none shows the managed login page. */
  readonly identityProvider?: string;
  /** `login`: the sign-in form even while the browser holds a managed login session (another account). */
  readonly prompt?: 'login';
}

/** One sign-in attempt: open `authorizeUrl` in the browser, then hand `complete` the URL it came back to. */
export interface PendingBrowserSignIn {
  readonly authorizeUrl: string;
  readonly redirectUri: string;
  /**
   * True when `callback` carries this attempt's `state`. Anything else (another attempt's answer,
   * an `error=` without state, a local process or a web page calling the listener) is not this
   * sign-in's answer: the routes ignore it and keep waiting for the real one.
   */
  answers(callback: string | URL): boolean;
  /** Checks state and error, trades the code for tokens, checks the nonce, verifies the tokens. */
  complete(callback: string | URL): Promise<Session>;
}

let lib: typeof OAuth | undefined;

/**
 * oauth4webapi is an ES module only: imported, not required. esbuild bundles it into
 * dist/signin.js all the same (this file is reached only through src/bundles/signIn.ts).
 */
async function loadOAuth(): Promise<typeof OAuth> {
  lib ??= await import('oauth4webapi');
  return lib;
}

/** The scopes the template's app client allows (AllowedOAuthScopes). */
const SCOPES = 'openid email profile';

/** The provider a browser sign-in went through, from the ID token's `identities` claim. */
function providerOf(claims: Record<string, unknown>): string {
  const identities = claims.identities;
  if (Array.isArray(identities)) {
    const first = identities[0] as { providerName?: unknown } | undefined;
    if (typeof first?.providerName === 'string' && first.providerName) return first.providerName;
  }
  return 'COGNITO';
}

export class ManagedLogin {
  private readonly as: OAuth.AuthorizationServer;
  private readonly client: OAuth.Client;
  private readonly verify: TokenVerifier;
  private readonly requestOptions: { [key: symbol]: boolean };

  /** Loads the OAuth library first. */
  static async create(options: ManagedLoginOptions): Promise<ManagedLogin> {
    return new ManagedLogin(options, await loadOAuth());
  }

  private constructor(
    private readonly options: ManagedLoginOptions,
    private readonly oauth: typeof OAuth,
  ) {
    const domain = new URL(options.domain);
    // Cognito's managed login endpoints are fixed paths on the domain (its discovery document
    // says the same): no discovery round trip, and the issuer is the pool's, as in the tokens.
    this.as = {
      issuer: `https://cognito-idp.${options.region}.amazonaws.com/${options.userPoolId}`,
      authorization_endpoint: `${domain.origin}/oauth2/authorize`,
      token_endpoint: `${domain.origin}/oauth2/token`,
      revocation_endpoint: `${domain.origin}/oauth2/revoke`,
      userinfo_endpoint: `${domain.origin}/oauth2/userInfo`,
      end_session_endpoint: `${domain.origin}/logout`,
    };
    this.client = { client_id: options.clientId };
    // Plain http only to the loopback emulator (config.ts refuses it elsewhere).
    this.requestOptions =
      domain.protocol === 'http:' && isLoopbackHost(domain.hostname) ? { [oauth.allowInsecureRequests]: true } : {};
    this.verify = createTokenVerifier({
      userPoolId: options.userPoolId,
      clientId: options.clientId,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    });
  }

  async start(request: BrowserSignInRequest): Promise<PendingBrowserSignIn> {
    const { oauth } = this;
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const nonce = oauth.generateRandomNonce();
    const url = new URL(this.as.authorization_endpoint!);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('client_id', this.options.clientId);
    url.searchParams.set('redirect_uri', request.redirectUri);
    url.searchParams.set('scope', SCOPES);
    url.searchParams.set('state', state);
    url.searchParams.set('nonce', nonce);
    url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(verifier));
    url.searchParams.set('code_challenge_method', 'S256');
    if (request.identityProvider) url.searchParams.set('identity_provider', request.identityProvider);
    if (request.prompt) url.searchParams.set('prompt', request.prompt);
    let used = false;
    const answers = (callback: string | URL) => stateOf(callback) === state;
    return {
      authorizeUrl: url.toString(),
      redirectUri: request.redirectUri,
      answers,
      complete: async (callback) => {
        // Only this attempt's answer is read at all: a foreign one neither fails nor uses it up.
        if (!answers(callback)) throw stateMismatch();
        // One attempt, one answer: a second callback (a reload, a replay) is refused here.
        if (used) throw alreadyAnswered();
        used = true;
        return this.complete(new URL(callback), request.redirectUri, { state, nonce, verifier });
      },
    };
  }

  /** Revokes the refresh token (and the access tokens minted from it) at /oauth2/revoke. */
  async revoke(refreshToken: string): Promise<void> {
    const { oauth } = this;
    try {
      const response = await oauth.revocationRequest(
        this.as,
        this.client,
        await this.clientAuth(),
        refreshToken,
        this.requestOptions,
      );
      await oauth.processRevocationResponse(response);
    } catch (e) {
      throw toManagedLoginError(e, oauth);
    }
  }

  /** `/logout` for the user's browser: ends the managed login session cookie, then goes to `logoutUri`. */
  logoutUrl(logoutUri: string): string {
    const url = new URL(this.as.end_session_endpoint!);
    url.searchParams.set('client_id', this.options.clientId);
    url.searchParams.set('logout_uri', logoutUri);
    return url.toString();
  }

  private async complete(
    callback: URL,
    redirectUri: string,
    expected: { state: string; nonce: string; verifier: string },
  ): Promise<Session> {
    const { oauth } = this;
    let claims: Record<string, unknown>;
    let tokens: OAuth.TokenEndpointResponse;
    try {
      const params = oauth.validateAuthResponse(this.as, this.client, callback, expected.state);
      const response = await oauth.authorizationCodeGrantRequest(
        this.as,
        this.client,
        await this.clientAuth(),
        params,
        redirectUri,
        expected.verifier,
        this.requestOptions,
      );
      tokens = await oauth.processAuthorizationCodeResponse(this.as, this.client, response, {
        expectedNonce: expected.nonce,
        requireIdToken: true,
      });
      claims = oauth.getValidatedIdTokenClaims(tokens) as unknown as Record<string, unknown>;
    } catch (e) {
      throw toManagedLoginError(e, oauth);
    }
    if (!tokens.refresh_token || !tokens.id_token)
      throw new AuthError(l10n.t('Cognito returned incomplete tokens. Sign in again.'), 'NoTokens', 'user', 'signIn');
    const session = await this.verify({
      idToken: tokens.id_token,
      accessToken: tokens.access_token,
      refreshToken: tokens.refresh_token,
    }).catch((e: unknown) => {
      throw toAuthError(e);
    });
    return { ...session, method: 'browser', provider: providerOf(claims) };
  }

  private async clientAuth(): Promise<OAuth.ClientAuth> {
    const secret = await this.options.clientSecret();
    return secret ? this.oauth.ClientSecretBasic(secret) : this.oauth.None();
  }
}

/** The `state` a callback URL carries, or undefined (also for what is not a URL). */
function stateOf(callback: string | URL): string | undefined {
  try {
    return new URL(callback).searchParams.get('state') ?? undefined;
  } catch {
    return undefined;
  }
}

function stateMismatch(): AuthError {
  return new AuthError(
    l10n.t(
      'This answer belongs to another sign-in attempt (its state does not match), so it was refused. Start Sign In with Browser again and finish it in the tab it opens.',
    ),
    'StateMismatch',
    'user',
    'signIn',
  );
}

/**
 * An OAuth `error` code as the AuthError's code: the RFC's characters only (it reaches the log
 * and the follow-up choice), anything else is `oauth_error`.
 */
function errorCode(error: string): string {
  return /^[\w.-]{1,64}$/.test(error) ? error : 'oauth_error';
}

/** Text from a callback or an OAuth response: short, on one line, with no notification link in it. */
function outside(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return notificationSafe(line.length > 200 ? `${line.slice(0, 199)}…` : line);
}

function alreadyAnswered(): AuthError {
  return new AuthError(
    l10n.t(
      'This sign-in was already answered once, so the second answer was refused. Start Sign In with Browser again.',
    ),
    'CallbackReplayed',
    'user',
    'signIn',
  );
}

/** One sentence and the next step for each way a browser sign-in fails. */
function toManagedLoginError(e: unknown, oauth: typeof OAuth): AuthError {
  if (e instanceof AuthError) return e;
  if (e instanceof oauth.AuthorizationResponseError) {
    const description = e.error_description ?? '';
    // The stack's pre sign-up trigger refused a new account (a federated first sign-in): its sentence says why.
    const refused = /^PreSignUp failed with error (.+)$/s.exec(description);
    if (refused) return new AuthError(outside(refused[1]!), 'PreSignUpRefused', 'user');
    if (e.error === 'access_denied')
      return new AuthError(
        l10n.t('The sign-in was cancelled in the browser. Choose Sign In with Browser again when you are ready.'),
        'access_denied',
        'user',
        'signIn',
      );
    return new AuthError(
      l10n.t(
        'The sign-in page answered "{0}{1}". Try again; if it keeps happening, ask your administrator to check the app client\'s managed login settings.',
        outside(e.error),
        description ? `: ${outside(description)}` : '',
      ),
      errorCode(e.error),
      'user',
      'signIn',
    );
  }
  if (e instanceof oauth.ResponseBodyError) {
    switch (e.error) {
      case 'invalid_grant':
        return new AuthError(
          l10n.t(
            'This sign-in code was already used or has expired (codes last 5 minutes). Start Sign In with Browser again.',
          ),
          'invalid_grant',
          'user',
          'signIn',
        );
      case 'invalid_client':
        return new AuthError(
          l10n.t(
            'Cognito refused the app client\'s credentials. Run "Storyteller: Set Client Secret…" with the secret of this app client, then sign in again.',
          ),
          'invalid_client',
          'user',
          'setClientSecret',
        );
      case 'unauthorized_client':
        return new AuthError(
          l10n.t(
            'This app client does not allow browser sign-in. Ask your administrator to enable the authorization code grant, or sign in with your password.',
          ),
          'unauthorized_client',
          'user',
          'configure',
        );
      default:
        return new AuthError(
          l10n.t('Cognito refused the sign-in ({0}). Start Sign In with Browser again.', outside(e.error)),
          errorCode(e.error),
          e.status >= 500 ? 'transient' : 'user',
          'signIn',
        );
    }
  }
  if (e instanceof oauth.OperationProcessingError) {
    const cause = e.cause as { expected?: unknown; claim?: unknown } | undefined;
    if (e.code === oauth.INVALID_RESPONSE && cause && 'expected' in cause && /"state"/.test(e.message))
      return stateMismatch();
    if (cause?.claim === 'nonce')
      return new AuthError(
        l10n.t(
          'The ID token was not issued for this sign-in (its nonce does not match), so it was refused. Sign in again.',
        ),
        'NonceMismatch',
        'user',
        'signIn',
      );
  }
  return toAuthError(e);
}
