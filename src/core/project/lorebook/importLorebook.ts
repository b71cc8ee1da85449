// A lorebook file's text → codex entries and the report. Which format it is comes from its shape
// (no tool marks its files reliably by name): `spec: 'lorebook_v3'`, a card's
// `data.character_book`, NovelAI's `lorebookVersion`, or SillyTavern's `entries` object.
import * as l10n from '@vscode/l10n';
import * as v from 'valibot';
import { characterCardSchema, fromLorebook, lorebookV3Schema } from './cardV3';
import { FORMAT_NAMES, LOREBOOK_LIMITS, LorebookError, issuePath } from './mapping';
import type { LorebookFormat, LorebookImport } from './mapping';
import { fromNovelAi, novelAiSchema } from './novelAi';
import { cardJsonFromPng, checkPngCardSize, isPng } from './pngCard';
import { fromSillyTavern, sillyTavernSchema } from './sillyTavern';

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** The format `data` looks like, or undefined. */
export function detectFormat(data: unknown): LorebookFormat | undefined {
  if (!isObject(data)) return undefined;
  if (data['spec'] === 'lorebook_v3') return 'lorebookV3';
  if (typeof data['spec'] === 'string' && /^chara_card_v\d/.test(data['spec'])) return 'characterCard';
  if (isObject(data['data']) && 'character_book' in data['data']) return 'characterCard';
  if ('lorebookVersion' in data) return 'novelAi';
  if (isObject(data['entries'])) return 'sillyTavern';
  return undefined;
}

function checked<T extends v.GenericSchema>(schema: T, data: unknown, format: LorebookFormat): v.InferOutput<T> {
  const result = v.safeParse(schema, data);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const where = issuePath(issue.path);
  throw new LorebookError(
    'invalid',
    l10n.t(
      'This looks like a {0}, but {1}: {2}. Export it again from its tool, or fix that field.',
      FORMAT_NAMES[format](),
      where === '' ? l10n.t('its top level is wrong') : l10n.t('the field {0} is wrong', where),
      issue.message.replace(/\.$/, ''),
    ),
  );
}

function entryCount(data: Record<string, unknown>, format: LorebookFormat): number {
  const entries =
    format === 'lorebookV3'
      ? (data['data'] as Record<string, unknown> | undefined)?.['entries']
      : format === 'characterCard'
        ? (
            (data['data'] as Record<string, unknown> | undefined)?.['character_book'] as Record<string, unknown> | null
          )?.['entries']
        : data['entries'];
  return Array.isArray(entries) ? entries.length : isObject(entries) ? Object.keys(entries).length : 0;
}

/** Throws the one-sentence error for a lorebook file of `bytes`, before it is read, when it is too large. */
export function checkLorebookSize(bytes: number): void {
  if (bytes > LOREBOOK_LIMITS.fileBytes)
    throw new LorebookError(
      'tooLarge',
      l10n.t(
        'This file is {0} MB; a lorebook may be at most {1} MB. Split it into smaller lorebooks.',
        (bytes / 1024 / 1024).toFixed(1),
        LOREBOOK_LIMITS.fileBytes / 1024 / 1024,
      ),
    );
}

/** Throws before a file is read when it is too large to be a lorebook (a card image may be larger). */
export function checkLorebookFileSize(fileName: string, size: number): void {
  if (/\.png$/i.test(fileName)) checkPngCardSize(size);
  else checkLorebookSize(size);
}

/** Reads a lorebook file's bytes: JSON (UTF-8, with or without a BOM) or a PNG character card. */
export function importLorebookFile(bytes: Uint8Array): LorebookImport {
  if (isPng(bytes)) return importLorebook(cardJsonFromPng(bytes));
  checkLorebookSize(bytes.length);
  return importLorebook(new TextDecoder('utf-8').decode(bytes));
}

/** Reads a lorebook; throws a LorebookError (one sentence) for anything that is not one. */
export function importLorebook(text: string): LorebookImport {
  checkLorebookSize(text.length);
  let data: unknown;
  try {
    data = JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text);
  } catch (e) {
    throw new LorebookError(
      'notJson',
      l10n.t(
        'This file is not JSON ({0}); SillyTavern World Info, Character Card V3 lorebooks and NovelAI .lorebook files all are. Pick the file the tool exported.',
        (e as Error).message,
      ),
    );
  }
  const format = detectFormat(data);
  if (!format)
    throw new LorebookError(
      'unknownFormat',
      l10n.t(
        'This JSON is not a lorebook Storyteller reads: it has no SillyTavern "entries" object, no "spec": "lorebook_v3" or character card lorebook, and no NovelAI "lorebookVersion".',
      ),
    );
  const count = entryCount(data as Record<string, unknown>, format);
  if (count > LOREBOOK_LIMITS.entries)
    throw new LorebookError(
      'tooManyEntries',
      l10n.t(
        'This {0} has {1} entries; a codex may hold at most {2}. Split it into smaller lorebooks.',
        FORMAT_NAMES[format](),
        count.toLocaleString('en-US'),
        LOREBOOK_LIMITS.entries.toLocaleString('en-US'),
      ),
    );
  switch (format) {
    case 'lorebookV3':
      return fromLorebook(checked(lorebookV3Schema, data, format).data, format);
    case 'characterCard': {
      const card = data as { data?: { character_book?: unknown } };
      if (card.data?.character_book === undefined || card.data.character_book === null)
        throw new LorebookError(
          'noCharacterBook',
          l10n.t('This character card has no lorebook (data.character_book), so there is nothing to import.'),
        );
      return fromLorebook(checked(characterCardSchema, data, format).data.character_book, format);
    }
    case 'novelAi':
      return fromNovelAi(checked(novelAiSchema, data, format));
    case 'sillyTavern':
      return fromSillyTavern(checked(sillyTavernSchema, data, format));
  }
}
