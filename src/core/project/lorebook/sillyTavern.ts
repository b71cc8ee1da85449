// SillyTavern World Info JSON: { entries: { "<uid>": { key, keysecondary, selectiveLogic,
// constant, order, disable, content, comment, … } } } (public/scripts/world-info.js). Fields the
// codex has no place for (insertion position and depth, probability, groups, timed effects,
// recursion switches, …) are reported when they hold anything but their neutral value.
import * as l10n from '@vscode/l10n';
import * as v from 'valibot';
import { ST_LOGIC, draftToEntry, entryLabel, reportExtras } from './mapping';
import type { ImportedEntry, LorebookImport, ReportLine } from './mapping';

/** A list of keys: SillyTavern writes arrays of strings; a lone string or numbers are read too. */
export const keyList = v.pipe(
  v.nullish(v.union([v.string(), v.array(v.union([v.string(), v.number()]))]), []),
  v.transform((k) => (Array.isArray(k) ? k.map(String) : [k])),
);

const num = v.nullish(v.number());
const bool = v.nullish(v.boolean());

const entrySchema = v.looseObject({
  key: keyList,
  keysecondary: keyList,
  selectiveLogic: v.nullish(v.picklist([0, 1, 2, 3])),
  selective: bool,
  constant: bool,
  order: num,
  disable: bool,
  content: v.nullish(v.string(), ''),
  comment: v.nullish(v.string()),
  caseSensitive: bool,
  matchWholeWords: bool,
});

export const sillyTavernSchema = v.looseObject({
  entries: v.record(v.string(), entrySchema),
});

const KNOWN = new Set([
  'uid',
  'key',
  'keysecondary',
  'selectiveLogic',
  'selective',
  'constant',
  'order',
  'disable',
  'content',
  'comment',
  'caseSensitive',
  'matchWholeWords',
  // Bookkeeping of SillyTavern's editor: nothing the model sees depends on it.
  'addMemo',
  'displayIndex',
  'useProbability',
  'extensions',
]);

type Neutral = (value: unknown, entry: Readonly<Record<string, unknown>>) => boolean;
const nullOr =
  (...values: unknown[]): Neutral =>
  (value) =>
    value === null || value === undefined || values.includes(value);

/** SillyTavern's fields at the values that change nothing here (also what a V3 card's extensions hold). */
export const ST_NEUTRAL: Readonly<Record<string, Neutral>> = {
  // Before or after the character's description: the codex goes after the bible either way.
  position: nullOr(0, 1, 'before_char', 'after_char'),
  depth: (value, entry) => entry['position'] !== 4 || value === null || value === undefined,
  role: (value, entry) => entry['position'] !== 4 || value === null || value === 0,
  probability: (value, entry) => entry['useProbability'] === false || nullOr(100)(value, entry),
  groupWeight: nullOr(100),
  sticky: nullOr(0),
  cooldown: nullOr(0),
  delay: nullOr(0),
  scanDepth: nullOr(),
  useGroupScoring: nullOr(false),
  // The format's own fields when a card's extensions hold them.
  selectiveLogic: () => true,
  match_whole_words: () => true,
  case_sensitive: () => true,
  display_index: () => true,
  useProbability: () => true,
  addMemo: () => true,
  weight: nullOr(100),
  scan_depth: nullOr(),
};

export const notMappedWhy = (field: string): string =>
  field === 'position' || field === 'depth' || field === 'role'
    ? l10n.t('the codex has one place for entries (after the bible); insertion position is not kept')
    : field === 'probability'
      ? l10n.t('codex entries always fire when their keys match; chance is not kept')
      : l10n.t('the codex has no such setting; not kept');

export function fromSillyTavern(data: v.InferOutput<typeof sillyTavernSchema>): LorebookImport {
  const unmapped: ReportLine[] = [];
  const skipped: ReportLine[] = [];
  const entries: ImportedEntry[] = [];
  // In the order SillyTavern shows them (displayIndex), else by uid.
  const list = Object.entries(data.entries).sort(([a, x], [b, y]) => {
    const ix = typeof x['displayIndex'] === 'number' ? x['displayIndex'] : Number(a);
    const iy = typeof y['displayIndex'] === 'number' ? y['displayIndex'] : Number(b);
    return ix - iy || Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0);
  });
  list.forEach(([, e], i) => {
    const label = entryLabel(i, e.comment ?? undefined);
    reportExtras(label, e, KNOWN, ST_NEUTRAL, notMappedWhy, unmapped);
    // SillyTavern only checks secondary keys when selective is on (the default).
    let secondary = e.keysecondary;
    if (e.selective === false && secondary.length > 0) {
      unmapped.push({
        entry: label,
        field: 'keysecondary',
        value: JSON.stringify(secondary).slice(0, 80),
        why: l10n.t('left out: "selective" is off, so SillyTavern ignores them too'),
      });
      secondary = [];
    }
    const entry = draftToEntry(
      {
        label,
        name: e.comment ?? undefined,
        keys: e.key,
        secondaryKeys: secondary,
        logic: ST_LOGIC[e.selectiveLogic ?? 0],
        always: e.constant ?? false,
        priority: e.order ?? undefined,
        enabled: !(e.disable ?? false),
        caseSensitive: e.caseSensitive ?? false,
        wholeWords: e.matchWholeWords ?? true,
        body: e.content,
      },
      unmapped,
      skipped,
    );
    if (entry) entries.push(entry);
  });
  return { format: 'sillyTavern', entries, unmapped, skipped };
}
