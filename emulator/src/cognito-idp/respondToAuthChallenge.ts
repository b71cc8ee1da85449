// RespondToAuthChallenge: PASSWORD_VERIFIER (the second half of SRP), NEW_PASSWORD_REQUIRED,
// SOFTWARE_TOKEN_MFA and MFA_SETUP.
import type {
  RespondToAuthChallengeRequest,
  RespondToAuthChallengeResponse,
} from '@aws-sdk/client-cognito-identity-provider';
import type { ClientConfig } from '../config';
import { AwsError } from '../errors';
import type { JsonOperation } from '../operation';
import { required } from '../operation';
import { TIMESTAMP_FORMAT, checkClaim, sessionKey } from '../srp';
import { checkTotp } from '../totp';
import {
  CHALLENGES,
  analyticsMetadata,
  clientId,
  clientMetadata,
  sensitiveMap,
  session,
  userContextData,
} from './fields';
import { INCORRECT } from './userPool';
import type { ChallengeName, ChallengeSession, InitiateAuthResult, UserPool } from './userPool';

type Needs = Pick<
  UserPool,
  | 'client'
  | 'checkSecretHash'
  | 'srpSessions'
  | 'sessions'
  | 'now'
  | 'users'
  | 'checkAttempts'
  | 'failedSignIn'
  | 'afterPassword'
  | 'poolName'
  | 'checkPolicy'
  | 'setPassword'
  | 'mfaOrTokens'
  | 'changed'
  | 'issueTokens'
>;

async function passwordVerifier(
  pool: Needs,
  client: ClientConfig,
  responses: Record<string, string>,
): Promise<InitiateAuthResult> {
  const secretBlock = responses.PASSWORD_CLAIM_SECRET_BLOCK ?? '';
  const signature = responses.PASSWORD_CLAIM_SIGNATURE ?? '';
  const timestamp = responses.TIMESTAMP ?? '';
  const username = responses.USERNAME ?? '';
  if (!secretBlock || !signature)
    throw new AwsError(
      'InvalidParameterException',
      'Missing required parameter PASSWORD_CLAIM_SECRET_BLOCK or PASSWORD_CLAIM_SIGNATURE',
    );
  if (!TIMESTAMP_FORMAT.test(timestamp))
    throw new AwsError('InvalidParameterException', 'TIMESTAMP format is invalid.');
  pool.checkSecretHash(client, username, responses.SECRET_HASH);
  const s = pool.srpSessions.get(secretBlock);
  if (!s || s.clientId !== client.id || s.expires < pool.now())
    throw new AwsError('NotAuthorizedException', 'Invalid session for the user, session is expired.');
  pool.srpSessions.delete(secretBlock);
  const user = s.username ? pool.users[s.username] : undefined;
  if (!user) throw new AwsError('NotAuthorizedException', INCORRECT);
  pool.checkAttempts(user);
  const key = sessionKey(s.aHex, s.eph, s.verifier);
  if (!checkClaim(key, pool.poolName, s.userIdForSrp, secretBlock, timestamp, signature))
    return pool.failedSignIn(user);
  return pool.afterPassword(client, user);
}

function takeSession(pool: Needs, token: string, client: ClientConfig, challenge: string): ChallengeSession {
  const s = pool.sessions.get(token);
  if (!s || s.expires < pool.now() || s.clientId !== client.id) {
    throw new AwsError('NotAuthorizedException', 'Invalid session for the user, session is expired.');
  }
  if (s.challenge !== challenge)
    throw new AwsError('InvalidParameterException', `Invalid challenge response for ${challenge}`);
  return s;
}

export const respondToAuthChallenge: JsonOperation<
  RespondToAuthChallengeRequest,
  RespondToAuthChallengeResponse,
  Needs
> = {
  name: 'RespondToAuthChallenge',
  auth: 'none',
  input: {
    ClientId: clientId,
    ChallengeName: { type: 'string', required: true, enum: CHALLENGES },
    Session: session,
    ChallengeResponses: sensitiveMap,
    AnalyticsMetadata: analyticsMetadata,
    UserContextData: userContextData,
    ClientMetadata: clientMetadata,
  },
  async handle(input, pool) {
    const client = pool.client(input.ClientId);
    const name = required(input.ChallengeName, 'ChallengeName');
    const responses = input.ChallengeResponses ?? {};
    if (name === 'PASSWORD_VERIFIER') return passwordVerifier(pool, client, responses);
    const token = input.Session ?? '';
    const s = takeSession(pool, token, client, name as ChallengeName);
    const user = pool.users[s.username];
    if (!user) throw new AwsError('NotAuthorizedException', INCORRECT);
    pool.checkSecretHash(client, [responses.USERNAME ?? '', user.username], responses.SECRET_HASH);
    const done = (): void => {
      pool.sessions.delete(token);
    };
    switch (name) {
      case 'NEW_PASSWORD_REQUIRED': {
        const password = responses.NEW_PASSWORD;
        if (!password) throw new AwsError('InvalidParameterException', 'Missing required parameter NEW_PASSWORD');
        pool.checkPolicy(password);
        for (const [k, v] of Object.entries(responses)) {
          if (k.startsWith('userAttributes.')) user.attributes[k.slice('userAttributes.'.length)] = v;
        }
        await pool.setPassword(user, password);
        user.status = 'CONFIRMED';
        delete user.temporaryPasswordExpires;
        done();
        return pool.mfaOrTokens(client, user);
      }
      case 'SOFTWARE_TOKEN_MFA': {
        const code = responses.SOFTWARE_TOKEN_MFA_CODE ?? '';
        if (!user.totpSecret || !checkTotp(user.totpSecret, code, pool.now())) {
          throw new AwsError('CodeMismatchException', 'Invalid code received for user');
        }
        done();
        pool.changed();
        return { ChallengeParameters: {}, AuthenticationResult: pool.issueTokens(client, user, null) };
      }
      case 'MFA_SETUP': {
        if (!s.totpVerified)
          throw new AwsError(
            'InvalidParameterException',
            'Software token has not been verified with this session. Call VerifySoftwareToken first.',
          );
        done();
        return { ChallengeParameters: {}, AuthenticationResult: pool.issueTokens(client, user, null) };
      }
      default:
        throw new AwsError('InvalidParameterException', `Challenge ${name} is not supported`);
    }
  },
};
