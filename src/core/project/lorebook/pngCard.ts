// Character cards travel as PNG images (SillyTavern, chub.ai, RisuAI): the card's JSON rides in a
// tEXt chunk, base64-encoded: `ccv3` for Character Card V3 and `chara` for V2 (a V3 card usually
// carries both; V3 wins, as the spec says). Only the chunk headers are walked: the image is never
// decoded, and a chunk that claims more bytes than the file has is refused, not read past.
import * as l10n from '@vscode/l10n';
import { LorebookError } from './mapping';

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
/** A card image may be large; its JSON is still held to the lorebook limit once decoded. */
export const PNG_CARD_MAX_BYTES = 32 * 1024 * 1024;
/** Keywords in order of preference. */
const CARD_KEYWORDS = ['ccv3', 'chara'] as const;

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= SIGNATURE.length && SIGNATURE.every((b, i) => bytes[i] === b);
}

const ascii = (bytes: Uint8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');

/** The tEXt chunks' texts by keyword (the first of each), up to IEND. */
function textChunks(bytes: Uint8Array): Map<string, Uint8Array> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found = new Map<string, Uint8Array>();
  let at = SIGNATURE.length;
  while (at + 8 <= bytes.length) {
    const length = view.getUint32(at);
    const type = ascii(bytes.subarray(at + 4, at + 8));
    const dataStart = at + 8;
    if (dataStart + length + 4 > bytes.length) throw truncated();
    if (type === 'IEND') break;
    if (type === 'tEXt') {
      const data = bytes.subarray(dataStart, dataStart + length);
      const nul = data.indexOf(0);
      if (nul > 0) {
        const keyword = ascii(data.subarray(0, nul));
        if (!found.has(keyword)) found.set(keyword, data.subarray(nul + 1));
      }
    }
    at = dataStart + length + 4;
  }
  return found;
}

const truncated = () =>
  new LorebookError(
    'notCard',
    l10n.t('This PNG file is cut short, so its character card cannot be read. Download the card again.'),
  );

/** Throws the one-sentence error for a card image of `size` bytes, before it is read, when it is too large. */
export function checkPngCardSize(size: number): void {
  if (size > PNG_CARD_MAX_BYTES)
    throw new LorebookError(
      'tooLarge',
      l10n.t(
        'This image is {0} MB; a character card image may be at most {1} MB. Export the card as JSON from its tool instead.',
        (size / 1024 / 1024).toFixed(1),
        PNG_CARD_MAX_BYTES / 1024 / 1024,
      ),
    );
}

/** The card's JSON text from a PNG character card; a LorebookError (one sentence) when there is none. */
export function cardJsonFromPng(bytes: Uint8Array): string {
  checkPngCardSize(bytes.length);
  const chunks = textChunks(bytes);
  const keyword = CARD_KEYWORDS.find((k) => chunks.has(k));
  if (!keyword)
    throw new LorebookError(
      'notCard',
      l10n.t(
        'This PNG image holds no character card (no "ccv3" or "chara" text chunk). Pick the card file its tool exported, or export the lorebook as JSON.',
      ),
    );
  // Base64 is ASCII; Buffer ignores what is not base64, so an odd byte cannot smuggle anything in.
  return Buffer.from(ascii(chunks.get(keyword)!), 'base64').toString('utf8');
}
