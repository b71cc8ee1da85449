// The Cognito user pool API (awsJson1_1, target prefix AWSCognitoIdentityProviderService),
// enforcing what the template configures: password policy, username attributes, auth flows,
// SECRET_HASH, token validity, user-existence errors, token revocation and triggers.
import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { ClientConfig, UserPoolConfig } from './config';
import { AwsError } from './errors';
import type { Outbox } from './outbox';
import { checkPassword, hashPassword, numericCode, policyViolation, temporaryPassword } from './passwords';
import { TIMESTAMP_FORMAT, checkClaim, makeVerifier, serverEphemeral, sessionKey, validClientA } from './srp';
import type { ServerEphemeral } from './srp';
import type { RefreshRecord, StateStore, User } from './state';
import type { Claims, TokenSigner } from './tokens';
import { checkTotp, newTotpSecret } from './totp';
import type { LambdaRunner } from './triggers';

type Input = Record<string, unknown>;
type Output = Record<string, unknown>;

const CODE_LIFETIME_MS = 24 * 3600 * 1000;
const RESET_CODE_LIFETIME_MS = 3600 * 1000;
const SESSION_LIFETIME_MS = 3 * 60 * 1000;
const MAX_CODE_ATTEMPTS = 5;
const MAX_FAILED_SIGN_INS = 5;

const INCORRECT = 'Incorrect username or password.';

interface ChallengeSession {
  challenge: 'NEW_PASSWORD_REQUIRED' | 'SOFTWARE_TOKEN_MFA' | 'MFA_SETUP';
  username: string;
  clientId: string;
  expires: number;
  /** MFA_SETUP: set once VerifySoftwareToken succeeded with this session. */
  totpVerified?: boolean;
}

interface SrpSession {
  username: string | null;
  userIdForSrp: string;
  clientId: string;
  aHex: string;
  eph: ServerEphemeral;
  verifier: string;
  expires: number;
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

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function required(input: Input, name: string): string {
  const v = input[name];
  if (typeof v !== 'string' || v === '') {
    throw new AwsError('InvalidParameterException', `1 validation error detected: Value at '${name.charAt(0).toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must not be null`);
  }
  return v;
}

function mask(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  const [host = '', ...rest] = domain.split('.');
  return `${local.charAt(0)}***@${host.charAt(0)}***${rest.length ? `.${rest.join('.')}` : ''}`;
}

export function secretHash(secret: string, username: string, clientId: string): string {
  return createHmac('sha256', secret).update(username + clientId).digest('base64');
}

export class UserPoolService {
  private readonly sessions = new Map<string, ChallengeSession>();
  private readonly srpSessions = new Map<string, SrpSession>();
  private readonly issuer: string;
  private readonly poolName: string;

  constructor(private readonly d: UserPoolDeps) {
    this.issuer = `https://cognito-idp.${d.region}.amazonaws.com/${d.config.id}`;
    this.poolName = d.config.id.split('_')[1] ?? '';
  }

  get providerName(): string {
    return `cognito-idp.${this.d.region}.amazonaws.com/${this.d.config.id}`;
  }

  private get users(): Record<string, User> {
    return this.d.state.data.users;
  }

  private get refreshTokens(): Record<string, RefreshRecord> {
    return this.d.state.data.refreshTokens;
  }

  async handle(operation: string, input: Input): Promise<Output> {
    switch (operation) {
      case 'SignUp': return this.signUp(input);
      case 'ConfirmSignUp': return this.confirmSignUp(input);
      case 'ResendConfirmationCode': return this.resendConfirmationCode(input);
      case 'InitiateAuth': return this.initiateAuth(input);
      case 'RespondToAuthChallenge': return this.respondToAuthChallenge(input);
      case 'GetUser': return this.getUser(input);
      case 'GlobalSignOut': return this.globalSignOut(input);
      case 'RevokeToken': return this.revokeToken(input);
      case 'DeleteUser': return this.deleteUser(input);
      case 'ChangePassword': return this.changePassword(input);
      case 'ForgotPassword': return this.forgotPassword(input);
      case 'ConfirmForgotPassword': return this.confirmForgotPassword(input);
      case 'AssociateSoftwareToken': return this.associateSoftwareToken(input);
      case 'VerifySoftwareToken': return this.verifySoftwareToken(input);
      case 'SetUserMFAPreference': return this.setUserMfaPreference(input);
      case 'AdminCreateUser': return this.adminCreateUser(input);
      case 'AdminConfirmSignUp': return this.adminConfirmSignUp(input);
      default:
        throw new AwsError('UnknownOperationException', `Operation ${operation} is not supported by the local emulator`);
    }
  }

  // ---- helpers ---------------------------------------------------------------------------

  private client(input: Input): ClientConfig {
    const id = required(input, 'ClientId');
    const client = this.d.clients.find((c) => c.id === id);
    if (!client) throw new AwsError('ResourceNotFoundException', `User pool client ${id} does not exist.`);
    return client;
  }

