// NovelAI .lorebook files: { lorebookVersion, entries: [{ text, displayName, keys, enabled,
// forceActivation, searchRange, contextConfig: { prefix, suffix, tokenBudget, budgetPriority,
// insertionPosition, … }, … }], categories, settings } (docs.novelai.net/text/lorebook.html).
// Keys written /like this/ are regular expressions there as here; plain keys match anywhere in a
// word (not whole words) and ignore case. budgetPriority decides what stays within the budget,
// as priority does in the codex; the rest of contextConfig shapes insertion, which the codex does not.
import * as l10n from '@vscode/l10n';
import * as v from 'valibot';
import { draftToEntry, entryLabel, reportExtras, shown } from './mapping';
import type { ImportedEntry, LorebookImport, ReportLine } from './mapping';
import { keyList } from './sillyTavern';

const contextConfig = v.nullish(v.looseObject({ budgetPriority: v.nullish(v.number()) }), {});

const entrySchema = v.looseObject({
  text: v.nullish(v.string(), ''),
  displayName: v.nullish(v.string()),
  keys: keyList,
  enabled: v.nullish(v.boolean(), true),
  forceActivation: v.nullish(v.boolean(), false),
  contextConfig,
});

export const novelAiSchema = v.looseObject({
  lorebookVersion: v.number(),
  entries: v.array(entrySchema),
});

const KNOWN = new Set([
  'text',
  'displayName',
  'keys',
  'enabled',
  'forceActivation',
  'contextConfig',
  'id',
  'lastUpdatedAt',
]);

type Neutral = (value: unknown) => boolean;
const is =
  (...values: unknown[]): Neutral =>
  (value) =>
    value === null || value === undefined || values.includes(value);

const ENTRY_NEUTRAL: Readonly<Record<string, Neutral>> = {
  searchRange: is(1000),
  keyRelative: is(false),
  nonStoryActivatable: is(false),
  category: is(''),
  // The default is one group with no phrases.
  loreBiasGroups: (value) =>
    !Array.isArray(value) ||
    value.every((g) => !g || typeof g !== 'object' || !Array.isArray(g.phrases) || g.phrases.length === 0),
};

/** contextConfig at NovelAI's defaults for lore entries changes nothing. */
const CONTEXT_NEUTRAL: Readonly<Record<string, Neutral>> = {
  prefix: is(''),
  suffix: is('\n'),
  tokenBudget: is(1, 2048),
  reservedTokens: is(0),
  trimDirection: is('trimBottom'),
  insertionType: is('newline'),
  maximumTrimType: is('sentence'),
  insertionPosition: is(-1),
};

const why = (field: string): string =>
  field === 'searchRange'
    ? l10n.t("the project's scanTokens (story.md) decides how far back keys are looked for")
    : field === 'category'
      ? l10n.t('categories are not kept; use a codex subfolder')
      : l10n.t('the codex has no such setting; not kept');
const contextWhy = (): string =>
  l10n.t('the codex places and trims entries itself (after the bible, within contextBudget); not kept');

export function fromNovelAi(data: v.InferOutput<typeof novelAiSchema>): LorebookImport {
  const unmapped: ReportLine[] = [];
  const skipped: ReportLine[] = [];
  const entries: ImportedEntry[] = [];
  const cats = (data as Record<string, unknown>)['categories'];
  if (Array.isArray(cats) && cats.length > 0)
    unmapped.push({
      entry: '(lorebook)',
      field: 'categories',
      value: shown(cats.length),
      why: l10n.t('categories are not kept; use a codex subfolder'),
    });
  data.entries.forEach((e, i) => {
    const label = entryLabel(i, e.displayName ?? undefined);
    reportExtras(label, e, KNOWN, ENTRY_NEUTRAL, why, unmapped);
    reportExtras(
      label,
      e.contextConfig,
      new Set(['budgetPriority']),
      CONTEXT_NEUTRAL,
      contextWhy,
      unmapped,
      'contextConfig.',
    );
    const entry = draftToEntry(
      {
        label,
        name: e.displayName ?? undefined,
        keys: e.keys,
        secondaryKeys: [],
        logic: 'any',
        always: e.forceActivation,
        // NovelAI's default is 400; as the codex's default, it is 0.
        priority: (e.contextConfig.budgetPriority ?? 400) - 400,
        enabled: e.enabled,
        caseSensitive: false,
        wholeWords: false,
        body: e.text,
      },
      unmapped,
      skipped,
    );
    if (entry) entries.push(entry);
  });
  return { format: 'novelAi', entries, unmapped, skipped };
}
