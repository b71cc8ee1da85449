// The user pool's state and the rules its operations share (clients, SECRET_HASH, users,
// codes, sessions, tokens), configured from the template. Each operation file takes only the
// members it needs (a Pick of this class), so what an operation touches is in its signature.
// The token formats are in poolTokens.ts and the PreSignUp trigger's contract in preSignUp.ts.
import type {
  AuthenticationResultType,
  ChallengeNameType,
  CodeDeliveryDetailsType,
  UserType,
} from '@aws-sdk/client-cognito-identity-provider';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ClientConfig, UserPoolConfig } from '../config';
import { AwsError } from '../errors';
import type { Wire } from '../operation';
import { required } from '../operation';
import type { Outbox } from '../outbox';
import { hashPassword, numericCode, policyViolation } from '../passwords';
import { makeVerifier } from '../srp';
import type { ServerEphemeral } from '../srp';
import type { PendingCode, RefreshRecord, StateStore, User } from '../state';
import type { Claims, TokenSigner } from '../tokens';
import { issueTokens } from './poolTokens';
import { runPreSignUp } from './preSignUp';
import type { PreSignUpAnswer, PreSignUpSource } from './preSignUp';
import type { LambdaRunner } from '../triggers';

export const CODE_LIFETIME_MS = 24 * 3600 * 1000;
export const RESET_CODE_LIFETIME_MS = 3600 * 1000;
export const SESSION_LIFETIME_MS = 3 * 60 * 1000;
const MAX_CODE_ATTEMPTS = 5;
const MAX_FAILED_SIGN_INS = 5;

export const INCORRECT = 'Incorrect username or password.';

export type ChallengeName = Extract<ChallengeNameType, 'NEW_PASSWORD_REQUIRED' | 'SOFTWARE_TOKEN_MFA' | 'MFA_SETUP'>;

export interface ChallengeSession {
  challenge: ChallengeName;
  username: string;
  clientId: string;
  expires: number;
  /** MFA_SETUP: set once VerifySoftwareToken succeeded with this session. */
  totpVerified?: boolean;
}

export interface SrpSession {
  username: string | null;
  userIdForSrp: string;
  clientId: string;
  aHex: string;
  eph: ServerEphemeral;
  verifier: string;
  expires: number;
}

/** The caller of an access-token operation. */
export interface AccessCaller {
  user: User;
  claims: Claims;
}

/** The caller of an MFA operation: signed in (access token) or in MFA_SETUP (session). */
export interface MfaCaller {
  user: User;
  session: ChallengeSession | null;
}

export interface UserPoolDeps {
  config: UserPoolConfig;
  clients: ClientConfig[];
  region: string;
  state: StateStore;
  signer: TokenSigner;
  outbox: Outbox;
  triggers: Partial<Record<'PreSignUp', LambdaRunner>>;
  now: () => number;
}

export type InitiateAuthResult = Wire<{
  ChallengeName?: ChallengeNameType;
  Session?: string;
  ChallengeParameters?: Record<string, string>;
  AuthenticationResult?: AuthenticationResultType;
}>;

function mask(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  const [host = '', ...rest] = domain.split('.');
  return `${local.charAt(0)}***@${host.charAt(0)}***${rest.length ? `.${rest.join('.')}` : ''}`;
}

export function secretHash(secret: string, username: string, clientId: string): string {
  return createHmac('sha256', secret)
    .update(username + clientId)
    .digest('base64');
}

export class UserPool {
  readonly sessions = new Map<string, ChallengeSession>();
  readonly srpSessions = new Map<string, SrpSession>();
  readonly issuer: string;
  readonly poolName: string;

  constructor(private readonly d: UserPoolDeps) {
    this.issuer = `https://cognito-idp.${d.region}.amazonaws.com/${d.config.id}`;
    this.poolName = d.config.id.split('_')[1] ?? '';
  }

  get config(): UserPoolConfig {
    return this.d.config;
  }

  now(): number {
    return this.d.now();
  }

  changed(): void {
    this.d.state.changed();
  }

  get users(): Record<string, User> {
    return this.d.state.data.users;
  }

  get refreshTokens(): Record<string, RefreshRecord> {
    return this.d.state.data.refreshTokens;
  }

  get outbox(): Outbox {
    return this.d.outbox;
  }

  // ---- clients and SECRET_HASH ---------------------------------------------------------------

  client(clientId: string | undefined): ClientConfig {
    const id = required(clientId, 'ClientId');
    const client = this.d.clients.find((c) => c.id === id);
    if (!client) throw new AwsError('ResourceNotFoundException', `User pool client ${id} does not exist.`);
    return client;
  }

