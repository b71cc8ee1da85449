// AdminCreateUser: an administrator invites a user with a temporary password (to the outbox),
// through the PreSignUp trigger; MessageAction RESEND and SUPPRESS.
import type { AdminCreateUserRequest, AdminCreateUserResponse } from '@aws-sdk/client-cognito-identity-provider';
import { randomUUID } from 'node:crypto';
import { AwsError } from '../errors';
import type { JsonOperation } from '../operation';
import { required } from '../operation';
import { temporaryPassword } from '../passwords';
import { attributes, clientMetadata, password, userPoolId, username } from './fields';
import type { UserPool } from './userPool';

type Needs = Pick<
  UserPool,
  | 'checkPool'
  | 'validateUsername'
  | 'attributesFrom'
  | 'emailIsUsername'
  | 'findUser'
  | 'config'
  | 'checkPolicy'
  | 'runPreSignUp'
  | 'now'
  | 'users'
  | 'setPassword'
  | 'outbox'
  | 'changed'
  | 'describe'
>;

export const adminCreateUser: JsonOperation<AdminCreateUserRequest, AdminCreateUserResponse, Needs> = {
  name: 'AdminCreateUser',
  auth: 'sigv4Any',
  input: {
    UserPoolId: userPoolId,
    Username: username,
    UserAttributes: attributes,
    ValidationData: attributes,
    TemporaryPassword: password,
    ForceAliasCreation: { type: 'boolean' },
    MessageAction: { type: 'string', enum: ['RESEND', 'SUPPRESS'] },
    DesiredDeliveryMediums: { type: 'list', member: { type: 'string', enum: ['SMS', 'EMAIL'] } },
    ClientMetadata: clientMetadata,
  },
  async handle(input, pool) {
    pool.checkPool(input.UserPoolId);
    const name = required(input.Username, 'Username');
    pool.validateUsername(name);
    const attrs = pool.attributesFrom(input.UserAttributes);
    if (pool.emailIsUsername()) attrs.email = name;
    const action = input.MessageAction;
    const existing = pool.findUser(name);
    if (action === 'RESEND') {
      if (!existing || existing.status !== 'FORCE_CHANGE_PASSWORD')
        throw new AwsError(
          'UnsupportedUserStateException',
          'Resend not possible. User is not in FORCE_CHANGE_PASSWORD state.',
        );
    } else if (existing) {
      throw new AwsError(
        'UsernameExistsException',
        pool.emailIsUsername() ? 'An account with the given email already exists.' : 'User account already exists',
      );
    }
    const temp = input.TemporaryPassword ?? temporaryPassword(pool.config.passwordPolicy);
    pool.checkPolicy(temp);
    let user = existing;
    if (!user) {
      const sub = randomUUID();
      const internalName = pool.emailIsUsername() ? sub : name;
      const trig = await pool.runPreSignUp(
        'PreSignUp_AdminCreateUser',
        internalName,
        null,
        { ...attrs },
        null,
        input.ClientMetadata,
      );
      user = {
        username: internalName,
        attributes: {
          ...attrs,
          sub,
          ...(attrs.email
            ? { email_verified: trig.autoVerifyEmail || attrs.email_verified === 'true' ? 'true' : 'false' }
            : {}),
        },
        status: 'FORCE_CHANGE_PASSWORD',
        enabled: true,
        passwordHash: '',
        srp: { salt: '', verifier: '' },
        created: pool.now(),
        modified: pool.now(),
        totpEnabled: false,
        failedSignIns: 0,
      };
      pool.users[internalName] = user;
    }
    await pool.setPassword(user, temp);
    user.temporaryPasswordExpires = pool.now() + pool.config.passwordPolicy.temporaryPasswordValidityDays * 86400_000;
    if (action !== 'SUPPRESS') pool.outbox.send(user.attributes.email ?? user.username, 'invitation', temp, pool.now());
    pool.changed();
    return { User: pool.describe(user) };
  },
};