  private checkSecretHash(client: ClientConfig, username: string | string[], given: unknown): void {
    if (!client.secret) return;
    if (typeof given !== 'string' || given === '') {
      throw new AwsError('NotAuthorizedException', `Client ${client.id} is configured with secret but SECRET_HASH was not received`);
    }
    const names = Array.isArray(username) ? username : [username];
    const ok = names.some((n) => {
      const expected = Buffer.from(secretHash(client.secret as string, n, client.id));
      const got = Buffer.from(given);
      return got.length === expected.length && timingSafeEqual(got, expected);
    });
    if (!ok) throw new AwsError('NotAuthorizedException', `Unable to verify secret hash for client ${client.id}`);
  }

  private emailIsUsername(): boolean {
    return this.d.config.usernameAttributes.includes('email');
  }

  /** Finds a user by username, or by e-mail where the pool signs in with e-mail. */
  private findUser(name: string): User | undefined {
    const wanted = name.toLowerCase();
    const direct = Object.values(this.users).find((u) => u.username.toLowerCase() === wanted);
    if (direct) return direct;
    const byEmail = this.emailIsUsername() || this.d.config.aliasAttributes.includes('email');
    if (!byEmail) return undefined;
    return Object.values(this.users).find(
      (u) => u.attributes.email?.toLowerCase() === wanted && (this.emailIsUsername() || u.attributes.email_verified === 'true'),
    );
  }

  private notFound(client: ClientConfig | null, pueError: AwsError): never {
    if (client?.preventUserExistenceErrors) throw pueError;
    throw new AwsError('UserNotFoundException', 'User does not exist.');
  }

  private checkPolicy(password: string): void {
    const violation = policyViolation(password, this.d.config.passwordPolicy);
    if (violation) throw new AwsError('InvalidPasswordException', violation);
  }

  private async setPassword(user: User, password: string): Promise<void> {
    user.passwordHash = await hashPassword(password);
    user.srp = makeVerifier(this.poolName, user.username, password);
    user.modified = this.d.now();
  }

  private attributesFrom(list: unknown): Record<string, string> {
    const out: Record<string, string> = {};
    if (list === undefined) return out;
    if (!Array.isArray(list)) throw new AwsError('InvalidParameterException', 'UserAttributes must be a list');
    for (const item of list as { Name?: unknown; Value?: unknown }[]) {
      const name = str(item.Name);
      if (!name) throw new AwsError('InvalidParameterException', 'Attribute name is required');
      if (!this.d.config.knownAttributes.includes(name)) {
        throw new AwsError('InvalidParameterException', `Attributes did not conform to the schema: Type for attribute {${name}} could not be determined`);
      }
      out[name] = str(item.Value) ?? '';
    }
    return out;
  }

  private delivery(user: User): Output {
    return { CodeDeliveryDetails: { Destination: mask(user.attributes.email ?? ''), DeliveryMedium: 'EMAIL', AttributeName: 'email' } };
  }

  /**
   * Who a resent or reset code goes to. An unknown user gets a made-up delivery when the client
   * prevents user-existence errors, as Cognito does, and UserNotFound otherwise.
   */
  private codeRecipient(input: Input): { user: User } | { reply: Output } {
    const client = this.client(input);
    const username = required(input, 'Username');
    this.checkSecretHash(client, username, input.SecretHash);
    const user = this.findUser(username);
    if (user) return { user };
    if (client.preventUserExistenceErrors) return { reply: this.fakeDelivery(username) };
    throw new AwsError('UserNotFoundException', 'Username/client id combination not found.');
  }

  private fakeDelivery(username: string): Output {
    return { CodeDeliveryDetails: { Destination: mask(username.includes('@') ? username : `${username}@example.com`), DeliveryMedium: 'EMAIL', AttributeName: 'email' } };
  }

  private sendCode(user: User, kind: 'confirmation' | 'reset'): void {
    const code = numericCode();
    const pending = { code, expires: this.d.now() + (kind === 'reset' ? RESET_CODE_LIFETIME_MS : CODE_LIFETIME_MS), attempts: 0 };
    if (kind === 'reset') user.reset = pending;
    else user.confirmation = pending;
    this.d.outbox.send(user.attributes.email ?? user.username, kind, code, this.d.now());
  }

  private checkCode(pending: User['confirmation'], code: string): void {
    if (!pending) throw new AwsError('CodeMismatchException', 'Invalid verification code provided, please try again.');
    if (pending.attempts >= MAX_CODE_ATTEMPTS) throw new AwsError('LimitExceededException', 'Attempt limit exceeded, please try after some time.');
    if (pending.code !== code) {
      pending.attempts++;
      this.d.state.changed();
      throw new AwsError('CodeMismatchException', 'Invalid verification code provided, please try again.');
    }
    if (pending.expires < this.d.now()) throw new AwsError('ExpiredCodeException', 'Invalid code provided, please request a code again.');
  }

