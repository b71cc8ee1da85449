// Token usage and the cost estimate. Prices come from `storyteller.modelPrices` (USD per 1,000
// tokens); an unknown model has no price rather than a guessed one. Daily totals are a pure
// accumulator over a JSON-serialisable shape that whoever owns storage persists.
import * as l10n from '@vscode/l10n';
import * as v from 'valibot';
import type { ModelPrice } from '../../config';
import { baseModelId } from '../generation/inferenceProfiles';

import type { Cost, Usage } from '../protocol/wire';

export const ZERO_USAGE: Usage = { inputTokens: 0, outputTokens: 0, totalTokens: 0 };

/** From the stream's `metadata.usage` (fields may be missing). */
export function toUsage(
  raw:
    | {
        inputTokens?: number | undefined;
        outputTokens?: number | undefined;
        totalTokens?: number | undefined;
        cacheReadInputTokens?: number | undefined;
        cacheWriteInputTokens?: number | undefined;
      }
    | undefined,
): Usage | undefined {
  if (!raw) return undefined;
  const inputTokens = count(raw.inputTokens);
  const outputTokens = count(raw.outputTokens);
  const cache = cacheFields(raw.cacheReadInputTokens, raw.cacheWriteInputTokens);
  const all = inputTokens + outputTokens + (cache.cacheReadInputTokens ?? 0) + (cache.cacheWriteInputTokens ?? 0);
  return {
    inputTokens,
    outputTokens,
    // Never less than its parts, whether or not a model counts cached tokens in its total.
    totalTokens: Math.max(count(raw.totalTokens), all),
    ...cache,
  };
}

/** The cache fields when Bedrock reported either (a request with a cache point), else none. */
function cacheFields(
  read: number | undefined,
  write: number | undefined,
): Pick<Usage, 'cacheReadInputTokens' | 'cacheWriteInputTokens'> {
  if (read === undefined && write === undefined) return {};
  return { cacheReadInputTokens: count(read), cacheWriteInputTokens: count(write) };
}

export function addUsages(a: Usage, b: Usage): Usage {
  const cached = a.cacheReadInputTokens !== undefined || b.cacheReadInputTokens !== undefined;
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    totalTokens: a.totalTokens + b.totalTokens,
    ...(cached || a.cacheWriteInputTokens !== undefined || b.cacheWriteInputTokens !== undefined
      ? {
          cacheReadInputTokens: (a.cacheReadInputTokens ?? 0) + (b.cacheReadInputTokens ?? 0),
          cacheWriteInputTokens: (a.cacheWriteInputTokens ?? 0) + (b.cacheWriteInputTokens ?? 0),
        }
      : {}),
    ...(a.estimated || b.estimated ? { estimated: true as const } : {}),
  };
}

/** About four characters a token for English prose: the usual rule of thumb for these models. */
export const CHARS_PER_TOKEN = 4;

export function estimateTokens(text: string): number {
  return text === '' ? 0 : Math.max(1, Math.round(text.length / CHARS_PER_TOKEN));
}

/**
 * Bedrock reports usage only at the end of a stream: a stream stopped or cut before it gets an
 * estimate from the prompt and the text written, marked as such.
 */
/** The text of everything a request sends, for estimating its input tokens. */
export function requestText(request: {
  readonly system?: readonly ({ readonly text: string } | { readonly cachePoint: unknown })[];
  readonly messages: readonly { readonly content: readonly { readonly text: string }[] }[];
}): string {
  // A cache point adds no text.
  const parts = [...(request.system ?? []), ...request.messages.flatMap((m) => m.content)];
  return parts.flatMap((p) => ('text' in p ? [p.text] : [])).join('\n');
}

export function estimateUsage(prompt: string, written: string): Usage {
  const inputTokens = estimateTokens(prompt);
  const outputTokens = estimateTokens(written);
  return { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens, estimated: true };
}

/** The price of a model, also for an inference profile of it (`us.amazon.nova-lite-v1:0`). */
export function priceFor(modelId: string, prices: Readonly<Record<string, ModelPrice>>): ModelPrice | undefined {
  return prices[modelId] ?? prices[baseModelId(modelId)];
}

