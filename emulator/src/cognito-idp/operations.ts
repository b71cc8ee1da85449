// The user pool's operations (X-Amz-Target AWSCognitoIdentityProviderService.<name>). To add
// one: write <operation>.ts beside these and list it here.
import type { ServiceJsonOperation } from '../operation';
import { adminConfirmSignUp } from './adminConfirmSignUp';
import { adminCreateUser } from './adminCreateUser';
import { adminDeleteUser } from './adminDeleteUser';
import { adminDisableUser } from './adminDisableUser';
import { adminEnableUser } from './adminEnableUser';
import { adminGetUser } from './adminGetUser';
import { adminSetUserPassword } from './adminSetUserPassword';
import { adminUserGlobalSignOut } from './adminUserGlobalSignOut';
import { associateSoftwareToken } from './associateSoftwareToken';
import { changePassword } from './changePassword';
import { confirmForgotPassword } from './confirmForgotPassword';
import { confirmSignUp } from './confirmSignUp';
import { deleteUser } from './deleteUser';
import { describeUserPoolClient } from './describeUserPoolClient';
import { forgotPassword } from './forgotPassword';
import { getUser } from './getUser';
import { globalSignOut } from './globalSignOut';
import { initiateAuth } from './initiateAuth';
import { listUsers } from './listUsers';
import { resendConfirmationCode } from './resendConfirmationCode';
import { respondToAuthChallenge } from './respondToAuthChallenge';
import { revokeToken } from './revokeToken';
import { setUserMFAPreference } from './setUserMFAPreference';
import { signUp } from './signUp';
import type { UserPool } from './userPool';
import { verifySoftwareToken } from './verifySoftwareToken';

export const COGNITO_IDP_TARGET_PREFIX = 'AWSCognitoIdentityProviderService';

export const COGNITO_IDP_OPERATIONS: readonly ServiceJsonOperation<UserPool>[] = [
  signUp,
  confirmSignUp,
  resendConfirmationCode,
  initiateAuth,
  respondToAuthChallenge,
  getUser,
  globalSignOut,
  revokeToken,
  deleteUser,
  changePassword,
  forgotPassword,
  confirmForgotPassword,
  associateSoftwareToken,
  verifySoftwareToken,
  setUserMFAPreference,
  adminCreateUser,
  adminConfirmSignUp,
  adminGetUser,
  adminSetUserPassword,
  adminDisableUser,
  adminEnableUser,
  adminDeleteUser,
  adminUserGlobalSignOut,
  listUsers,
  describeUserPoolClient,
];
