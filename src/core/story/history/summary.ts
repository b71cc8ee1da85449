// What the history's list knows of a story: the index's entry (written for every story) and the
// list's summary made from it, without the story's text.
import { LIMITS } from '../protocol/limits';
import type { HistoryItem, StoryOrigin, StoryStatus } from '../protocol/wire';
import { sameOrigin } from './originText';
import type { StoredStory } from './storyFile';

export interface IndexEntry {
  readonly id: string;
  /** Already clipped to the protocol's limit. */
  readonly title: string;
  readonly modelId: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** As saved; 'streaming' entries are checked against their file when listed. */
  readonly status: StoryStatus;
  readonly outputTokens: number;
  /** Input and output together: the unit the panel shows. */
  readonly totalTokens: number;
  /** The tokens were counted from the text (a stream stopped or cut before Bedrock counted). */
  readonly estimated: boolean;
  /** For the search box. */
  readonly premise: string;
  /** A story project's generation (#26): shown in the list, and searched. */
  readonly origin?: StoryOrigin;
}

export interface StorySummary extends HistoryItem {
  readonly updatedAt: number;
}

/** What the index keeps of a story. */
export function entryOf(story: StoredStory): IndexEntry {
  return {
    id: story.id,
    title: clipTitle(story.title),
    modelId: story.modelId,
    createdAt: story.createdAt,
    updatedAt: story.updatedAt,
    status: story.status,
    outputTokens: story.usage?.outputTokens ?? 0,
    totalTokens: story.usage?.totalTokens ?? 0,
    estimated: story.usage?.estimated === true,
    premise: story.controls.premise,
    ...(story.origin ? { origin: story.origin } : {}),
  };
}

/** The list's line for an index entry. */
export function summaryOfEntry(e: IndexEntry, elsewhere = false): StorySummary {
  return summaryOfFields(
    e.id,
    e.title,
    e.modelId,
    e.createdAt,
    e.updatedAt,
    e.status,
    e.outputTokens,
    e.totalTokens,
    e.estimated,
    elsewhere,
    e.origin,
  );
}

/** The same from the index's columns, with no entry made (a list of 10,000 makes one object per story). */
export function summaryOfFields(
  id: string,
  title: string,
  modelId: string,
  createdAt: number,
  updatedAt: number,
  status: StoryStatus,
  outputTokens: number,
  totalTokens: number,
  estimated: boolean,
  elsewhere: boolean,
  origin?: StoryOrigin,
): StorySummary {
  const s: { -readonly [K in keyof StorySummary]: StorySummary[K] } = {
    id,
    title,
    modelId,
    createdAt,
    updatedAt,
    status,
    outputTokens,
    totalTokens,
  };
  if (estimated) s.estimated = true;
  if (elsewhere) s.elsewhere = true;
  if (origin) s.origin = origin;
  return s;
}

export function summaryOf(story: StoredStory, elsewhere = false): StorySummary {
  return summaryOfEntry(entryOf(story), elsewhere);
}

/** A title within the protocol's limit, cut at a word, so the webview never drops it. */
export function clipTitle(title: string, max: number = LIMITS.titleMax): string {
  if (title.length <= max) return title;
  let cut = title.slice(0, max - 1);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** Every field the same: the index need not be written. */
export function sameEntry(a: IndexEntry, b: IndexEntry): boolean {
  return (
    a.updatedAt === b.updatedAt &&
    a.status === b.status &&
    a.title === b.title &&
    a.outputTokens === b.outputTokens &&
    a.totalTokens === b.totalTokens &&
    a.estimated === b.estimated &&
    a.modelId === b.modelId &&
    a.createdAt === b.createdAt &&
    a.premise === b.premise &&
    sameOrigin(a.origin, b.origin)
  );
}