/**
 * What a prompt-cache token costs, per 1,000, when the setting does not say. Source: the Amazon
 * Bedrock pricing page's pattern (https://aws.amazon.com/bedrock/pricing/, December 2026):
 * Anthropic's Claude models read from the cache at 10 % of the input price and write to it at
 * 125 % (5-minute TTL); Amazon Nova models read at 25 % (a 75 % discount) and write at the input
 * price (no write surcharge). Other vendors: the input price for both, so the estimate is never
 * lower than the bill for want of a known discount. Assumptions, not a bill: a `cacheRead` or
 * `cacheWrite` in storyteller.modelPrices wins.
 */
export function cachePrices(modelId: string, price: ModelPrice): { readonly read: number; readonly write: number } {
  const vendor = baseModelId(modelId).split('.')[0];
  const [read, write] = vendor === 'anthropic' ? [0.1, 1.25] : vendor === 'amazon' ? [0.25, 1] : [1, 1];
  return { read: price.cacheRead ?? price.input * read, write: price.cacheWrite ?? price.input * write };
}

/** null when the model has no price set. Cache reads and writes at their own prices (cachePrices). */
export function estimateCost(usage: Usage, modelId: string, prices: Readonly<Record<string, ModelPrice>>): Cost | null {
  const price = priceFor(modelId, prices);
  if (!price) return null;
  const cache = cachePrices(modelId, price);
  const amount =
    (usage.inputTokens / 1000) * price.input +
    (usage.outputTokens / 1000) * price.output +
    ((usage.cacheReadInputTokens ?? 0) / 1000) * cache.read +
    ((usage.cacheWriteInputTokens ?? 0) / 1000) * cache.write;
  return { amount, currency: 'USD', estimated: true };
}

export function addCosts(a: Cost | null, b: Cost | null): Cost | null {
  if (!a || !b) return a ?? b;
  return { amount: a.amount + b.amount, currency: 'USD', estimated: true };
}

const INTEGER = new Intl.NumberFormat('en-US');

export function formatTokens(tokens: number): string {
  return tokens === 1 ? l10n.t('{0} token', INTEGER.format(tokens)) : l10n.t('{0} tokens', INTEGER.format(tokens));
}

/** "≈ $0.0003 (estimate)", "≈ $1.25 (estimate)", or "no price set". */
export function formatCost(cost: Cost | null): string {
  if (!cost) return l10n.t('no price set');
  return l10n.t('≈ {0} (estimate)', formatDollars(cost.amount));
}

export function formatDollars(amount: number): string {
  if (amount === 0) return '$0.00';
  if (amount < 0.0001) return '< $0.0001';
  if (amount < 0.01) return `$${amount.toFixed(4).replace(/0+$/, '')}`;
  return `$${amount.toFixed(2)}`;
}

/** "1,000 read from the cache, 200 written to it", or '' when the request had no cache point. */
export function formatCacheTokens(usage: {
  readonly cacheReadInputTokens?: number;
  readonly cacheWriteInputTokens?: number;
}): string {
  const read = usage.cacheReadInputTokens ?? 0;
  const write = usage.cacheWriteInputTokens ?? 0;
  if (read === 0 && write === 0) return '';
  return l10n.t('{0} read from the cache, {1} written to it', INTEGER.format(read), INTEGER.format(write));
}

/**
 * "1,234 tokens · ≈ $0.0003 (estimate)"; an estimated count starts with "≈"; with prompt caching,
 * "1,234 tokens (1,000 read from the cache, 0 written to it) · …".
 */
export function formatUsage(usage: Usage, cost: Cost | null): string {
  const cache = formatCacheTokens(usage);
  return `${usage.estimated ? '≈ ' : ''}${formatTokens(usage.totalTokens)}${cache ? ` (${cache})` : ''} · ${formatCost(cost)}`;
}

// ───────────── Daily totals ─────────────

const Count = v.pipe(v.number(), v.finite(), v.minValue(0));

const DayTotalsSchema = v.strictObject({
  inputTokens: Count,
  outputTokens: Count,
  totalTokens: Count,
  /** Generations counted (new stories, continues, refines…). */
  requests: Count,
  /** Sum of the estimates that had a price. */
  costUsd: Count,
  /** Tokens of requests whose model had no price: the cost is then a lower bound. */
  unpricedTokens: Count,
  /** Prompt-cache tokens (part of totalTokens); absent in a file written before #26. */
  cacheReadInputTokens: v.optional(Count, 0),
  cacheWriteInputTokens: v.optional(Count, 0),
  /** Story-project generations by project title (#26); absent in a day written before it. Checked in parseLedger. */
  projects: v.optional(v.record(v.string(), v.unknown())),
});