  checkSecretHash(client: ClientConfig, username: string | string[], given: unknown): void {
    if (!client.secret) return;
    if (typeof given !== 'string' || given === '') {
      throw new AwsError(
        'NotAuthorizedException',
        `Client ${client.id} is configured with secret but SECRET_HASH was not received`,
      );
    }
    const names = Array.isArray(username) ? username : [username];
    const ok = names.some((n) => {
      const expected = Buffer.from(secretHash(client.secret as string, n, client.id));
      const got = Buffer.from(given);
      return got.length === expected.length && timingSafeEqual(got, expected);
    });
    if (!ok) throw new AwsError('NotAuthorizedException', `Unable to verify secret hash for client ${client.id}`);
  }

  checkPool(userPoolId: string | undefined): void {
    const id = required(userPoolId, 'UserPoolId');
    if (id !== this.d.config.id) throw new AwsError('ResourceNotFoundException', `User pool ${id} does not exist.`);
  }

  // ---- users ---------------------------------------------------------------------------------

  emailIsUsername(): boolean {
    return this.d.config.usernameAttributes.includes('email');
  }

  /** Finds a user by username, or by e-mail where the pool signs in with e-mail. */
  findUser(name: string): User | undefined {
    const wanted = name.toLowerCase();
    const direct = Object.values(this.users).find((u) => u.username.toLowerCase() === wanted);
    if (direct) return direct;
    const byEmail = this.emailIsUsername() || this.d.config.aliasAttributes.includes('email');
    if (!byEmail) return undefined;
    return Object.values(this.users).find(
      (u) =>
        u.attributes.email?.toLowerCase() === wanted &&
        (this.emailIsUsername() || u.attributes.email_verified === 'true'),
    );
  }

  notFound(client: ClientConfig | null, pueError: AwsError): never {
    if (client?.preventUserExistenceErrors) throw pueError;
    throw new AwsError('UserNotFoundException', 'User does not exist.');
  }

  validateUsername(username: string): void {
    if (this.emailIsUsername() && !/^[^@\s]+@[^@\s]+$/.test(username)) {
      throw new AwsError('InvalidParameterException', 'Username should be an email.');
    }
  }

  attributesFrom(
    list: { Name?: string | undefined; Value?: string | undefined }[] | undefined,
  ): Record<string, string> {
    const out: Record<string, string> = {};
    for (const item of list ?? []) {
      const name = item.Name;
      if (!name) throw new AwsError('InvalidParameterException', 'Attribute name is required');
      if (!this.d.config.knownAttributes.includes(name)) {
        throw new AwsError(
          'InvalidParameterException',
          `Attributes did not conform to the schema: Type for attribute {${name}} could not be determined`,
        );
      }
      out[name] = item.Value ?? '';
    }
    return out;
  }

  requireAttributes(attrs: Record<string, string>): void {
    for (const name of this.d.config.requiredAttributes) {
      if (!attrs[name])
        throw new AwsError(
          'InvalidParameterException',
          `Attributes did not conform to the schema: ${name}: The attribute is required`,
        );
    }
  }

  describe(user: User): Wire<UserType> {
    return {
      Username: user.username,
      Attributes: Object.entries(user.attributes).map(([Name, Value]) => ({ Name, Value })),
      UserCreateDate: user.created / 1000,
      UserLastModifiedDate: user.modified / 1000,
      Enabled: user.enabled,
      UserStatus: user.status,
    };
  }

  // ---- passwords -----------------------------------------------------------------------------

  checkPolicy(password: string): void {
    const violation = policyViolation(password, this.d.config.passwordPolicy);
    if (violation) throw new AwsError('InvalidPasswordException', violation);
  }

  async setPassword(user: User, password: string): Promise<void> {
    user.passwordHash = await hashPassword(password);
    user.srp = makeVerifier(this.poolName, user.username, password);
    user.modified = this.d.now();
  }

  checkAttempts(user: User): void {
    if (user.failedSignIns >= MAX_FAILED_SIGN_INS)
      throw new AwsError('NotAuthorizedException', 'Password attempts exceeded');
  }

  failedSignIn(user: User): never {
    user.failedSignIns++;
    this.d.state.changed();
    throw new AwsError('NotAuthorizedException', INCORRECT);
  }

  // ---- codes ---------------------------------------------------------------------------------

  delivery(user: User): { CodeDeliveryDetails: Wire<CodeDeliveryDetailsType> } {
    return {
      CodeDeliveryDetails: {
        Destination: mask(user.attributes.email ?? ''),
        DeliveryMedium: 'EMAIL',
        AttributeName: 'email',
      },
    };
  }

