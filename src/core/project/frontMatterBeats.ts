// Write Scene from Beat with the chapter's front-matter `beats`, the pure part: which item the
// cursor is on (its scene goes at the end of the prose), the choice offered when there is no beat
// at the cursor (with the beats that already seem written, and the next one preselected, worked
// out from the prose alone: no state), and where the scene goes in each case.
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { BEAT_MAX_CHARS, findBeat, lineEnd, lineStart, stripBeatMarks } from './beat';
import type { BeatPlace, BeatRefusal } from './beat';

/** Where a picked beat's scene goes: at the end of the prose, or on the blank line at `offset`. */
export type BeatWhere = { readonly at: 'end' } | { readonly at: 'line'; readonly offset: number };

export interface BeatChoice {
  /** The item's index in the chapter's `beats`. */
  readonly index: number;
  /** The beat without its marks (lines joined by '\n'). */
  readonly beat: string;
  /** One paragraph of the prose holds all of the beat's words (see `seemsWritten`). */
  readonly written: boolean;
}

/** The beat to write, found at the cursor or to be picked from the front matter's; or a refusal. */
export type BeatSource =
  | { readonly kind: 'here'; readonly place: BeatPlace }
  | {
      readonly kind: 'pick';
      readonly choices: readonly BeatChoice[];
      /** Index into `choices` of the one to offer first: the one after the last that seems written. */
      readonly preselect: number;
      readonly where: BeatWhere;
    }
  | BeatRefusal;

/** A front-matter beat as the writer means it: Markdown marks off each line, blank lines dropped. */
export function beatText(item: string): string {
  return item
    .split(/\r?\n/)
    .map(stripBeatMarks)
    .filter((l) => l !== '')
    .join('\n');
}

/**
 * Write Scene from Beat's source at a selection: a beat in the prose (findBeat); the `beats` item
 * the cursor is on in the front matter (its scene at the end of the prose); else, when the chapter
 * has front-matter beats, a choice among them (the scene at the end of the prose from the front
 * matter, on the cursor's blank line from the prose). `beats` is the chapter's parsed field.
 */
export function beatSource(
  text: string,
  start: number,
  end: number,
  bodyStart: number,
  beats: readonly string[],
): BeatSource {
  const from = Math.min(start, end);
  if (from < bodyStart) {
    const index = frontMatterBeatAt(text, from, beats);
    const beat = index === undefined ? '' : beatText(beats[index]!);
    if (beat !== '') return here(placeBeat(text, bodyStart, { at: 'end' }, beat));
    return pick(beats, text.slice(bodyStart), { at: 'end' }) ?? 'inFrontMatter';
  }
  const found = findBeat(text, start, end, bodyStart);
  if (found !== 'noBeat') return typeof found === 'string' ? found : { kind: 'here', place: found };
  return pick(beats, text.slice(bodyStart), { at: 'line', offset: from }) ?? 'noBeat';
}

function here(place: BeatPlace | BeatRefusal): BeatSource {
  return typeof place === 'string' ? place : { kind: 'here', place };
}

function pick(beats: readonly string[], prose: string, where: BeatWhere): BeatSource | undefined {
  const choices = beatChoices(beats, prose);
  if (choices.length === 0) return undefined;
  return { kind: 'pick', choices, preselect: preselected(choices), where };
}

/** The front-matter beats worth offering (those not blank once their marks are off), in order. */
export function beatChoices(beats: readonly string[], prose: string): BeatChoice[] {
  const paragraphs = prose.split(/\r?\n[ \t]*\r?\n/).map(stems);
  return beats.flatMap((item, index) => {
    const beat = beatText(item);
    return beat === '' ? [] : [{ index, beat, written: seemsWritten(beat, paragraphs) }];
  });
}

/** The choice after the last that seems written; the first not written when that was the last one. */
export function preselected(choices: readonly BeatChoice[]): number {
  let last = -1;
  choices.forEach((c, i) => {
    if (c.written) last = i;
  });
  if (last + 1 < choices.length) return last + 1;
  const open = choices.findIndex((c) => !c.written);
  return open === -1 ? 0 : open;
}

// Words of four letters or more that say nothing about what happens.
const COMMON = new Set(
  'about after again also back been before being came come could does down each even from have here into just like made make many more most much must only over said same some such than that their them then there these they this very were what when where which while will with would your'.split(
    ' ',
  ),
);

/** A content word's stem (four letters or more, not COMMON): plural, -ed, -ing, -e off, then five letters. */
function stem(word: string): string | undefined {
  let w = word.replace(/['’]s$/, '').replace(/['’]/g, '');
  if (w.length < 4 || COMMON.has(w)) return undefined;
  for (const suffix of ['ing', 'ed', 'es', 's', 'e']) {
    if (w.endsWith(suffix) && w.length - suffix.length >= 3 && !(suffix === 's' && w.endsWith('ss'))) {
      w = w.slice(0, -suffix.length);
      break;
    }
  }
  return w.slice(0, 5);
}

