// Stand-in for the wire type `StoryControls` and `validateControls`, which belong to
// src/core/story/protocol.ts (the webview's protocol). Same field names, limits and messages;
// every story module imports the controls from here so the switch to protocol.ts, once that
// file is committed, is one import line per file and this file's removal.

export const AUDIENCES = ['children', 'young adult', 'adult'] as const;
export type Audience = (typeof AUDIENCES)[number];
export const LENGTHS = ['short', 'medium', 'long'] as const;
export type StoryLength = (typeof LENGTHS)[number];

export const LIMITS = { premiseMax: 4000, genreMax: 100, toneMax: 100, charactersMax: 2000, settingMax: 2000, refineInstructionMax: 2000 } as const;

export interface StoryControls {
  readonly premise: string;
  /** May be empty: the model chooses. */
  readonly genre: string;
  readonly audience: Audience;
  /** May be empty. */
  readonly tone: string;
  readonly length: StoryLength;
  /** 0..1 */
  readonly temperature: number;
  readonly characters?: string;
  readonly setting?: string;
}

export interface FieldError {
  readonly field: keyof StoryControls | 'controls';
  readonly message: string;
}
export type ControlsResult = { readonly ok: true; readonly value: StoryControls } | { readonly ok: false; readonly errors: readonly FieldError[] };

const FIELDS = new Set(['premise', 'genre', 'audience', 'tone', 'length', 'temperature', 'characters', 'setting']);

export function validateControls(controls: unknown): ControlsResult {
  if (typeof controls !== 'object' || controls === null || Array.isArray(controls)) {
    return { ok: false, errors: [{ field: 'controls', message: 'Story controls are missing.' }] };
  }
  const c = controls as Record<string, unknown>;
  const errors: FieldError[] = [];
  for (const key of Object.keys(c)) if (!FIELDS.has(key)) errors.push({ field: 'controls', message: `Unknown field "${key.slice(0, 40)}".` });
  const text = (field: 'premise' | 'genre' | 'tone' | 'characters' | 'setting', label: string, max: number, mode: 'required' | 'present' | 'optional'): string | undefined => {
    const raw = c[field];
    if (raw === undefined && mode === 'optional') return undefined;
    if (raw === undefined) {
      errors.push({ field, message: `${label} is required.` });
      return undefined;
    }
    if (typeof raw !== 'string') {
      errors.push({ field, message: `${label} must be text.` });
      return undefined;
    }
    const value = raw.trim();
    if (mode === 'required' && value === '') errors.push({ field, message: `${label} is required.` });
    else if (value.length > max) errors.push({ field, message: `${label} is ${value.length} characters long; the limit is ${max}.` });
    return value;
  };
  const choice = <T extends string>(field: 'audience' | 'length', label: string, options: readonly T[]): T | undefined => {
    const raw = c[field];
    if (typeof raw === 'string' && (options as readonly string[]).includes(raw)) return raw as T;
    errors.push({ field, message: `${label} must be one of: ${options.join(', ')}.` });
    return undefined;
  };
  const premise = text('premise', 'Premise', LIMITS.premiseMax, 'required');
  const genre = text('genre', 'Genre', LIMITS.genreMax, 'present');
  const audience = choice('audience', 'Audience', AUDIENCES);
  const tone = text('tone', 'Tone', LIMITS.toneMax, 'present');
  const length = choice('length', 'Length', LENGTHS);
  const temperature = c.temperature;
  if (typeof temperature !== 'number' || !Number.isFinite(temperature)) {
    errors.push({ field: 'temperature', message: 'Temperature must be a number from 0 to 1.' });
  } else if (temperature < 0 || temperature > 1) {
    errors.push({ field: 'temperature', message: `Temperature must be from 0 to 1; it is ${temperature}.` });
  }
  const characters = text('characters', 'Characters', LIMITS.charactersMax, 'optional');
  const setting = text('setting', 'Setting', LIMITS.settingMax, 'optional');
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      premise: premise!,
      genre: genre!,
      audience: audience!,
      tone: tone!,
      length: length!,
      temperature: temperature as number,
      ...(characters ? { characters } : {}),
      ...(setting ? { setting } : {}),
    },
  };
}