  fakeDelivery(username: string): { CodeDeliveryDetails: Wire<CodeDeliveryDetailsType> } {
    return {
      CodeDeliveryDetails: {
        Destination: mask(username.includes('@') ? username : `${username}@example.com`),
        DeliveryMedium: 'EMAIL',
        AttributeName: 'email',
      },
    };
  }

  /**
   * Who a resent or reset code goes to. An unknown user gets a made-up delivery when the client
   * prevents user-existence errors, as Cognito does, and UserNotFound otherwise.
   */
  codeRecipient(input: {
    ClientId?: string | undefined;
    Username?: string | undefined;
    SecretHash?: string | undefined;
  }): { user: User } | { reply: { CodeDeliveryDetails: Wire<CodeDeliveryDetailsType> } } {
    const client = this.client(input.ClientId);
    const username = required(input.Username, 'Username');
    this.checkSecretHash(client, username, input.SecretHash);
    const user = this.findUser(username);
    if (user) return { user };
    if (client.preventUserExistenceErrors) return { reply: this.fakeDelivery(username) };
    throw new AwsError('UserNotFoundException', 'Username/client id combination not found.');
  }

  sendCode(user: User, kind: 'confirmation' | 'reset'): void {
    const code = numericCode();
    const pending = {
      code,
      expires: this.d.now() + (kind === 'reset' ? RESET_CODE_LIFETIME_MS : CODE_LIFETIME_MS),
      attempts: 0,
    };
    if (kind === 'reset') user.reset = pending;
    else user.confirmation = pending;
    this.d.outbox.send(user.attributes.email ?? user.username, kind, code, this.d.now());
  }

  checkCode(pending: PendingCode | undefined, code: string): void {
    if (!pending) throw new AwsError('CodeMismatchException', 'Invalid verification code provided, please try again.');
    if (pending.attempts >= MAX_CODE_ATTEMPTS)
      throw new AwsError('LimitExceededException', 'Attempt limit exceeded, please try after some time.');
    if (pending.code !== code) {
      pending.attempts++;
      this.d.state.changed();
      throw new AwsError('CodeMismatchException', 'Invalid verification code provided, please try again.');
    }
    if (pending.expires < this.d.now())
      throw new AwsError('ExpiredCodeException', 'Invalid code provided, please request a code again.');
  }

  // ---- triggers ------------------------------------------------------------------------------

  runPreSignUp(
    source: PreSignUpSource,
    username: string,
    clientId: string | null,
    attributes: Record<string, string>,
    validationData: Record<string, string> | null,
    clientMetadata: unknown,
  ): Promise<PreSignUpAnswer> {
    const pool = { region: this.d.region, userPoolId: this.d.config.id };
    const request = { source, username, clientId, attributes, validationData, clientMetadata };
    return runPreSignUp(this.d.triggers.PreSignUp, pool, request);
  }

  // ---- sign-in: after the password, challenges, tokens ----------------------------------------

  /**
   * The password was right: user status, then MFA, then tokens. Managed login passes `signedIn`,
   * which replaces the tokens (it hands out an authorization code instead).
   */
  afterPassword(client: ClientConfig, user: User, signedIn?: (user: User) => InitiateAuthResult): InitiateAuthResult {
    user.failedSignIns = 0;
    if (!user.enabled) throw new AwsError('NotAuthorizedException', 'User is disabled.');
    if (user.status === 'UNCONFIRMED') throw new AwsError('UserNotConfirmedException', 'User is not confirmed.');
    if (user.status === 'RESET_REQUIRED')
      throw new AwsError('PasswordResetRequiredException', 'Password reset required for the user');
    if (user.status === 'FORCE_CHANGE_PASSWORD') {
      if ((user.temporaryPasswordExpires ?? Infinity) < this.d.now()) {
        throw new AwsError(
          'NotAuthorizedException',
          'Temporary password has expired and must be reset by an administrator.',
        );
      }
      const { sub: _sub, ...visible } = user.attributes;
      return this.challenge('NEW_PASSWORD_REQUIRED', client, user, {
        USER_ID_FOR_SRP: user.username,
        requiredAttributes: '[]',
        userAttributes: JSON.stringify(visible),
      });
    }
    return this.mfaOrTokens(client, user, signedIn);
  }

  mfaOrTokens(client: ClientConfig, user: User, signedIn?: (user: User) => InitiateAuthResult): InitiateAuthResult {
    const mfa = this.d.config.mfaConfiguration;
    if (mfa !== 'OFF' && user.totpSecret && user.totpEnabled) {
      return this.challenge('SOFTWARE_TOKEN_MFA', client, user, { USER_ID_FOR_SRP: user.username });
    }
    if (mfa === 'ON' && !user.totpEnabled) {
      return this.challenge('MFA_SETUP', client, user, {
        USER_ID_FOR_SRP: user.username,
        MFAS_CAN_SETUP: '["SOFTWARE_TOKEN_MFA"]',
      });
    }
    this.d.state.changed();
    if (signedIn) return signedIn(user);
    return { ChallengeParameters: {}, AuthenticationResult: this.issueTokens(client, user, null) };
  }

