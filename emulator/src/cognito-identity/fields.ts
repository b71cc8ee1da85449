// The named input types of the Amazon Cognito Federated Identities API reference.
import type { Field } from '../validate';

export const identityPoolId: Field = { type: 'string', required: true, min: 1, max: 55, pattern: '[\\w-]+:[0-9a-f-]+' };
export const identityId: Field = { type: 'string', required: true, min: 1, max: 55, pattern: '[\\w-]+:[0-9a-f-]+' };
export const logins: Field = {
  type: 'map',
  maxEntries: 10,
  key: { type: 'string', min: 1, max: 128 },
  value: { type: 'string', min: 1, max: 50000, sensitive: true },
};
