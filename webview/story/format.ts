// The panel's sentences and figures, from state, each spelled once and translatable (@vscode/l10n,
// configured by main.ts with the host's bundle; English without one). No DOM: unit-tested in Node.
import * as l10n from '@vscode/l10n';
import type { AUDIENCES, LENGTHS } from '../../src/core/story/protocol/controls';
import type { HostEvents } from '../../src/core/story/protocol/messages';
import { appliedPolicy } from '../../src/core/story/protocol/contentPolicy';
import type { ContentPolicy } from '../../src/core/story/protocol/contentPolicy';
import type {
  AuthState,
  Cost,
  ExportTarget,
  HistoryItem,
  ProjectCommand,
  StoryOrigin,
  TokenBudget,
} from '../../src/core/story/protocol/wire';
import { modelName } from './state';
import type { PanelState, Shortfall, Shown } from './state';

export const numberFormat = new Intl.NumberFormat('en');

const COMMAND_LABELS: Record<ProjectCommand, () => string> = {
  continue: () => l10n.t('Continue Writing'),
  scene: () => l10n.t('Write Scene from Beat'),
  summary: () => l10n.t('Summarize Chapter'),
};

/** A story project's entry (#26): "The Salt Road · chapters/02.md · Continue Writing" (text, never markup). */
export function originLabel(origin: StoryOrigin): string {
  return [origin.project, origin.chapter, COMMAND_LABELS[origin.command]()].filter(Boolean).join(' · ');
}

export const chapterOpenedStatus = (chapter: string): string => l10n.t('Opened {0} in an editor.', chapter);

export function formatCost(cost: Cost | null): string {
  if (!cost) return '';
  const f = new Intl.NumberFormat('en', {
    style: 'currency',
    currency: cost.currency,
    minimumFractionDigits: 2,
    maximumFractionDigits: cost.amount < 1 ? 4 : 2,
  });
  return l10n.t('≈ {0} (estimate)', f.format(cost.amount));
}

/** The one unit everywhere: total tokens, marked when estimated (a stream stopped before Bedrock counted). */
export function tokensLabel(total: number, estimated: boolean): string {
  return estimated
    ? l10n.t('≈ {0} total tokens (estimate)', numberFormat.format(total))
    : l10n.t('{0} total tokens', numberFormat.format(total));
}

export function historyTokens(item: HistoryItem): string {
  // Older hosts list output tokens only: say so rather than mix units.
  return item.totalTokens === undefined
    ? l10n.t('{0} output tokens', numberFormat.format(item.outputTokens))
    : tokensLabel(item.totalTokens, item.estimated === true);
}

export function authLine(auth: AuthState | undefined): string {
  switch (auth?.kind) {
    case undefined:
      return '';
    case 'signedIn':
      return l10n.t('Signed in as {0}', auth.email);
    case 'offline':
      return l10n.t('Offline');
    case 'signedOut':
      return l10n.t('Signed out');
    case 'sessionExpired':
      return l10n.t('Session expired');
    case 'unconfigured':
      return l10n.t('Not configured');
  }
}

const AUTH_NOTICES: Record<AuthState['kind'], () => string> = {
  signedIn: () => '',
  signedOut: () => l10n.t('Sign in to write stories.'),
  sessionExpired: () => l10n.t('Your session has expired. Sign in again to keep writing.'),
  offline: () => l10n.t("You're offline. Storyteller reconnects by itself; your draft and history are kept."),
  unconfigured: () => l10n.t('Storyteller is not configured yet: set your Cognito and Bedrock settings first.'),
};

/** What to do when the panel cannot write stories; nothing while signed in. */
export const authNotice = (kind: AuthState['kind']): string => AUTH_NOTICES[kind]();

/** "9,000 read from the cache, 1,000 written to it" (prompt caching, #26), or '' when none. */
export function cacheLabel(u: {
  readonly cacheReadInputTokens?: number;
  readonly cacheWriteInputTokens?: number;
}): string {
  const read = u.cacheReadInputTokens ?? 0;
  const write = u.cacheWriteInputTokens ?? 0;
  if (read === 0 && write === 0) return '';
  return l10n.t('{0} read from the cache, {1} written to it', numberFormat.format(read), numberFormat.format(write));
}

