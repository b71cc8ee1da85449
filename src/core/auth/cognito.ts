// A Cognito user pool client: every flow the extension offers, as plain async functions and
// data. It adds SECRET_HASH when the app client has a secret, maps every failure to an
// AuthError, and returns verified sessions. No vscode here; the prompts live in src/vscode.
import * as l10n from '@vscode/l10n';
import {
  AssociateSoftwareTokenCommand,
  CognitoIdentityProviderClient,
  ConfirmForgotPasswordCommand,
  ConfirmSignUpCommand,
  ForgotPasswordCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  ResendConfirmationCodeCommand,
  RespondToAuthChallengeCommand,
  RevokeTokenCommand,
  SetUserMFAPreferenceCommand,
  SignUpCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type {
  AuthenticationResultType,
  InitiateAuthCommandOutput,
  RespondToAuthChallengeCommandOutput,
} from '@aws-sdk/client-cognito-identity-provider';
import { AuthError, toAuthError } from './errors';
import type { Session } from './session';
import { getFlows } from './flows/getFlows';
import { asksPassword } from './flows/flow';
import type { AuthFlow, CognitoWire, SignInStep } from './flows/flow';
import { secretHash } from './srp';
import { createTokenVerifier } from './tokens';
import type { TokenVerifier } from './tokens';
import { normalizeCode, normalizeEmail } from './validation';

export interface CognitoOptions {
  readonly region: string;
  readonly userPoolId: string;
  readonly clientId: string;
  readonly authFlow: AuthFlow;
  readonly endpoint?: string;
  /** Read when needed, from SecretStorage; undefined for a public client. */
  readonly clientSecret: () => Promise<string | undefined>;
  /** Label for the issuer in otpauth:// URIs. */
  readonly appName?: string;
}

// test/aws/auth/cognito.test.ts still imports it from here.

export interface SignUpResult {
  readonly confirmed: boolean;
  /** Where the code went, e.g. "a***@e***.com". */
  readonly destination?: string;
}

export interface TotpSetup {
  readonly secret: string;
  readonly otpauthUri: string;
  readonly verify: (code: string) => Promise<void>;
}

export class CognitoAuth {
  private readonly client: CognitoIdentityProviderClient;
  private readonly verify: TokenVerifier;
  /** What the sign-in flows may send (flows/flow.ts). */
  private readonly wire: CognitoWire;

  constructor(private readonly options: CognitoOptions) {
    this.client = new CognitoIdentityProviderClient({
      region: options.region,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      // These operations are unsigned; no AWS credentials are needed or looked up.
      credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' },
      maxAttempts: 3,
    });
    this.verify = createTokenVerifier({
      userPoolId: options.userPoolId,
      clientId: options.clientId,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    });
    this.wire = {
      userPoolId: options.userPoolId,
      initiate: async (authFlow, username, parameters) => {
        const hash = await this.secretHashParameter(username);
        return this.call(() =>
          this.client.send(
            new InitiateAuthCommand({
              ClientId: options.clientId,
              AuthFlow: authFlow,
              AuthParameters: { ...parameters, ...hash },
            }),
          ),
        );
      },
      respond: async (challenge, username, responses, session) => {
        const hash = await this.secretHashParameter(username);
        return this.call(() =>
          this.client.send(
            new RespondToAuthChallengeCommand({
              ClientId: options.clientId,
              ChallengeName: challenge,
              ChallengeResponses: { ...responses, ...hash },
              ...(session ? { Session: session } : {}),
            }),
          ),
        );
      },
      next: (out, username) => this.next(out, username),
    };
  }

  dispose(): void {
    this.client.destroy();
  }

  async signUp(email: string, password: string, name?: string): Promise<SignUpResult> {
    const username = normalizeEmail(email);
    const out = await this.call(async () =>
      this.client.send(
        new SignUpCommand({
          ClientId: this.options.clientId,
          Username: username,
          Password: password,
          UserAttributes: [
            { Name: 'email', Value: username },
            ...(name?.trim() ? [{ Name: 'name', Value: name.trim() }] : []),
          ],
          ...(await this.secretHash(username)),
        }),
      ),
    );
    return {
      confirmed: out.UserConfirmed === true,
      ...(out.CodeDeliveryDetails?.Destination ? { destination: out.CodeDeliveryDetails.Destination } : {}),
    };
  }

  async confirmSignUp(email: string, code: string): Promise<void> {
    const username = normalizeEmail(email);
    await this.call(async () =>
      this.client.send(
        new ConfirmSignUpCommand({
          ClientId: this.options.clientId,
          Username: username,
          ConfirmationCode: normalizeCode(code),
          ...(await this.secretHash(username)),
        }),
      ),
    );
  }

  async resendCode(email: string): Promise<string | undefined> {
    const username = normalizeEmail(email);
    const out = await this.call(async () =>
      this.client.send(
        new ResendConfirmationCodeCommand({
          ClientId: this.options.clientId,
          Username: username,
          ...(await this.secretHash(username)),
        }),
      ),
    );
    return out.CodeDeliveryDetails?.Destination;
  }

  async forgotPassword(email: string): Promise<string | undefined> {
    const username = normalizeEmail(email);
    const out = await this.call(async () =>
      this.client.send(
        new ForgotPasswordCommand({
          ClientId: this.options.clientId,
          Username: username,
          ...(await this.secretHash(username)),
        }),
      ),
    );
    return out.CodeDeliveryDetails?.Destination;
  }

  async confirmForgotPassword(email: string, code: string, newPassword: string): Promise<void> {
    const username = normalizeEmail(email);
    await this.call(async () =>
      this.client.send(
        new ConfirmForgotPasswordCommand({
          ClientId: this.options.clientId,
          Username: username,
          ConfirmationCode: normalizeCode(code),
          Password: newPassword,
          ...(await this.secretHash(username)),
        }),
      ),
    );
  }

  /** Starts a sign-in with the flow the settings choose (getFlows); SRP keeps the password here. */
  async signIn(email: string, password: string): Promise<SignInStep> {
    const flow = getFlows({ authFlow: this.options.authFlow, managedLogin: false }).find(asksPassword);
    if (!flow)
      throw new AuthError(
        l10n.t(
          'No sign-in flow fits "storyteller.authFlow" {0}. Choose USER_SRP_AUTH or USER_PASSWORD_AUTH.',
          this.options.authFlow,
        ),
        'NoFlow',
        'user',
        'configure',
      );
    return flow.start(this.wire, { username: normalizeEmail(email), password });
  }

  /** REFRESH_TOKEN_AUTH; the hash uses `cognito:username`, which may differ from the email. */
  async refresh(session: Session): Promise<Session> {
    const out = await this.wire.initiate('REFRESH_TOKEN_AUTH', session.username, {
      REFRESH_TOKEN: session.refreshToken,
    });
    const result = out.AuthenticationResult;
    if (!result?.IdToken || !result.AccessToken)
      throw new AuthError(
        l10n.t('Cognito returned no tokens on refresh. Sign in again.'),
        'NoTokens',
        'user',
        'signIn',
      );
    return this.verify({
      idToken: result.IdToken,
      accessToken: result.AccessToken,
      refreshToken: result.RefreshToken ?? session.refreshToken,
    });
  }

  /** Revokes the refresh token and the access tokens minted from it. */
  async revoke(session: Session): Promise<void> {
    const secret = await this.options.clientSecret();
    await this.call(() =>
      this.client.send(
        new RevokeTokenCommand({
          ClientId: this.options.clientId,
          Token: session.refreshToken,
          ...(secret ? { ClientSecret: secret } : {}),
        }),
      ),
    );
  }

  /** Signs the user out on every device: all refresh tokens are revoked. */
  async globalSignOut(session: Session): Promise<void> {
    await this.call(() => this.client.send(new GlobalSignOutCommand({ AccessToken: session.accessToken })));
  }

  /** Adds an authenticator app to a signed-in account, and prefers it for MFA. */
  async setUpTotp(session: Session): Promise<TotpSetup> {
    const out = await this.call(() =>
      this.client.send(new AssociateSoftwareTokenCommand({ AccessToken: session.accessToken })),
    );
    const secret = out.SecretCode!;
    return {
      secret,
      otpauthUri: this.otpauthUri(session.email, secret),
      verify: async (code) => {
        await this.call(() =>
          this.client.send(
            new VerifySoftwareTokenCommand({
              AccessToken: session.accessToken,
              UserCode: normalizeCode(code),
              FriendlyDeviceName: 'Bedrock Storyteller',
            }),
          ),
        );
        await this.call(() =>
          this.client.send(
            new SetUserMFAPreferenceCommand({
              AccessToken: session.accessToken,
              SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
            }),
          ),
        );
      },
    };
  }

  private otpauthUri(account: string, secret: string): string {
    const issuer = this.options.appName ?? 'Bedrock Storyteller';
    return `otpauth://totp/${encodeURIComponent(`${issuer}:${account}`)}?secret=${secret}&issuer=${encodeURIComponent(issuer)}`;
  }

  /** Turns a Cognito answer into the next step of the sign-in. */
  private async next(
    out: InitiateAuthCommandOutput | RespondToAuthChallengeCommandOutput,
    username: string,
  ): Promise<SignInStep> {
    if (out.AuthenticationResult) return { kind: 'done', session: await this.toSession(out.AuthenticationResult) };
    const challenge = out.ChallengeName;
    const user = out.ChallengeParameters?.USER_ID_FOR_SRP ?? username;
    const respond = async (name: 'NEW_PASSWORD_REQUIRED' | 'SOFTWARE_TOKEN_MFA', responses: Record<string, string>) =>
      this.next(await this.wire.respond(name, user, { USERNAME: user, ...responses }, out.Session), user);

    switch (challenge) {
      case 'NEW_PASSWORD_REQUIRED':
        return {
          kind: 'newPassword',
          respond: (newPassword) => respond('NEW_PASSWORD_REQUIRED', { NEW_PASSWORD: newPassword }),
        };
      case 'SOFTWARE_TOKEN_MFA':
        return {
          kind: 'mfaCode',
          respond: (code) => respond('SOFTWARE_TOKEN_MFA', { SOFTWARE_TOKEN_MFA_CODE: normalizeCode(code) }),
        };
      case 'MFA_SETUP':
        return this.mfaSetup(user, out.Session);
      default:
        throw new AuthError(
          `Cognito asked for a sign-in step this extension does not support (${challenge ?? 'none'}). Ask your administrator to use password or authenticator-app sign-in.`,
          'UnsupportedChallenge',
          'user',
        );
    }
  }

  /** Associates an app with the challenge session, then verifies; Cognito then answers with a new session. */
  private async mfaSetup(user: string, session: string | undefined): Promise<SignInStep> {
    const associated = await this.call(() =>
      this.client.send(new AssociateSoftwareTokenCommand({ ...(session ? { Session: session } : {}) })),
    );
    const secret = associated.SecretCode!;
    return {
      kind: 'mfaSetup',
      secret,
      otpauthUri: this.otpauthUri(user.includes('@') ? user : 'account', secret),
      respond: async (code) => {
        const verified = await this.call(() =>
          this.client.send(
            new VerifySoftwareTokenCommand({
              UserCode: normalizeCode(code),
              FriendlyDeviceName: 'Bedrock Storyteller',
              ...(associated.Session ? { Session: associated.Session } : {}),
            }),
          ),
        );
        return this.next(await this.wire.respond('MFA_SETUP', user, { USERNAME: user }, verified.Session), user);
      },
    };
  }

  private toSession(result: AuthenticationResultType): Promise<Session> {
    if (!result.IdToken || !result.AccessToken || !result.RefreshToken) {
      throw new AuthError(l10n.t('Cognito returned incomplete tokens. Sign in again.'), 'NoTokens', 'user', 'signIn');
    }
    return this.call(() =>
      this.verify({ idToken: result.IdToken!, accessToken: result.AccessToken!, refreshToken: result.RefreshToken! }),
    );
  }

  private async secretHash(username: string): Promise<{ SecretHash?: string }> {
    const secret = await this.options.clientSecret();
    return secret ? { SecretHash: secretHash(username, this.options.clientId, secret) } : {};
  }

  /** The same hash as an auth or challenge parameter, or nothing for a public client. */
  private async secretHashParameter(username: string): Promise<{ SECRET_HASH?: string }> {
    const { SecretHash } = await this.secretHash(username);
    return SecretHash ? { SECRET_HASH: SecretHash } : {};
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw toAuthError(e);
    }
  }
}
