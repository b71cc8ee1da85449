// The story engine's other two project tasks, as the extension asks for them: Write Scene from
// Beat (a "## Beat to write" block ends the last user message) and Summarize Chapter (the last user
// message starts "## Chapter to summarize:"). Deterministic, like the continuation: a scene opens
// with its beat and brings on the codex entries the beat names first; a summary names the chapter's
// people and places and quotes how it begins and ends, so tests can see what was read.
import { CONTINUATION_TOKENS, isProjectPrompt, parseCodex, writeContinuation } from './continuation';
import type { CodexEntry } from './continuation';

export const BEAT_HEADING = '## Beat to write';
export const SUMMARY_HEADING = '## Chapter to summarize:';

export interface ProjectTask {
  readonly inputTexts: readonly string[];
  readonly lastUserText: string;
  readonly random: () => number;
  readonly count: (text: string) => number;
}

/** The text for a story project's request, or undefined when the request is not one. */
export function projectReply(task: ProjectTask): string | undefined {
  const { inputTexts, lastUserText, random, count } = task;
  if (lastUserText.startsWith(SUMMARY_HEADING)) return writeSummary(lastUserText);
  const codex = parseCodex(inputTexts);
  if (codex.length === 0 && !isProjectPrompt(inputTexts)) return undefined;
  const at = lastUserText.lastIndexOf(BEAT_HEADING);
  if (at !== -1 && (at === 0 || lastUserText[at - 1] === '\n')) {
    const beat = lastUserText
      .slice(at)
      .split(/\r?\n\r?\n/)
      .slice(1)
      .join(' ')
      .trim();
    return writeScene(codex, beat, random, count);
  }
  return writeContinuation(codex, lastUserText, random, count, CONTINUATION_TOKENS);
}

const SCENE_OPENINGS = [
  'It began like this: {beat}',
  'Then it happened, as it had to: {beat}',
  'What came next was simple to tell and hard to live through: {beat}',
];

/** Names of the entries the beat mentions (case-insensitive), first. */
function beatFirst(codex: readonly CodexEntry[], beat: string): CodexEntry[] {
  const named = (e: CodexEntry) => beat.toLowerCase().includes(e.name.toLowerCase());
  return [...codex.filter(named), ...codex.filter((e) => !named(e))];
}

/** A new paragraph that opens with the beat, then the continuation with the beat's entries first. */
export function writeScene(
  codex: readonly CodexEntry[],
  beat: string,
  random: () => number,
  count: (text: string) => number,
): string {
  const sentence = /[.!?…]["”’)]?$/.test(beat) ? beat : `${beat}.`;
  const opening = SCENE_OPENINGS[Math.floor(random() * SCENE_OPENINGS.length)]!.replace('{beat}', sentence);
  const rest = writeContinuation(beatFirst(codex, beat), '', random, count, CONTINUATION_TOKENS - count(opening));
  return `${opening}\n\n${rest}`;
}

const SENTENCE = /[^.!?…]+[.!?…]+["”’)]*/g;

/** Names: runs of capitalised words (a lone word not at a sentence's start), most frequent first, then first seen. */
function namesIn(sentences: readonly string[]): string[] {
  const seen = new Map<string, { n: number; first: number }>();
  let order = 0;
  for (const sentence of sentences) {
    for (const m of sentence.matchAll(/\p{Lu}[\p{L}'’-]*(?:[ \t]+\p{Lu}[\p{L}'’-]*)*/gu)) {
      const name = m[0];
      if (!name.includes(' ') && /^["“'‘(]*$/.test(sentence.slice(0, m.index))) continue;
      const s = seen.get(name) ?? { n: 0, first: order++ };
      seen.set(name, { n: s.n + 1, first: s.first });
    }
  }
  return [...seen.entries()]
    .sort((a, b) => b[1].n - a[1].n || a[1].first - b[1].first)
    .map(([name]) => name)
    .slice(0, 4);
}

const list = (names: readonly string[]) =>
  names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;

/** The summary of the chapter in `userText` (its heading line, then the prose). */
export function writeSummary(userText: string): string {
  const [heading = '', ...rest] = userText.split(/\r?\n/);
  const title = heading.slice(SUMMARY_HEADING.length).trim() || 'This chapter';
  const prose = rest.join('\n').replace(/\[… \d+ paragraphs? left out …\]/g, ' ');
  const sentences = (prose.replace(/\s+/g, ' ').match(SENTENCE) ?? []).map((s) => s.trim());
  const names = namesIn(sentences);
  const parts = [
    names.length > 0 ? `In ${title}, ${list(names)} ${names.length > 1 ? 'are' : 'is'} at the centre of things.` : '',
    sentences[0] ? `It opens: “${sentences[0]}”` : '',
    sentences.length > 1 ? `It ends: “${sentences[sentences.length - 1]}”` : '',
  ];
  const summary = parts.filter((p) => p !== '').join(' ');
  return summary === '' ? `${title} has no story in it yet.` : summary;
}
