// The named input types of the Amazon Cognito user pools API reference, with their documented
// length, pattern and enum constraints; operation files build their input shapes from these.
import type { Field } from '../validate';

export const clientId: Field = {
  type: 'string',
  required: true,
  min: 1,
  max: 128,
  pattern: '[\\w+]+',
  sensitive: true,
};
export const username: Field = {
  type: 'string',
  required: true,
  min: 1,
  max: 128,
  pattern: '[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+',
  sensitive: true,
};
export const password: Field = { type: 'string', max: 256, pattern: '[\\S]+', sensitive: true };
export const requiredPassword: Field = { ...password, required: true };
export const secretHash: Field = { type: 'string', min: 1, max: 128, pattern: '[\\w+=/]+', sensitive: true };
export const confirmationCode: Field = { type: 'string', required: true, min: 1, max: 2048, pattern: '[\\S]+' };
export const userPoolId: Field = { type: 'string', required: true, min: 1, max: 55, pattern: '[\\w-]+_[0-9a-zA-Z]+' };
export const token: Field = { type: 'string', required: true, pattern: '[A-Za-z0-9-_=.]+', sensitive: true };
export const optionalToken: Field = { type: 'string', pattern: '[A-Za-z0-9-_=.]+', sensitive: true };
export const session: Field = { type: 'string', min: 20, max: 2048 };
export const attributes: Field = {
  type: 'list',
  member: {
    type: 'structure',
    fields: {
      Name: { type: 'string', required: true, min: 1, max: 32, pattern: '[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+' },
      Value: { type: 'string', max: 2048, sensitive: true },
    },
  },
};
export const clientMetadata: Field = { type: 'map', value: { type: 'string' } };
export const sensitiveMap: Field = { type: 'map', value: { type: 'string', sensitive: true }, sensitive: true };
export const analyticsMetadata: Field = { type: 'structure', fields: { AnalyticsEndpointId: { type: 'string' } } };
export const userContextData: Field = {
  type: 'structure',
  fields: { IpAddress: { type: 'string' }, EncodedData: { type: 'string' } },
};
export const mfaSettings: Field = {
  type: 'structure',
  fields: { Enabled: { type: 'boolean' }, PreferredMfa: { type: 'boolean' } },
};

export const AUTH_FLOWS = [
  'USER_SRP_AUTH',
  'REFRESH_TOKEN_AUTH',
  'REFRESH_TOKEN',
  'CUSTOM_AUTH',
  'ADMIN_NO_SRP_AUTH',
  'USER_PASSWORD_AUTH',
  'ADMIN_USER_PASSWORD_AUTH',
  'USER_AUTH',
] as const;
export const CHALLENGES = [
  'SMS_MFA',
  'EMAIL_OTP',
  'SOFTWARE_TOKEN_MFA',
  'SELECT_MFA_TYPE',
  'MFA_SETUP',
  'PASSWORD_VERIFIER',
  'CUSTOM_CHALLENGE',
  'SELECT_CHALLENGE',
  'DEVICE_SRP_AUTH',
  'DEVICE_PASSWORD_VERIFIER',
  'ADMIN_NO_SRP_AUTH',
  'NEW_PASSWORD_REQUIRED',
  'SMS_OTP',
  'PASSWORD',
  'WEB_AUTHN',
  'PASSWORD_SRP',
] as const;
