// What the model receives for Continue Writing at the cursor, within the project's token budget.
//
// Prompt order: system = instructions + bible + always-on entries [cache point]; then the
// activated entries; then "previously", the summaries of earlier chapters, nearest first; then
// as much of the text before the cursor as fits, cut at a paragraph boundary.
//
// Budget rule (input tokens, estimated at CHARS_PER_TOKEN characters a token): the system part is
// always sent whole. A quarter of the budget (or the whole text before the cursor, if shorter) is
// kept for the excerpt; entries (always-on first, then higher priority, then the most recent
// mention, then path) and then summaries fill the rest while they fit, each whole or not at all;
// the excerpt takes whatever is left. Deterministic: the same files and cursor give the same prompt.
import { CHARS_PER_TOKEN, estimateTokens } from '../story/usage/usage';
import { activate } from './activation';
import type { Activated } from './activation';
import { comparePaths } from './project';
import type { CodexKind, Project } from './model';
import { CODEX_HEADING, PREVIOUSLY_HEADING, codexSection, entryText, summaryText, systemText } from './promptText';

export const EXCERPT_SHARE = 0.25;

export interface EntryPart {
  readonly file: string;
  readonly name: string;
  readonly kind: CodexKind;
  readonly reason: 'always' | 'key';
  readonly key?: string;
  readonly via?: string;
  readonly tokens: number;
}

export interface SummaryPart {
  readonly file: string;
  readonly title: string;
  readonly summary: string;
  readonly tokens: number;
}

export type CachePlan =
  | { readonly placed: true; readonly prefixTokens: number }
  | {
      readonly placed: false;
      readonly reason: 'notSupported' | 'belowMinimum';
      readonly prefixTokens: number;
      readonly minTokens?: number;
    };

export interface AssembledContext {
  readonly budget: number;
  readonly system: { readonly text: string; readonly tokens: number; readonly bibleTokens: number };
  /** Always-on entries, inside the system part. */
  readonly always: readonly EntryPart[];
  readonly cachePoint: CachePlan;
  /** Activated entries, in prompt order, and their section's text ('' when none). */
  readonly entries: readonly EntryPart[];
  readonly contextText: string;
  readonly previously: readonly SummaryPart[];
  readonly excerpt: {
    readonly text: string;
    readonly tokens: number;
    readonly cut: 'none' | 'paragraph' | 'line' | 'word';
    /** Tokens of all the text before the cursor. */
    readonly availableTokens: number;
  };
  readonly leftOut: readonly (EntryPart & { readonly why: 'budget' })[];
  readonly summariesLeftOut: readonly SummaryPart[];
  readonly scanTokens: number;
  readonly instruction?: string;
  readonly totalTokens: number;
}

export interface AssemblyInput {
  readonly project: Project;
  /** The chapter's relative path. */
  readonly chapterFile: string;
  /** The chapter's prose before the cursor (front matter excluded). */
  readonly textBefore: string;
  /** A beat or instruction (Write Scene from Beat); scanned for keys too. */
  readonly instruction?: string;
  /** The model's smallest cacheable prefix; undefined when it has no prompt caching. */
  readonly cacheMinTokens?: number;
}

/** The last `tokens` tokens of text, started at a whole word. */
export function scanWindow(text: string, tokens: number): string {
  const chars = tokens * CHARS_PER_TOKEN;
  if (text.length <= chars) return text;
  const slice = text.slice(text.length - chars);
  const space = slice.search(/\s/);
  return space === -1 ? slice : slice.slice(space + 1);
}

/**
 * As much of the end of `text` as fits in `tokens`, starting at a paragraph (else a line, else a
 * word) boundary in the first half of what fits.
 */
export function cutExcerpt(text: string, tokens: number): AssembledContext['excerpt'] {
  const availableTokens = estimateTokens(text);
  const chars = Math.max(0, tokens) * CHARS_PER_TOKEN;
  if (text.length <= chars) return { text, tokens: availableTokens, cut: 'none', availableTokens };
  const slice = text.slice(text.length - chars);
  const cuts: [RegExp, 'paragraph' | 'line' | 'word'][] = [
    [/\n[ \t]*\n\s*/, 'paragraph'],
    [/\n\s*/, 'line'],
    [/\s+/, 'word'],
  ];
  for (const [pattern, cut] of cuts) {
    const m = pattern.exec(slice);
    // A boundary late in the slice would throw most of it away: then a finer cut is better.
    if (m && m.index <= slice.length / 2) {
      const kept = slice.slice(m.index + m[0].length);
      return { text: kept, tokens: estimateTokens(kept), cut, availableTokens };
    }
  }
  return { text: '', tokens: 0, cut: 'word', availableTokens };
}

