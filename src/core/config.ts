// Reads the `storyteller.*` settings into one typed, validated object.
// The shapes here are the same contract as `contributes.configuration` in package.json;
// test/unit/config.test.ts keeps the two in step.
import * as l10n from '@vscode/l10n';
import * as v from 'valibot';
import { endpointProblem } from './auth/endpoints';
import { AUTH_FLOWS } from './auth/flows/flow';
import type { AuthFlow } from './auth/flows/flow';
import { DEFAULT_PASSWORD_POLICY } from './auth/validation';
import type { PasswordPolicy } from './auth/validation';
import { notificationSafe } from './notificationText';
import { CONTENT_SAFETY_POLICIES } from '../../infra/src/gateway/safety';
import type { ContentSafetyPolicy, StackGuardrails } from '../../infra/src/gateway/safety';

// test/aws/auth/cognito.test.ts still imports it from here.

export interface Endpoints {
  readonly cognitoIdp?: string;
  readonly cognitoIdentity?: string;
  readonly bedrockRuntime?: string;
  /** The control plane, for ListFoundationModels in the model picker. */
  readonly bedrock?: string;
}

/** US dollars per 1,000 tokens. */
export interface ModelPrice {
  readonly input: number;
  readonly output: number;
  /** Input tokens read from the prompt cache; when absent, derived from `input` (usage.ts, cachePrices). */
  readonly cacheRead?: number;
  /** Input tokens written to the prompt cache; when absent, derived from `input`. */
  readonly cacheWrite?: number;
}

export interface StorytellerConfig {
  readonly region: string;
  /** Empty until the extension is configured. */
  readonly userPoolId: string;
  readonly clientId: string;
  readonly identityPoolId: string;
  readonly authFlow: AuthFlow;
  readonly modelId: string;
  /** The models offered in the picker when the role may not list them. */
  readonly models: readonly string[];
  readonly modelPrices: Readonly<Record<string, ModelPrice>>;
  readonly passwordPolicy: PasswordPolicy;
  readonly endpoints: Endpoints;
  /**
   * Browser sign-in through Cognito managed login; the settings keep AWS's old name for it
   * (`storyteller.hostedUi.*`). `domain` is '' when it is not set up.
   */
  readonly hostedUi: ManagedLoginConfig;
  /** The story gateway's function URL (budget mode), no trailing slash; '' sends stories straight to Bedrock. */
  readonly storyGatewayUrl: string;
  /** The stack's content policy and its guardrails (#27): what every direct model call sends. */
  readonly contentSafety: StackGuardrails;
  /** Whether the pool lets people create their own accounts (the stack output `SelfSignUpAllowed`). */
  readonly selfSignUp: boolean;
}

export interface ManagedLoginConfig {
  /** An origin such as `https://prefix.auth.us-east-1.amazoncognito.com`, or '' when not configured. */
  readonly domain: string;
  /** Providers offered before the managed login page (`COGNITO` is its password page); empty opens the page. */
  readonly identityProviders: readonly string[];
  /** Whether sign-out also opens `/logout`, ending the browser's managed login session. */
  readonly signOutOfBrowser: boolean;
  /** The fixed port of the loopback callback `http://127.0.0.1:<port>/callback` registered in the app client. */
  readonly callbackPort: number;
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
  /** A function: the translations are configured after the modules load. */
  readonly expected: () => string;
  readonly default: string;
}