  private async runPreSignUp(source: 'PreSignUp_SignUp' | 'PreSignUp_AdminCreateUser', username: string, clientId: string | null,
    attributes: Record<string, string>, validationData: Record<string, string> | null, clientMetadata: unknown): Promise<{ autoConfirmUser: boolean; autoVerifyEmail: boolean }> {
    const runner = this.d.triggers.PreSignUp;
    if (!runner) return { autoConfirmUser: false, autoVerifyEmail: false };
    const event = {
      version: '1',
      region: this.d.region,
      userPoolId: this.d.config.id,
      userName: username,
      callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: clientId ?? 'CLIENT_ID_NOT_APPLICABLE' },
      triggerSource: source,
      request: { userAttributes: attributes, validationData, ...(clientMetadata ? { clientMetadata } : {}) },
      response: { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false },
    };
    let result: unknown;
    try {
      result = await runner.invoke(event);
    } catch (err) {
      throw new AwsError('UserLambdaValidationException', `PreSignUp failed with error ${(err as Error).message}.`);
    }
    const response = ((result ?? event) as { response?: { autoConfirmUser?: unknown; autoVerifyEmail?: unknown } }).response ?? {};
    return { autoConfirmUser: response.autoConfirmUser === true, autoVerifyEmail: response.autoVerifyEmail === true };
  }

  private validateUsername(username: string): void {
    if (this.emailIsUsername() && !/^[^@\s]+@[^@\s]+$/.test(username)) {
      throw new AwsError('InvalidParameterException', 'Username should be an email.');
    }
  }

  private requireAttributes(attrs: Record<string, string>): void {
    for (const name of this.d.config.requiredAttributes) {
      if (!attrs[name]) throw new AwsError('InvalidParameterException', `Attributes did not conform to the schema: ${name}: The attribute is required`);
    }
  }

  // ---- sign-up -----------------------------------------------------------------------------

  private async signUp(input: Input): Promise<Output> {
    const client = this.client(input);
    const username = required(input, 'Username');
    const password = required(input, 'Password');
    this.checkSecretHash(client, username, input.SecretHash);
    if (this.d.config.adminCreateUserOnly) throw new AwsError('NotAuthorizedException', 'SignUp is not permitted for this user pool');
    this.validateUsername(username);
    const attributes = this.attributesFrom(input.UserAttributes);
    if (this.emailIsUsername()) attributes.email = username;
    this.requireAttributes(attributes);
    this.checkPolicy(password);
    if (this.findUser(username) || (attributes.email && this.emailIsUsername() && this.findUser(attributes.email))) {
      throw new AwsError('UsernameExistsException', this.emailIsUsername() ? 'An account with the given email already exists.' : 'User already exists');
    }
    const sub = randomUUID();
    const internalName = this.emailIsUsername() ? sub : username;
    const validation: Record<string, string> = {};
    for (const v of (Array.isArray(input.ValidationData) ? input.ValidationData : []) as { Name?: string; Value?: string }[]) {
      if (v.Name) validation[v.Name] = v.Value ?? '';
    }
    const trig = await this.runPreSignUp('PreSignUp_SignUp', internalName, client.id, { ...attributes }, Object.keys(validation).length ? validation : null, input.ClientMetadata);
    const user: User = {
      username: internalName,
      attributes: { ...attributes, sub, ...(attributes.email ? { email_verified: trig.autoVerifyEmail ? 'true' : 'false' } : {}) },
      status: trig.autoConfirmUser ? 'CONFIRMED' : 'UNCONFIRMED',
      enabled: true,
      passwordHash: '',
      srp: { salt: '', verifier: '' },
      created: this.d.now(),
      modified: this.d.now(),
      totpEnabled: false,
      failedSignIns: 0,
    };
    await this.setPassword(user, password);
    if (this.findUser(username)) throw new AwsError('UsernameExistsException', 'An account with the given email already exists.');
    this.users[internalName] = user;
    if (!trig.autoConfirmUser) this.sendCode(user, 'confirmation');
    this.d.state.changed();
    return { UserConfirmed: trig.autoConfirmUser, UserSub: sub, ...(trig.autoConfirmUser ? {} : this.delivery(user)) };
  }

  private async confirmSignUp(input: Input): Promise<Output> {
    const client = this.client(input);
    const username = required(input, 'Username');
    const code = required(input, 'ConfirmationCode');
    this.checkSecretHash(client, username, input.SecretHash);
    const user = this.findUser(username);
    if (!user) this.notFound(client, new AwsError('CodeMismatchException', 'Invalid verification code provided, please try again.'));
    if (user.status !== 'UNCONFIRMED') throw new AwsError('NotAuthorizedException', `User cannot be confirmed. Current status is ${user.status}`);
    this.checkCode(user.confirmation, code);
    user.status = 'CONFIRMED';
    delete user.confirmation;
    if (user.attributes.email && this.d.config.autoVerifiedAttributes.includes('email')) user.attributes.email_verified = 'true';
    user.modified = this.d.now();
    this.d.state.changed();
    return {};
  }