export function usageLine(u: HostEvents['usage.today'] | undefined): string {
  if (!u) return '';
  const read = u.cacheReadInputTokens ?? 0;
  const write = u.cacheWriteInputTokens ?? 0;
  const tokens = l10n.t('Today: {0} total tokens', numberFormat.format(u.inputTokens + u.outputTokens + read + write));
  const cache = cacheLabel(u);
  const withCache = cache ? `${tokens} (${cache})` : tokens;
  return u.cost ? `${withCache} · ${formatCost(u.cost)}` : withCache;
}

/** One line per story project today (#26): "The Salt Road: 1,234 tokens in 2 requests · ≈ $0.0003 (estimate)". */
export function usageProjectLines(u: HostEvents['usage.today'] | undefined): string[] {
  return (u?.projects ?? []).map((p) => {
    const tokens =
      p.requests === 1
        ? l10n.t('{0}: {1} tokens in 1 request', p.project, numberFormat.format(p.totalTokens))
        : l10n.t(
            '{0}: {1} tokens in {2} requests',
            p.project,
            numberFormat.format(p.totalTokens),
            numberFormat.format(p.requests),
          );
    return p.cost ? `${tokens} · ${formatCost(p.cost)}` : tokens;
  });
}

/** "12,400 of 50,000 tokens left today", or nothing outside budget mode. */
export function budgetLine(b: TokenBudget | undefined): string {
  if (!b) return '';
  return l10n.t('{0} of {1} tokens left today', numberFormat.format(b.tokensLeft), numberFormat.format(b.dailyTokens));
}

/**
 * "Content policy: strict (children)": which of the stack's guardrails the form's story gets, so a
 * parent or teacher can see it (#27); nothing when the stack has no content policy.
 */
export function policyLine(policy: ContentPolicy['policy'], audience: string): string {
  const { level, children } = appliedPolicy(policy, audience);
  if (level === 'none') return '';
  if (level === 'standard') return l10n.t('Content policy: standard');
  return children ? l10n.t('Content policy: strict (children)') : l10n.t('Content policy: strict');
}

/** The policy line's tooltip: what the guardrail does, and who said so when the gateway did. */
export function policyTitle(policy: ContentPolicy['policy'], source: ContentPolicy['source'] = 'settings'): string {
  if (policy === 'Off') return '';
  const what =
    policy === 'Strict'
      ? l10n.t("Every story is checked by the stack's strict guardrail, whatever the audience.")
      : l10n.t("Every story is checked by one of the stack's guardrails; children's stories by the strict one.");
  return source === 'gateway' ? `${what} ${l10n.t('The story gateway reports this policy and applies it.')}` : what;
}

