// Reads the `storyteller.*` settings into one typed, validated object.
// The shapes here are the same contract as `contributes.configuration` in package.json;
// test/unit/config.test.ts keeps the two in step.

export const AUTH_FLOWS = ['USER_SRP_AUTH', 'USER_PASSWORD_AUTH'] as const;
export type AuthFlow = (typeof AUTH_FLOWS)[number];

export interface Endpoints {
  readonly cognitoIdp?: string;
  readonly cognitoIdentity?: string;
  readonly bedrockRuntime?: string;
}

export interface StorytellerConfig {
  readonly region: string;
  /** Empty until the extension is configured. */
  readonly userPoolId: string;
  readonly clientId: string;
  readonly identityPoolId: string;
  readonly authFlow: AuthFlow;
  readonly modelId: string;
  readonly endpoints: Endpoints;
}

export interface ConfigProblem {
  /** Full setting id, e.g. `storyteller.region`. */
  readonly setting: string;
  readonly value: unknown;
  /** One sentence, naming the setting, the value and what is expected. */
  readonly message: string;
}

export type ConfigResult =
  | { readonly ok: true; readonly config: StorytellerConfig }
  | { readonly ok: false; readonly problems: readonly ConfigProblem[] };

interface SettingRule {
  readonly pattern?: RegExp;
  readonly values?: readonly string[];
  readonly expected: string;
  readonly default: string;
}

const REGION = '[a-z]{2}(-gov)?-[a-z]+-\\d';
const URL_PATTERN = /^$|^https?:\/\/[^\s/]+(\/.*)?$/;
const URL_RULE: SettingRule = { pattern: URL_PATTERN, expected: 'an http:// or https:// URL, or nothing for the AWS default', default: '' };

/** Validation for every setting, keyed by the name after `storyteller.`. */
export const SETTING_RULES = {
  region: { pattern: new RegExp(`^${REGION}$`), expected: 'an AWS region such as us-east-1', default: 'us-east-1' },
  userPoolId: {
    pattern: new RegExp(`^$|^${REGION}_[0-9a-zA-Z]+$`),
    expected: 'a user pool id such as us-east-1_AbCdEf123',
    default: '',
  },
  clientId: { pattern: /^$|^[\w+]{1,128}$/, expected: 'an app client id of up to 128 letters, digits, underscores or plus signs', default: '' },
  identityPoolId: {
    pattern: new RegExp(`^$|^${REGION}:[0-9a-f-]+$`),
    expected: 'an identity pool id such as us-east-1:1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d',
    default: '',
  },
  authFlow: { values: AUTH_FLOWS, expected: `one of ${AUTH_FLOWS.join(', ')}`, default: 'USER_SRP_AUTH' },
  modelId: {
    pattern: /^[a-z0-9-]+(\.[a-zA-Z0-9_-]+)+(:[0-9]+)?(:[0-9a-z]+)?$/,
    expected: 'a Bedrock model or inference-profile id such as amazon.nova-lite-v1:0',
    default: 'amazon.nova-lite-v1:0',
  },
  'endpoints.cognitoIdp': URL_RULE,
  'endpoints.cognitoIdentity': URL_RULE,
  'endpoints.bedrockRuntime': URL_RULE,
} as const satisfies Record<string, SettingRule>;

export type SettingKey = keyof typeof SETTING_RULES;
export const SECTION = 'storyteller';

/** Checks one value against its rule; returns the problem, or undefined when it is fine. */
export function checkSetting(key: SettingKey, value: unknown): ConfigProblem | undefined {
  const rule: SettingRule = SETTING_RULES[key];
  const setting = `${SECTION}.${key}`;
  const ok =
    typeof value === 'string' &&
    (rule.values ? rule.values.includes(value) : true) &&
    (rule.pattern ? rule.pattern.test(value) : true);
  if (ok) return undefined;
  return { setting, value, message: `Setting "${setting}" is ${describe(value)}, but it must be ${rule.expected}.` };
}

function describe(value: unknown): string {
  if (typeof value === 'string') return value === '' ? 'empty' : JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (value === null) return 'null';
  if (typeof value === 'object') return `an ${Array.isArray(value) ? 'array' : 'object'}`;
  return `${typeof value} ${String(value)}`;
}

/**
 * Reads and validates every setting. `get` returns the effective value of a key below
 * `storyteller.`, or undefined when unset. Values are trimmed, since a pasted id often
 * carries a stray space. Never throws.
 */
export function readConfig(get: (key: SettingKey) => unknown): ConfigResult {
  const values = {} as Record<SettingKey, string>;
  const problems: ConfigProblem[] = [];
  for (const key of Object.keys(SETTING_RULES) as SettingKey[]) {
    let value = get(key) ?? SETTING_RULES[key].default;
    if (typeof value === 'string') value = value.trim();
    const problem = checkSetting(key, value);
    if (problem) problems.push(problem);
    else values[key] = value as string;
  }
  problems.push(...regionMismatches(values));
  if (problems.length > 0) return { ok: false, problems };

  const endpoints: { -readonly [K in keyof Endpoints]: string } = {};
  if (values['endpoints.cognitoIdp']) endpoints.cognitoIdp = stripSlash(values['endpoints.cognitoIdp']);
  if (values['endpoints.cognitoIdentity']) endpoints.cognitoIdentity = stripSlash(values['endpoints.cognitoIdentity']);
  if (values['endpoints.bedrockRuntime']) endpoints.bedrockRuntime = stripSlash(values['endpoints.bedrockRuntime']);
  return {
    ok: true,
    config: {
      region: values.region,
      userPoolId: values.userPoolId,
      clientId: values.clientId,
      identityPoolId: values.identityPoolId,
      authFlow: values.authFlow as AuthFlow,
      modelId: values.modelId,
      endpoints,
    },
  };
}

/** True once the user pool and its app client are known: enough to sign in. */
export function isConfigured(config: StorytellerConfig): boolean {
  return config.userPoolId !== '' && config.clientId !== '';
}

/** Pool ids start with their region; a mismatch means the settings come from two stacks. */
export function regionMismatches(values: Partial<Record<'region' | 'userPoolId' | 'identityPoolId', string>>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const key of ['userPoolId', 'identityPoolId'] as const) {
    const id = values[key];
    if (!id || !values.region) continue;
    const idRegion = id.split(/[_:]/)[0];
    if (idRegion !== values.region) {
      const setting = `${SECTION}.${key}`;
      problems.push({
        setting,
        value: id,
        message: `Setting "${setting}" is "${id}", which is in region ${idRegion}, but "${SECTION}.region" is ${values.region}. Use ids and region from the same stack.`,
      });
    }
  }
  return problems;
}

function stripSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
