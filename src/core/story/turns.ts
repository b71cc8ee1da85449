// A story's turns: the record of each step (new, continue, regenerate, refine) kept in its file,
// and the story outcome of a step a guardrail blocked.
import type { StorytellerConfig } from '../config';
import { blockedError } from './safety';
import type { StoryResult } from './generation/bedrock';
import type { HistoryStore } from './history/history';
import type { StoredStory, StoryTurn } from './history/storyFile';
import type { StoryKind, Usage } from './protocol/wire';
import type { StoryOutcome } from './storyApi';
import { addCosts, addUsages, estimateCost, formatUsage } from './usage/usage';
import type { UsageTotals } from './usage/totals';

/**
 * A guardrail blocked the premise or the story (#27): history marks the story blocked and keeps
 * nothing of this step's text (what streamed was the stack's message, or ended in it); the tokens
 * Bedrock billed still count.
 */
export async function blockedOutcome(
  totals: UsageTotals,
  prices: StorytellerConfig['modelPrices'],
  log: (line: string) => void,
  story: StoredStory,
  kind: StoryKind,
  writer: ReturnType<HistoryStore['track']>,
  result: StoryResult,
  instruction: string | undefined,
): Promise<StoryOutcome> {
  const error = blockedError(result.blocked ?? { part: 'premise', message: result.text });
  const usage = result.usage;
  const cost = usage ? estimateCost(usage, story.modelId, prices) : null;
  if (usage) await totals.record(usage, cost);
  const totalUsage = usage ? (story.usage ? addUsages(story.usage, usage) : usage) : story.usage;
  const saved = await writer.finish({
    text: story.text,
    turns: [...story.turns, turnOf(kind, instruction, '', 'blocked', usage)],
    status: 'blocked',
    usage: totalUsage,
    cost: usage ? addCosts(story.cost, cost) : story.cost,
    stopReason: result.stopReason ?? 'guardrail_intervened',
    error: error.toJSON(),
  });
  log(`Story ${story.id} ${kind}: blocked (${error.code})${usage ? `, ${formatUsage(usage, cost)}` : ''}`);
  return {
    storyId: story.id,
    kind,
    status: 'blocked',
    text: saved.text,
    added: '',
    ...(usage ? { usage, usageLabel: formatUsage(usage, cost) } : {}),
    cost,
    stopReason: saved.stopReason ?? 'guardrail_intervened',
    error: error.info(),
    ...(saved.usage ? { storyUsage: saved.usage, storyCost: saved.cost } : {}),
  };
}

/** What goes between a story and its continuation, so words do not run together. */
export function joiner(text: string): string {
  if (text === '' || /\s$/.test(text)) return '';
  return /[.!?"'”’)*_]$/.test(text) ? '\n\n' : ' ';
}

export function turnOf(
  kind: StoryKind,
  instruction: string | undefined,
  text: string,
  status: StoryTurn['status'],
  usage: Usage | undefined,
): StoryTurn {
  return {
    kind,
    ...(instruction !== undefined ? { instruction } : {}),
    text,
    status,
    ...(usage ? { usage } : {}),
    at: Date.now(),
  };
}