/** The budget line's tooltip: when the day's budget starts again, in the user's local time. */
export function budgetResets(b: TokenBudget | undefined): string {
  if (!b) return '';
  const at = new Date(b.resetsAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return l10n.t('Your daily token budget (set by the stack) starts again at {0}.', at);
}

export type Choice = (typeof AUDIENCES)[number] | (typeof LENGTHS)[number];

/** What the selects show; the values sent stay the protocol's English words. */
const CHOICE_LABELS: Record<Choice, () => string> = {
  children: () => l10n.t('Children'),
  'young adult': () => l10n.t('Young adult'),
  adult: () => l10n.t('Adult'),
  short: () => l10n.t('Short'),
  medium: () => l10n.t('Medium'),
  long: () => l10n.t('Long'),
};

export const choiceLabel = (choice: Choice): string => CHOICE_LABELS[choice]();

/**
 * Under Generate in budget mode, when the form's story cannot fit in what is left today: what it
 * needs and which length fits ("Medium needs 2,311 tokens; 2,000 are left today. Short fits."), or,
 * when none does, only when the budget comes back.
 */
export function shortfallLine(f: Shortfall | undefined): string {
  if (!f) return '';
  const at = new Date(f.resetsAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  const left = numberFormat.format(f.left);
  if (f.shortest)
    return l10n.t(
      '{0} tokens left today: not enough for a story. Your daily token budget starts again at {1}.',
      left,
      at,
    );
  const fitting = f.fits?.at(-1);
  if (f.length && fitting)
    return l10n.t(
      '{0} needs {1} tokens; {2} are left today. {3} fits.',
      choiceLabel(f.length),
      numberFormat.format(f.need),
      left,
      choiceLabel(fitting),
    );
  return l10n.t(
    '{0} tokens left today: a story of this length needs at least {1}. Choose a shorter length, or wait until {2}.',
    left,
    numberFormat.format(f.need),
    at,
  );
}

/** The tooltip of a button whose request the daily budget refused, until it resets. */
export function refusedUntil(until: number): string {
  const at = new Date(until).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return l10n.t('Your daily token budget does not cover this story. It starts again at {0}.', at);
}

/** Model, tokens and cost of the story on screen. */
export function storyMeta(s: PanelState, shown: Shown): string {
  const parts = [modelName(s, shown.modelId)];
  if (shown.usage) {
    const cache = cacheLabel(shown.usage);
    parts.push(tokensLabel(shown.usage.totalTokens, shown.usage.estimated === true) + (cache ? ` (${cache})` : ''));
  }
  if (shown.cost) parts.push(formatCost(shown.cost));
  return parts.join(' · ');
}

const STARTED_STATUS: Record<HostEvents['story.started']['kind'], () => string> = {
  new: () => l10n.t('Writing the story…'),
  continue: () => l10n.t('Continuing the story…'),
  regenerate: () => l10n.t('Writing the story again…'),
  refine: () => l10n.t('Refining the story…'),
};

export const startedStatus = (kind: HostEvents['story.started']['kind']): string => STARTED_STATUS[kind]();

export function endedStatus(status: 'done' | 'stopped', stopReason: string): string {
  if (status === 'stopped') return l10n.t('Stopped. The text so far is kept.');
  if (stopReason === 'max_tokens') return l10n.t('Story finished. It reached the length limit: Continue writes more.');
  if (stopReason === 'content_filtered' || stopReason === 'guardrail_intervened')
    return l10n.t('Story finished. The model stopped for content reasons.');
  return l10n.t('Story finished.');
}

/** A story error's status line. */
export function failedStatus(partialKept: boolean): string {
  return partialKept ? l10n.t('The story stopped early. The text so far is kept.') : l10n.t('The story failed.');
}

export const elsewhereStatus = (): string =>
  l10n.t('This story is being written in another VS Code window. It updates here when it ends there.');

export function historyOmitted(omitted: number): string {
  if (omitted === 0) return '';
  return omitted === 1
    ? l10n.t('1 older story is not listed here; they stay saved.')
    : l10n.t('{0} older stories are not listed here; they stay saved.', numberFormat.format(omitted));
}

export function untitled(title: string): string {
  return title || l10n.t('Untitled story');
}

const EXPORTED: Record<ExportTarget, () => string> = {
  editor: () => l10n.t('Opened in a new editor.'),
  file: () => l10n.t('Saved.'),
  insert: () => l10n.t('Inserted at the cursor.'),
  copy: () => l10n.t('Copied to the clipboard.'),
};

/** The status line after an export went through. */
export const exportedStatus = (target: ExportTarget): string => EXPORTED[target]();

export const deletedStatus = (title: string): string => l10n.t('Deleted “{0}”.', untitled(title));

/** For a failure that brought no message of its own. */
export const somethingWrong = (): string => l10n.t('Something went wrong.');

export const historyLoadFailed = (message: string): string =>
  l10n.t('The history could not be loaded: {0} Try again.', message);

/** The label of the history's "Show more" button, for the next `count` stories. */
export const showMoreLabel = (count?: number): string =>
  count === undefined ? l10n.t('Show more') : l10n.t('Show {0} more', numberFormat.format(count));

/** Below the history: how many stories match the search, or how many of all are listed. */
export function historyCount(query: string, total: number, shown: number): string {
  const n = numberFormat.format(total);
  const m = numberFormat.format(shown);
  const more = total > shown;
  if (!query) return more ? l10n.t('Showing the newest {0} of {1} stories.', m, n) : '';
  if (total === 0) return l10n.t('No stories match “{0}”.', query);
  if (total === 1)
    return more
      ? l10n.t('{0} story matches “{1}”; showing {2}.', n, query, m)
      : l10n.t('{0} story matches “{1}”.', n, query);
  return more
    ? l10n.t('{0} stories match “{1}”; showing {2}.', n, query, m)
    : l10n.t('{0} stories match “{1}”.', n, query);
}

export const openedStatus = (title: string): string => l10n.t('Opened “{0}”.', title);

export const finishedElsewhereStatus = (): string => l10n.t('The other window finished writing this story.');
