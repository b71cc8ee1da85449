// Write Scene from Beat, the pure part: which text is the beat (the selection, or the line at the
// cursor, with its Markdown marks taken off), what the model sees before it, and where the scene
// goes (a new paragraph after the beat's last line). Offsets are in the document's text.
import type { ConverseRequest } from '../story/prompt';
import { OPENING_MESSAGE, sceneInstruction } from './promptText';

/** The longest beat (characters), as a front-matter beat item may be. */
export const BEAT_MAX_CHARS = 2_000;

export interface BeatPlace {
  /** The beat without its marks (lines joined by '\n'). */
  readonly beat: string;
  /** Offset of the beat's first line: the text before it is what the scene follows. */
  readonly beatStart: number;
  /** Offset where the scene goes: the end of the beat's last line (before its line break). */
  readonly insertAt: number;
  /** Goes before the scene: it starts a paragraph of its own. */
  readonly lead: string;
  /** Goes after the scene when something follows on the very next line, so it stays a paragraph. */
  readonly trail: string;
}

export type BeatRefusal = 'noBeat' | 'beatTooLong' | 'inFrontMatter';

/**
 * Marks a beat line may carry: a heading's #s, a quote's >, a list bullet or number, a task box,
 * a "Beat:" label, an HTML comment around it, emphasis or brackets around all of it.
 */
export function stripBeatMarks(line: string): string {
  let s = line.trim();
  const comment = /^<!--\s*([\s\S]*?)\s*-->$/.exec(s);
  if (comment) s = comment[1]!;
  s = s
    .replace(/^(?:>\s*)+/, '')
    .replace(/^#{1,6}\s+/, '')
    .replace(/^(?:[-*+]|\d{1,3}[.)])(?:\s+|$)/, '')
    .replace(/^\[[ xX]\]\s+/, '')
    .replace(/^beat\s*\d*\s*[:.\u2013\u2014-]\s*/i, '');
  for (const [open, close] of [
    ['**', '**'],
    ['__', '__'],
    ['*', '*'],
    ['_', '_'],
    ['[', ']'],
    ['(', ')'],
  ] as const) {
    if (s.length > open.length + close.length && s.startsWith(open) && s.endsWith(close))
      s = s.slice(open.length, s.length - close.length).trim();
  }
  return s.trim();
}

/** Offset where the line holding `offset` starts. */
export function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Offset where the line holding `offset` ends, before its line break (\r\n or \n). */
export function lineEnd(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  if (nl === -1) return text.length;
  return nl > 0 && text[nl - 1] === '\r' ? nl - 1 : nl;
}

/**
 * The beat at a selection (`start` === `end` for a bare cursor: its line is the beat). `bodyStart`
 * is where the chapter's prose starts (after the front matter); a beat above it is refused.
 */
export function findBeat(text: string, start: number, end: number, bodyStart: number): BeatPlace | BeatRefusal {
  const from = Math.min(start, end);
  let to = Math.max(start, end);
  if (from < bodyStart) return 'inFrontMatter';
  // A selection that ends at the start of a line (whole lines selected) ends on the line before.
  if (to > from && lineStart(text, to) === to) to--;
  const raw = from === to ? text.slice(lineStart(text, from), lineEnd(text, from)) : text.slice(from, to);
  const beat = raw
    .split(/\r?\n/)
    .map(stripBeatMarks)
    .filter((l) => l !== '')
    .join('\n');
  if (beat === '') return 'noBeat';
  if (beat.length > BEAT_MAX_CHARS) return 'beatTooLong';
  const insertAt = lineEnd(text, to);
  const after = text.slice(insertAt);
  // Nothing after, or a blank line already: the scene's paragraph is closed by what is there.
  const trail = after === '' || /^\r?\n[ \t]*(\r?\n|$)/.test(after) ? '' : '\n';
  return { beat, beatStart: lineStart(text, from), insertAt, lead: '\n\n', trail };
}

/**
 * The Continue Writing request with the beat as its instruction: a last block of the last user
 * message (which a guardrail checks, as it does the manuscript), after the text before the beat.
 */
export function sceneRequest(request: ConverseRequest, beat: string): ConverseRequest {
  const messages = [...request.messages];
  const last = messages[messages.length - 1]!;
  const excerpt = last.content.filter((b) => b.text !== OPENING_MESSAGE);
  messages[messages.length - 1] = { ...last, content: [...excerpt, { text: sceneInstruction(beat) }] };
  return { ...request, messages };
}
