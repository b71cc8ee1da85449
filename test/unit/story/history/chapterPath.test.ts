import * as assert from 'node:assert/strict';
import { chapterCandidates, findWritten } from '../../../../src/core/story/history/chapterPath';

describe('a history entry’s chapter path (#26)', () => {
  it('looks under every workspace folder, the folder a multi-root path names first', () => {
    assert.deepEqual(chapterCandidates('chapters/02.md', ['novel']), [{ folder: 0, segments: ['chapters', '02.md'] }]);
    assert.deepEqual(chapterCandidates('novel/chapters/02.md', ['notes', 'novel']), [
      { folder: 1, segments: ['chapters', '02.md'] },
      { folder: 0, segments: ['novel', 'chapters', '02.md'] },
      { folder: 1, segments: ['novel', 'chapters', '02.md'] },
    ]);
    assert.deepEqual(chapterCandidates('./chapters//a b.md', ['w']), [{ folder: 0, segments: ['chapters', 'a b.md'] }]);
    assert.deepEqual(chapterCandidates('chapters/02.md', []), [], 'no folder open: nowhere to look');
  });

  it('refuses any path that could leave the workspace', () => {
    for (const path of [
      '../secret.md',
      'chapters/../../etc/passwd',
      'chapters\\..\\..\\x.md',
      '/etc/passwd',
      '\\\\server\\share\\x.md',
      'C:\\Users\\x.md',
      'c:/x.md',
      'file:///etc/passwd',
      'chapters/\u0000.md',
      '',
      './',
    ])
      assert.equal(chapterCandidates(path, ['w']), undefined, JSON.stringify(path));
  });

  it('finds the text an entry wrote in its chapter: the last place, else its first line', () => {
    const chapter = '---\ntitle: One\n---\nThe ferry was late. Mira waited.\n\nThe ferry was late. Mira waited.\n';
    const last = chapter.lastIndexOf('The ferry');
    assert.deepEqual(findWritten(chapter, ' The ferry was late. Mira waited.\n'), { start: last, end: last + 32 });
    // Edited since: its first line still places it.
    const edited = 'Before.\nMara climbed the harbour steps.\nThe gulls were loud.';
    const at = edited.indexOf('Mara');
    assert.deepEqual(findWritten(edited, 'Mara climbed the harbour steps.\nThe gulls were quiet.'), {
      start: at,
      end: at + 'Mara climbed the harbour steps.'.length,
    });
    assert.equal(findWritten(chapter, 'Not in it at all, not a word.'), undefined);
    assert.equal(findWritten(chapter, '   '), undefined);
    assert.equal(findWritten(chapter, 'Short\nThe ferry was late.'), undefined, 'a first line too short to tell');
  });
});