const REGION = '[a-z]{2}(-gov)?-[a-z]+-\\d';
// https anywhere, http only on loopback (the emulator); no user:pass@, query or fragment.
// endpointProblem() re-checks each URL with the URL parser, since a pattern alone is easy to fool.
const URL_PATTERN =
  /^$|^https:\/\/[^\s/?#@]+(\/[^\s?#]*)?$|^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d{1,5})?(\/[^\s?#]*)?$/;
const URL_RULE: SettingRule = {
  pattern: URL_PATTERN,
  expected: () =>
    l10n.t(
      'an https:// URL without a user name or password (http:// only for 127.0.0.1, localhost or [::1]), or nothing for the AWS default',
    ),
  default: '',
};

// Bedrock's own patterns for a guardrail's identifier (an id or its ARN) and version.
const GUARDRAIL_ID_RULE: SettingRule = {
  pattern: /^$|^[a-z0-9]+$|^arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:guardrail\/[a-z0-9]+$/,
  expected: () => l10n.t('a Bedrock guardrail id or ARN (the stack output), or nothing when the content policy is Off'),
  default: '',
};
const GUARDRAIL_VERSION_RULE: SettingRule = {
  pattern: /^$|^([1-9][0-9]{0,7}|DRAFT)$/,
  expected: () => l10n.t('a guardrail version number such as 1 (the stack output), or nothing'),
  default: '',
};

/** Validation for every setting, keyed by the name after `storyteller.`. */
export const SETTING_RULES = {
  region: {
    pattern: new RegExp(`^${REGION}$`),
    expected: () => l10n.t('an AWS region such as us-east-1'),
    default: 'us-east-1',
  },
  userPoolId: {
    pattern: new RegExp(`^$|^${REGION}_[0-9a-zA-Z]+$`),
    expected: () => l10n.t('a user pool id such as us-east-1_AbCdEf123'),
    default: '',
  },
  clientId: {
    pattern: /^$|^[\w+]{1,128}$/,
    expected: () => l10n.t('an app client id of up to 128 letters, digits, underscores or plus signs'),
    default: '',
  },
  identityPoolId: {
    pattern: new RegExp(`^$|^${REGION}:[0-9a-f-]+$`),
    expected: () => l10n.t('an identity pool id such as us-east-1:1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d'),
    default: '',
  },
  authFlow: {
    values: AUTH_FLOWS,
    expected: () => l10n.t('one of {0}', AUTH_FLOWS.join(', ')),
    default: 'USER_SRP_AUTH',
  },
  modelId: {
    pattern: /^[a-z0-9-]+(\.[a-zA-Z0-9_-]+)+(:[0-9]+)?(:[0-9a-z]+)?$/,
    expected: () => l10n.t('a Bedrock model or inference-profile id such as amazon.nova-lite-v1:0'),
    default: 'amazon.nova-lite-v1:0',
  },
  'endpoints.cognitoIdp': URL_RULE,
  'endpoints.cognitoIdentity': URL_RULE,
  'endpoints.bedrockRuntime': URL_RULE,
  'endpoints.bedrock': URL_RULE,
  'hostedUi.domain': URL_RULE,
  storyGatewayUrl: URL_RULE,
  'contentSafety.policy': {
    values: CONTENT_SAFETY_POLICIES,
    expected: () => l10n.t('one of {0}', CONTENT_SAFETY_POLICIES.join(', ')),
    default: 'Off',
  },
  'contentSafety.standardGuardrailId': GUARDRAIL_ID_RULE,
  'contentSafety.standardGuardrailVersion': GUARDRAIL_VERSION_RULE,
  'contentSafety.strictGuardrailId': GUARDRAIL_ID_RULE,
  'contentSafety.strictGuardrailVersion': GUARDRAIL_VERSION_RULE,
} as const satisfies Record<string, SettingRule>;

/** A setting whose value is an array or object: checked by a schema instead of a pattern. */
interface StructuredRule<T> {
  readonly default: T;
  /** A function: the translations are configured after the modules load. */
  readonly expected: () => string;
  readonly schema: v.GenericSchema<unknown, T>;
}

const MODEL_ID = SETTING_RULES.modelId.pattern;

/** Public on-demand prices (us-east-1) of the Nova text models, per 1,000 tokens. */
export const DEFAULT_MODEL_PRICES: Readonly<Record<string, ModelPrice>> = {
  'amazon.nova-micro-v1:0': { input: 0.000035, output: 0.00014 },
  'amazon.nova-lite-v1:0': { input: 0.00006, output: 0.00024 },
  'amazon.nova-pro-v1:0': { input: 0.0008, output: 0.0032 },
  'amazon.nova-premier-v1:0': { input: 0.0025, output: 0.0125 },
};

/** Cognito's identity provider names: 1 to 32 characters, no spaces, not starting with "_". */
const PROVIDER_NAME = /^[^\s_,][^\s,]{0,31}$/;
const IdentityProvidersSchema = v.pipe(
  v.array(v.pipe(v.string(), v.trim(), v.regex(PROVIDER_NAME))),
  v.maxLength(20),
  v.transform((names) => [...new Set(names)]),
);

/** The registered port must be exact (Cognito compares callback URLs exactly); below 1024 needs privileges. */
export const DEFAULT_CALLBACK_PORT = 53682;
const CallbackPortSchema = v.pipe(v.number(), v.integer(), v.minValue(1024), v.maxValue(65535));

const Dollars = v.pipe(v.number(), v.finite(), v.minValue(0));
const Flag = (fallback: boolean) => v.optional(v.boolean(), fallback);

/** Model ids, trimmed (a pasted id often carries a stray space), each once. */
const ModelsSchema = v.pipe(
  v.array(v.pipe(v.string(), v.trim(), v.regex(MODEL_ID))),
  v.maxLength(50),
  v.transform((ids) => [...new Set(ids)]),
);

// valibot's objects and records take an array, and a record skips "__proto__": both are refused first.
const isPlainObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

// A plain object whose every key is a model id.
const ModelPricesSchema = v.pipe(
  v.custom<Record<string, unknown>>(isPlainObject),
  v.check((x) => Object.keys(x).every((id) => MODEL_ID.test(id))),
  v.record(
    v.string(),
    v.strictObject({
      input: Dollars,
      output: Dollars,
      cacheRead: v.exactOptional(Dollars),
      cacheWrite: v.exactOptional(Dollars),
    }),
  ),
);

/** Any field left out takes the template's value. */
const PasswordPolicySchema = v.pipe(
  v.custom<object>(isPlainObject),
  v.strictObject({
    minimumLength: v.optional(
      v.pipe(v.number(), v.integer(), v.minValue(6), v.maxValue(99)),
      DEFAULT_PASSWORD_POLICY.minimumLength,
    ),
    requireLowercase: Flag(DEFAULT_PASSWORD_POLICY.requireLowercase),
    requireUppercase: Flag(DEFAULT_PASSWORD_POLICY.requireUppercase),
    requireNumbers: Flag(DEFAULT_PASSWORD_POLICY.requireNumbers),
    requireSymbols: Flag(DEFAULT_PASSWORD_POLICY.requireSymbols),
  }),
);

export const STRUCTURED_RULES = {
  models: {
    default: ['amazon.nova-lite-v1:0', 'amazon.nova-micro-v1:0', 'amazon.nova-pro-v1:0'],
    expected: () => l10n.t('a list of up to 50 Bedrock model or inference-profile ids'),
    schema: ModelsSchema,
  } satisfies StructuredRule<string[]>,
  modelPrices: {
    default: DEFAULT_MODEL_PRICES,
    expected: () =>
      l10n.t(
        'an object mapping model ids to { "input": dollars, "output": dollars } per 1,000 tokens (optionally "cacheRead" and "cacheWrite")',
      ),
    schema: ModelPricesSchema,
  } satisfies StructuredRule<Record<string, ModelPrice>>,
  passwordPolicy: {
    default: DEFAULT_PASSWORD_POLICY,
    expected: () =>
      l10n.t(
        'an object like {"minimumLength": 10, "requireLowercase": true, "requireUppercase": true, "requireNumbers": true, "requireSymbols": true}, with minimumLength from 6 to 99',
      ),
    schema: PasswordPolicySchema,
  } satisfies StructuredRule<PasswordPolicy>,
  'hostedUi.identityProviders': {
    default: [] as string[],
    expected: () =>
      l10n.t('a list of identity provider names of the app client, such as ["COGNITO", "LoginWithAmazon", "Google"]'),
    schema: IdentityProvidersSchema,
  } satisfies StructuredRule<string[]>,
  'hostedUi.signOutOfBrowser': {
    // On by default: on a shared machine, Sign Out must not leave the browser signed in.
    default: true,
    expected: () => l10n.t('true or false'),
    schema: v.boolean(),
  } satisfies StructuredRule<boolean>,
  'hostedUi.callbackPort': {
    default: DEFAULT_CALLBACK_PORT,
    expected: () => l10n.t('a whole number from 1024 to 65535, the LoopbackCallbackPort of the stack'),
    schema: CallbackPortSchema,
  } satisfies StructuredRule<number>,
  selfSignUp: {
    // The template's default (AllowSelfSignUp=true); a pool that refuses still gets a clear answer.
    default: true,
    expected: () => l10n.t('true or false'),
    schema: v.boolean(),
  } satisfies StructuredRule<boolean>,
} as const;

type StructuredValues = { -readonly [K in StructuredKey]: v.InferOutput<(typeof STRUCTURED_RULES)[K]['schema']> };

/** The value of a structured setting when it is fine, otherwise undefined. */
function parseStructured<K extends StructuredKey>(key: K, value: unknown): StructuredValues[K] | undefined {
  const result = v.safeParse(STRUCTURED_RULES[key].schema, value);
  return result.success ? (result.output as StructuredValues[K]) : undefined;
}

/**
 * The settings that decide where the user's password, tokens and client secret go. They are
 * application-scoped in package.json (user settings only) and read from user settings only.
 */
export const CREDENTIAL_SETTINGS = [
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
  // Opens the pool's /logout in the browser: like the domain, the user's choice, not a workspace's.
  'hostedUi.signOutOfBrowser',
  'storyGatewayUrl',
  // The stack's content policy: a workspace must not turn it off or point it at another guardrail.
  'contentSafety.policy',
  'contentSafety.standardGuardrailId',
  'contentSafety.standardGuardrailVersion',
  'contentSafety.strictGuardrailId',
  'contentSafety.strictGuardrailVersion',
  // Whether Sign In offers Create an Account: the stack's answer, not a workspace's.
  'selfSignUp',
] as const satisfies readonly SettingKey[];

export type StructuredKey = keyof typeof STRUCTURED_RULES;
export type SettingKey = keyof typeof SETTING_RULES | StructuredKey;
export type StringSettingKey = keyof typeof SETTING_RULES;
export const SECTION = 'storyteller';

/** Checks one value against its rule; returns the problem, or undefined when it is fine. */
export function checkSetting(key: SettingKey, value: unknown): ConfigProblem | undefined {
  const setting = `${SECTION}.${key}`;
  if (key in STRUCTURED_RULES) {
    const rule = STRUCTURED_RULES[key as StructuredKey];
    if (parseStructured(key as StructuredKey, value) !== undefined) return undefined;
    return { setting, value, message: mustBe(setting, value, rule.expected()) };
  }
  const rule: SettingRule = SETTING_RULES[key as StringSettingKey];
  const ok =
    typeof value === 'string' &&
    (rule.values ? rule.values.includes(value) : true) &&
    (rule.pattern ? rule.pattern.test(value) : true) &&
    (rule === URL_RULE && value !== '' ? endpointProblem(value) === undefined : true);
  if (ok) return undefined;
  return { setting, value, message: mustBe(setting, value, rule.expected()) };
}

function mustBe(setting: string, value: unknown, expected: string): string {
  return l10n.t('Setting "{0}" is {1}, but it must be {2}.', setting, describe(value), expected);
}

function describe(value: unknown): string {
  // The value comes from a settings file anyone may have written; messages show it in notifications.
  if (typeof value === 'string')
    return value === ''
      ? l10n.t('empty')
      : notificationSafe(JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value));
  if (value === null) return 'null';
  if (typeof value === 'object') return Array.isArray(value) ? l10n.t('an array') : l10n.t('an object');
  return `${typeof value} ${String(value)}`;
}

