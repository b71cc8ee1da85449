// Turns the JSON of `aws cloudformation describe-stacks` or `sam list stack-outputs --output json`
// into the settings that point the extension at a deployed backend.
import * as l10n from '@vscode/l10n';
import * as v from 'valibot';
import { checkSetting, DEFAULT_CALLBACK_PORT, regionMismatches } from './config';
import type { ConfigProblem, SettingKey } from './config';
import { notificationSafe } from './notificationText';

/** Output names that infra/template.yaml promises, mapped to the settings they fill. */
export const STACK_OUTPUTS = {
  Region: 'region',
  UserPoolId: 'userPoolId',
  UserPoolClientId: 'clientId',
  IdentityPoolId: 'identityPoolId',
} as const;

/**
 * Outputs of newer stacks, for browser sign-in and budget mode. A stack without one (older, or
 * with the feature off) clears its setting, so nothing from a previous stack stays behind.
 */
export const OPTIONAL_OUTPUTS = {
  HostedUiDomain: 'hostedUi.domain',
  IdentityProviders: 'hostedUi.identityProviders',
  LoopbackCallbackPort: 'hostedUi.callbackPort',
  StoryGatewayUrl: 'storyGatewayUrl',
  // Content safety (#27): a stack before it has no policy, which is Off.
  ContentSafety: 'contentSafety.policy',
  StandardGuardrailId: 'contentSafety.standardGuardrailId',
  StandardGuardrailVersion: 'contentSafety.standardGuardrailVersion',
  StrictGuardrailId: 'contentSafety.strictGuardrailId',
  StrictGuardrailVersion: 'contentSafety.strictGuardrailVersion',
  // Self sign-up (#24): a stack before it says nothing, and its pools allowed it by default.
  SelfSignUpAllowed: 'selfSignUp',
} as const;

export type StackSettings = { readonly [K in (typeof STACK_OUTPUTS)[keyof typeof STACK_OUTPUTS]]: string } & {
  /** An origin, or '' when the stack has no managed login domain. */
  readonly 'hostedUi.domain': string;
  readonly 'hostedUi.identityProviders': readonly string[];
  readonly 'hostedUi.callbackPort': number;
  /** '' when the stack is not in budget mode. */
  readonly storyGatewayUrl: string;
  /** Off when the stack has no content policy; the guardrails '' then. */
  readonly 'contentSafety.policy': string;
  readonly 'contentSafety.standardGuardrailId': string;
  readonly 'contentSafety.standardGuardrailVersion': string;
  readonly 'contentSafety.strictGuardrailId': string;
  readonly 'contentSafety.strictGuardrailVersion': string;
  /** Whether Sign In offers Create an Account; true when the stack does not say. */
  readonly selfSignUp: boolean;
};

export type StackOutputsResult =
  | { readonly ok: true; readonly settings: StackSettings; readonly stackName?: string }
  | { readonly ok: false; readonly message: string };

// A function: the translations are configured after the modules load.
const how = (): string =>
  l10n.t(
    'Paste the output of `aws cloudformation describe-stacks --stack-name <name>` or `sam list stack-outputs --stack-name <name> --output json`.',
  );

/** Parses and validates everything before anything is written, so a bad input writes nothing. */
export function parseStackOutputs(text: string): StackOutputsResult {
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    // Only where, never what: the parser's message quotes the pasted text, which may hold secrets.
    return { ok: false, message: `${l10n.t('That is not valid JSON{0}.', where(text, e))} ${how()}` };
  }

  const candidates = findOutputLists(json);
  if (candidates.length === 0) {
    return {
      ok: false,
      message: `${l10n.t('No stack outputs found: expected a "Stacks" list or a list of {"OutputKey", "OutputValue"}.')} ${how()}`,
    };
  }
  const complete = candidates.filter((c) => missingKeys(c.outputs).length === 0);
  if (complete.length > 1) {
    const names = notificationSafe(complete.map((c) => c.stackName ?? l10n.t('(unnamed)')).join(', '));
    return {
      ok: false,
      message: l10n.t(
        'The JSON holds {0} Storyteller stacks ({1}). Describe just one with --stack-name.',
        complete.length,
        names,
      ),
    };
  }
  const chosen = complete[0] ?? candidates[0]!;
  const missing = missingKeys(chosen.outputs);
  if (missing.length > 0) {
    const lacking = missing.join(', ');
    return {
      ok: false,
      message: chosen.stackName
        ? l10n.t(
            'The outputs of stack "{0}" lack {1}. Deploy infra/template.yaml from this repository, which defines them, and try again.',
            notificationSafe(chosen.stackName),
            lacking,
          )
        : l10n.t(
            'The outputs lack {0}. Deploy infra/template.yaml from this repository, which defines them, and try again.',
            lacking,
          ),
    };
  }

  const values: Record<string, string> = {};
  const problems: ConfigProblem[] = [];
  for (const [outputKey, settingKey] of Object.entries(STACK_OUTPUTS)) {
    const raw = chosen.outputs.get(outputKey);
    const value = typeof raw === 'string' ? raw.trim() : raw;
    const problem = checkSetting(settingKey, value) ?? (value === '' ? emptyProblem(settingKey) : undefined);
    if (problem) problems.push({ ...problem, message: l10n.t('Output {0}: {1}', outputKey, problem.message) });
    else values[settingKey] = value as string;
  }
  const optional: Record<string, unknown> = {};
  for (const [outputKey, settingKey] of Object.entries(OPTIONAL_OUTPUTS)) {
    const value = optionalValue(settingKey, chosen.outputs.get(outputKey));
    const problem = checkSetting(settingKey, value);
    if (problem) problems.push({ ...problem, message: l10n.t('Output {0}: {1}', outputKey, problem.message) });
    else optional[settingKey] = value;
  }
  problems.push(...regionMismatches(values));
  if (problems.length === 0) problems.push(...guardrailsMissing(optional));
  if (problems.length > 0) return { ok: false, message: problems.map((p) => p.message).join(' ') };

  return {
    ok: true,
    settings: { ...values, ...optional } as StackSettings,
    ...(chosen.stackName ? { stackName: chosen.stackName } : {}),
  };
}