  challenge(
    name: ChallengeName,
    client: ClientConfig,
    user: User,
    parameters: Record<string, string>,
  ): InitiateAuthResult {
    const session = randomBytes(96).toString('base64');
    this.sessions.set(session, {
      challenge: name,
      username: user.username,
      clientId: client.id,
      expires: this.d.now() + SESSION_LIFETIME_MS,
    });
    this.d.state.changed();
    return { ChallengeName: name, Session: session, ChallengeParameters: parameters };
  }

  /** `oauth`: managed login's scopes (kept with the refresh token) and the authorize request's nonce. */
  issueTokens(
    client: ClientConfig,
    user: User,
    existing: RefreshRecord | null,
    oauth?: { scopes: string[]; nonce?: string | undefined },
  ): Wire<AuthenticationResultType> {
    const d = this.d;
    const minter = {
      issuer: this.issuer,
      refreshTokens: this.refreshTokens,
      signer: d.signer,
      now: d.now,
      state: d.state,
    };
    return issueTokens(minter, client, user, existing, oauth);
  }

  // ---- access tokens and revocation ------------------------------------------------------------

  /** Why an ID or access token of this pool is no longer good, or null if it is. */
  tokenProblem(claims: Claims): string | null {
    const record = Object.values(this.refreshTokens).find((r) => r.originJti === claims.origin_jti);
    if (record?.revoked) return 'revoked';
    const user = this.users[String(claims['cognito:username'] ?? claims.username)];
    if (!user) return 'deleted';
    if (!user.enabled) return 'disabled';
    return null;
  }

  /** The `accessToken` authentication of operations: the signed-in user behind a token. */
  accessUser(accessToken: string | undefined): AccessCaller {
    const token = required(accessToken, 'AccessToken');
    const claims = this.d.signer.verify(token);
    if (!claims || claims.token_use !== 'access' || claims.iss !== this.issuer)
      throw new AwsError('NotAuthorizedException', 'Invalid Access Token');
    if (Number(claims.exp) * 1000 < this.d.now())
      throw new AwsError('NotAuthorizedException', 'Access Token has expired');
    const user = this.users[String(claims.username)];
    if (user && !user.enabled) throw new AwsError('NotAuthorizedException', 'User is disabled.');
    const problem = this.tokenProblem(claims);
    if (problem === 'revoked') throw new AwsError('NotAuthorizedException', 'Access Token has been revoked');
    if (!user) throw new AwsError('UserNotFoundException', 'User does not exist.');
    return { user, claims };
  }

  /** The `accessTokenOrSession` authentication: signed in, or in the MFA_SETUP challenge. */
  mfaCaller(input: { AccessToken?: string | undefined; Session?: string | undefined }): MfaCaller {
    if (input.AccessToken !== undefined) return { user: this.accessUser(input.AccessToken).user, session: null };
    const s = this.sessions.get(input.Session ?? '');
    if (!s || s.expires < this.d.now() || s.challenge !== 'MFA_SETUP')
      throw new AwsError('NotAuthorizedException', 'Invalid session for the user, session is expired.');
    const user = this.users[s.username];
    if (!user) throw new AwsError('NotAuthorizedException', 'Invalid session for the user.');
    if (!user.enabled) throw new AwsError('NotAuthorizedException', 'User is disabled.');
    return { user, session: s };
  }

  verifyToken(token: string): Claims | null {
    return this.d.signer.verify(token);
  }

  revokeAll(username: string): number {
    let n = 0;
    for (const r of Object.values(this.refreshTokens)) {
      if (r.username === username && !r.revoked) {
        r.revoked = true;
        n++;
      }
    }
    this.d.state.changed();
    return n;
  }

  /**
   * A user disabled or deleted by an administrator: their tokens are revoked and their
   * unfinished sign-ins (challenge and SRP sessions) are dropped, so none can complete.
   */
  cutOff(username: string): void {
    this.revokeAll(username);
    for (const [id, s] of this.sessions) if (s.username === username) this.sessions.delete(id);
    for (const [id, s] of this.srpSessions) if (s.username === username) this.srpSessions.delete(id);
  }

  /** The fault "revoke all refresh tokens". */
  revokeEveryRefreshToken(): number {
    let n = 0;
    for (const r of Object.values(this.refreshTokens)) {
      if (!r.revoked) n++;
      r.revoked = true;
    }
    this.d.state.changed();
    return n;
  }
}
