// The documented input constraints of each operation the emulator serves, from the AWS API
// references (Amazon Cognito user pools API, Amazon Cognito Federated Identities API, Amazon
// Bedrock API): the shapes' length, pattern and enum constraints.
import type { Field, Shape } from './validate';

// Cognito user pools: the named types of the API reference.
const clientId: Field = { type: 'string', required: true, min: 1, max: 128, pattern: '[\\w+]+', sensitive: true };
const username: Field = { type: 'string', required: true, min: 1, max: 128, pattern: '[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+', sensitive: true };
const password: Field = { type: 'string', max: 256, pattern: '[\\S]+', sensitive: true };
const secretHash: Field = { type: 'string', min: 1, max: 128, pattern: '[\\w+=/]+', sensitive: true };
const confirmationCode: Field = { type: 'string', required: true, min: 1, max: 2048, pattern: '[\\S]+' };
const userPoolId: Field = { type: 'string', required: true, min: 1, max: 55, pattern: '[\\w-]+_[0-9a-zA-Z]+' };
const token: Field = { type: 'string', required: true, pattern: '[A-Za-z0-9-_=.]+', sensitive: true };
const optionalToken: Field = { type: 'string', pattern: '[A-Za-z0-9-_=.]+', sensitive: true };
const session: Field = { type: 'string', min: 20, max: 2048 };
const attributes: Field = {
  type: 'list',
  member: {
    type: 'structure',
    fields: {
      Name: { type: 'string', required: true, min: 1, max: 32, pattern: '[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+' },
      Value: { type: 'string', max: 2048, sensitive: true },
    },
  },
};
const stringMap: Field = { type: 'map', value: { type: 'string' } };
const sensitiveMap: Field = { type: 'map', value: { type: 'string', sensitive: true }, sensitive: true };
const analytics: Field = { type: 'structure', fields: { AnalyticsEndpointId: { type: 'string' } } };
const userContext: Field = { type: 'structure', fields: { IpAddress: { type: 'string' }, EncodedData: { type: 'string' } } };

const AUTH_FLOWS = ['USER_SRP_AUTH', 'REFRESH_TOKEN_AUTH', 'REFRESH_TOKEN', 'CUSTOM_AUTH', 'ADMIN_NO_SRP_AUTH', 'USER_PASSWORD_AUTH', 'ADMIN_USER_PASSWORD_AUTH', 'USER_AUTH'] as const;
const CHALLENGES = [
  'SMS_MFA', 'EMAIL_OTP', 'SOFTWARE_TOKEN_MFA', 'SELECT_MFA_TYPE', 'MFA_SETUP', 'PASSWORD_VERIFIER', 'CUSTOM_CHALLENGE', 'SELECT_CHALLENGE',
  'DEVICE_SRP_AUTH', 'DEVICE_PASSWORD_VERIFIER', 'ADMIN_NO_SRP_AUTH', 'NEW_PASSWORD_REQUIRED', 'SMS_OTP', 'PASSWORD', 'WEB_AUTHN', 'PASSWORD_SRP',
] as const;

