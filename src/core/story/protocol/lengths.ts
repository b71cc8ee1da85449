// How many tokens a story of each length may use: the one rule, shared by the prompt (the request's
// maxTokens), the panel (what fits in the budget) and the gateway's reservation.
import { baseModelId } from '../generation/inferenceProfiles';
import type { StoryLength } from './controls';

export const LENGTH_TOKENS: Readonly<Record<StoryLength, number>> = { short: 800, medium: 2000, long: 5000 };

/** Output-token ceilings of the models we know (base ids, without a cross-region prefix). */
const MODEL_MAX_OUTPUT: readonly [RegExp, number][] = [
  [/^amazon\.nova-(micro|lite|pro)-/, 10_000],
  [/^amazon\.nova-premier-/, 32_000],
  [/^amazon\.titan-text-express-/, 8192],
  [/^amazon\.titan-text-lite-/, 4096],
  [/^anthropic\.claude-3-(haiku|sonnet|opus)-/, 4096],
  [/^anthropic\.claude-3-5-/, 8192],
  [/^anthropic\.claude-(haiku|sonnet|opus)-4/, 64_000],
  [/^meta\.llama/, 2048],
  [/^mistral\./, 8192],
];

/** The model's output limit when we know it. */
export function modelMaxOutput(modelId: string): number | undefined {
  const base = baseModelId(modelId);
  return MODEL_MAX_OUTPUT.find(([pattern]) => pattern.test(base))?.[1];
}

export function maxTokensFor(length: StoryLength, modelId: string): number {
  const cap = modelMaxOutput(modelId);
  return cap === undefined ? LENGTH_TOKENS[length] : Math.min(LENGTH_TOKENS[length], cap);
}
