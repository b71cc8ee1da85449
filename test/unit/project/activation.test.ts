// Which codex entries fire, table by table: keys, whole words, case, regex keys, secondary logic,
// always-on, disabled entries and recursion.
import * as assert from 'node:assert/strict';
import { activate } from '../../../src/core/project/activation';
import { compileKey, scanText } from '../../../src/core/project/keys';
import type { CodexEntry } from '../../../src/core/project/model';

function entry(name: string, fields: Partial<CodexEntry> = {}): CodexEntry {
  return {
    file: `codex/${name.toLowerCase()}.md`,
    name,
    kind: 'character',
    keys: [name],
    secondaryKeys: [],
    logic: 'any',
    always: false,
    priority: 0,
    enabled: true,
    caseSensitive: false,
    wholeWords: true,
    body: `About ${name}.`,
    ...fields,
  };
}

const fired = (codex: CodexEntry[], window: string, recursionDepth = 0, instruction?: string) =>
  activate(codex, window, { recursionDepth, ...(instruction ? { instruction } : {}) })
    .map((a) => `${a.entry.name}${a.key !== undefined ? `:${a.key}` : ''}${a.via ? `<${a.via}` : ''}`)
    .sort();

describe('codex keys', () => {
  const cases: [string, string, Partial<{ caseSensitive: boolean; wholeWords: boolean }>, string, number][] = [
    ['plain key, exact', 'Mira', {}, 'and Mira said', 4],
    ['case-insensitive by default', 'Mira', {}, 'MIRA shouted', 0],
    ['whole word: not inside another word', 'Mira', {}, 'Miranda smiled', -1],
    ['whole word: punctuation is a boundary', 'Mira', {}, '"Mira!" he called', 1],
    ['whole word: possessive', 'Mira', {}, "Mira's boat", 0],
    ['whole words off: inside a word matches', 'Mira', { wholeWords: false }, 'Miranda smiled', 0],
    ['case-sensitive: other case does not match', 'Mira', { caseSensitive: true }, 'mira ran', -1],
    ['case-sensitive: same case matches', 'Mira', { caseSensitive: true }, 'Mira ran', 0],
    ['last mention wins', 'Mira', {}, 'Mira met Mira', 9],
    ['a later whole word after a partial one', 'Mira', {}, 'Mira and Miranda', 0],
    ['multi-word key', 'the Salt Road', {}, 'down the salt road', 5],
    ['key ending in punctuation', 'Dr.', {}, 'then Dr. Vell', 5],
    ['non-Latin letters are word characters', 'Åsa', {}, 'Åsa och Åsaxx', 0],
    ['regex key', '/ship\\w*/', {}, 'the shipwright', 4],
    ['regex key is case-sensitive without i', '/Ship/', {}, 'ship', -1],
    ['regex key with i', '/ship/i', {}, 'SHIP and Ship', 9],
    ['regex key matching the empty string does not loop', '/x*/', {}, 'abc', 3],
  ];
  for (const [title, key, options, text, at] of cases) {
    it(title, () => {
      const m = compileKey(key, { caseSensitive: false, wholeWords: true, ...options });
      assert.ok(!('error' in m), JSON.stringify(m));
      assert.equal(m.lastIndexIn(scanText(text)), at);
    });
  }

  const invalid: [string, RegExp][] = [
    ['/[unclosed/', /not a valid regular expression/],
    ['/x/g', /flags other than i, m, s and u/],
    ['/x/y', /flags other than/],
  ];
  for (const [key, message] of invalid) {
    it(`refuses ${key} with a sentence`, () => {
      const m = compileKey(key, { caseSensitive: false, wholeWords: true });
      assert.ok('error' in m);
      assert.match(m.error, message);
    });
  }
});

describe('codex activation', () => {
  const mira = entry('Mira', { keys: ['Mira', 'the keeper'] });
  const harbour = entry('Harbour', { kind: 'place', keys: ['harbour', '/port ?town/i'] });
  const lore = entry('Tides', { kind: 'lore', always: true, keys: [] });
  const off = entry('Ghost', { enabled: false });

  const table: [string, CodexEntry[], string, string[]][] = [
    ['nothing mentioned: only always-on', [mira, harbour, lore], 'The sea was grey.', ['Tides']],
    ['an alias fires and is named', [mira, harbour], 'The keeper waved.', ['Mira:the keeper']],
    ['the most recent of two keys is named', [mira], 'Mira, the keeper, then Mira again', ['Mira:Mira']],
    ['a regex key fires', [harbour], 'into Port Town at dusk', ['Harbour:/port ?town/i']],
    ['disabled entries never fire', [off], 'the Ghost walked', []],
    ['disabled always-on entries never fire', [entry('X', { always: true, enabled: false })], '', []],
  ];
  for (const [title, codex, window, expected] of table) {
    it(title, () => assert.deepEqual(fired(codex, window), expected.sort()));
  }

  it('the instruction is scanned too', () => {
    assert.deepEqual(fired([mira], 'The sea.', 0, 'Mira finds the bell'), ['Mira:Mira']);
  });

  describe('secondary keys', () => {
    const logic = (l: CodexEntry['logic']) =>
      entry('Bell', { keys: ['bell'], secondaryKeys: ['tower', 'night'], logic: l });
    const table2: [CodexEntry['logic'], string, boolean][] = [
      ['any', 'the bell rang', false],
      ['any', 'the bell in the tower', true],
      ['all', 'the bell in the tower', false],
      ['all', 'the bell in the tower at night', true],
      ['not any', 'the bell rang', true],
      ['not any', 'the bell at night', false],
      ['not all', 'the bell at night', true],
      ['not all', 'the bell in the tower at night', false],
    ];
    for (const [l, window, fires] of table2) {
      it(`${l}: "${window}" → ${fires ? 'fires' : 'stays out'}`, () =>
        assert.deepEqual(fired([logic(l)], window), fires ? ['Bell:bell'] : []));
    }
    it('secondary keys alone never fire an entry', () =>
      assert.deepEqual(fired([logic('any')], 'the tower at night'), []));
  });

  describe('recursion', () => {
    const a = entry('Anna', { body: 'Anna is the sister of Bram.' });
    const b = entry('Bram', { body: 'Bram keeps the Lantern.' });
    const c = entry('Lantern', { kind: 'thing', body: 'It burns without oil. Anna fears it.' });
    const table3: [number, string[]][] = [
      [0, ['Anna:Anna']],
      [1, ['Anna:Anna', 'Bram:Bram<Anna']],
      [2, ['Anna:Anna', 'Bram:Bram<Anna', 'Lantern:Lantern<Bram']],
      [5, ['Anna:Anna', 'Bram:Bram<Anna', 'Lantern:Lantern<Bram']],
    ];
    for (const [depth, expected] of table3) {
      it(`depth ${depth}`, () => assert.deepEqual(fired([a, b, c], 'Anna sang.', depth), expected.sort()));
    }
    it('always-on entries activate others through their text', () => {
      const always = entry('World', { always: true, keys: [], body: 'Bram rules the isle.' });
      assert.deepEqual(fired([always, b], 'nothing here', 1), ['Bram:Bram<World', 'World']);
    });
    it('records the depth, and the window mention position only at depth 0', () => {
      const result = activate([a, b], 'x Anna', { recursionDepth: 1 });
      assert.deepEqual(
        result.map((r) => [r.entry.name, r.depth, r.at]),
        [
          ['Anna', 0, 2],
          ['Bram', 1, -1],
        ],
      );
    });
  });
});