/** A policy without its guardrails would send stories the stack refuses: say so before writing anything. */
function guardrailsMissing(optional: Record<string, unknown>): ConfigProblem[] {
  const policy = optional['contentSafety.policy'];
  if (policy === 'Off') return [];
  const missing = Object.entries(OPTIONAL_OUTPUTS)
    .filter(([, key]) => key.startsWith('contentSafety.') && optional[key] === '')
    .map(([outputKey]) => outputKey);
  if (missing.length === 0) return [];
  return [
    {
      setting: 'storyteller.contentSafety.policy',
      value: policy,
      message: l10n.t(
        "The stack's content policy is {0}, but its outputs lack {1}. Deploy infra/template.yaml from this repository and try again.",
        String(policy),
        missing.join(', '),
      ),
    },
  ];
}

/**
 * Every output of the stack parseStackOutputs chose, by key, with outputs it does not turn into
 * settings (AllowedModelIds for `npm run check:stack`); empty when the text holds none.
 */
export function stackOutputValues(text: string): ReadonlyMap<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return new Map();
  }
  const candidates = findOutputLists(json);
  return (candidates.find((c) => missingKeys(c.outputs).length === 0) ?? candidates[0])?.outputs ?? new Map();
}

/** CloudFormation outputs are strings: the domain is a bare host, providers a comma-separated list. */
function optionalValue(settingKey: SettingKey, raw: unknown): unknown {
  const text = typeof raw === 'string' ? raw.trim() : raw;
  switch (settingKey) {
    case 'hostedUi.domain':
      if (text === undefined || text === '') return '';
      return typeof text === 'string' && !/^[a-z]+:\/\//i.test(text) ? `https://${text}` : text;
    case 'hostedUi.identityProviders':
      if (text === undefined) return [];
      return typeof text === 'string' ? text.split(',').flatMap((name) => (name.trim() ? [name.trim()] : [])) : text;
    case 'hostedUi.callbackPort':
      if (text === undefined || text === '') return DEFAULT_CALLBACK_PORT;
      return typeof text === 'string' && /^\d+$/.test(text) ? Number(text) : text;
    case 'contentSafety.policy':
      return text === undefined || text === '' ? 'Off' : text;
    case 'selfSignUp':
      if (text === undefined || text === '') return true;
      return text === 'true' ? true : text === 'false' ? false : text;
    default:
      return text ?? '';
  }
}

/** " (line 3, column 7)" from the parser's position, or nothing when it gives none. */
function where(text: string, error: unknown): string {
  const match = /position (\d+)/.exec(error instanceof Error ? error.message : '');
  if (match) {
    const before = text.replace(/^\uFEFF/, '').slice(0, Number(match[1]));
    const lines = before.split('\n');
    return l10n.t(' (line {0}, column {1})', lines.length, lines[lines.length - 1]!.length + 1);
  }
  if (text.trim() === '') return l10n.t(' (it is empty)');
  if (/end of JSON input/.test(error instanceof Error ? error.message : '')) return l10n.t(' (it ends too early)');
  return '';
}

function emptyProblem(settingKey: string): ConfigProblem {
  return {
    setting: `storyteller.${settingKey}`,
    value: '',
    message: l10n.t('Setting "{0}" would be empty.', `storyteller.${settingKey}`),
  };
}

interface Candidate {
  stackName?: string;
  outputs: Map<string, unknown>;
}

// AWS's documents: loose objects, since a stack and an output carry many fields this reads none of.
const OutputSchema = v.looseObject({ OutputKey: v.string(), OutputValue: v.optional(v.unknown()) });
/** `sam list stack-outputs --output json`: a list of outputs and nothing else. */
const OutputListSchema = v.pipe(v.array(OutputSchema), v.nonEmpty());
/** One stack of `describe-stacks`; outputs that are not {"OutputKey": string} are skipped. */
const StackSchema = v.looseObject({ StackName: v.optional(v.unknown()), Outputs: v.array(v.unknown()) });
const DescribeStacksSchema = v.looseObject({ Stacks: v.array(v.unknown()) });

function findOutputLists(json: unknown): Candidate[] {
  if (Array.isArray(json)) return v.is(OutputListSchema, json) ? [{ outputs: toMap(json) }] : [];
  if (v.is(DescribeStacksSchema, json)) return json.Stacks.filter((s) => v.is(StackSchema, s)).map(candidateOf);
  // A single stack object, as `describe-stacks --query 'Stacks[0]'` prints it.
  return v.is(StackSchema, json) ? [candidateOf(json)] : [];
}

function candidateOf(stack: v.InferOutput<typeof StackSchema>): Candidate {
  return {
    ...(typeof stack.StackName === 'string' ? { stackName: stack.StackName } : {}),
    outputs: toMap(stack.Outputs),
  };
}

function toMap(list: readonly unknown[]): Map<string, unknown> {
  const map = new Map<string, unknown>();
  for (const o of list) if (v.is(OutputSchema, o)) map.set(o.OutputKey, o.OutputValue);
  return map;
}

function missingKeys(outputs: Map<string, unknown>): string[] {
  return Object.keys(STACK_OUTPUTS).filter((k) => !outputs.has(k));
}
