// SignUp: a new user from an app client, checked against the pool's username attributes,
// schema and password policy, through the PreSignUp trigger; a code goes to the outbox.
import type { SignUpRequest, SignUpResponse } from '@aws-sdk/client-cognito-identity-provider';
import { randomUUID } from 'node:crypto';
import { AwsError } from '../errors';
import type { JsonOperation } from '../operation';
import { required } from '../operation';
import type { User } from '../state';
import {
  analyticsMetadata,
  attributes,
  clientId,
  clientMetadata,
  password,
  secretHash,
  userContextData,
  username,
} from './fields';
import type { UserPool } from './userPool';

type Needs = Pick<
  UserPool,
  | 'client'
  | 'checkSecretHash'
  | 'config'
  | 'validateUsername'
  | 'attributesFrom'
  | 'emailIsUsername'
  | 'requireAttributes'
  | 'checkPolicy'
  | 'findUser'
  | 'runPreSignUp'
  | 'now'
  | 'setPassword'
  | 'users'
  | 'sendCode'
  | 'changed'
  | 'delivery'
>;

export const signUp: JsonOperation<SignUpRequest, SignUpResponse, Needs> = {
  name: 'SignUp',
  auth: 'none',
  input: {
    ClientId: clientId,
    SecretHash: secretHash,
    Username: username,
    Password: password,
    UserAttributes: attributes,
    ValidationData: attributes,
    AnalyticsMetadata: analyticsMetadata,
    UserContextData: userContextData,
    ClientMetadata: clientMetadata,
  },
  async handle(input, pool) {
    const client = pool.client(input.ClientId);
    const name = required(input.Username, 'Username');
    const pass = required(input.Password, 'Password');
    pool.checkSecretHash(client, name, input.SecretHash);
    if (pool.config.adminCreateUserOnly)
      throw new AwsError('NotAuthorizedException', 'SignUp is not permitted for this user pool');
    pool.validateUsername(name);
    const attrs = pool.attributesFrom(input.UserAttributes);
    if (pool.emailIsUsername()) attrs.email = name;
    pool.requireAttributes(attrs);
    pool.checkPolicy(pass);
    if (pool.findUser(name) || (attrs.email && pool.emailIsUsername() && pool.findUser(attrs.email))) {
      throw new AwsError(
        'UsernameExistsException',
        pool.emailIsUsername() ? 'An account with the given email already exists.' : 'User already exists',
      );
    }
    const sub = randomUUID();
    const internalName = pool.emailIsUsername() ? sub : name;
    const validation: Record<string, string> = {};
    for (const v of input.ValidationData ?? []) if (v.Name) validation[v.Name] = v.Value ?? '';
    const trig = await pool.runPreSignUp(
      'PreSignUp_SignUp',
      internalName,
      client.id,
      { ...attrs },
      Object.keys(validation).length ? validation : null,
      input.ClientMetadata,
    );
    const user: User = {
      username: internalName,
      attributes: {
        ...attrs,
        sub,
        ...(attrs.email ? { email_verified: trig.autoVerifyEmail ? 'true' : 'false' } : {}),
      },
      status: trig.autoConfirmUser ? 'CONFIRMED' : 'UNCONFIRMED',
      enabled: true,
      passwordHash: '',
      srp: { salt: '', verifier: '' },
      created: pool.now(),
      modified: pool.now(),
      totpEnabled: false,
      failedSignIns: 0,
    };
    await pool.setPassword(user, pass);
    if (pool.findUser(name))
      throw new AwsError('UsernameExistsException', 'An account with the given email already exists.');
    pool.users[internalName] = user;
    if (!trig.autoConfirmUser) pool.sendCode(user, 'confirmation');
    pool.changed();
    return { UserConfirmed: trig.autoConfirmUser, UserSub: sub, ...(trig.autoConfirmUser ? {} : pool.delivery(user)) };
  },
};
