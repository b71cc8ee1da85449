// The one table of Bedrock models with prompt caching, for the extension (where it places its
// cache point), the gateway (which passes cache points on only for these models) and the emulator
// (which caches only for them), so the three cannot disagree. No Node API here: the extension's
// bundles import it as they import contract.ts.
//
// Source: the Bedrock user guide, "Prompt caching for faster model inference", table of supported
// models (minimum tokens per cache checkpoint; at most 4 checkpoints per request). A model not
// listed has no prompt caching as far as Storyteller is concerned: no cache point is sent for it.

/** Minimum tokens per cache checkpoint, by base model id (an inference profile resolves to it). */
export const CACHE_MIN_TOKENS: Readonly<Record<string, number>> = {
  'amazon.nova-micro-v1:0': 1_000,
  'amazon.nova-lite-v1:0': 1_000,
  'amazon.nova-pro-v1:0': 1_000,
  'amazon.nova-premier-v1:0': 1_000,
  'anthropic.claude-3-5-haiku-20241022-v1:0': 2_048,
  'anthropic.claude-3-7-sonnet-20250219-v1:0': 1_024,
  'anthropic.claude-sonnet-4-20250514-v1:0': 1_024,
  'anthropic.claude-sonnet-4-5-20250929-v1:0': 1_024,
  'anthropic.claude-opus-4-20250514-v1:0': 1_024,
  'anthropic.claude-opus-4-1-20250805-v1:0': 1_024,
  'anthropic.claude-opus-4-5-20251101-v1:0': 4_096,
  'anthropic.claude-haiku-4-5-20251001-v1:0': 4_096,
};

/** AWS's limit on cache checkpoints in one request; above it Bedrock answers ValidationException. */
export const MAX_CACHE_POINTS = 4;

/** The block that marks the end of a prefix to cache, as Converse takes it. */
export const CACHE_POINT = { cachePoint: { type: 'default' } } as const;
export type CachePointBlock = typeof CACHE_POINT;

/** AWS's message when a request has more than MAX_CACHE_POINTS cache points. */
export function tooManyCachePointsMessage(found: number): string {
  return `The model returned the following errors: A maximum of ${MAX_CACHE_POINTS} blocks with cache_control may be provided. Found ${found}.`;
}

const ARN = /^arn:aws[\w-]*:bedrock:[\w-]*:\d*:(?:foundation-model|inference-profile)\//;

/**
 * The model's minimum tokens per cache checkpoint; undefined when it has no prompt caching.
 * `us.anthropic.…`, `global.…`, `eu.…` (any geography prefix) and ARNs resolve to the base model.
 */
export function cacheMinTokens(modelId: string): number | undefined {
  const bare = modelId.replace(ARN, '');
  // A system-defined inference profile: one geography segment in front of the base id.
  const dot = bare.indexOf('.');
  return minOf(bare) ?? (dot > 0 ? minOf(bare.slice(dot + 1)) : undefined);
}

// Own keys only: a model id such as "constructor" must not find Object.prototype's.
const minOf = (id: string): number | undefined =>
  Object.prototype.hasOwnProperty.call(CACHE_MIN_TOKENS, id) ? CACHE_MIN_TOKENS[id] : undefined;