function strip(p: EntryPart & { readonly text: string }): EntryPart {
  const { text: _text, ...rest } = p;
  return rest;
}

function part(a: Activated): EntryPart & { readonly text: string } {
  const text = entryText(a.entry);
  return {
    file: a.entry.file,
    name: a.entry.name,
    kind: a.entry.kind,
    reason: a.reason,
    ...(a.key !== undefined ? { key: a.key } : {}),
    ...(a.via !== undefined ? { via: a.via } : {}),
    tokens: estimateTokens(text),
    text,
  };
}

/** Always-on first, then priority (high first), then the most recent mention, then nearer recursion, then path. */
function byPreference(a: Activated, b: Activated): number {
  return (
    Number(b.reason === 'always') - Number(a.reason === 'always') ||
    b.entry.priority - a.entry.priority ||
    b.at - a.at ||
    a.depth - b.depth ||
    comparePaths(a.entry.file, b.entry.file)
  );
}

function earlierChapters(project: Project, chapterFile: string) {
  const index = project.chapters.findIndex((c) => c.file === chapterFile);
  const earlier =
    index === -1
      ? project.chapters.filter((c) => comparePaths(c.file, chapterFile) < 0)
      : project.chapters.slice(0, index);
  return earlier.filter((c) => c.summary.trim() !== '').reverse();
}

export function assembleContext(input: AssemblyInput): AssembledContext {
  const { project } = input;
  const { settings } = project.story;
  const budget = settings.contextBudget;
  const window = scanWindow(input.textBefore, settings.scanTokens);
  const fired = activate(project.codex, window, {
    recursionDepth: settings.recursionDepth,
    ...(input.instruction ? { instruction: input.instruction } : {}),
  }).sort(byPreference);

  // Counted in characters (the estimate's unit), so rounding cannot add up over many parts.
  const limit =
    (budget - Math.min(estimateTokens(input.textBefore), Math.floor(budget * EXCERPT_SHARE))) * CHARS_PER_TOKEN;
  let used = systemText(project.story, []).length;
  const fits = (chars: number, heading: string, first: boolean) => {
    const more = chars + 1 + (first ? heading.length + 2 : 0);
    if (used + more > limit) return false;
    used += more;
    return true;
  };
  const always: (EntryPart & { text: string })[] = [];
  const entries: (EntryPart & { text: string })[] = [];
  const leftOut: (EntryPart & { why: 'budget' })[] = [];
  for (const a of fired) {
    const p = part(a);
    const list = a.reason === 'always' ? always : entries;
    if (fits(p.text.length, CODEX_HEADING, list.length === 0)) list.push(p);
    else leftOut.push({ ...strip(p), why: 'budget' });
  }
  const system = systemText(
    project.story,
    always.map((p) => p.text),
  );
  const previously: SummaryPart[] = [];
  const summariesLeftOut: SummaryPart[] = [];
  for (const c of earlierChapters(project, input.chapterFile)) {
    const text = summaryText(c.title, c.summary.trim());
    const s = { file: c.file, title: c.title, summary: c.summary.trim(), tokens: estimateTokens(text) };
    if (fits(text.length, PREVIOUSLY_HEADING, previously.length === 0)) previously.push(s);
    else summariesLeftOut.push(s);
  }
  const contextText = codexSection(
    entries.map((p) => p.text),
    previously,
  );
  const excerpt = cutExcerpt(input.textBefore, budget - estimateTokens(system) - estimateTokens(contextText));
  const systemTokens = estimateTokens(system);
  return {
    budget,
    system: { text: system, tokens: systemTokens, bibleTokens: estimateTokens(project.story.bible) },
    always: always.map(strip),
    cachePoint: cachePlan(systemTokens, input.cacheMinTokens),
    entries: entries.map(strip),
    contextText,
    previously,
    excerpt,
    leftOut,
    summariesLeftOut,
    scanTokens: estimateTokens(window),
    ...(input.instruction ? { instruction: input.instruction } : {}),
    totalTokens: systemTokens + estimateTokens(contextText) + excerpt.tokens,
  };
}

function cachePlan(prefixTokens: number, minTokens: number | undefined): CachePlan {
  if (minTokens === undefined) return { placed: false, reason: 'notSupported', prefixTokens };
  if (prefixTokens < minTokens) return { placed: false, reason: 'belowMinimum', prefixTokens, minTokens };
  return { placed: true, prefixTokens };
}
