// What every lorebook format maps into: codex entries (without their files yet) and a report of
// what could not be mapped. Each format's parser (sillyTavern.ts, cardV3.ts, novelAi.ts) turns its
// entries into drafts; draftToEntry applies the codex's own limits to all of them the same way.
import * as l10n from '@vscode/l10n';
import { compileKey, isRegexKey } from '../keys';
import { LIMITS } from '../model';
import type { CodexEntry } from '../model';

export type LorebookFormat = 'sillyTavern' | 'lorebookV3' | 'characterCard' | 'novelAi';

/** A codex entry as imported: everything but the file it will be written to. */
export type ImportedEntry = Omit<CodexEntry, 'file'>;

/** One field that did not map, or one entry or key left out, for the report. */
export interface ReportLine {
  /** '#3 "Mira"', or '(lorebook)' for the book's own fields. */
  readonly entry: string;
  readonly field: string;
  /** The value, shortened for the report. */
  readonly value: string;
  readonly why: string;
}

export interface LorebookImport {
  readonly format: LorebookFormat;
  readonly entries: readonly ImportedEntry[];
  /** Fields kept out of the codex, and keys or names changed to fit it. */
  readonly unmapped: readonly ReportLine[];
  /** Entries not imported at all. */
  readonly skipped: readonly ReportLine[];
}

/** A file that is not a lorebook Storyteller reads: one sentence, with what to do. */
export class LorebookError extends Error {
  constructor(
    readonly code:
      'tooLarge' | 'notJson' | 'unknownFormat' | 'noCharacterBook' | 'invalid' | 'tooManyEntries' | 'notCard',
    message: string,
  ) {
    super(message);
    this.name = 'LorebookError';
  }
}

export const LOREBOOK_LIMITS = {
  /** Bytes of the lorebook file. */
  fileBytes: 8 * 1024 * 1024,
  entries: LIMITS.codexEntries,
  /** Characters of one entry's text: a codex file must stay under its limit with its front matter. */
  bodyChars: LIMITS.codexBytes - LIMITS.frontMatterBytes,
  nameChars: 200,
  priorityMin: -1_000,
  priorityMax: 1_000,
} as const;

export const FORMAT_NAMES: Readonly<Record<LorebookFormat, () => string>> = {
  sillyTavern: () => l10n.t('SillyTavern World Info file'),
  lorebookV3: () => l10n.t('Character Card V3 lorebook (lorebook_v3)'),
  characterCard: () => l10n.t('character card with a lorebook (data.character_book)'),
  novelAi: () => l10n.t('NovelAI lorebook'),
};

/** SillyTavern's selectiveLogic numbers (world_info_logic: AND_ANY, NOT_ALL, NOT_ANY, AND_ALL). */
export const ST_LOGIC = ['any', 'not all', 'not any', 'all'] as const;

/** What a format's entry says, before the codex's limits. */
export interface Draft {
  readonly label: string;
  readonly name: string | undefined;
  readonly kind?: ImportedEntry['kind'];
  readonly keys: readonly string[];
  readonly secondaryKeys: readonly string[];
  readonly logic: ImportedEntry['logic'];
  readonly always: boolean;
  readonly priority: number | undefined;
  readonly enabled: boolean;
  readonly caseSensitive: boolean;
  readonly wholeWords: boolean;
  readonly body: string;
}

/** A value for the report: JSON, at most 80 characters. */
export function shown(value: unknown): string {
  const s = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return s.length > 80 ? `${s.slice(0, 79)}…` : s;
}

/** '#3 "Mira"': the entry's place in its file and its name, as the report names it. */
export function entryLabel(index: number, name: string | undefined): string {
  return name ? `#${index + 1} ${JSON.stringify(name.length > 60 ? `${name.slice(0, 59)}…` : name)}` : `#${index + 1}`;
}

function fitKeys(
  draft: Draft,
  field: 'keys' | 'secondaryKeys',
  keys: readonly string[],
  report: ReportLine[],
): string[] {
  const kept: string[] = [];
  for (const raw of keys) {
    const key = raw.trim();
    if (key === '') continue;
    const line = (why: string) => report.push({ entry: draft.label, field, value: shown(key), why });
    if (key.length > LIMITS.keyLength) {
      line(l10n.t('left out: a key may be at most {0} characters', LIMITS.keyLength));
      continue;
    }
    const compiled = compileKey(key, { caseSensitive: draft.caseSensitive, wholeWords: draft.wholeWords });
    if ('error' in compiled) {
      line(l10n.t('left out: {0}', compiled.error));
      continue;
    }
    if (kept.includes(key)) continue;
    if (kept.length === LIMITS.keysPerEntry) {
      line(l10n.t('left out: an entry may have at most {0} keys', LIMITS.keysPerEntry));
      continue;
    }
    kept.push(key);
  }
  return kept;
}