  private async resendConfirmationCode(input: Input): Promise<Output> {
    const recipient = this.codeRecipient(input);
    if ('reply' in recipient) return recipient.reply;
    const { user } = recipient;
    if (user.status !== 'UNCONFIRMED') throw new AwsError('InvalidParameterException', 'User is already confirmed.');
    this.sendCode(user, 'confirmation');
    this.d.state.changed();
    return this.delivery(user);
  }

  // ---- sign-in -----------------------------------------------------------------------------

  private async initiateAuth(input: Input): Promise<Output> {
    const client = this.client(input);
    const flow = required(input, 'AuthFlow');
    const params = (input.AuthParameters ?? {}) as Record<string, string>;
    const allowed: Record<string, string> = {
      USER_PASSWORD_AUTH: 'ALLOW_USER_PASSWORD_AUTH',
      USER_SRP_AUTH: 'ALLOW_USER_SRP_AUTH',
      REFRESH_TOKEN_AUTH: 'ALLOW_REFRESH_TOKEN_AUTH',
      REFRESH_TOKEN: 'ALLOW_REFRESH_TOKEN_AUTH',
      CUSTOM_AUTH: 'ALLOW_CUSTOM_AUTH',
    };
    const needed = allowed[flow];
    if (!needed) throw new AwsError('InvalidParameterException', `Initiate Auth method not supported.`);
    if (!client.explicitAuthFlows.includes(needed)) throw new AwsError('InvalidParameterException', `${flow} flow not enabled for this client`);
    switch (flow) {
      case 'USER_PASSWORD_AUTH': return this.passwordAuth(client, params);
      case 'USER_SRP_AUTH': return this.srpStart(client, params);
      case 'REFRESH_TOKEN_AUTH':
      case 'REFRESH_TOKEN': return this.refreshAuth(client, params);
      default: throw new AwsError('InvalidParameterException', `${flow} is not supported by the local emulator (no custom auth triggers).`);
    }
  }

  private async passwordAuth(client: ClientConfig, params: Record<string, string>): Promise<Output> {
    const username = params.USERNAME;
    const password = params.PASSWORD;
    if (!username) throw new AwsError('InvalidParameterException', 'Missing required parameter USERNAME');
    if (!password) throw new AwsError('InvalidParameterException', 'Missing required parameter PASSWORD');
    this.checkSecretHash(client, username, params.SECRET_HASH);
    const user = this.findUser(username);
    if (!user) this.notFound(client, new AwsError('NotAuthorizedException', INCORRECT));
    this.checkAttempts(user);
    if (!(await checkPassword(password, user.passwordHash))) return this.failedSignIn(user);
    return this.afterPassword(client, user);
  }

  private checkAttempts(user: User): void {
    if (user.failedSignIns >= MAX_FAILED_SIGN_INS) throw new AwsError('NotAuthorizedException', 'Password attempts exceeded');
  }

  private failedSignIn(user: User): never {
    user.failedSignIns++;
    this.d.state.changed();
    throw new AwsError('NotAuthorizedException', INCORRECT);
  }

  /** The password was right: user status, then MFA, then tokens. */
  private afterPassword(client: ClientConfig, user: User): Output {
    user.failedSignIns = 0;
    if (!user.enabled) throw new AwsError('NotAuthorizedException', 'User is disabled.');
    if (user.status === 'UNCONFIRMED') throw new AwsError('UserNotConfirmedException', 'User is not confirmed.');
    if (user.status === 'RESET_REQUIRED') throw new AwsError('PasswordResetRequiredException', 'Password reset required for the user');
    if (user.status === 'FORCE_CHANGE_PASSWORD') {
      if ((user.temporaryPasswordExpires ?? Infinity) < this.d.now()) {
        throw new AwsError('NotAuthorizedException', 'Temporary password has expired and must be reset by an administrator.');
      }
      const { sub: _sub, ...visible } = user.attributes;
      return this.challenge('NEW_PASSWORD_REQUIRED', client, user, {
        USER_ID_FOR_SRP: user.username,
        requiredAttributes: '[]',
        userAttributes: JSON.stringify(visible),
      });
    }
    return this.mfaOrTokens(client, user);
  }

  private mfaOrTokens(client: ClientConfig, user: User): Output {
    const mfa = this.d.config.mfaConfiguration;
    if (mfa !== 'OFF' && user.totpSecret && user.totpEnabled) {
      return this.challenge('SOFTWARE_TOKEN_MFA', client, user, { USER_ID_FOR_SRP: user.username });
    }
    if (mfa === 'ON' && !user.totpEnabled) {
      return this.challenge('MFA_SETUP', client, user, { USER_ID_FOR_SRP: user.username, MFAS_CAN_SETUP: '["SOFTWARE_TOKEN_MFA"]' });
    }
    this.d.state.changed();
    return { ChallengeParameters: {}, AuthenticationResult: this.issueTokens(client, user, null) };
  }

  private challenge(name: ChallengeSession['challenge'], client: ClientConfig, user: User, parameters: Record<string, string>): Output {
    const session = randomBytes(96).toString('base64');
    this.sessions.set(session, { challenge: name, username: user.username, clientId: client.id, expires: this.d.now() + SESSION_LIFETIME_MS });
    this.d.state.changed();
    return { ChallengeName: name, Session: session, ChallengeParameters: parameters };
  }

