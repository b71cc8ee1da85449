// Character cards as PNG images: the card's JSON in a `ccv3` (V3) or `chara` (V2) tEXt chunk,
// base64. The PNGs are built here chunk by chunk, CRCs included, as the cards' tools write them.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { checkLorebookFileSize, importLorebookFile } from '../../../src/core/project/lorebook/importLorebook';
import { LOREBOOK_LIMITS, LorebookError } from '../../../src/core/project/lorebook/mapping';
import { PNG_CARD_MAX_BYTES, cardJsonFromPng, isPng } from '../../../src/core/project/lorebook/pngCard';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

const text = (keyword: string, value: string) => chunk('tEXt', Buffer.from(`${keyword}\0${value}`, 'latin1'));
const b64 = (json: unknown) => Buffer.from(JSON.stringify(json), 'utf8').toString('base64');

/** A 1×1 grey PNG with the given chunks between its header and its (empty) image data. */
function png(...extra: Buffer[]): Buffer {
  const ihdr = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', ihdr),
    ...extra,
    chunk('IDAT', Buffer.alloc(0)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const cardV3 = JSON.parse(readFileSync(join(__dirname, '../../fixtures/lorebooks/character-card-v3.json'), 'utf8')) as {
  data: Record<string, unknown>;
};
const cardV2 = { spec: 'chara_card_v2', spec_version: '2.0', data: { ...cardV3.data, name: 'Old Mira' } };

describe('lorebook import: PNG character cards', () => {
  it('reads the V3 card from its ccv3 chunk, ahead of the V2 chara chunk beside it', () => {
    const file = png(
      text('chara', b64({ spec: 'chara_card_v2', data: { name: 'x', character_book: { entries: [] } } })),
      text('ccv3', b64(cardV3)),
    );
    assert.equal(isPng(file), true);
    const result = importLorebookFile(file);
    assert.equal(result.format, 'characterCard');
    assert.deepEqual(
      result.entries.map((e) => [e.name, e.keys, e.body]),
      [['The Gannet', ['pilot boat'], 'The pilot boat is called the Gannet.']],
    );
  });

  it('reads a V2 card from its chara chunk, with non-ASCII text intact', () => {
    const v2 = structuredClone(cardV2) as unknown as { data: { character_book: { entries: { content: string }[] } } };
    v2.data.character_book.entries[0]!.content = 'Le bateau-pilote s’appelle « le Fou » — 灯台.';
    const result = importLorebookFile(png(chunk('tIME', Buffer.alloc(7)), text('chara', b64(v2))));
    assert.equal(result.entries[0]!.body, 'Le bateau-pilote s’appelle « le Fou » — 灯台.');
  });

  it('JSON files still import as before, with or without a byte order mark', () => {
    const json = Buffer.from(`\uFEFF${JSON.stringify(cardV3)}`, 'utf8');
    assert.equal(isPng(json), false);
    assert.equal(importLorebookFile(json).entries.length, 1);
  });

  const refused: [string, Buffer, LorebookError['code'], RegExp][] = [
    [
      'an image without a card',
      png(text('Comment', 'made with a paint program')),
      'notCard',
      /holds no character card/,
    ],
    ['a card image cut short', png(text('ccv3', b64(cardV3))).subarray(0, 60), 'notCard', /cut short/],
    [
      'a card whose JSON is broken',
      png(text('ccv3', Buffer.from('{"spec": ').toString('base64'))),
      'notJson',
      /not JSON/,
    ],
    [
      'a card without a lorebook',
      png(text('ccv3', b64({ spec: 'chara_card_v3', data: { name: 'x' } }))),
      'noCharacterBook',
      /no lorebook/,
    ],
  ];
  for (const [title, file, code, message] of refused)
    it(`refuses ${title} in one sentence`, () => {
      assert.throws(
        () => importLorebookFile(file),
        (e: unknown) => e instanceof LorebookError && e.code === code && message.test(e.message),
      );
    });

  it('limits: a card image may be larger than a JSON lorebook, its JSON may not', () => {
    assert.doesNotThrow(() => checkLorebookFileSize('mira.png', LOREBOOK_LIMITS.fileBytes + 1));
    assert.throws(() => checkLorebookFileSize('mira.json', LOREBOOK_LIMITS.fileBytes + 1), { code: 'tooLarge' });
    assert.throws(
      () => checkLorebookFileSize('Mira.PNG', PNG_CARD_MAX_BYTES + 1),
      /character card image may be at most 32 MB/,
    );
    const huge = {
      spec: 'chara_card_v3',
      data: { name: 'x', description: 'x'.repeat(LOREBOOK_LIMITS.fileBytes), character_book: { entries: [] } },
    };
    assert.throws(() => importLorebookFile(png(text('ccv3', b64(huge)))), { code: 'tooLarge' });
  });

  it('never reads past the end: a chunk length beyond the file is refused', () => {
    const file = png(text('ccv3', b64(cardV3)));
    file.writeUInt32BE(0x7fffffff, SIGNATURE.length + 25); // the tEXt chunk's length
    assert.throws(() => cardJsonFromPng(file), { code: 'notCard' });
  });
});
