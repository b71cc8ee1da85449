// What the user asks for: the story controls, their schema and validateControls. The form uses it
// for inline messages, the host before it calls Bedrock, and the protocol for `generate`.
import * as l10n from '@vscode/l10n';
import * as v from 'valibot';
import { LIMITS } from './limits';

export const AUDIENCES = ['children', 'young adult', 'adult'] as const;
export type Audience = (typeof AUDIENCES)[number];
export const LENGTHS = ['short', 'medium', 'long'] as const;
export type StoryLength = (typeof LENGTHS)[number];

const count = (n: number): string => n.toLocaleString('en-US');
// Labels and messages are functions: the translations are configured after the modules load.
type Label = () => string;
const tooLong = (label: Label, max: number) => (issue: v.MaxLengthIssue<string, number>) =>
  l10n.t('{0} is {1} characters long; the limit is {2}.', label(), count(issue.input.length), count(max));
const required = (label: Label) => (): string => l10n.t('{0} is required.', label());
const mustBeText = (label: Label) => (): string => l10n.t('{0} must be text.', label());

/** Trimmed text that must not be empty; missing reads as empty. */
const requiredText = (label: Label, max: number) =>
  v.pipe(
    v.string((issue) => (issue.input === undefined ? required(label)() : mustBeText(label)())),
    v.trim(),
    v.nonEmpty(required(label)),
    v.maxLength(max, tooLong(label, max)),
  );
/** Trimmed text, may be empty. */
const text = (label: Label, max: number) =>
  v.pipe(v.string(mustBeText(label)), v.trim(), v.maxLength(max, tooLong(label, max)));
const choice = <const T extends readonly string[]>(label: Label, options: T) =>
  v.picklist(options, () => l10n.t('{0} must be one of: {1}.', label(), options.join(', ')));

const { temperatureMin: tMin, temperatureMax: tMax } = LIMITS;
const temperatureType = (): string => l10n.t('Temperature must be a number from {0} to {1}.', tMin, tMax);
const temperatureRange = (issue: v.BaseIssue<number>): string =>
  l10n.t('Temperature must be from {0} to {1}; it is {2}.', tMin, tMax, String(issue.input));

/** The fields in form order, which is also the order of the errors. */
const CONTROL_ENTRIES = {
  premise: requiredText(() => l10n.t('Premise'), LIMITS.premiseMax),
  /** Free text, may be empty (the model chooses). */
  genre: text(() => l10n.t('Genre'), LIMITS.genreMax),
  audience: choice(() => l10n.t('Audience'), AUDIENCES),
  /** Free text, may be empty. */
  tone: text(() => l10n.t('Tone'), LIMITS.toneMax),
  length: choice(() => l10n.t('Length'), LENGTHS),
  /** Sampling temperature, 0..1. */
  temperature: v.pipe(
    v.number(temperatureType),
    v.finite(temperatureType),
    v.minValue(tMin, temperatureRange),
    v.maxValue(tMax, temperatureRange),
  ),
  characters: v.exactOptional(text(() => l10n.t('Characters'), LIMITS.charactersMax)),
  setting: v.exactOptional(text(() => l10n.t('Setting'), LIMITS.settingMax)),
};
type ControlField = keyof typeof CONTROL_ENTRIES;

/** What the user asks for. Strings are trimmed; `characters` and `setting` are omitted when empty. */
export const storyControls = v.pipe(
  v.strictObject(CONTROL_ENTRIES),
  v.transform(({ characters, setting, ...rest }) => ({
    ...rest,
    ...(characters ? { characters } : {}),
    ...(setting ? { setting } : {}),
  })),
);
export type StoryControls = v.InferOutput<typeof storyControls>;

export const DEFAULT_CONTROLS: StoryControls = {
  premise: '',
  genre: 'fantasy',
  audience: 'adult',
  tone: 'whimsical',
  length: 'medium',
  temperature: 0.7,
};

export interface FieldError {
  readonly field: ControlField | 'controls';
  readonly message: string;
}
export type ControlsResult =
  { readonly ok: true; readonly value: StoryControls } | { readonly ok: false; readonly errors: readonly FieldError[] };

const isField = (key: unknown): key is ControlField =>
  typeof key === 'string' && Object.prototype.hasOwnProperty.call(CONTROL_ENTRIES, key);

/**
 * Validates and normalises story controls. Errors come in form order, one per field, after one
 * per unknown field.
 */
export function validateControls(controls: unknown): ControlsResult {
  if (typeof controls !== 'object' || controls === null || Array.isArray(controls))
    return { ok: false, errors: [{ field: 'controls', message: l10n.t('Story controls are missing.') }] };
  const errors: FieldError[] = Object.keys(controls)
    .filter((key) => !isField(key))
    .map((key) => ({ field: 'controls', message: l10n.t('Unknown field "{0}".', key.slice(0, 40)) }));
  const result = v.safeParse(storyControls, controls, { abortPipeEarly: true });
  for (const issue of result.issues ?? []) {
    const key = issue.path?.[0]?.key;
    if (!isField(key)) continue; // an unknown field, reported above
    // A missing field gets its own schema's message for `undefined` ("Premise is required.").
    const message =
      issue.path?.[0]?.origin === 'key'
        ? (v.safeParse(CONTROL_ENTRIES[key], undefined).issues?.[0].message ?? issue.message)
        : issue.message;
    errors.push({ field: key, message });
  }
  return result.success && errors.length === 0 ? { ok: true, value: result.output } : { ok: false, errors };
}

/** What a request asks of the model: a new story, or a step on one already written. */
export type PromptStep =
  | { readonly kind: 'new' }
  | { readonly kind: 'regenerate' }
  /** `story` is the text so far; the answer is appended to it. */
  | { readonly kind: 'continue'; readonly story: string }
  /** `story` is the text to rewrite; the answer replaces it. */
  | { readonly kind: 'refine'; readonly story: string; readonly instruction: string };