  private srpStart(client: ClientConfig, params: Record<string, string>): Output {
    const username = params.USERNAME;
    const aHex = params.SRP_A;
    if (!username) throw new AwsError('InvalidParameterException', 'Missing required parameter USERNAME');
    if (!aHex) throw new AwsError('InvalidParameterException', 'Missing required parameter SRP_A');
    this.checkSecretHash(client, username, params.SECRET_HASH);
    if (!validClientA(aHex)) throw new AwsError('InvalidParameterException', 'SRP_A is not a valid value');
    const user = this.findUser(username);
    let verifier: string;
    let salt: string;
    if (user) {
      ({ verifier, salt } = user.srp);
    } else {
      if (!client.preventUserExistenceErrors) throw new AwsError('UserNotFoundException', 'User does not exist.');
      // A stable decoy, so probing cannot tell a missing user from a wrong password.
      const seed = createHash('sha256').update(`${this.d.config.id}/${username.toLowerCase()}`).digest('hex');
      salt = seed.slice(0, 32);
      verifier = seed + seed;
    }
    const eph = serverEphemeral(verifier);
    const secretBlock = randomBytes(64).toString('base64');
    const userIdForSrp = user?.username ?? username;
    this.srpSessions.set(secretBlock, { username: user?.username ?? null, userIdForSrp, clientId: client.id, aHex, eph, verifier, expires: this.d.now() + SESSION_LIFETIME_MS });
    return {
      ChallengeName: 'PASSWORD_VERIFIER',
      ChallengeParameters: {
        SALT: salt,
        SECRET_BLOCK: secretBlock,
        SRP_B: eph.B.toString(16),
        USERNAME: userIdForSrp,
        USER_ID_FOR_SRP: userIdForSrp,
      },
    };
  }

  private async passwordVerifier(client: ClientConfig, responses: Record<string, string>): Promise<Output> {
    const secretBlock = responses.PASSWORD_CLAIM_SECRET_BLOCK ?? '';
    const signature = responses.PASSWORD_CLAIM_SIGNATURE ?? '';
    const timestamp = responses.TIMESTAMP ?? '';
    const username = responses.USERNAME ?? '';
    if (!secretBlock || !signature) throw new AwsError('InvalidParameterException', 'Missing required parameter PASSWORD_CLAIM_SECRET_BLOCK or PASSWORD_CLAIM_SIGNATURE');
    if (!TIMESTAMP_FORMAT.test(timestamp)) throw new AwsError('InvalidParameterException', 'TIMESTAMP format is invalid.');
    this.checkSecretHash(client, username, responses.SECRET_HASH);
    const s = this.srpSessions.get(secretBlock);
    if (!s || s.clientId !== client.id || s.expires < this.d.now()) throw new AwsError('NotAuthorizedException', 'Invalid session for the user, session is expired.');
    this.srpSessions.delete(secretBlock);
    const user = s.username ? this.users[s.username] : undefined;
    if (!user) throw new AwsError('NotAuthorizedException', INCORRECT);
    this.checkAttempts(user);
    const key = sessionKey(s.aHex, s.eph, s.verifier);
    if (!checkClaim(key, this.poolName, s.userIdForSrp, secretBlock, timestamp, signature)) return this.failedSignIn(user);
    return this.afterPassword(client, user);
  }

  private takeSession(input: Input, client: ClientConfig, challenge: ChallengeSession['challenge']): ChallengeSession {
    const token = str(input.Session) ?? '';
    const s = this.sessions.get(token);
    if (!s || s.expires < this.d.now() || s.clientId !== client.id) {
      throw new AwsError('NotAuthorizedException', 'Invalid session for the user, session is expired.');
    }
    if (s.challenge !== challenge) throw new AwsError('InvalidParameterException', `Invalid challenge response for ${challenge}`);
    return s;
  }

  private async respondToAuthChallenge(input: Input): Promise<Output> {
    const client = this.client(input);
    const name = required(input, 'ChallengeName');
    const responses = (input.ChallengeResponses ?? {}) as Record<string, string>;
    if (name === 'PASSWORD_VERIFIER') return this.passwordVerifier(client, responses);
    const session = this.takeSession(input, client, name as ChallengeSession['challenge']);
    const user = this.users[session.username];
    if (!user) throw new AwsError('NotAuthorizedException', INCORRECT);
    this.checkSecretHash(client, [responses.USERNAME ?? '', user.username], responses.SECRET_HASH);
    const done = (): void => {
      this.sessions.delete(str(input.Session) ?? '');
    };
    switch (name) {
      case 'NEW_PASSWORD_REQUIRED': {
        const password = responses.NEW_PASSWORD;
        if (!password) throw new AwsError('InvalidParameterException', 'Missing required parameter NEW_PASSWORD');
        this.checkPolicy(password);
        for (const [k, v] of Object.entries(responses)) {
          if (k.startsWith('userAttributes.')) user.attributes[k.slice('userAttributes.'.length)] = v;
        }
        await this.setPassword(user, password);
        user.status = 'CONFIRMED';
        delete user.temporaryPasswordExpires;
        done();
        return this.mfaOrTokens(client, user);
      }
      case 'SOFTWARE_TOKEN_MFA': {
        const code = responses.SOFTWARE_TOKEN_MFA_CODE ?? '';
        if (!user.totpSecret || !checkTotp(user.totpSecret, code, this.d.now())) {
          throw new AwsError('CodeMismatchException', 'Invalid code received for user');
        }
        done();
        this.d.state.changed();
        return { ChallengeParameters: {}, AuthenticationResult: this.issueTokens(client, user, null) };
      }
      case 'MFA_SETUP': {
        if (!session.totpVerified) throw new AwsError('InvalidParameterException', 'Software token has not been verified with this session. Call VerifySoftwareToken first.');
        done();
        return { ChallengeParameters: {}, AuthenticationResult: this.issueTokens(client, user, null) };
      }
      default:
        throw new AwsError('InvalidParameterException', `Challenge ${name} is not supported`);
    }
  }