/**
 * Reads and validates every setting. `get` returns the effective value of a key below
 * `storyteller.`, or undefined when unset. Values are trimmed, since a pasted id often
 * carries a stray space. Never throws.
 */
export function readConfig(get: (key: SettingKey) => unknown): ConfigResult {
  const values = {} as Record<StringSettingKey, string>;
  const problems: ConfigProblem[] = [];
  for (const key of Object.keys(SETTING_RULES) as StringSettingKey[]) {
    let value = get(key) ?? SETTING_RULES[key].default;
    if (typeof value === 'string') value = value.trim();
    const problem = checkSetting(key, value);
    if (problem) problems.push(problem);
    else values[key] = value as string;
  }
  const structured = {} as Partial<StructuredValues>;
  for (const key of Object.keys(STRUCTURED_RULES) as StructuredKey[]) {
    const value = get(key) ?? STRUCTURED_RULES[key].default;
    const parsed = parseStructured(key, value);
    if (parsed === undefined) problems.push(checkSetting(key, value)!);
    else Object.assign(structured, { [key]: parsed });
  }
  problems.push(...regionMismatches(values));
  if (problems.length > 0) return { ok: false, problems };

  const endpoints: { -readonly [K in keyof Endpoints]: string } = {};
  if (values['endpoints.cognitoIdp']) endpoints.cognitoIdp = stripSlash(values['endpoints.cognitoIdp']);
  if (values['endpoints.cognitoIdentity']) endpoints.cognitoIdentity = stripSlash(values['endpoints.cognitoIdentity']);
  if (values['endpoints.bedrockRuntime']) endpoints.bedrockRuntime = stripSlash(values['endpoints.bedrockRuntime']);
  if (values['endpoints.bedrock']) endpoints.bedrock = stripSlash(values['endpoints.bedrock']);
  return {
    ok: true,
    config: {
      region: values.region,
      userPoolId: values.userPoolId,
      clientId: values.clientId,
      identityPoolId: values.identityPoolId,
      authFlow: values.authFlow as AuthFlow,
      modelId: values.modelId,
      models: structured.models!,
      modelPrices: structured.modelPrices!,
      passwordPolicy: structured.passwordPolicy!,
      endpoints,
      hostedUi: {
        domain: stripSlash(values['hostedUi.domain']),
        identityProviders: structured['hostedUi.identityProviders']!,
        signOutOfBrowser: structured['hostedUi.signOutOfBrowser']!,
        callbackPort: structured['hostedUi.callbackPort']!,
      },
      storyGatewayUrl: stripSlash(values.storyGatewayUrl),
      contentSafety: {
        policy: values['contentSafety.policy'] as ContentSafetyPolicy,
        standard: {
          id: values['contentSafety.standardGuardrailId'],
          version: values['contentSafety.standardGuardrailVersion'],
        },
        strict: {
          id: values['contentSafety.strictGuardrailId'],
          version: values['contentSafety.strictGuardrailVersion'],
        },
      },
      selfSignUp: structured.selfSignUp!,
    },
  };
}

/** True once the user pool and its app client are known: enough to sign in. */
export function isConfigured(config: StorytellerConfig): boolean {
  return config.userPoolId !== '' && config.clientId !== '';
}

/** Pool ids start with their region; a mismatch means the settings come from two stacks. */
export function regionMismatches(
  values: Partial<Record<'region' | 'userPoolId' | 'identityPoolId', string>>,
): ConfigProblem[] {
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
        message: l10n.t(
          'Setting "{0}" is "{1}", which is in region {2}, but "{3}" is {4}. Use ids and region from the same stack.',
          setting,
          id,
          idRegion ?? '',
          `${SECTION}.region`,
          values.region,
        ),
      });
    }
  }
  return problems;
}

function stripSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
