// What the checks read from the stack: the outputs "Configure from Stack Outputs" takes, parsed by
// the extension's own parser (src/core/stackOutputs.ts), plus AllowedModelIds and ContentSafety.
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { parseStackOutputs, stackOutputValues } from '../../src/core/stackOutputs';
import type { StackSettings } from '../../src/core/stackOutputs';
import type { CheckResult } from './report';

export interface StackUnderTest {
  readonly settings: StackSettings;
  readonly stackName?: string;
  /** AllowedModelIds, or [] when the stack predates that output. */
  readonly models: readonly string[];
  /** The ContentSafety output: Off (also for a stack before it), Standard or Strict. */
  readonly contentSafety: string;
  /** The guardrail a direct model call must carry (Strict's under Strict, else Standard's), when on. */
  readonly guardrail?: { readonly guardrailIdentifier: string; readonly guardrailVersion: string };
}

export interface CheckOptions {
  /** The stack outputs JSON (describe-stacks or sam list stack-outputs); or, when absent, `stackName`. */
  readonly outputsText?: string;
  /** `--stack`: read the outputs with DescribeStacks and `adminCredentials`. */
  readonly stackName?: string;
  /** `--endpoint`: every AWS call goes there (`npm run local`). */
  readonly endpoint?: string;
  /** `--region`: overrides the Region output. */
  readonly region?: string;
  /** The deployer's credentials for the Admin* calls; the default chain when absent. */
  readonly adminCredentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** The throwaway user's email domain (one AllowedEmailDomains admits). */
  readonly emailDomain?: string;
  /** The stack was deployed with GenerateClientSecret=true on purpose. */
  readonly clientSecretMeant?: boolean;
  /** Each result as it is known, for a live printout. */
  readonly onResult?: (result: CheckResult) => void;
}

export type StackRead =
  { readonly ok: true; readonly stack: StackUnderTest } | { readonly ok: false; readonly message: string };

export function readStack(text: string, region?: string): StackRead {
  const parsed = parseStackOutputs(text);
  if (!parsed.ok) return parsed;
  const values = stackOutputValues(text);
  const str = (key: string): string => {
    const v = values.get(key);
    return typeof v === 'string' ? v.trim() : '';
  };
  const models = str('AllowedModelIds')
    .split(',')
    .map((m) => m.trim())
    .filter(Boolean);
  return {
    ok: true,
    stack: {
      settings: region ? { ...parsed.settings, region } : parsed.settings,
      ...(parsed.stackName ? { stackName: parsed.stackName } : {}),
      models,
      contentSafety: parsed.settings['contentSafety.policy'],
      ...guardrailOf(parsed.settings),
    },
  };
}

function guardrailOf(settings: StackSettings): Pick<StackUnderTest, 'guardrail'> {
  const policy = settings['contentSafety.policy'];
  if (policy === 'Off' || policy === '') return {};
  const kind = policy === 'Strict' ? 'strict' : 'standard';
  const guardrailIdentifier = settings[`contentSafety.${kind}GuardrailId`];
  const guardrailVersion = settings[`contentSafety.${kind}GuardrailVersion`];
  return guardrailIdentifier ? { guardrail: { guardrailIdentifier, guardrailVersion } } : {};
}