  // ---- tokens ------------------------------------------------------------------------------

  private issueTokens(client: ClientConfig, user: User, existing: RefreshRecord | null): Output {
    const now = Math.floor(this.d.now() / 1000);
    let record = existing;
    if (!record) {
      const token = `eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ.${randomBytes(192).toString('base64url')}.${randomBytes(12).toString('base64url')}.${randomBytes(360).toString('base64url')}.${randomBytes(16).toString('base64url')}`;
      record = { token, username: user.username, clientId: client.id, originJti: randomUUID(), authTime: now, expires: (now + client.refreshTokenSeconds) * 1000, revoked: false };
      this.refreshTokens[token] = record;
    }
    const eventId = randomUUID();
    const common = { sub: user.attributes.sub, iss: this.issuer, origin_jti: record.originJti, event_id: eventId, auth_time: record.authTime, iat: now };
    const idClaims: Claims = { ...common, aud: client.id, 'cognito:username': user.username, token_use: 'id', exp: now + client.idTokenSeconds, jti: randomUUID() };
    for (const [k, v] of Object.entries(user.attributes)) {
      if (k === 'sub') continue;
      idClaims[k] = k.endsWith('_verified') ? v === 'true' : v;
    }
    const accessClaims: Claims = {
      ...common,
      client_id: client.id,
      token_use: 'access',
      scope: 'aws.cognito.signin.user.admin',
      exp: now + client.accessTokenSeconds,
      jti: randomUUID(),
      username: user.username,
    };
    this.d.state.changed();
    return {
      AccessToken: this.d.signer.sign(accessClaims),
      ExpiresIn: client.accessTokenSeconds,
      TokenType: 'Bearer',
      ...(existing ? {} : { RefreshToken: record.token }),
      IdToken: this.d.signer.sign(idClaims),
    };
  }

  private refreshAuth(client: ClientConfig, params: Record<string, string>): Output {
    const token = params.REFRESH_TOKEN;
    if (!token) throw new AwsError('InvalidParameterException', 'Missing required parameter REFRESH_TOKEN');
    const record = this.refreshTokens[token];
    const user = record ? this.users[record.username] : undefined;
    // The hash names the user as Cognito knows them (cognito:username), or as the caller typed it.
    const names = [user?.username ?? '', ...(params.USERNAME ? [params.USERNAME] : [])];
    this.checkSecretHash(client, names, params.SECRET_HASH);
    if (!record || record.clientId !== client.id) throw new AwsError('NotAuthorizedException', 'Invalid Refresh Token');
    if (record.revoked) throw new AwsError('NotAuthorizedException', 'Refresh Token has been revoked');
    if (record.expires < this.d.now()) throw new AwsError('NotAuthorizedException', 'Refresh Token has expired');
    if (!user || !user.enabled) throw new AwsError('NotAuthorizedException', user ? 'User is disabled.' : 'Refresh Token has been revoked');
    return { ChallengeParameters: {}, AuthenticationResult: this.issueTokens(client, user, record) };
  }

  /** Why an ID or access token of this pool is no longer good, or null if it is. */
  tokenProblem(claims: Claims): string | null {
    const record = Object.values(this.refreshTokens).find((r) => r.originJti === claims.origin_jti);
    if (record?.revoked) return 'revoked';
    if (!this.users[String(claims['cognito:username'] ?? claims.username)]) return 'deleted';
    return null;
  }

  private accessUser(input: Input): { user: User; claims: Claims } {
    const token = required(input, 'AccessToken');
    const claims = this.d.signer.verify(token);
    if (!claims || claims.token_use !== 'access' || claims.iss !== this.issuer) throw new AwsError('NotAuthorizedException', 'Invalid Access Token');
    if (Number(claims.exp) * 1000 < this.d.now()) throw new AwsError('NotAuthorizedException', 'Access Token has expired');
    const problem = this.tokenProblem(claims);
    if (problem === 'revoked') throw new AwsError('NotAuthorizedException', 'Access Token has been revoked');
    const user = this.users[String(claims.username)];
    if (!user) throw new AwsError('UserNotFoundException', 'User does not exist.');
    return { user, claims };
  }