/** What a story project's generation was for: usage is kept per project, the log names the chapter too. */
export interface UsageOrigin {
  /** The project's title (story.md), or its folder's name. */
  readonly project: string;
  /** The chapter's workspace-relative path. */
  readonly chapter: string;
  readonly command: 'continue' | 'scene' | 'summary';
}

const ProjectTotalsSchema = v.strictObject({
  requests: Count,
  totalTokens: Count,
  costUsd: Count,
  unpricedTokens: Count,
});
export type ProjectTotals = Readonly<v.InferOutput<typeof ProjectTotalsSchema>>;
const EMPTY_PROJECT: ProjectTotals = { requests: 0, totalTokens: 0, costUsd: 0, unpricedTokens: 0 };
/** Titles are the writer's text: bounded, and so is how many projects one day keeps apart. */
const PROJECT_NAME_MAX = 200;
const PROJECTS_PER_DAY_MAX = 100;

export type DayTotals = Readonly<
  Omit<v.InferOutput<typeof DayTotalsSchema>, 'projects'> & {
    readonly projects?: Readonly<Record<string, ProjectTotals>>;
  }
>;

/** JSON-serialisable; keyed by local date `YYYY-MM-DD`. */
export interface UsageLedgerState {
  readonly version: 1;
  readonly days: Readonly<Record<string, DayTotals>>;
}

export const EMPTY_LEDGER: UsageLedgerState = { version: 1, days: {} };
const EMPTY_DAY: DayTotals = {
  inputTokens: 0,
  outputTokens: 0,
  totalTokens: 0,
  requests: 0,
  costUsd: 0,
  unpricedTokens: 0,
  cacheReadInputTokens: 0,
  cacheWriteInputTokens: 0,
};

/** The user's local calendar date, since "today" means the user's day. */
export function localDateKey(at: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
}

/** Returns a new state with this request added to its local day; keeps the last `keepDays` days. */
export function recordUsage(
  state: UsageLedgerState,
  usage: Usage,
  cost: Cost | null,
  at: Date,
  origin?: UsageOrigin,
  keepDays = 90,
): UsageLedgerState {
  const key = localDateKey(at);
  const day = state.days[key] ?? EMPTY_DAY;
  const next: DayTotals = {
    inputTokens: day.inputTokens + usage.inputTokens,
    outputTokens: day.outputTokens + usage.outputTokens,
    totalTokens: day.totalTokens + usage.totalTokens,
    requests: day.requests + 1,
    costUsd: day.costUsd + (cost?.amount ?? 0),
    unpricedTokens: day.unpricedTokens + (cost ? 0 : usage.totalTokens),
    cacheReadInputTokens: day.cacheReadInputTokens + (usage.cacheReadInputTokens ?? 0),
    cacheWriteInputTokens: day.cacheWriteInputTokens + (usage.cacheWriteInputTokens ?? 0),
    ...projectsAfter(day.projects, usage, cost, origin),
  };
  const days = { ...state.days, [key]: next };
  const keys = Object.keys(days).sort();
  for (const old of keys.slice(0, Math.max(0, keys.length - keepDays))) delete days[old];
  return { version: 1, days };
}

/** The day's projects with this request added to its origin's; unchanged without an origin. */
function projectsAfter(
  projects: DayTotals['projects'],
  usage: Usage,
  cost: Cost | null,
  origin: UsageOrigin | undefined,
): Pick<DayTotals, 'projects'> {
  if (!origin) return projects ? { projects } : {};
  const name = projectKey(origin.project);
  const all = projects ?? {};
  // Past the cap, a new project's tokens still count in the day's totals, just not on a line of their own.
  if (!(name in all) && Object.keys(all).length >= PROJECTS_PER_DAY_MAX) return { projects: all };
  const was = all[name] ?? EMPTY_PROJECT;
  const now: ProjectTotals = {
    requests: was.requests + 1,
    totalTokens: was.totalTokens + usage.totalTokens,
    costUsd: was.costUsd + (cost?.amount ?? 0),
    unpricedTokens: was.unpricedTokens + (cost ? 0 : usage.totalTokens),
  };
  return { projects: { ...all, [name]: now } };
}

