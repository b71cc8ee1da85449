// Character Card V3 lorebooks (kwaroran/character-card-spec-v3, SPEC_V3.md): a standalone
// { spec: 'lorebook_v3', data: Lorebook } file, or a card's data.character_book. Export writes
// the standalone form; what the spec has no field for (the secondary-key logic, whole words, the
// entry's kind) goes into each entry's `extensions`, the logic and whole words by SillyTavern's
// names (selectiveLogic, match_whole_words) so SillyTavern reads them too.
import * as l10n from '@vscode/l10n';
import * as v from 'valibot';
import { isRegexKey } from '../keys';
import { CODEX_KINDS } from '../model';
import type { CodexEntry } from '../model';
import { ST_LOGIC, draftToEntry, entryLabel, reportExtras, shown } from './mapping';
import type { ImportedEntry, LorebookFormat, LorebookImport, ReportLine } from './mapping';
import { ST_NEUTRAL, keyList, notMappedWhy } from './sillyTavern';

const entrySchema = v.looseObject({
  keys: keyList,
  content: v.nullish(v.string(), ''),
  extensions: v.nullish(v.record(v.string(), v.unknown()), {}),
  enabled: v.nullish(v.boolean(), true),
  insertion_order: v.nullish(v.number()),
  case_sensitive: v.nullish(v.boolean()),
  use_regex: v.nullish(v.boolean(), false),
  constant: v.nullish(v.boolean()),
  name: v.nullish(v.string()),
  priority: v.nullish(v.number()),
  comment: v.nullish(v.string()),
  selective: v.nullish(v.boolean()),
  secondary_keys: keyList,
});

export const lorebookSchema = v.looseObject({
  name: v.nullish(v.string()),
  entries: v.array(entrySchema),
});

export const lorebookV3Schema = v.object({ spec: v.literal('lorebook_v3'), data: lorebookSchema });
export const characterCardSchema = v.looseObject({
  data: v.looseObject({ character_book: lorebookSchema }),
});

type Entry = v.InferOutput<typeof entrySchema>;

const KNOWN = new Set([
  'keys',
  'content',
  'extensions',
  'enabled',
  'insertion_order',
  'case_sensitive',
  'use_regex',
  'constant',
  'name',
  'priority',
  'comment',
  'selective',
  'secondary_keys',
  'id',
  // before_char or after_char: with the character's description, i.e. after the bible here.
  'position',
]);
const BOOK_KNOWN = new Set(['name', 'description', 'entries', 'extensions']);
const EXTENSIONS_KNOWN = new Set(['selectiveLogic', 'match_whole_words', 'storyteller']);

/** A use_regex key ("Mira|Vell") as a codex regex key ("/Mira|Vell/i"). */
function regexKey(key: string, caseSensitive: boolean): string {
  return isRegexKey(key) ? key : `/${key}/${caseSensitive ? '' : 'i'}`;
}

function kindOf(extensions: Readonly<Record<string, unknown>>): ImportedEntry['kind'] | undefined {
  const own = extensions['storyteller'];
  const kind = own && typeof own === 'object' ? (own as Record<string, unknown>)['kind'] : undefined;
  return (CODEX_KINDS as readonly unknown[]).includes(kind) ? (kind as ImportedEntry['kind']) : undefined;
}

function entryDraft(e: Entry, label: string, unmapped: ReportLine[]) {
  const ext = e.extensions;
  reportExtras(label, e, KNOWN, {}, notMappedWhy, unmapped);
  reportExtras(label, ext, EXTENSIONS_KNOWN, ST_NEUTRAL, notMappedWhy, unmapped, 'extensions.');
  const caseSensitive = e.case_sensitive ?? false;
  let secondary = e.secondary_keys;
  const drop = (why: string) => {
    unmapped.push({ entry: label, field: 'secondary_keys', value: shown(secondary), why });
    secondary = [];
  };
  if (secondary.length > 0 && e.use_regex) drop(l10n.t('left out: the spec ignores them when use_regex is on'));
  else if (secondary.length > 0 && !e.selective) drop(l10n.t('left out: "selective" is off, so they do not apply'));
  if (e.priority !== undefined && e.priority !== null && e.priority !== e.insertion_order)
    unmapped.push({
      entry: label,
      field: 'priority',
      value: shown(e.priority),
      why: l10n.t('the codex has one priority; insertion_order is used'),
    });
  if (/^@@/m.test(e.content))
    unmapped.push({
      entry: label,
      field: 'content',
      value: shown(e.content.match(/^@@.*$/m)![0]),
      why: l10n.t('decorators (@@ lines) are not applied; they are kept in the text'),
    });
  const logic = ext['selectiveLogic'];
  return {
    label,
    name: e.name ?? e.comment ?? undefined,
    ...(kindOf(ext) ? { kind: kindOf(ext)! } : {}),
    keys: e.use_regex ? e.keys.map((k) => regexKey(k, caseSensitive)) : e.keys,
    secondaryKeys: secondary,
    logic: typeof logic === 'number' && ST_LOGIC[logic] ? ST_LOGIC[logic] : 'any',
    always: e.constant ?? false,
    priority: e.insertion_order ?? undefined,
    enabled: e.enabled,
    caseSensitive,
    wholeWords: typeof ext['match_whole_words'] === 'boolean' ? ext['match_whole_words'] : true,
    body: e.content,
  } as const;
}

export function fromLorebook(
  book: v.InferOutput<typeof lorebookSchema>,
  format: Extract<LorebookFormat, 'lorebookV3' | 'characterCard'>,
): LorebookImport {
  const unmapped: ReportLine[] = [];
  const skipped: ReportLine[] = [];
  const entries: ImportedEntry[] = [];
  reportExtras(
    '(lorebook)',
    book,
    BOOK_KNOWN,
    {},
    () => l10n.t("the project's story.md settings (contextBudget, scanTokens, recursionDepth) decide this"),
    unmapped,
  );
  book.entries.forEach((e, i) => {
    const entry = draftToEntry(
      entryDraft(e, entryLabel(i, e.name ?? e.comment ?? undefined), unmapped),
      unmapped,
      skipped,
    );
    if (entry) entries.push(entry);
  });
  return { format, entries, unmapped, skipped };
}

/** The codex as a standalone lorebook_v3 file (pretty JSON). */
export function exportLorebookV3(title: string, codex: readonly Omit<CodexEntry, 'file'>[]): string {
  const entries = codex.map((e, i) => ({
    keys: [...e.keys],
    content: e.body,
    extensions: {
      selectiveLogic: ST_LOGIC.indexOf(e.logic),
      match_whole_words: e.wholeWords,
      storyteller: { kind: e.kind },
    },
    enabled: e.enabled,
    insertion_order: e.priority,
    case_sensitive: e.caseSensitive,
    // Regex keys stay in their /…/flags form, as SillyTavern writes them: use_regex would drop the flags.
    use_regex: false,
    constant: e.always,
    name: e.name,
    priority: e.priority,
    id: i + 1,
    comment: e.name,
    selective: e.secondaryKeys.length > 0,
    secondary_keys: [...e.secondaryKeys],
    position: 'before_char',
  }));
  const book = { spec: 'lorebook_v3', data: { name: title, description: '', extensions: {}, entries } };
  return `${JSON.stringify(book, null, 2)}\n`;
}
