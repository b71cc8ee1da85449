// "Configured" decided once: what each combination of settings lets the user do.
import * as assert from 'node:assert/strict';
import { readConfig } from '../../src/core/config';
import type { SettingKey } from '../../src/core/config';
import { canSignIn, canWriteStories, signInConfig, storyConfig } from '../../src/core/readiness';

const POOL = 'eu-west-1_AbC123';
const CLIENT = '1h57kf5cpq17m0eml12EXAMPLE';
const IDENTITY = 'eu-west-1:0d9f7f4e-8a3b-4b1c-9c1d-2e3f4a5b6c7d';

const read = (values: Partial<Record<SettingKey, unknown>>) =>
  readConfig((key) => ({ region: 'eu-west-1', ...values })[key]);

describe('readiness predicates', () => {
  const cases: [string, Partial<Record<SettingKey, unknown>>, boolean, boolean][] = [
    ['nothing set', {}, false, false],
    ['a pool without its client', { userPoolId: POOL }, false, false],
    ['a client without its pool', { clientId: CLIENT }, false, false],
    ['pool and client', { userPoolId: POOL, clientId: CLIENT }, true, false],
    ['pool, client and identity pool', { userPoolId: POOL, clientId: CLIENT, identityPoolId: IDENTITY }, true, true],
    ['an identity pool alone', { identityPoolId: IDENTITY }, false, false],
    [
      'all three, but a bad region',
      { region: 'nowhere', userPoolId: POOL, clientId: CLIENT, identityPoolId: IDENTITY },
      false,
      false,
    ],
    [
      'all three, but a bad endpoint',
      { userPoolId: POOL, clientId: CLIENT, identityPoolId: IDENTITY, 'endpoints.cognitoIdp': 'http://example.com' },
      false,
      false,
    ],
  ];
  for (const [name, values, signIn, stories] of cases) {
    it(`${name}: sign-in ${signIn ? 'can' : 'cannot'} work, stories ${stories ? 'can' : 'cannot'}`, () => {
      const settings = read(values);
      assert.equal(canSignIn(settings), signIn);
      assert.equal(canWriteStories(settings), stories);
      assert.equal(signInConfig(settings) !== undefined, signIn);
      assert.equal(storyConfig(settings) !== undefined, stories);
      if (stories) assert.equal(storyConfig(settings)?.identityPoolId, IDENTITY);
    });
  }
});
