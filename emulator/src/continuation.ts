// The story engine's other mode: continuing a manuscript (a story project's Continue Writing).
// A request is a continuation when its prompt carries a codex as the extension renders it: a
// "## Codex" heading, then "### <name> (<kind>)" and the entry's text. The continuation picks up
// the last user message where it stops (completing a sentence left open) and writes on with the
// codex's characters as the actors and its places as the settings, deterministically.

/** How long a continuation runs when maxTokens does not stop it first (a few paragraphs). */
export const CONTINUATION_TOKENS = 300;

export interface CodexEntry {
  readonly name: string;
  readonly kind: string;
  readonly body: string;
}

const ENTRY_RE = /^###[ \t]+(.+?)[ \t]+\(([\p{L} -]+)\)[ \t]*$/u;

/** The entries under every "## Codex" heading of the texts, first mention first, each name once. */
export function parseCodex(texts: readonly string[]): CodexEntry[] {
  const entries: CodexEntry[] = [];
  for (const text of texts) {
    let inCodex = false;
    let current: { name: string; kind: string; body: string[] } | undefined;
    const close = () => {
      if (current && !entries.some((e) => e.name === current!.name))
        entries.push({ name: current.name, kind: current.kind.toLowerCase(), body: current.body.join('\n').trim() });
      current = undefined;
    };
    for (const line of text.split(/\r?\n/)) {
      if (/^##[ \t]/.test(line)) {
        close();
        inCodex = line.trim() === '## Codex';
        continue;
      }
      const m = inCodex ? ENTRY_RE.exec(line) : null;
      if (m) {
        close();
        current = { name: m[1]!.trim(), kind: m[2]!.trim(), body: [] };
      } else if (/^###[ \t]/.test(line))
        close(); // a heading that is not an entry ends the one before
      else if (current) current.body.push(line);
    }
    close();
  }
  return entries;
}

/** A story project's prompt without activated entries still has its bible: continue it too. */
export function isProjectPrompt(texts: readonly string[]): boolean {
  return texts.some((t) => /^## Story bible[ \t]*$/m.test(t));
}

interface Cast {
  /** Characters first, in codex order; never empty (a stranger stands in). */
  readonly people: readonly string[];
  /** Places, in codex order, ready for "in {P}"; never empty. */
  readonly places: readonly string[];
  readonly things: readonly string[];
}

/** "The Drowned Library" → "the Drowned Library": a name that reads mid-sentence. */
const midSentence = (name: string) => name.replace(/^(The|A|An)\b/, (a) => a.toLowerCase());

function castOf(codex: readonly CodexEntry[]): Cast {
  const of = (kinds: string[]) => codex.filter((e) => kinds.includes(e.kind)).map((e) => midSentence(e.name));
  const people = of(['character']);
  const places = of(['place', 'location', 'setting']);
  const things = of(['thing', 'object', 'item', 'lore', 'other']);
  return {
    people: people.length > 0 ? people : ['the stranger'],
    places: places.length > 0 ? places : ['the old house'],
    things: things.length > 0 ? things : ['the letter'],
  };
}

/** Whole sentence templates: {A} and {B} people, {P} a place, {T} a thing. */
const PERSON = [
  '{A} crossed the room and stopped at the window, listening.',
  '{A} did not answer at once; some questions deserved a moment of quiet.',
  'It was {A} who noticed it first, the way the light had changed.',
  '"We should not be here," {A} said, though {A} made no move to leave.',
  '{A} turned the thought over twice, the way one turns a coin, and kept it.',
];
const PLACE = [
  'Evening came early to {P}, and with it the sound of rain on the roofs.',
  'Nobody in {P} remembered a night as still as this one.',
  'The road into {P} was empty, and the lamps along it burned low.',
  'Somewhere in {P} a bell rang once, then thought better of it.',
];
const THING = [
  'And there, where no one had left it, lay {T}.',
  'Everything, {A} suspected, came back to {T}.',
  '{A} had heard the stories about {T} and believed perhaps half of them.',
];
const TOGETHER = [
  '{A} and {B} walked the length of {P} without speaking, each waiting for the other to begin.',
  '"You knew," {B} said to {A} in the doorway of {P}. "You knew all along."',
  'By the time {B} caught up, {A} had already found the way through {P}.',
  '{B} laughed, and for a moment {P} felt less like a trap and more like home.',
  '{A} told {B} about {T}, and {B} listened without once looking away.',
  'They left {P} before dawn, {A} ahead and {B} a step behind, as it had always been.',
  'Later, {B} would swear that {A} had smiled, there in the half-dark of {P}.',
  '{A} asked {B} the question at last, and the answer was not the one either of them expected.',
];
/** Ends a sentence the manuscript left open, after a verb or a noun. */
const CLOSE_CLAUSE = [
  'while {B} watched from the far side of {P}.',
  'and {B} said nothing for a long moment.',
  'just as the light over {P} began to change.',
  'before {B} could say a word.',
];
/** After "the", "a", "an": a noun phrase first. */
const CLOSE_ARTICLE = ['old door at the edge of {P}, and {B} followed close behind.', 'narrow gate that led into {P}.'];
/** After "to", "in", "into", "at"...: a place. */
const CLOSE_PLACE = ['{P}, where {B} was already waiting.', '{P} as the first lamps were lit.'];

const ARTICLES = /\b(the|a|an|his|her|their|its|my|our|your)$/i;
const PREPOSITIONS = /\b(to|in|into|at|toward|towards|from|through|across|inside|near|of)$/i;

/** The opening words: the rest of an open sentence, or nothing when it ended. */
function completion(before: string, pick: <T>(list: readonly T[]) => T): string | undefined {
  const end = before.trimEnd();
  if (end === '' || /[.!?…"”'’)\]*_:]$/.test(end)) return undefined;
  if (ARTICLES.test(end)) return pick(CLOSE_ARTICLE);
  if (PREPOSITIONS.test(end)) return pick(CLOSE_PLACE);
  return pick(CLOSE_CLAUSE);
}

/** The text before the cursor, unless it is the extension's note for an empty chapter "(…)". */
function manuscript(lastUserText: string): string {
  const text = lastUserText.trim();
  return /^\([^()]*\)$/.test(text) ? '' : text;
}

/**
 * The continuation of `lastUserText`, about `targetTokens` long (as `count` counts), every
 * codex name within its first sentences, then sentences cycling through people and places.
 */
export function writeContinuation(
  codex: readonly CodexEntry[],
  lastUserText: string,
  random: () => number,
  count: (text: string) => number,
  targetTokens: number,
): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const cast = castOf(codex);
  const nth = <T>(list: readonly T[], i: number): T => list[i % list.length] as T;
  let turn = 0;
  const fill = (template: string, own: { A?: string; P?: string; T?: string } = {}, sentence = true): string => {
    const a = own.A ?? nth(cast.people, turn);
    const b = cast.people.find((p, i) => p !== a && i >= turn % cast.people.length) ?? cast.people.find((p) => p !== a);
    const text = template
      .replaceAll('{A}', a)
      .replaceAll('{B}', b ?? 'the stranger')
      .replaceAll('{P}', own.P ?? nth(cast.places, turn))
      .replaceAll('{T}', own.T ?? nth(cast.things, turn));
    // Sentence starts take a capital ("the stranger" → "The stranger"); a completed sentence does not.
    return text.replace(
      sentence ? /(^|[.!?]\s+)(\p{Ll})/gu : /([.!?]\s+)(\p{Ll})/gu,
      (_, lead: string, c: string) => lead + c.toUpperCase(),
    );
  };
  const sentences: string[] = [];
  const opening = completion(manuscript(lastUserText), pick);
  if (opening) sentences.push(fill(opening, {}, false));
  // Every entry early, in codex order: people act, places are where it happens, things turn up.
  for (const entry of codex) {
    const name = midSentence(entry.name);
    if (entry.kind === 'character') sentences.push(fill(pick(PERSON), { A: name }));
    else if (cast.places.includes(name)) sentences.push(fill(pick(PLACE), { P: name }));
    else sentences.push(fill(pick(THING), { T: name }));
    turn++;
  }
  const unused = [...TOGETHER];
  while (count(paragraphs(sentences)) < targetTokens) {
    const template = unused.length > 0 ? unused.splice(Math.floor(random() * unused.length), 1)[0]! : pick(PERSON);
    sentences.push(fill(template));
    turn++;
  }
  return paragraphs(sentences);
}

/** Three sentences a paragraph; the first sentence joins the manuscript's open paragraph. */
function paragraphs(sentences: readonly string[]): string {
  const out: string[] = [];
  for (let i = 0; i < sentences.length; i += 3) out.push(sentences.slice(i, i + 3).join(' '));
  return out.join('\n\n');
}
