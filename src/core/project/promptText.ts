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

/** The story's settings as "Name: value" lines (the bible's head, and Summarize Chapter's context). */
export function settingLines(story: StoryFile): string[] {
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

/** Starts the instruction of Write Scene from Beat (the emulator's model looks for it). */
export const BEAT_HEADING = '## Beat to write';

/** The last block of the last user message: the beat, after the manuscript. */
export function sceneInstruction(beat: string): string {
  return [
    BEAT_HEADING,
    'Write the scene for this beat as the next passage of the chapter, going on from where the manuscript above stops.',
    'Prose only: no heading, no notes, and do not repeat the beat as a line of its own.',
    '',
    beat,
  ].join('\n');
}

/** Starts the user message of Summarize Chapter (the emulator's model looks for it). */
export const SUMMARY_HEADING = '## Chapter to summarize:';

/** At most this many words in a generated summary (and tokens the model may write for it). */
export const SUMMARY_WORDS = 120;

export const SUMMARY_INSTRUCTIONS = [
  "You summarize one chapter of a novel for the author's story bible, where it reminds a co-writer what happened.",
  `In at most ${SUMMARY_WORDS} words, say what happens in the chapter, in order: who does what, where, and what changes.`,
  'One paragraph of plain prose in the past tense; name characters and places as the chapter does; no title, no notes, no opinions.',
].join(' ');
