// InitiateAuth: USER_PASSWORD_AUTH, USER_SRP_AUTH (the first half of SRP) and REFRESH_TOKEN_AUTH,
// each only where the app client's ExplicitAuthFlows allow it.
import type { InitiateAuthRequest, InitiateAuthResponse } from '@aws-sdk/client-cognito-identity-provider';
import { createHash, randomBytes } from 'node:crypto';
import type { ClientConfig } from '../config';
import { AwsError } from '../errors';
import type { JsonOperation } from '../operation';
import { required } from '../operation';
import { checkPassword } from '../passwords';
import { serverEphemeral, validClientA } from '../srp';
import {
  AUTH_FLOWS,
  analyticsMetadata,
  clientId,
  clientMetadata,
  sensitiveMap,
  session,
  userContextData,
} from './fields';
import { INCORRECT, SESSION_LIFETIME_MS } from './userPool';
import type { InitiateAuthResult, UserPool } from './userPool';

type Needs = Pick<
  UserPool,
  | 'client'
  | 'checkSecretHash'
  | 'findUser'
  | 'notFound'
  | 'checkAttempts'
  | 'failedSignIn'
  | 'afterPassword'
  | 'config'
  | 'srpSessions'
  | 'now'
  | 'refreshTokens'
  | 'users'
  | 'issueTokens'
>;

const FLOW_PERMISSION: Record<string, string> = {
  USER_PASSWORD_AUTH: 'ALLOW_USER_PASSWORD_AUTH',
  USER_SRP_AUTH: 'ALLOW_USER_SRP_AUTH',
  REFRESH_TOKEN_AUTH: 'ALLOW_REFRESH_TOKEN_AUTH',
  REFRESH_TOKEN: 'ALLOW_REFRESH_TOKEN_AUTH',
  CUSTOM_AUTH: 'ALLOW_CUSTOM_AUTH',
};

async function passwordAuth(
  pool: Needs,
  client: ClientConfig,
  params: Record<string, string>,
): Promise<InitiateAuthResult> {
  const username = params.USERNAME;
  const password = params.PASSWORD;
  if (!username) throw new AwsError('InvalidParameterException', 'Missing required parameter USERNAME');
  if (!password) throw new AwsError('InvalidParameterException', 'Missing required parameter PASSWORD');
  pool.checkSecretHash(client, username, params.SECRET_HASH);
  const user = pool.findUser(username);
  if (!user) return pool.notFound(client, new AwsError('NotAuthorizedException', INCORRECT));
  pool.checkAttempts(user);
  if (!(await checkPassword(password, user.passwordHash))) return pool.failedSignIn(user);
  return pool.afterPassword(client, user);
}

function srpStart(pool: Needs, client: ClientConfig, params: Record<string, string>): InitiateAuthResult {
  const username = params.USERNAME;
  const aHex = params.SRP_A;
  if (!username) throw new AwsError('InvalidParameterException', 'Missing required parameter USERNAME');
  if (!aHex) throw new AwsError('InvalidParameterException', 'Missing required parameter SRP_A');
  pool.checkSecretHash(client, username, params.SECRET_HASH);
  if (!validClientA(aHex)) throw new AwsError('InvalidParameterException', 'SRP_A is not a valid value');
  const user = pool.findUser(username);
  let verifier: string;
  let salt: string;
  if (user) {
    ({ verifier, salt } = user.srp);
  } else {
    if (!client.preventUserExistenceErrors) throw new AwsError('UserNotFoundException', 'User does not exist.');
    // A stable decoy, so probing cannot tell a missing user from a wrong password.
    const seed = createHash('sha256').update(`${pool.config.id}/${username.toLowerCase()}`).digest('hex');
    salt = seed.slice(0, 32);
    verifier = seed + seed;
  }
  const eph = serverEphemeral(verifier);
  const secretBlock = randomBytes(64).toString('base64');
  const userIdForSrp = user?.username ?? username;
  pool.srpSessions.set(secretBlock, {
    username: user?.username ?? null,
    userIdForSrp,
    clientId: client.id,
    aHex,
    eph,
    verifier,
    expires: pool.now() + SESSION_LIFETIME_MS,
  });
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

function refreshAuth(pool: Needs, client: ClientConfig, params: Record<string, string>): InitiateAuthResult {
  const token = params.REFRESH_TOKEN;
  if (!token) throw new AwsError('InvalidParameterException', 'Missing required parameter REFRESH_TOKEN');
  const record = pool.refreshTokens[token];
  const user = record ? pool.users[record.username] : undefined;
  // The hash names the user as Cognito knows them (cognito:username), or as the caller typed it.
  const names = [user?.username ?? '', ...(params.USERNAME ? [params.USERNAME] : [])];
  pool.checkSecretHash(client, names, params.SECRET_HASH);
  if (!record || record.clientId !== client.id) throw new AwsError('NotAuthorizedException', 'Invalid Refresh Token');
  // Disabling revokes the user's tokens too; while disabled, the refusal says why.
  if (user && !user.enabled) throw new AwsError('NotAuthorizedException', 'User is disabled.');
  if (record.revoked || !user) throw new AwsError('NotAuthorizedException', 'Refresh Token has been revoked');
  if (record.expires < pool.now()) throw new AwsError('NotAuthorizedException', 'Refresh Token has expired');
  return { ChallengeParameters: {}, AuthenticationResult: pool.issueTokens(client, user, record) };
}

export const initiateAuth: JsonOperation<InitiateAuthRequest, InitiateAuthResponse, Needs> = {
  name: 'InitiateAuth',
  auth: 'none',
  input: {
    AuthFlow: { type: 'string', required: true, enum: AUTH_FLOWS },
    AuthParameters: sensitiveMap,
    ClientMetadata: clientMetadata,
    ClientId: clientId,
    AnalyticsMetadata: analyticsMetadata,
    UserContextData: userContextData,
    Session: session,
  },
  async handle(input, pool) {
    const client = pool.client(input.ClientId);
    const flow = required(input.AuthFlow, 'AuthFlow');
    const params = input.AuthParameters ?? {};
    const needed = FLOW_PERMISSION[flow];
    if (!needed) throw new AwsError('InvalidParameterException', 'Initiate Auth method not supported.');
    if (!client.explicitAuthFlows.includes(needed))
      throw new AwsError('InvalidParameterException', `${flow} flow not enabled for this client`);
    switch (flow) {
      case 'USER_PASSWORD_AUTH':
        return passwordAuth(pool, client, params);
      case 'USER_SRP_AUTH':
        return srpStart(pool, client, params);
      case 'REFRESH_TOKEN_AUTH':
      case 'REFRESH_TOKEN':
        return refreshAuth(pool, client, params);
      default:
        throw new AwsError(
          'InvalidParameterException',
          `${flow} is not supported by the local emulator (no custom auth triggers).`,
        );
    }
  },
};