/** A text's content words, as stems. */
function stems(text: string): Set<string> {
  const out = new Set<string>();
  for (const [word] of text.toLowerCase().matchAll(/\p{L}[\p{L}\p{M}'’]*/gu)) {
    const s = stem(word);
    if (s !== undefined) out.add(s);
  }
  return out;
}

/**
 * A beat seems written when it has at least two content words and one paragraph of the prose has
 * them all (as stems: "arrives" matches "arrived", "rings" "ringing"). Deterministic and cautious:
 * a scene that tells the beat in other words is not marked, which only costs the preselection.
 */
export function seemsWritten(beat: string, paragraphs: readonly ReadonlySet<string>[]): boolean {
  const words = [...stems(beat)];
  if (words.length < 2) return false;
  return paragraphs.some((p) => words.every((w) => p.has(w)));
}

/** A beat as a quick pick's label: on one line, and `$(…)` shown as written, not as an icon. */
export function pickLabel(beat: string): string {
  return beat.replace(/\s+/g, ' ').trim().replace(/\$\(/g, '\\$(');
}

/** Where the scene for `beat` goes: a paragraph of its own at the end of the prose, or on a blank line. */
export function placeBeat(text: string, bodyStart: number, where: BeatWhere, beat: string): BeatPlace | BeatRefusal {
  if (beat.length > BEAT_MAX_CHARS) return 'beatTooLong';
  if (where.at === 'end') {
    let end = text.length;
    while (end > bodyStart && /\s/.test(text[end - 1]!)) end--;
    // Only white space follows: the scene ends the chapter, nothing to keep apart from it.
    if (end > bodyStart) return { beat, beatStart: end, insertAt: end, lead: '\n\n', trail: '' };
    const lead = end === 0 || text[end - 1] === '\n' ? '' : '\n';
    return { beat, beatStart: end, insertAt: end, lead, trail: '' };
  }
  // At the blank line's start (its spaces after the scene, never an indent before it).
  const insertAt = Math.max(lineStart(text, where.offset), bodyStart);
  const before = text.slice(bodyStart, insertAt);
  const lead = before.trim() === '' || /\n[ \t]*\r?\n$/.test(before) ? '' : '\n';
  const after = text.slice(lineEnd(text, insertAt));
  const trail = after === '' || /^\r?\n[ \t]*(\r?\n|$)/.test(after) ? '' : '\n';
  return { beat, beatStart: insertAt, insertAt, lead, trail };
}

/**
 * The index in `beats` of the front-matter item on the line at `offset` (in a flow list on one
 * line, the item the offset is in, if any); undefined when none is, or the front matter does not hold
 * `beats` as parsed (a broken field is no beats: its diagnostic says why).
 */
export function frontMatterBeatAt(text: string, offset: number, beats: readonly string[]): number | undefined {
  if (beats.length === 0) return undefined;
  const bom = text.startsWith('\uFEFF') ? 1 : 0;
  if (!/^---[ \t]*\r?\n/.test(text.slice(bom))) return undefined;
  const yamlStart = text.indexOf('\n', bom) + 1;
  const close = /^(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/m.exec(text.slice(yamlStart));
  if (!close) return undefined;
  const doc = parseDocument(text.slice(yamlStart, yamlStart + close.index));
  if (doc.errors.length > 0 || !isMap(doc.contents)) return undefined;
  const value = doc.contents.items.find((p) => isScalar(p.key) && p.key.value === 'beats')?.value;
  const from = lineStart(text, offset);
  const to = lineEnd(text, offset);
  const span = (node: unknown): [number, number] | undefined => {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    if (!range) return undefined;
    // A block scalar's range takes in the line break (and indent) after it: not the item's lines.
    let end = yamlStart + range[1];
    while (end > yamlStart + range[0] && /\s/.test(text[end - 1]!)) end--;
    return [yamlStart + range[0], end];
  };
  if (isSeq(value)) {
    if (value.items.length !== beats.length) return undefined;
    const spans = value.items.map(span);
    const inside = spans.findIndex((s) => s !== undefined && s[0] <= offset && offset <= s[1]);
    if (inside !== -1) return inside;
    // The one item on the cursor's line (several: a flow list, and the cursor in none of them).
    const onLine = spans.flatMap((s, i) => (s !== undefined && lineStart(text, s[0]) <= to && from <= s[1] ? [i] : []));
    return onLine.length === 1 ? onLine[0] : undefined;
  }
  const s = span(value);
  if (!isScalar(value) || !s || s[1] < from || to < s[0]) return undefined;
  if (beats.length === 1) return 0;
  // A block of lines, one beat each: the line at the cursor, as the field read it.
  const line = text.slice(Math.max(from, s[0]), Math.min(to, s[1])).trim();
  const index = beats.findIndex((b) => b.trim() === line);
  return index === -1 ? undefined : index;
}
