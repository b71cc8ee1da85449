// What a stored story becomes outside its file: the list's summary, the webview's record and
// history page (within the protocol's limits), and Markdown for export.
import type { IndexEntry } from './historyIndex';
import { LIMITS } from '../protocol/limits';
import type { HistoryItem, HistoryPage, StoryRecord, StoryStatus } from '../protocol/wire';
import type { StoredStory } from './storyFile';

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
  return s;
}

export function summaryOf(story: StoredStory, elsewhere = false): StorySummary {
  return summaryOfEntry(entryOf(story), elsewhere);
}

/** The protocol's StoryRecord (what the webview shows). */
export function toRecord(story: StoredStory, elsewhere = false): StoryRecord {
  return {
    ...(elsewhere ? { elsewhere: true as const } : {}),
    id: story.id,
    title: clipTitle(story.title),
    modelId: story.modelId,
    controls: story.controls,
    text: story.text,
    status: story.status,
    usage: story.usage,
    cost: story.cost,
    createdAt: story.createdAt,
  };
}

/** What the webview may receive: at most LIMITS.historyMax items (the newest), and how many did not fit. */
export function toHistoryPage(items: readonly StorySummary[], max: number = LIMITS.historyMax): HistoryPage {
  const page = items.slice(0, max).map(({ updatedAt: _updated, ...item }): HistoryItem => item);
  return items.length > max ? { items: page, omitted: items.length - max } : { items: page };
}

/** A title within the protocol's limit, cut at a word, so the webview never drops it. */
export function clipTitle(title: string, max: number = LIMITS.titleMax): string {
  if (title.length <= max) return title;
  let cut = title.slice(0, max - 1);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** Markdown for export: the story, then one line of what made it. */
export function toMarkdown(story: StoredStory): string {
  const text = story.text.trim();
  const heading = /^#\s/.test(text) ? '' : `# ${story.title}\n\n`;
  const c = story.controls;
  const facts = [
    c.genre && `Genre: ${c.genre}`,
    `Audience: ${c.audience}`,
    c.tone && `Tone: ${c.tone}`,
    `Model: ${story.modelId}`,
    `Written ${new Date(story.createdAt).toISOString().slice(0, 10)}`,
  ].filter(Boolean);
  const status = story.status === 'done' ? '' : ` (${story.status === 'failed' ? 'interrupted' : story.status})`;
  return `${heading}${text}\n\n---\n\n*${facts.join(' · ')}${status}*\n`;
}