  private getUser(input: Input): Output {
    const { user } = this.accessUser(input);
    return {
      Username: user.username,
      UserAttributes: Object.entries(user.attributes).map(([Name, Value]) => ({ Name, Value })),
      ...(user.totpEnabled ? { PreferredMfaSetting: 'SOFTWARE_TOKEN_MFA', UserMFASettingList: ['SOFTWARE_TOKEN_MFA'] } : {}),
    };
  }

  private revokeAll(username: string): number {
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

  private globalSignOut(input: Input): Output {
    const { user } = this.accessUser(input);
    this.revokeAll(user.username);
    return {};
  }

  private revokeToken(input: Input): Output {
    const token = required(input, 'Token');
    const client = this.client(input);
    if (client.secret) {
      const given = str(input.ClientSecret);
      if (!given) throw new AwsError('NotAuthorizedException', `Client ${client.id} is configured with secret but ClientSecret was not received`);
      if (given !== client.secret) throw new AwsError('NotAuthorizedException', `Unable to verify secret for client ${client.id}`);
    }
    if (!client.enableTokenRevocation) throw new AwsError('UnsupportedOperationException', 'Token revocation is not enabled for this app client');
    if (this.d.signer.verify(token)) throw new AwsError('UnsupportedTokenTypeException', 'Only refresh tokens can be revoked');
    const record = this.refreshTokens[token];
    if (record) {
      if (record.clientId !== client.id) throw new AwsError('UnauthorizedException', 'The token was not issued to this client');
      record.revoked = true;
      this.d.state.changed();
    }
    return {};
  }

  private deleteUser(input: Input): Output {
    const { user } = this.accessUser(input);
    this.revokeAll(user.username);
    delete this.users[user.username];
    this.d.state.changed();
    return {};
  }

  // ---- passwords ---------------------------------------------------------------------------

  private async changePassword(input: Input): Promise<Output> {
    const { user } = this.accessUser(input);
    const previous = required(input, 'PreviousPassword');
    const proposed = required(input, 'ProposedPassword');
    this.checkAttempts(user);
    if (!(await checkPassword(previous, user.passwordHash))) return this.failedSignIn(user);
    this.checkPolicy(proposed);
    await this.setPassword(user, proposed);
    this.d.state.changed();
    return {};
  }

  private forgotPassword(input: Input): Output {
    const recipient = this.codeRecipient(input);
    if ('reply' in recipient) return recipient.reply;
    const { user } = recipient;
    if (!user.attributes.email || (user.attributes.email_verified !== 'true' && user.status !== 'UNCONFIRMED')) {
      throw new AwsError('InvalidParameterException', 'Cannot reset password for the user as there is no registered/verified email or phone_number');
    }
    this.sendCode(user, 'reset');
    this.d.state.changed();
    return this.delivery(user);
  }

  private async confirmForgotPassword(input: Input): Promise<Output> {
    const client = this.client(input);
    const username = required(input, 'Username');
    const code = required(input, 'ConfirmationCode');
    const password = required(input, 'Password');
    this.checkSecretHash(client, username, input.SecretHash);
    const user = this.findUser(username);
    if (!user) this.notFound(client, new AwsError('CodeMismatchException', 'Invalid verification code provided, please try again.'));
    this.checkCode(user.reset, code);
    this.checkPolicy(password);
    await this.setPassword(user, password);
    delete user.reset;
    user.failedSignIns = 0;
    if (user.status === 'RESET_REQUIRED' || user.status === 'FORCE_CHANGE_PASSWORD') user.status = 'CONFIRMED';
    this.d.state.changed();
    return {};
  }

  // ---- MFA ---------------------------------------------------------------------------------

  /** MFA calls take either an access token (signed in) or a session (during MFA_SETUP). */
  private mfaSubject(input: Input): { user: User; session: ChallengeSession | null } {
    if (input.AccessToken !== undefined) return { user: this.accessUser(input).user, session: null };
    const s = this.sessions.get(str(input.Session) ?? '');
    if (!s || s.expires < this.d.now() || s.challenge !== 'MFA_SETUP') throw new AwsError('NotAuthorizedException', 'Invalid session for the user, session is expired.');
    const user = this.users[s.username];
    if (!user) throw new AwsError('NotAuthorizedException', 'Invalid session for the user.');
    return { user, session: s };
  }

  private associateSoftwareToken(input: Input): Output {
    const { user, session } = this.mfaSubject(input);
    if (this.d.config.mfaConfiguration === 'OFF') throw new AwsError('SoftwareTokenMFANotFoundException', 'Software Token MFA is not enabled for the user pool');
    user.pendingTotpSecret = newTotpSecret();
    this.d.state.changed();
    return { SecretCode: user.pendingTotpSecret, ...(session ? { Session: str(input.Session) } : {}) };
  }

  private verifySoftwareToken(input: Input): Output {
    const { user, session } = this.mfaSubject(input);
    const code = required(input, 'UserCode');
    if (!user.pendingTotpSecret) throw new AwsError('InvalidParameterException', 'Call AssociateSoftwareToken first.');
    if (!checkTotp(user.pendingTotpSecret, code, this.d.now())) throw new AwsError('EnableSoftwareTokenMFAException', 'Code mismatch');
    user.totpSecret = user.pendingTotpSecret;
    delete user.pendingTotpSecret;
    // Verifying during MFA_SETUP (pool MFA required) turns the factor on at once, as in Cognito.
    if (session) {
      user.totpEnabled = true;
      session.totpVerified = true;
    }
    this.d.state.changed();
    return { Status: 'SUCCESS', ...(session ? { Session: str(input.Session) } : {}) };
  }

  private setUserMfaPreference(input: Input): Output {
    const { user } = this.accessUser(input);
    const settings = (input.SoftwareTokenMfaSettings ?? {}) as { Enabled?: boolean; PreferredMfa?: boolean };
    if (input.SMSMfaSettings && (input.SMSMfaSettings as { Enabled?: boolean }).Enabled) {
      throw new AwsError('InvalidParameterException', 'SMS MFA is not enabled for this user pool');
    }
    if (settings.Enabled !== undefined) {
      if (settings.Enabled && !user.totpSecret) throw new AwsError('InvalidParameterException', 'User has not verified software token mfa');
      if (!settings.Enabled && this.d.config.mfaConfiguration === 'ON') throw new AwsError('InvalidParameterException', 'MFA is required for this user pool and cannot be disabled');
      user.totpEnabled = settings.Enabled;
    }
    this.d.state.changed();
    return {};
  }

  // ---- admin -------------------------------------------------------------------------------

  private checkPool(input: Input): void {
    const id = required(input, 'UserPoolId');
    if (id !== this.d.config.id) throw new AwsError('ResourceNotFoundException', `User pool ${id} does not exist.`);
  }

  private async adminCreateUser(input: Input): Promise<Output> {
    this.checkPool(input);
    const username = required(input, 'Username');
    this.validateUsername(username);
    const attributes = this.attributesFrom(input.UserAttributes);
    if (this.emailIsUsername()) attributes.email = username;
    const action = str(input.MessageAction);
    const existing = this.findUser(username);
    if (action === 'RESEND') {
      if (!existing || existing.status !== 'FORCE_CHANGE_PASSWORD') throw new AwsError('UnsupportedUserStateException', 'Resend not possible. User is not in FORCE_CHANGE_PASSWORD state.');
    } else if (existing) {
      throw new AwsError('UsernameExistsException', this.emailIsUsername() ? 'An account with the given email already exists.' : 'User account already exists');
    }
    const temp = str(input.TemporaryPassword) ?? temporaryPassword(this.d.config.passwordPolicy);
    this.checkPolicy(temp);
    let user = existing;
    if (!user) {
      const sub = randomUUID();
      const internalName = this.emailIsUsername() ? sub : username;
      const trig = await this.runPreSignUp('PreSignUp_AdminCreateUser', internalName, null, { ...attributes }, null, input.ClientMetadata);
      user = {
        username: internalName,
        attributes: { ...attributes, sub, ...(attributes.email ? { email_verified: trig.autoVerifyEmail || attributes.email_verified === 'true' ? 'true' : 'false' } : {}) },
        status: 'FORCE_CHANGE_PASSWORD',
        enabled: true,
        passwordHash: '',
        srp: { salt: '', verifier: '' },
        created: this.d.now(),
        modified: this.d.now(),
        totpEnabled: false,
        failedSignIns: 0,
      };
      this.users[internalName] = user;
    }
    await this.setPassword(user, temp);
    user.temporaryPasswordExpires = this.d.now() + this.d.config.passwordPolicy.temporaryPasswordValidityDays * 86400_000;
    if (action !== 'SUPPRESS') this.d.outbox.send(user.attributes.email ?? user.username, 'invitation', temp, this.d.now());
    this.d.state.changed();
    return { User: this.describe(user) };
  }

  private describe(user: User): Output {
    return {
      Username: user.username,
      Attributes: Object.entries(user.attributes).map(([Name, Value]) => ({ Name, Value })),
      UserCreateDate: user.created / 1000,
      UserLastModifiedDate: user.modified / 1000,
      Enabled: user.enabled,
      UserStatus: user.status,
    };
  }

  private adminConfirmSignUp(input: Input): Output {
    this.checkPool(input);
    const username = required(input, 'Username');
    const user = this.findUser(username);
    if (!user) throw new AwsError('UserNotFoundException', 'User does not exist.');
    if (user.status !== 'UNCONFIRMED') throw new AwsError('NotAuthorizedException', `User cannot be confirmed. Current status is ${user.status}`);
    user.status = 'CONFIRMED';
    delete user.confirmation;
    user.modified = this.d.now();
    this.d.state.changed();
    return {};
  }

  jwks(): unknown {
    return this.d.signer.jwks();
  }
}
