// Bedrock's cross-region (system-defined) inference profiles: a geography prefix in front of a model
// id, `us.amazon.nova-lite-v1:0`. The one list of prefixes, for the extension, the emulator and the
// template's tests (infra/template.yaml strips the same prefixes in its IAM policy).

/**
 * Every prefix Bedrock puts in front of a model id. Sources: the Bedrock user guide ("Supported
 * Regions and models for inference profiles") and aws-cdk's CrossRegionInferenceProfileRegion
 * (us, us-gov, eu, apac, jp, au, global). `ca` is in neither; it is kept so that a Canadian profile
 * id, where one exists, is still read as a profile.
 */
export const INFERENCE_PROFILE_PREFIXES = ['us', 'us-gov', 'eu', 'apac', 'jp', 'au', 'ca', 'global'] as const;

export type InferenceProfilePrefix = (typeof INFERENCE_PROFILE_PREFIXES)[number];

export interface SplitProfile {
  /** The profile's geography; absent for a plain model id. */
  readonly prefix?: InferenceProfilePrefix;
  /** The model the id names, without a prefix or an ARN. */
  readonly modelId: string;
}

const ARN = /^arn:aws[\w-]*:bedrock:[\w-]*:\d*:(?:foundation-model|inference-profile)\//;

function isPrefix(word: string): word is InferenceProfilePrefix {
  return (INFERENCE_PROFILE_PREFIXES as readonly string[]).includes(word);
}

/**
 * `us.amazon.nova-lite-v1:0` → { prefix: 'us', modelId: 'amazon.nova-lite-v1:0' }; a plain id, or
 * either as an ARN, likewise. Only the first segment is a prefix: `cohere.us.x` names no profile.
 */
export function splitProfile(id: string): SplitProfile {
  const bare = id.replace(ARN, '');
  const dot = bare.indexOf('.');
  const head = dot > 0 ? bare.slice(0, dot) : '';
  return isPrefix(head) ? { prefix: head, modelId: bare.slice(dot + 1) } : { modelId: bare };
}

/** `us.anthropic.claude-…` or an ARN → `anthropic.claude-…`. */
export function baseModelId(id: string): string {
  return splitProfile(id).modelId;
}

// Japan (Tokyo, Osaka) and Australia (Sydney, Melbourne) have their own geographies inside APAC.
const JP_REGIONS: readonly string[] = ['ap-northeast-1', 'ap-northeast-3'];
const AU_REGIONS: readonly string[] = ['ap-southeast-2', 'ap-southeast-4'];

/**
 * The profile prefixes a call from this region may name, the most local first, so the model
 * picker keeps data as close as it can. Global profiles route to commercial regions only, so
 * GovCloud, China and the isolated partitions get no global. Canada: AWS documents us. (and global.)
 * profiles from ca-central-1; ca. comes first in case AWS lists one there. A region of no known
 * geography (sa-, me-, af-, il-, mx-) gets global. alone.
 */
export function profilePrefixesFrom(region: string): readonly InferenceProfilePrefix[] {
  if (region.startsWith('us-gov-')) return ['us-gov'];
  if (region.startsWith('cn-') || /^[a-z]+-iso[a-z]?-/.test(region)) return [];
  const geographic: InferenceProfilePrefix[] = [];
  if (region.startsWith('us-')) geographic.push('us');
  else if (region.startsWith('ca-')) geographic.push('ca', 'us');
  else if (region.startsWith('eu-')) geographic.push('eu');
  else if (JP_REGIONS.includes(region)) geographic.push('jp', 'apac');
  else if (AU_REGIONS.includes(region)) geographic.push('au', 'apac');
  else if (region.startsWith('ap-')) geographic.push('apac');
  return [...geographic, 'global'];
}
