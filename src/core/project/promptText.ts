// The words of a project prompt. The emulator's model reads the codex the way a person would:
// a "## Codex" heading, then "### <name> (<kind>)" and the entry's text, so keep that shape.
import type { CodexEntry, StoryFile } from './model';

export const PROJECT_INSTRUCTIONS = [
  "You are a novelist's co-writer. Continue the manuscript in the last message from exactly where it stops,",
  'in the same voice, tense and point of view.',
  'The story bible, the codex and the summaries of earlier chapters are established facts: keep to them and never contradict them.',
  'Answer with the continuation only: no title, no notes, and do not repeat text that is already written.',
].join(' ');

/** Sent as the last message when the cursor is at the very start of a chapter. */
export const OPENING_MESSAGE = '(The chapter begins here. Write its opening.)';

export const CODEX_HEADING = '## Codex';
export const PREVIOUSLY_HEADING = '## Previously (earlier chapters, nearest first)';

export function summaryText(title: string, summary: string): string {
  return `### ${title}\n${summary}\n`;
}

export function entryText(entry: CodexEntry): string {
  return `### ${entry.name} (${entry.kind})\n${entry.body}\n`;
}

function settingLines(story: StoryFile): string[] {
  const s = story.settings;
  const lines = [`Title: ${s.title}`];
  if (s.genre) lines.push(`Genre: ${s.genre}`);
  if (s.audience) lines.push(`Audience: ${s.audience}`);
  if (s.tone) lines.push(`Tone: ${s.tone}`);
  if (s.style) lines.push(`Style: ${s.style}`);
  return lines;
}

/** The stable part: instructions, the story's settings and bible, and the always-on entries. */
export function systemText(story: StoryFile, alwaysEntries: readonly string[]): string {
  const parts = [
    PROJECT_INSTRUCTIONS,
    `## Story bible\n${settingLines(story).join('\n')}${story.bible ? `\n\n${story.bible}` : ''}`,
  ];
  if (alwaysEntries.length > 0) parts.push(`${CODEX_HEADING}\n${alwaysEntries.join('\n')}`);
  return `${parts.join('\n\n')}\n`;
}

/** The part that changes with the cursor: activated entries, then "previously", nearest first. */
export function codexSection(
  entries: readonly string[],
  previously: readonly { readonly title: string; readonly summary: string }[],
): string {
  const parts: string[] = [];
  if (entries.length > 0) parts.push(`${CODEX_HEADING}\n${entries.join('\n')}`);
  if (previously.length > 0)
    parts.push(`${PREVIOUSLY_HEADING}\n${previously.map((p) => summaryText(p.title, p.summary)).join('\n')}`);
  return parts.join('\n');
}