export const COGNITO_IDP_SHAPES: Readonly<Record<string, Shape>> = {
  SignUp: {
    ClientId: clientId, SecretHash: secretHash, Username: username, Password: password,
    UserAttributes: attributes, ValidationData: attributes, AnalyticsMetadata: analytics, UserContextData: userContext, ClientMetadata: stringMap,
  },
  ConfirmSignUp: {
    ClientId: clientId, SecretHash: secretHash, Username: username, ConfirmationCode: confirmationCode,
    ForceAliasCreation: { type: 'boolean' }, AnalyticsMetadata: analytics, UserContextData: userContext, ClientMetadata: stringMap, Session: session,
  },
  ResendConfirmationCode: { ClientId: clientId, SecretHash: secretHash, Username: username, AnalyticsMetadata: analytics, UserContextData: userContext, ClientMetadata: stringMap },
  InitiateAuth: {
    AuthFlow: { type: 'string', required: true, enum: AUTH_FLOWS }, AuthParameters: sensitiveMap, ClientMetadata: stringMap, ClientId: clientId,
    AnalyticsMetadata: analytics, UserContextData: userContext, Session: session,
  },
  RespondToAuthChallenge: {
    ClientId: clientId, ChallengeName: { type: 'string', required: true, enum: CHALLENGES }, Session: session, ChallengeResponses: sensitiveMap,
    AnalyticsMetadata: analytics, UserContextData: userContext, ClientMetadata: stringMap,
  },
  GetUser: { AccessToken: token },
  GlobalSignOut: { AccessToken: token },
  DeleteUser: { AccessToken: token },
  RevokeToken: { Token: token, ClientId: clientId, ClientSecret: { type: 'string', min: 1, max: 64, pattern: '[\\w+]+', sensitive: true } },
  ChangePassword: { PreviousPassword: password, ProposedPassword: { ...password, required: true }, AccessToken: token },
  ForgotPassword: { ClientId: clientId, SecretHash: secretHash, UserContextData: userContext, Username: username, AnalyticsMetadata: analytics, ClientMetadata: stringMap },
  ConfirmForgotPassword: {
    ClientId: clientId, SecretHash: secretHash, Username: username, ConfirmationCode: confirmationCode, Password: { ...password, required: true },
    AnalyticsMetadata: analytics, UserContextData: userContext, ClientMetadata: stringMap,
  },
  AssociateSoftwareToken: { AccessToken: optionalToken, Session: session },
  VerifySoftwareToken: {
    AccessToken: optionalToken, Session: session,
    UserCode: { type: 'string', required: true, min: 6, max: 6, pattern: '[0-9]+' }, FriendlyDeviceName: { type: 'string' },
  },
  SetUserMFAPreference: {
    SMSMfaSettings: { type: 'structure', fields: { Enabled: { type: 'boolean' }, PreferredMfa: { type: 'boolean' } } },
    SoftwareTokenMfaSettings: { type: 'structure', fields: { Enabled: { type: 'boolean' }, PreferredMfa: { type: 'boolean' } } },
    EmailMfaSettings: { type: 'structure', fields: { Enabled: { type: 'boolean' }, PreferredMfa: { type: 'boolean' } } },
    AccessToken: token,
  },
  AdminCreateUser: {
    UserPoolId: userPoolId, Username: username, UserAttributes: attributes, ValidationData: attributes,
    TemporaryPassword: password, ForceAliasCreation: { type: 'boolean' }, MessageAction: { type: 'string', enum: ['RESEND', 'SUPPRESS'] },
    DesiredDeliveryMediums: { type: 'list', member: { type: 'string', enum: ['SMS', 'EMAIL'] } }, ClientMetadata: stringMap,
  },
  AdminConfirmSignUp: { UserPoolId: userPoolId, Username: username, ClientMetadata: stringMap },
};

// Cognito identity pools.
const identityPoolId: Field = { type: 'string', required: true, min: 1, max: 55, pattern: '[\\w-]+:[0-9a-f-]+' };
const logins: Field = {
  type: 'map', maxEntries: 10,
  key: { type: 'string', min: 1, max: 128 },
  value: { type: 'string', min: 1, max: 50000, sensitive: true },
};

export const COGNITO_IDENTITY_SHAPES: Readonly<Record<string, Shape>> = {
  GetId: { AccountId: { type: 'string', min: 1, max: 15, pattern: '\\d+' }, IdentityPoolId: identityPoolId, Logins: logins },
  GetCredentialsForIdentity: {
    IdentityId: { ...identityPoolId }, Logins: logins, CustomRoleArn: { type: 'string', min: 20, max: 2048 },
  },
};

// Bedrock: the Converse request body and the control-plane list filters.
const inferenceConfig: Field = {
  type: 'structure',
  fields: {
    maxTokens: { type: 'integer' },
    temperature: { type: 'number', min: 0, max: 1 },
    topP: { type: 'number', min: 0, max: 1 },
    stopSequences: { type: 'list', member: { type: 'string', min: 1 } },
  },
};

export const CONVERSE_SHAPE: Shape = {
  messages: { type: 'list' },
  system: { type: 'list' },
  inferenceConfig,
};

/** The model id of the runtime paths (ConversePath, InvokeModelIdentifier). */
export const MODEL_ID_SHAPE: Shape = { modelId: { type: 'string', required: true, min: 1, max: 2048 } };

export const LIST_FOUNDATION_MODELS_SHAPE: Shape = {
  byProvider: { type: 'string', pattern: '[A-Za-z0-9- ]{1,63}' },
  byCustomizationType: { type: 'string', enum: ['FINE_TUNING', 'CONTINUED_PRE_TRAINING', 'DISTILLATION'] },
  byOutputModality: { type: 'string', enum: ['TEXT', 'IMAGE', 'EMBEDDING'] },
  byInferenceType: { type: 'string', enum: ['ON_DEMAND', 'PROVISIONED'] },
};
