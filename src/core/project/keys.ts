// Codex keys: a name or alias matched case-insensitively as a whole word (by default), or a
// `/regex/flags` key. A matcher finds the LAST occurrence in a text, since the most recent mention
// decides which entries win when the budget is short.
import * as l10n from '@vscode/l10n';

/** A text prepared once for many keys: its lower-case form is computed a single time. */
export interface ScanText {
  readonly text: string;
  readonly lower: string;
  /** Where each whole word last occurs (lower-cased unless caseSensitive); built on first use. */
  lastWords(caseSensitive: boolean): ReadonlyMap<string, number>;
}

const WORDS = /[\p{L}\p{N}_]+/gu;

export function scanText(text: string): ScanText {
  const lower = text.toLowerCase();
  const maps: (Map<string, number> | undefined)[] = [undefined, undefined];
  return {
    text,
    lower,
    lastWords(caseSensitive) {
      const i = Number(caseSensitive);
      let map = maps[i];
      if (!map) {
        map = new Map();
        for (const m of (caseSensitive ? text : lower).matchAll(WORDS)) map.set(m[0], m.index);
        maps[i] = map;
      }
      return map;
    },
  };
}

export interface KeyMatcher {
  /** The key as the writer wrote it (Show Context names it). */
  readonly key: string;
  /** Index of the last match in the text, or -1. */
  lastIndexIn(text: ScanText): number;
}

export interface KeyOptions {
  readonly caseSensitive: boolean;
  readonly wholeWords: boolean;
}

const REGEX_KEY = /^\/(.+)\/([a-z]*)$/s;
const ALLOWED_FLAGS = /^[imsu]*$/;
/** Matches a regex key may report before the rest of the text is not searched (a runaway pattern). */
const MAX_REGEX_MATCHES = 10_000;

const WORD = /[\p{L}\p{N}_]/u;
const ONE_WORD = /^[\p{L}\p{N}_]+$/u;
const isWord = (ch: string | undefined): boolean => ch !== undefined && WORD.test(ch);

export function isRegexKey(key: string): boolean {
  return REGEX_KEY.test(key);
}

/** A matcher, or the sentence that says why the key cannot be one. */
export function compileKey(key: string, options: KeyOptions): KeyMatcher | { readonly error: string } {
  const regex = REGEX_KEY.exec(key);
  if (regex) return compileRegex(key, regex[1]!, regex[2]!);
  const needle = options.caseSensitive ? key : key.toLowerCase();
  // A one-word key matched as a whole word is a map lookup: what makes 1,000 entries cheap.
  if (options.wholeWords && ONE_WORD.test(needle))
    return { key, lastIndexIn: (text) => text.lastWords(options.caseSensitive).get(needle) ?? -1 };
  // Whole words only where the key itself starts or ends with a letter or digit ("Dr." still matches "Dr. Vell").
  const checkStart = options.wholeWords && isWord(needle[0]);
  const checkEnd = options.wholeWords && isWord(needle[needle.length - 1]);
  return {
    key,
    lastIndexIn(text) {
      const hay = options.caseSensitive ? text.text : text.lower;
      let from = hay.length;
      while (from >= 0) {
        const at = hay.lastIndexOf(needle, from);
        if (at === -1) return -1;
        const okStart = !checkStart || !isWord(hay[at - 1]);
        const okEnd = !checkEnd || !isWord(hay[at + needle.length]);
        if (okStart && okEnd) return at;
        from = at - 1;
      }
      return -1;
    },
  };
}

function compileRegex(key: string, source: string, flags: string): KeyMatcher | { readonly error: string } {
  if (!ALLOWED_FLAGS.test(flags))
    return { error: l10n.t('The key {0} has flags other than i, m, s and u.', JSON.stringify(key)) };
  let pattern: RegExp;
  try {
    pattern = new RegExp(source, `${flags}g`);
  } catch (e) {
    return {
      error: l10n.t('The key {0} is not a valid regular expression: {1}', JSON.stringify(key), (e as Error).message),
    };
  }
  return {
    key,
    lastIndexIn(text) {
      pattern.lastIndex = 0;
      let last = -1;
      for (let n = 0; n < MAX_REGEX_MATCHES; n++) {
        const m = pattern.exec(text.text);
        if (!m) break;
        last = m.index;
        if (m[0] === '') pattern.lastIndex++;
      }
      return last;
    },
  };
}
