import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  checkSetting,
  CREDENTIAL_SETTINGS,
  DEFAULT_MODEL_PRICES,
  isConfigured,
  readConfig,
  SETTING_RULES,
  STRUCTURED_RULES,
} from '../../src/core/config';
import type { SettingKey, StringSettingKey } from '../../src/core/config';
import { DEFAULT_PASSWORD_POLICY } from '../../src/core/auth/validation';
import { loadStack } from '../../emulator/src/template';
import { readManifest } from '../support/manifest';

const manifest = readManifest();
const declared: Record<
  string,
  { pattern?: string; enum?: string[]; default?: unknown; markdownDescription?: string; scope?: string }
> = manifest.contributes.configuration.properties;

const URL_EXPECTED =
  'an https:// URL without a user name or password (http:// only for 127.0.0.1, localhost or [::1]), or nothing for the AWS default';

function settings(values: Partial<Record<SettingKey, unknown>>) {
  return (key: SettingKey) => values[key];
}

describe('config', () => {
  describe('the contract with package.json', () => {
    it('declares exactly the settings that config.ts reads', () => {
      const keys = [...Object.keys(SETTING_RULES), ...Object.keys(STRUCTURED_RULES)];
      assert.deepEqual(Object.keys(declared).sort(), keys.map((k) => `storyteller.${k}`).sort());
    });

    for (const key of Object.keys(STRUCTURED_RULES) as (keyof typeof STRUCTURED_RULES)[]) {
      it(`storyteller.${key} has the same default, the default passes its own check, and a description`, () => {
        const prop = declared[`storyteller.${key}`]!;
        assert.deepEqual(prop.default, STRUCTURED_RULES[key].default);
        assert.equal(checkSetting(key, prop.default), undefined);
        assert.ok((prop.markdownDescription ?? '').length > 20, 'markdownDescription is missing');
      });
    }

    for (const key of Object.keys(SETTING_RULES) as StringSettingKey[]) {
      it(`storyteller.${key} has the same validation, default and a description`, () => {
        const rule = SETTING_RULES[key] as { pattern?: RegExp; values?: readonly string[]; default: string };
        const prop = declared[`storyteller.${key}`]!;
        // Compared as compiled sources, since RegExp escapes "/" in .source.
        assert.equal(prop.pattern === undefined ? undefined : new RegExp(prop.pattern).source, rule.pattern?.source);
        assert.deepEqual(prop.enum, rule.values ? [...rule.values] : undefined);
        assert.equal(prop.default, rule.default);
        assert.ok((prop.markdownDescription ?? '').length > 20, 'markdownDescription is missing');
      });
    }
  });

  describe('where credentials may go: user settings only', () => {
    const credentialKeys = [
      'region',
      'userPoolId',
      'clientId',
      'identityPoolId',
      'authFlow',
      'endpoints.cognitoIdp',
      'endpoints.cognitoIdentity',
      'endpoints.bedrockRuntime',
      'endpoints.bedrock',
      'hostedUi.domain',
      'hostedUi.identityProviders',
      'hostedUi.callbackPort',
      'hostedUi.signOutOfBrowser',
      'storyGatewayUrl',
      'contentSafety.policy',
      'contentSafety.standardGuardrailId',
      'contentSafety.standardGuardrailVersion',
      'contentSafety.strictGuardrailId',
      'contentSafety.strictGuardrailVersion',
      'selfSignUp',
    ];

    it('every setting that decides where credentials go is application-scoped, and only those', () => {
      assert.deepEqual([...CREDENTIAL_SETTINGS].sort(), [...credentialKeys].sort());
      for (const [key, prop] of Object.entries(declared)) {
        const expected = credentialKeys.includes(key.replace(/^storyteller\./, '')) ? 'application' : undefined;
        assert.equal(prop.scope, expected, `${key} scope`);
      }
    });

    it('declares limited support for untrusted workspaces, restricting every storyteller setting', () => {
      const trust = manifest.capabilities?.untrustedWorkspaces;
      assert.equal(trust?.supported, 'limited');
      assert.ok((trust.description ?? '').length > 20);
      assert.deepEqual([...trust.restrictedConfigurations].sort(), Object.keys(declared).sort());
      assert.equal(manifest.capabilities.virtualWorkspaces, true);
    });

    it('endpoint descriptions say https, loopback-only http and the per-host question', () => {
      for (const key of credentialKeys.filter((k) => k.startsWith('endpoints.'))) {
        const description = declared[`storyteller.${key}`]!.markdownDescription!;
        assert.match(description, /`https:\/\/`/);
        assert.match(description, /`127\.0\.0\.1`, `localhost` or `\[::1\]`/);
        assert.match(description, /asks whether to send your sign-in there/);
      }
    });

    it('the manifest pattern accepts and refuses the same endpoints as config.ts', () => {
      const pattern = new RegExp(declared['storyteller.endpoints.cognitoIdp']!.pattern!);
      const urls = [
        '',
        'https://a.example.com',
        'https://a.example.com/p/q',
        'http://127.0.0.1:4566',
        'http://localhost:1/',
        'http://[::1]:80',
        'http://a.example.com',
        'https://u:p@a.example.com',
        'http://127.0.0.1.evil.example',
        'https://a.example.com?x',
      ];
      for (const url of urls)
        assert.equal(pattern.test(url), checkSetting('endpoints.cognitoIdp', url) === undefined, url);
    });
  });

  it('applies the defaults when nothing is set', () => {
    const result = readConfig(settings({}));
    assert.ok(result.ok);
    assert.deepEqual(result.config, {
      region: 'us-east-1',
      userPoolId: '',
      clientId: '',
      identityPoolId: '',
      authFlow: 'USER_SRP_AUTH',
      modelId: 'amazon.nova-lite-v1:0',
      models: ['amazon.nova-lite-v1:0', 'amazon.nova-micro-v1:0', 'amazon.nova-pro-v1:0'],
      modelPrices: DEFAULT_MODEL_PRICES,
      passwordPolicy: DEFAULT_PASSWORD_POLICY,
      endpoints: {},
      hostedUi: { domain: '', identityProviders: [], signOutOfBrowser: true, callbackPort: 53682 },
      storyGatewayUrl: '',
      contentSafety: { policy: 'Off', standard: { id: '', version: '' }, strict: { id: '', version: '' } },
      selfSignUp: true,
    });
    assert.equal(isConfigured(result.config), false);
  });

  it('reads the content policy and its guardrails, and refuses what Bedrock would (#27)', () => {
    const result = readConfig(
      settings({
        'contentSafety.policy': 'Standard',
        'contentSafety.standardGuardrailId': 'abc123',
        'contentSafety.standardGuardrailVersion': '1',
        'contentSafety.strictGuardrailId': 'arn:aws:bedrock:us-east-1:123456789012:guardrail/xyz',
        'contentSafety.strictGuardrailVersion': 'DRAFT',
      }),
    );
    assert.ok(result.ok, JSON.stringify(result));
    assert.deepEqual(result.config.contentSafety, {
      policy: 'Standard',
      standard: { id: 'abc123', version: '1' },
      strict: { id: 'arn:aws:bedrock:us-east-1:123456789012:guardrail/xyz', version: 'DRAFT' },
    });
    for (const [key, value] of [
      ['contentSafety.policy', 'strict'],
      ['contentSafety.standardGuardrailId', 'Abc 123'],
      ['contentSafety.strictGuardrailVersion', '0'],
    ] as const)
      assert.match(checkSetting(key, value)?.message ?? '', new RegExp(`storyteller\\.${key.replace('.', '\\.')}`));
  });

  it('reads a full configuration, trimming values and trailing slashes of endpoints', () => {
    const result = readConfig(
      settings({
        region: 'eu-west-1',
        userPoolId: ' eu-west-1_AbC123 ',
        clientId: '1h57kf5cpq17m0eml12EXAMPLE',
        identityPoolId: 'eu-west-1:0d9f7f4e-8a3b-4b1c-9c1d-2e3f4a5b6c7d',
        authFlow: 'USER_PASSWORD_AUTH',
        modelId: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
        'endpoints.cognitoIdp': 'http://127.0.0.1:4566/',
        'endpoints.bedrockRuntime': 'https://bedrock-runtime.eu-west-1.amazonaws.com',
      }),
    );
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(result.config.userPoolId, 'eu-west-1_AbC123');
    assert.equal(result.config.authFlow, 'USER_PASSWORD_AUTH');
    assert.deepEqual(result.config.endpoints, {
      cognitoIdp: 'http://127.0.0.1:4566',
      bedrockRuntime: 'https://bedrock-runtime.eu-west-1.amazonaws.com',
    });
    assert.equal(isConfigured(result.config), true);
  });

  const bad: [SettingKey, unknown, string][] = [
    ['region', 'useast1', 'Setting "storyteller.region" is "useast1", but it must be an AWS region such as us-east-1.'],
    [
      'userPoolId',
      'us-east-1-AbC',
      'Setting "storyteller.userPoolId" is "us-east-1-AbC", but it must be a user pool id such as us-east-1_AbCdEf123.',
    ],
    [
      'clientId',
      'has spaces in it',
      'Setting "storyteller.clientId" is "has spaces in it", but it must be an app client id of up to 128 letters, digits, underscores or plus signs.',
    ],
    [
      'identityPoolId',
      'us-east-1_abc',
      'Setting "storyteller.identityPoolId" is "us-east-1_abc", but it must be an identity pool id such as us-east-1:1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d.',
    ],
    [
      'authFlow',
      'CUSTOM_AUTH',
      'Setting "storyteller.authFlow" is "CUSTOM_AUTH", but it must be one of USER_SRP_AUTH, USER_PASSWORD_AUTH.',
    ],
    [
      'modelId',
      'gpt-4',
      'Setting "storyteller.modelId" is "gpt-4", but it must be a Bedrock model or inference-profile id such as amazon.nova-lite-v1:0.',
    ],
    [
      'endpoints.cognitoIdp',
      'localhost:4566',
      `Setting "storyteller.endpoints.cognitoIdp" is "localhost:4566", but it must be ${URL_EXPECTED}.`,
    ],
    [
      'endpoints.cognitoIdp',
      'http://cognito.example.com',
      `Setting "storyteller.endpoints.cognitoIdp" is "http://cognito.example.com", but it must be ${URL_EXPECTED}.`,
    ],
    [
      'endpoints.cognitoIdentity',
      'http://10.0.0.5:4566',
      `Setting "storyteller.endpoints.cognitoIdentity" is "http://10.0.0.5:4566", but it must be ${URL_EXPECTED}.`,
    ],
    [
      'endpoints.bedrockRuntime',
      'https://user:secret@bedrock.example.com',
      `Setting "storyteller.endpoints.bedrockRuntime" is "https://user:secret@bedrock.example.com", but it must be ${URL_EXPECTED}.`,
    ],
    [
      'endpoints.bedrock',
      'http://localhost.evil.example:80',
      `Setting "storyteller.endpoints.bedrock" is "http://localhost.evil.example:80", but it must be ${URL_EXPECTED}.`,
    ],
    [
      'endpoints.bedrock',
      'https://x.example.com/?a=b',
      `Setting "storyteller.endpoints.bedrock" is "https://x.example.com/?a=b", but it must be ${URL_EXPECTED}.`,
    ],
    ['region', 42, 'Setting "storyteller.region" is number 42, but it must be an AWS region such as us-east-1.'],
    [
      'modelId',
      { id: 'x' },
      'Setting "storyteller.modelId" is an object, but it must be a Bedrock model or inference-profile id such as amazon.nova-lite-v1:0.',
    ],
    [
      'modelId',
      '',
      'Setting "storyteller.modelId" is empty, but it must be a Bedrock model or inference-profile id such as amazon.nova-lite-v1:0.',
    ],
    [
      'models',
      'amazon.nova-lite-v1:0',
      'Setting "storyteller.models" is "amazon.nova-lite-v1:0", but it must be a list of up to 50 Bedrock model or inference-profile ids.',
    ],
    [
      'models',
      ['amazon.nova-lite-v1:0', 'gpt-4'],
      'Setting "storyteller.models" is an array, but it must be a list of up to 50 Bedrock model or inference-profile ids.',
    ],
    [
      'modelPrices',
      { 'amazon.nova-lite-v1:0': { input: -1, output: 0.1 } },
      'Setting "storyteller.modelPrices" is an object, but it must be an object mapping model ids to { "input": dollars, "output": dollars } per 1,000 tokens (optionally "cacheRead" and "cacheWrite").',
    ],
    [
      'passwordPolicy',
      { minimumLength: 4 },
      'Setting "storyteller.passwordPolicy" is an object, but it must be an object like {"minimumLength": 10, "requireLowercase": true, "requireUppercase": true, "requireNumbers": true, "requireSymbols": true}, with minimumLength from 6 to 99.',
    ],
    [
      'passwordPolicy',
      { requireSymbols: 'yes' },
      'Setting "storyteller.passwordPolicy" is an object, but it must be an object like {"minimumLength": 10, "requireLowercase": true, "requireUppercase": true, "requireNumbers": true, "requireSymbols": true}, with minimumLength from 6 to 99.',
    ],
    [
      'passwordPolicy',
      { minLength: 12 },
      'Setting "storyteller.passwordPolicy" is an object, but it must be an object like {"minimumLength": 10, "requireLowercase": true, "requireUppercase": true, "requireNumbers": true, "requireSymbols": true}, with minimumLength from 6 to 99.',
    ],
  ];
  for (const [key, value, message] of bad) {
    it(`explains a bad ${key} (${JSON.stringify(value)}) without throwing`, () => {
      const result = readConfig(settings({ [key]: value }));
      assert.equal(result.ok, false);
      assert.ok(!result.ok);
      assert.deepEqual(
        result.problems.map((p) => p.message),
        [message],
      );
      assert.equal(result.problems[0]!.setting, `storyteller.${key}`);
    });
  }

  it('reports every bad setting at once, not just the first', () => {
    const result = readConfig(settings({ region: 'x', authFlow: 'y' }));
    assert.ok(!result.ok);
    assert.deepEqual(
      result.problems.map((p) => p.setting),
      ['storyteller.region', 'storyteller.authFlow'],
    );
  });

  it('reads the structured settings strictly: model ids trimmed once each, prices per model id, no stray keys', () => {
    const ok = readConfig(
      settings({
        models: [' amazon.nova-lite-v1:0', 'amazon.nova-lite-v1:0 ', 'amazon.nova-pro-v1:0'],
        modelPrices: {
          'amazon.nova-pro-v1:0': { input: 0, output: 1 },
          'anthropic.claude-sonnet-4-5-20250929-v1:0': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
        },
      }),
    );
    assert.ok(ok.ok);
    assert.deepEqual(ok.config.models, ['amazon.nova-lite-v1:0', 'amazon.nova-pro-v1:0']);
    assert.deepEqual(ok.config.modelPrices, {
      'amazon.nova-pro-v1:0': { input: 0, output: 1 },
      'anthropic.claude-sonnet-4-5-20250929-v1:0': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
    });
    const bad: [string, unknown][] = [
      ['models', Array.from({ length: 51 }, (_, i) => `amazon.nova-v${i}:0`)],
      ['models', [1]],
      ['modelPrices', [{ input: 1, output: 1 }]],
      ['modelPrices', JSON.parse('{"__proto__": {"input": 1, "output": 1}}')],
      ['modelPrices', { 'amazon.nova-pro-v1:0': { input: 1, output: 1, cached: 0 } }],
      ['modelPrices', { 'amazon.nova-pro-v1:0': { input: '1', output: 1 } }],
      ['modelPrices', { 'amazon.nova-pro-v1:0': { input: 1, output: 1, cacheRead: -1 } }],
      ['modelPrices', { 'not an id': { input: 1, output: 1 } }],
      ['passwordPolicy', [10]],
      ['passwordPolicy', []],
      ['passwordPolicy', { minimumLength: 10.5 }],
      ['passwordPolicy', { minimumLength: 100 }],
    ];
    for (const [key, value] of bad) {
      const result = readConfig(settings({ [key]: value }));
      assert.ok(!result.ok, `${key}=${JSON.stringify(value)}`);
      assert.deepEqual(
        result.problems.map((p) => p.setting),
        [`storyteller.${key}`],
      );
    }
  });

  it('reads browser sign-in and the story gateway: origins without a trailing slash, providers once each', () => {
    const result = readConfig(
      settings({
        'hostedUi.domain': ' https://storyteller-demo.auth.us-east-1.amazoncognito.com/ ',
        'hostedUi.identityProviders': ['COGNITO', ' Google', 'Google ', 'LoginWithAmazon'],
        'hostedUi.signOutOfBrowser': true,
        'hostedUi.callbackPort': 49152,
        storyGatewayUrl: 'https://abc123.lambda-url.us-east-1.on.aws/',
      }),
    );
    assert.ok(result.ok);
    assert.deepEqual(result.config.hostedUi, {
      domain: 'https://storyteller-demo.auth.us-east-1.amazoncognito.com',
      identityProviders: ['COGNITO', 'Google', 'LoginWithAmazon'],
      signOutOfBrowser: true,
      callbackPort: 49152,
    });
    assert.equal(result.config.storyGatewayUrl, 'https://abc123.lambda-url.us-east-1.on.aws');
    const bad: [SettingKey, unknown][] = [
      ['hostedUi.domain', 'http://storyteller-demo.auth.us-east-1.amazoncognito.com'],
      ['hostedUi.domain', 'https://u:p@example.com'],
      ['storyGatewayUrl', 'http://evil.example'],
      ['storyGatewayUrl', 'https://a.example.com/?x=1'],
      ['hostedUi.identityProviders', 'Google'],
      ['hostedUi.identityProviders', ['Login With Amazon']],
      ['hostedUi.identityProviders', ['_hidden']],
      ['hostedUi.identityProviders', ['a'.repeat(33)]],
      ['hostedUi.signOutOfBrowser', 'yes'],
      ['hostedUi.callbackPort', 80],
      ['hostedUi.callbackPort', 53682.5],
      ['hostedUi.callbackPort', '53682'],
    ];
    for (const [key, value] of bad) {
      const problems = checkSetting(key, value);
      assert.ok(problems, `${key}=${JSON.stringify(value)}`);
      assert.equal(problems.setting, `storyteller.${key}`);
    }
  });

  it('the manifest item pattern of identity providers refuses what config.ts refuses', () => {
    const pattern = new RegExp(
      (declared['storyteller.hostedUi.identityProviders'] as { items: { pattern: string } }).items.pattern,
    );
    for (const name of ['COGNITO', 'LoginWithAmazon', 'Google', 'Login With Amazon', '_x', 'a'.repeat(33), 'a,b'])
      assert.equal(pattern.test(name), checkSetting('hostedUi.identityProviders', [name]) === undefined, name);
  });

  it('takes a partial password policy over the defaults', () => {
    const result = readConfig(settings({ passwordPolicy: { minimumLength: 14, requireSymbols: false } }));
    assert.ok(result.ok);
    assert.deepEqual(result.config.passwordPolicy, {
      ...DEFAULT_PASSWORD_POLICY,
      minimumLength: 14,
      requireSymbols: false,
    });
  });

  it("the default password policy is the template's user pool policy", () => {
    const stack = loadStack({ templatePath: join(__dirname, '../../infra/template.yaml') });
    const pool = Object.values(stack.resources).find((r) => r.type === 'AWS::Cognito::UserPool')!;
    const policy = (pool.properties as { Policies: { PasswordPolicy: Record<string, unknown> } }).Policies
      .PasswordPolicy;
    assert.deepEqual(DEFAULT_PASSWORD_POLICY, {
      minimumLength: policy.MinimumLength,
      requireLowercase: policy.RequireLowercase,
      requireUppercase: policy.RequireUppercase,
      requireNumbers: policy.RequireNumbers,
      requireSymbols: policy.RequireSymbols,
    });
  });

  it('catches ids from a different region than the region setting', () => {
    const result = readConfig(settings({ region: 'us-east-1', userPoolId: 'eu-west-1_AbC123' }));
    assert.ok(!result.ok);
    assert.equal(
      result.problems[0]!.message,
      'Setting "storyteller.userPoolId" is "eu-west-1_AbC123", which is in region eu-west-1, but "storyteller.region" is us-east-1. Use ids and region from the same stack.',
    );
  });

  it('accepts the ids that AWS really issues', () => {
    for (const [key, value] of [
      ['userPoolId', 'us-east-1_AbCdEf123'],
      ['userPoolId', 'us-gov-west-1_AbC'],
      ['clientId', '1h57kf5cpq17m0eml12example'],
      ['modelId', 'amazon.nova-micro-v1:0'],
      ['modelId', 'anthropic.claude-3-5-sonnet-20240620-v1:0'],
      ['modelId', 'global.anthropic.claude-sonnet-4-5-20250929-v1:0'],
      ['modelId', 'meta.llama3-1-8b-instruct-v1:0'],
      ['modelId', 'amazon.titan-text-express-v1'],
    ] as const) {
      assert.equal(checkSetting(key, value), undefined, `${key}=${value}`);
    }
  });
});
