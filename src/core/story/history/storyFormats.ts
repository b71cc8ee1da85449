// What a stored story becomes outside its file: the list's summary, the webview's record and
// history page (within the protocol's limits), and Markdown for export.
import { LIMITS } from '../protocol/limits';
import type { HistoryItem, HistoryPage, StoryRecord } from '../protocol/wire';
import type { StoredStory } from './storyFile';
import { clipTitle } from './summary';
import type { StorySummary } from './summary';

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
    ...(story.origin ? { origin: story.origin } : {}),
  };
}

/** What the webview may receive: at most LIMITS.historyMax items (the newest), and how many did not fit. */
export function toHistoryPage(items: readonly StorySummary[], max: number = LIMITS.historyMax): HistoryPage {
  const page = items.slice(0, max).map(({ updatedAt: _updated, ...item }): HistoryItem => item);
  return items.length > max ? { items: page, omitted: items.length - max } : { items: page };
}

/** Markdown for export: the story, then one line of what made it. */
export function toMarkdown(story: StoredStory): string {
  const text = story.text.trim();
  const heading = /^#\s/.test(text) ? '' : `# ${story.title}\n\n`;
  const c = story.controls;
  const o = story.origin;
  const facts = [
    o && `Project: ${o.project} · ${o.chapter}`,
    c.genre && `Genre: ${c.genre}`,
    !o && `Audience: ${c.audience}`,
    c.tone && `Tone: ${c.tone}`,
    `Model: ${story.modelId}`,
    `Written ${new Date(story.createdAt).toISOString().slice(0, 10)}`,
  ].filter(Boolean);
  const status = story.status === 'done' ? '' : ` (${story.status === 'failed' ? 'interrupted' : story.status})`;
  return `${heading}${text}\n\n---\n\n*${facts.join(' · ')}${status}*\n`;
}
