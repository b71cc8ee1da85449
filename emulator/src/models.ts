// The model ids the local engine answers to, with the limits and body shapes of the real
// models they stand in for. Names say "local" so no one mistakes them for the real thing.
import type { FoundationModelSummary, InferenceProfileSummary, InferenceType } from '@aws-sdk/client-bedrock';
import { profilePrefixesFrom, splitProfile } from '../../src/core/story/generation/inferenceProfiles';
import { invalid } from './errors';
import type { Wire } from './operation';

export type BodyFamily = 'nova' | 'claude' | 'titan';

export interface LocalModel {
  modelId: string;
  realName: string;
  providerName: string;
  family: BodyFamily;
  maxOutputTokens: number;
  /** Newer Claude models are only callable through an inference profile. */
  profileOnly: boolean;
  profiles: boolean;
}

export const MODELS: LocalModel[] = [
  {
    modelId: 'amazon.nova-micro-v1:0',
    realName: 'Nova Micro',
    providerName: 'Amazon',
    family: 'nova',
    maxOutputTokens: 10000,
    profileOnly: false,
    profiles: true,
  },
  {
    modelId: 'amazon.nova-lite-v1:0',
    realName: 'Nova Lite',
    providerName: 'Amazon',
    family: 'nova',
    maxOutputTokens: 10000,
    profileOnly: false,
    profiles: true,
  },
  {
    modelId: 'amazon.nova-pro-v1:0',
    realName: 'Nova Pro',
    providerName: 'Amazon',
    family: 'nova',
    maxOutputTokens: 10000,
    profileOnly: false,
    profiles: true,
  },
  {
    modelId: 'amazon.titan-text-express-v1',
    realName: 'Titan Text G1 - Express',
    providerName: 'Amazon',
    family: 'titan',
    maxOutputTokens: 8192,
    profileOnly: false,
    profiles: false,
  },
  {
    modelId: 'amazon.titan-text-lite-v1',
    realName: 'Titan Text G1 - Lite',
    providerName: 'Amazon',
    family: 'titan',
    maxOutputTokens: 4096,
    profileOnly: false,
    profiles: false,
  },
  {
    modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
    realName: 'Claude 3 Haiku',
    providerName: 'Anthropic',
    family: 'claude',
    maxOutputTokens: 4096,
    profileOnly: false,
    profiles: true,
  },
  {
    modelId: 'anthropic.claude-haiku-4-5-20251001-v1:0',
    realName: 'Claude Haiku 4.5',
    providerName: 'Anthropic',
    family: 'claude',
    maxOutputTokens: 64000,
    profileOnly: true,
    profiles: true,
  },
  {
    modelId: 'anthropic.claude-sonnet-4-5-20250929-v1:0',
    realName: 'Claude Sonnet 4.5',
    providerName: 'Anthropic',
    family: 'claude',
    maxOutputTokens: 64000,
    profileOnly: true,
    profiles: true,
  },
];

export interface ResolvedModel {
  model: LocalModel;
  /** The id as called (a profile id keeps its prefix). */
  calledId: string;
  profile: string | null;
  /** ARNs that IAM must allow for this call. */
  resources: string[];
}

/**
 * Accepts a model id, an inference-profile id, or either as an ARN. A profile only from a region of
 * its geography (jp. from Tokyo or Osaka), as AWS lists and runs them.
 */
export function resolveModel(raw: string, region: string, accountId: string): ResolvedModel | null {
  let id = raw;
  const arn = /^arn:aws[\w-]*:bedrock:[\w-]*:\d*:(foundation-model|inference-profile)\/(.+)$/.exec(raw);
  if (arn) id = arn[2] ?? '';
  const { prefix, modelId: baseId } = splitProfile(id);
  // AWS's answer to a profile of another geography. Thrown here, not left to the unknown-id path,
  // whose IAM check names foundation-model/<profile id>, an ARN the template never grants.
  if (prefix && !profilePrefixesFrom(region).includes(prefix))
    throw invalid('The provided model identifier is invalid.');
  const profile = prefix ? id : null;
  const model = MODELS.find((m) => m.modelId === baseId);
  if (!model || (profile && !model.profiles)) return null;
  const foundation = `arn:aws:bedrock:${region}::foundation-model/${baseId}`;
  return {
    model,
    calledId: id,
    profile,
    resources: profile
      ? [`arn:aws:bedrock:${region}:${accountId}:inference-profile/${profile}`, foundation]
      : [foundation],
  };
}

export function modelSummaries(region: string): Wire<FoundationModelSummary>[] {
  return MODELS.map((m) => ({
    modelArn: `arn:aws:bedrock:${region}::foundation-model/${m.modelId}`,
    modelId: m.modelId,
    modelName: `Local story engine (stands in for ${m.realName})`,
    providerName: `${m.providerName} (local emulator)`,
    inputModalities: ['TEXT'],
    outputModalities: ['TEXT'],
    responseStreamingSupported: true,
    customizationsSupported: [],
    // AWS answers INFERENCE_PROFILE too, a value this SDK's InferenceType enum predates.
    inferenceTypesSupported: (m.profileOnly
      ? ['INFERENCE_PROFILE']
      : ['ON_DEMAND', ...(m.profiles ? ['INFERENCE_PROFILE'] : [])]) as InferenceType[],
    modelLifecycle: { status: 'ACTIVE' },
  }));
}

/**
 * The system-defined profiles callable from this region, as AWS lists them: one per geography the
 * region belongs to (us. and global. in us-east-1; jp., apac. and global. in Tokyo). Every local
 * model with profiles has one in each, where AWS offers some models in fewer.
 */
export function inferenceProfileSummaries(region: string, accountId: string): Wire<InferenceProfileSummary>[] {
  return profilePrefixesFrom(region).flatMap((prefix) =>
    MODELS.filter((m) => m.profiles).map((m) => ({
      inferenceProfileName: `${prefix.toUpperCase()} ${m.realName} (local emulator)`,
      inferenceProfileArn: `arn:aws:bedrock:${region}:${accountId}:inference-profile/${prefix}.${m.modelId}`,
      inferenceProfileId: `${prefix}.${m.modelId}`,
      description: 'Local story engine; routes nowhere.',
      models: [{ modelArn: `arn:aws:bedrock:${region}::foundation-model/${m.modelId}` }],
      status: 'ACTIVE',
      type: 'SYSTEM_DEFINED',
    })),
  );
}
