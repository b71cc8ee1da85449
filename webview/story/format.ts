// The panel's sentences and figures, from state. No DOM: unit-tested in Node with state.ts.
import type { HostEvents } from '../../src/core/story/protocol/messages';
import type { AuthState, Cost, HistoryItem } from '../../src/core/story/protocol/wire';
import { modelName } from './state';
import type { PanelState, Shown } from './state';

export const numberFormat = new Intl.NumberFormat('en');

export function formatCost(cost: Cost | null): string {
  if (!cost) return '';
  const f = new Intl.NumberFormat('en', {
    style: 'currency',
    currency: cost.currency,
    minimumFractionDigits: 2,
    maximumFractionDigits: cost.amount < 1 ? 4 : 2,
  });
  return `≈ ${f.format(cost.amount)} (estimate)`;
}

/** The one unit everywhere: total tokens, marked when estimated (a stream stopped before Bedrock counted). */
export function tokensLabel(total: number, estimated: boolean): string {
  return estimated
    ? `≈ ${numberFormat.format(total)} total tokens (estimate)`
    : `${numberFormat.format(total)} total tokens`;
}

export function historyTokens(item: HistoryItem): string {
  // Older hosts list output tokens only: say so rather than mix units.
  return item.totalTokens === undefined
    ? `${numberFormat.format(item.outputTokens)} output tokens`
    : tokensLabel(item.totalTokens, item.estimated === true);
}

export function authLine(auth: AuthState | undefined): string {
  switch (auth?.kind) {
    case undefined:
      return '';
    case 'signedIn':
      return `Signed in as ${auth.email}`;
    case 'offline':
      return 'Offline';
    case 'signedOut':
      return 'Signed out';
    case 'sessionExpired':
      return 'Session expired';
    case 'unconfigured':
      return 'Not configured';
  }
}

export function usageLine(u: HostEvents['usage.today'] | undefined): string {
  if (!u) return '';
  const cost = u.cost ? ` · ${formatCost(u.cost)}` : '';
  return `Today: ${numberFormat.format(u.inputTokens + u.outputTokens)} total tokens${cost}`;
}

/** Model, tokens and cost of the story on screen. */
export function storyMeta(s: PanelState, shown: Shown): string {
  const parts = [modelName(s, shown.modelId)];
  if (shown.usage) parts.push(tokensLabel(shown.usage.totalTokens, shown.usage.estimated === true));
  if (shown.cost) parts.push(formatCost(shown.cost));
  return parts.join(' · ');
}

export const STARTED_STATUS: Record<HostEvents['story.started']['kind'], string> = {
  new: 'Writing the story…',
  continue: 'Continuing the story…',
  regenerate: 'Writing the story again…',
  refine: 'Refining the story…',
};

export function endedStatus(status: 'done' | 'stopped', stopReason: string): string {
  if (status === 'stopped') return 'Stopped. The text so far is kept.';
  const reason =
    stopReason === 'max_tokens'
      ? ' It reached the length limit: Continue writes more.'
      : stopReason === 'content_filtered' || stopReason === 'guardrail_intervened'
        ? ' The model stopped for content reasons.'
        : '';
  return `Story finished.${reason}`;
}

export const ELSEWHERE_STATUS =
  'This story is being written in another VS Code window. It updates here when it ends there.';

export function historyOmitted(omitted: number): string {
  if (omitted === 0) return '';
  const what = omitted === 1 ? 'story is' : 'stories are';
  return `${numberFormat.format(omitted)} older ${what} not listed here; they stay saved.`;
}

export function untitled(title: string): string {
  return title || 'Untitled story';
}
