// The front-matter fields of each kind of project file, one valibot schema and one sentence each.
// Fields are checked one by one, so a wrong value is an error on its own line and falls back to
// its default while the rest of the file still counts. Unknown fields are a warning (a typo is
// the usual cause) and are otherwise ignored, so writers may keep their own.
import * as l10n from '@vscode/l10n';
import * as v from 'valibot';
import type { ParsedFrontMatter } from './frontMatter';
import { CODEX_KINDS, LIMITS, SECONDARY_LOGIC } from './model';
import type { ProjectDiagnostic } from './model';

interface Field {
  readonly schema: v.GenericSchema<unknown, unknown>;
  /** What a valid value is, e.g. "a whole number from 500 to 200,000". */
  readonly expected: () => string;
}

const n = (x: number) => x.toLocaleString('en-US');
const text = (max: number): Field => ({
  schema: v.pipe(v.string(), v.trim(), v.maxLength(max)),
  expected: () => l10n.t('text of at most {0} characters', n(max)),
});
const wholeNumber = (min: number, max: number): Field => ({
  schema: v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max)),
  expected: () => l10n.t('a whole number from {0} to {1}', n(min), n(max)),
});
const flag: Field = { schema: v.boolean(), expected: () => l10n.t('true or false') };
const oneOf = (values: readonly string[]): Field => ({
  schema: v.picklist(values),
  expected: () => l10n.t('one of {0}', values.join(', ')),
});

const keyItem = v.pipe(
  v.union([v.string(), v.number()]),
  v.transform((k) => String(k).trim()),
  v.nonEmpty(),
  v.maxLength(LIMITS.keyLength),
);
const keyList: Field = {
  schema: v.pipe(
    v.union([keyItem, v.array(keyItem)]),
    v.transform((k) => (Array.isArray(k) ? k : [k])),
    v.maxLength(LIMITS.keysPerEntry),
  ),
  expected: () =>
    l10n.t(
      'a list of at most {0} keys, each a name of at most {1} characters or a /regex/',
      n(LIMITS.keysPerEntry),
      n(LIMITS.keyLength),
    ),
};

export const STORY_FIELDS: Readonly<Record<string, Field>> = {
  title: text(200),
  genre: text(200),
  audience: text(200),
  tone: text(200),
  style: text(2_000),
  model: {
    schema: v.pipe(v.string(), v.trim(), v.regex(/^[\w.:/-]{1,256}$/)),
    expected: () => l10n.t('a Bedrock model or inference profile id, such as amazon.nova-lite-v1:0'),
  },
  contextBudget: wholeNumber(LIMITS.contextBudgetMin, LIMITS.contextBudgetMax),
  scanTokens: wholeNumber(1, LIMITS.scanTokensMax),
  recursionDepth: wholeNumber(0, LIMITS.recursionDepthMax),
  continueTokens: wholeNumber(1, LIMITS.continueTokensMax),
  temperature: {
    schema: v.pipe(v.number(), v.minValue(0), v.maxValue(1)),
    expected: () => l10n.t('a number from 0 to 1'),
  },
};

export const CODEX_FIELDS: Readonly<Record<string, Field>> = {
  name: { ...text(200), schema: v.pipe(v.string(), v.trim(), v.nonEmpty(), v.maxLength(200)) },
  kind: oneOf(CODEX_KINDS),
  keys: keyList,
  secondaryKeys: keyList,
  logic: oneOf(SECONDARY_LOGIC),
  always: flag,
  priority: wholeNumber(-1_000, 1_000),
  enabled: flag,
  caseSensitive: flag,
  wholeWords: flag,
};

export const CHAPTER_FIELDS: Readonly<Record<string, Field>> = {
  title: text(200),
  summary: text(20_000),
  beats: {
    schema: v.pipe(
      v.union([v.string(), v.array(v.pipe(v.string(), v.maxLength(2_000)))]),
      v.transform((b) => (Array.isArray(b) ? b : b.split(/\r?\n/).filter((line) => line.trim() !== ''))),
      v.maxLength(LIMITS.beats),
    ),
    expected: () => l10n.t('a list of at most {0} beats', n(LIMITS.beats)),
  },
};

function describe(value: unknown): string {
  if (value === null) return l10n.t('empty');
  if (Array.isArray(value)) return l10n.t('a list of {0}', n(value.length));
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return l10n.t('a group of fields');
  return String(value);
}

/**
 * The valid fields of `parsed` by `fields`' schemas (only those present), and a diagnostic for
 * each wrong or unknown one.
 */
export function checkFields(
  file: string,
  parsed: ParsedFrontMatter,
  fields: Readonly<Record<string, Field>>,
): { values: Record<string, unknown>; diagnostics: ProjectDiagnostic[] } {
  const values: Record<string, unknown> = {};
  const diagnostics: ProjectDiagnostic[] = [];
  for (const [name, value] of Object.entries(parsed.data ?? {})) {
    const field = fields[name];
    if (!field) {
      diagnostics.push({
        file,
        ...parsed.locate([name]),
        severity: 'warning',
        code: 'unknownField',
        message: l10n.t(
          'Storyteller does not know the field "{0}" and ignores it. Known fields: {1}.',
          name,
          Object.keys(fields).join(', '),
        ),
      });
      continue;
    }
    const result = v.safeParse(field.schema, value);
    if (result.success) {
      values[name] = result.output;
      continue;
    }
    const issuePath = (result.issues[0].path ?? [])
      .map((p) => p.key)
      .filter((k): k is string | number => typeof k === 'string' || typeof k === 'number');
    diagnostics.push({
      file,
      ...parsed.locate([name, ...issuePath]),
      severity: 'error',
      code: 'invalidField',
      message: l10n.t(
        '"{0}" must be {1}; it is {2}. Until it is fixed, its default is used.',
        name,
        field.expected(),
        describe(value),
      ),
    });
  }
  return { values, diagnostics };
}