/** The codex entry of a draft, its changes in `unmapped`; undefined (and why in `skipped`) when it cannot be one. */
export function draftToEntry(draft: Draft, unmapped: ReportLine[], skipped: ReportLine[]): ImportedEntry | undefined {
  const body = draft.body.trim();
  if (body.length > LOREBOOK_LIMITS.bodyChars) {
    skipped.push({
      entry: draft.label,
      field: 'content',
      value: l10n.t('{0} characters', body.length.toLocaleString('en-US')),
      why: l10n.t(
        "not imported: a codex entry's text may be at most {0} characters; split it into several entries",
        LOREBOOK_LIMITS.bodyChars.toLocaleString('en-US'),
      ),
    });
    return undefined;
  }
  const keys = fitKeys(draft, 'keys', draft.keys, unmapped);
  const secondaryKeys = fitKeys(draft, 'secondaryKeys', draft.secondaryKeys, unmapped);
  let name = (draft.name ?? '').replace(/\s+/g, ' ').trim();
  if (name === '')
    name = keys.find((k) => !isRegexKey(k)) ?? l10n.t('Entry {0}', draft.label.replace(/^#(\d+).*$/, '$1'));
  if (name.length > LOREBOOK_LIMITS.nameChars) {
    unmapped.push({
      entry: draft.label,
      field: 'name',
      value: shown(name),
      why: l10n.t('shortened to {0} characters', LOREBOOK_LIMITS.nameChars),
    });
    name = name.slice(0, LOREBOOK_LIMITS.nameChars).trim();
  }
  let priority = Math.round(draft.priority ?? 0);
  if (!Number.isFinite(priority)) priority = 0;
  const clamped = Math.min(LOREBOOK_LIMITS.priorityMax, Math.max(LOREBOOK_LIMITS.priorityMin, priority));
  if (clamped !== priority || (draft.priority !== undefined && priority !== draft.priority))
    unmapped.push({
      entry: draft.label,
      field: 'priority',
      value: shown(draft.priority),
      why: l10n.t('priority is a whole number from -1,000 to 1,000; {0} is used', clamped),
    });
  return {
    name,
    kind: draft.kind ?? 'lore',
    keys,
    secondaryKeys,
    logic: secondaryKeys.length > 0 ? draft.logic : 'any',
    always: draft.always,
    priority: clamped,
    enabled: draft.enabled,
    caseSensitive: draft.caseSensitive,
    wholeWords: draft.wholeWords,
    body,
  };
}

/** Whether a value says nothing (so leaving it out loses nothing). */
export function isEmptyValue(value: unknown): boolean {
  return (
    value === undefined ||
    value === null ||
    value === '' ||
    value === false ||
    (Array.isArray(value) && value.length === 0) ||
    (typeof value === 'object' && value !== null && Object.keys(value).length === 0)
  );
}

/**
 * A report line for each field of `record` that is neither mapped (`known`) nor at a value that
 * changes nothing (`neutral`, else empty).
 */
export function reportExtras(
  label: string,
  record: Readonly<Record<string, unknown>>,
  known: ReadonlySet<string>,
  neutral: Readonly<Record<string, (value: unknown, record: Readonly<Record<string, unknown>>) => boolean>>,
  why: (field: string) => string,
  report: ReportLine[],
  prefix = '',
): void {
  for (const [field, value] of Object.entries(record)) {
    if (known.has(field)) continue;
    const isNeutral = neutral[field] ?? isEmptyValue;
    if (isNeutral(value, record)) continue;
    report.push({ entry: label, field: `${prefix}${field}`, value: shown(value), why: why(field) });
  }
}

/** The first sentence of a valibot issue's path: 'entries → 12 → key'. */
export function issuePath(path: readonly { key: unknown }[] | undefined): string {
  return (path ?? []).map((p) => String(p.key)).join(' → ');
}