function projectKey(project: string): string {
  const name = project.trim().slice(0, PROJECT_NAME_MAX);
  return name === '' ? '(untitled)' : name;
}

/** One project's share of the day, for the panel and the log. */
export interface ProjectDaySummary {
  readonly project: string;
  readonly requests: number;
  readonly totalTokens: number;
  readonly cost: Cost | null;
  /** e.g. "1,234 tokens · ≈ $0.0003 (estimate)". */
  readonly label: string;
}

/** The day's projects, most tokens first (then by name, so the order is stable). */
export function projectSummaries(day: Pick<DayTotals, 'projects'>): ProjectDaySummary[] {
  return Object.entries(day.projects ?? {})
    .map(([project, p]) => {
      const cost: Cost | null =
        p.unpricedTokens > 0 && p.unpricedTokens === p.totalTokens
          ? null
          : { amount: p.costUsd, currency: 'USD', estimated: true };
      const usage = { inputTokens: 0, outputTokens: 0, totalTokens: p.totalTokens };
      return { project, requests: p.requests, totalTokens: p.totalTokens, cost, label: formatUsage(usage, cost) };
    })
    .sort((a, b) => b.totalTokens - a.totalTokens || (a.project < b.project ? -1 : a.project > b.project ? 1 : 0));
}

export interface DaySummary extends DayTotals {
  readonly date: string;
  /** null when every token today was of a model without a price. */
  readonly cost: Cost | null;
  /** e.g. "1,234 tokens · ≈ $0.0003 (estimate)"; "(some models have no price set)" when partial. */
  readonly label: string;
  /** Story projects' share of the day (#26), most tokens first. */
  readonly byProject: readonly ProjectDaySummary[];
}

export function daySummary(state: UsageLedgerState, at: Date): DaySummary {
  const date = localDateKey(at);
  const day = state.days[date] ?? EMPTY_DAY;
  const priced = day.totalTokens - day.unpricedTokens;
  const cost: Cost | null =
    day.unpricedTokens > 0 && priced === 0 ? null : { amount: day.costUsd, currency: 'USD', estimated: true };
  let label = formatUsage(day, cost);
  if (cost && day.unpricedTokens > 0) label += l10n.t(' (some models have no price set)');
  return { ...day, date, cost, label, byProject: projectSummaries(day) };
}

const DAY_KEY = /^\d{4}-\d{2}-\d{2}$/;

/** The file's frame; each day is checked on its own, so one bad day does not lose the others. */
const LedgerSchema = v.strictObject({ version: v.literal(1), days: v.record(v.string(), v.unknown()) });

/** Reads a persisted ledger, dropping anything malformed instead of failing. */
export function parseLedger(raw: unknown): UsageLedgerState {
  const ledger = v.safeParse(LedgerSchema, raw);
  if (!ledger.success) return EMPTY_LEDGER;
  const days: Record<string, DayTotals> = {};
  for (const [key, value] of Object.entries(ledger.output.days)) {
    const day = v.safeParse(DayTotalsSchema, value);
    if (!DAY_KEY.test(key) || !day.success) continue;
    const { projects, ...totals } = day.output;
    const kept = projects === undefined ? undefined : parseProjects(projects);
    days[key] = kept ? { ...totals, projects: kept } : totals;
  }
  return { version: 1, days };
}

/** A malformed project line is dropped; the day's totals (which include it) stay. */
function parseProjects(raw: Readonly<Record<string, unknown>>): Record<string, ProjectTotals> | undefined {
  const projects: Record<string, ProjectTotals> = {};
  for (const [name, value] of Object.entries(raw).slice(0, PROJECTS_PER_DAY_MAX)) {
    const p = v.safeParse(ProjectTotalsSchema, value);
    if (p.success && name !== '' && name.length <= PROJECT_NAME_MAX) projects[name] = p.output;
  }
  return Object.keys(projects).length > 0 ? projects : undefined;
}

function count(n: number | undefined): number {
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}
