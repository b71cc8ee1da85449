import * as assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import { mkdtemp, readFile, rm, unlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HistoryStore } from '../../../../src/core/story/history/history';
import type { StoredStory } from '../../../../src/core/story/history/storyFile';
import { parseIndex, parseIndexView, serializeIndex } from '../../../../src/core/story/history/indexFormat';
import { IndexView } from '../../../../src/core/story/history/indexView';
import { entryOf } from '../../../../src/core/story/history/summary';
import { CONTROLS, storedStory } from '../../../support/stories';

function story(id: string, createdAt: number, patch: Partial<StoredStory> = {}): StoredStory {
  return storedStory(id, createdAt, { title: `Story ${id}`, text: 'Once.', ...patch });
}

/** Counts the story files (not the index) that fs.readFile opens while `body` runs. */
async function storyReads<T>(dir: string, body: () => Promise<T>): Promise<{ result: T; reads: string[] }> {
  const fs = fsp as { readFile: typeof fsp.readFile };
  const real = fs.readFile;
  const reads: string[] = [];
  fs.readFile = ((...args: Parameters<typeof fsp.readFile>) => {
    if (String(args[0]).startsWith(`${dir}/`)) reads.push(String(args[0]));
    return real(...args);
  }) as typeof fsp.readFile;
  try {
    return { result: await body(), reads };
  } finally {
    fs.readFile = real;
  }
}

describe('story history index', () => {
  let root: string;
  let dir: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'history-index-'));
    dir = join(root, 'stories');
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('lists from the index beside the directory, reading no story file, whatever their length', async () => {
    const store = new HistoryStore(dir);
    for (let i = 0; i < 40; i++)
      await store.save(story(`s${i}`, 1000 + i, { text: 'word '.repeat(i % 2 ? 20_000 : 10) }));
    const other = new HistoryStore(dir); // a fresh window: nothing in memory
    const { result, reads } = await storyReads(dir, () => other.list());
    assert.equal(result.items.length, 40);
    assert.equal(result.items[0]!.id, 's39');
    assert.deepEqual(reads, [], 'no story file was read');
    assert.equal(store.index.path, `${dir}.index`);
  });

  it('rebuilds a missing or corrupt index from the story files, losing none', async () => {
    const store = new HistoryStore(dir);
    for (let i = 0; i < 10; i++) await store.save(story(`r${i}`, i));
    await rm(store.index.path);
    assert.equal((await new HistoryStore(dir).list()).items.length, 10);
    assert.equal(parseIndex(await readFile(store.index.path))?.size, 10, 'written again');
    for (const garbage of ['{"version":1,"stories":[["r1"', '{"version":99,"stories":[]}', '']) {
      await writeFile(store.index.path, garbage);
      const { result, reads } = await storyReads(dir, () => new HistoryStore(dir).list());
      assert.equal(result.items.length, 10, `after index ${JSON.stringify(garbage)}`);
      assert.equal(reads.length, 10, 'read every story once to rebuild');
    }
    const { reads } = await storyReads(dir, () => new HistoryStore(dir).list());
    assert.deepEqual(reads, [], 'and the rebuilt index serves the next list');
  });

  it('shows a story file the index does not know (found by name), and forgets one whose file is gone', async () => {
    const store = new HistoryStore(dir);
    await store.save(story('known', 1000));
    await store.save(story('removed', 1001));
    // Written by an older version, or by a window that crashed before it updated the index.
    await writeFile(join(dir, 'stranger.json'), JSON.stringify(story('stranger', 2000)));
    await unlink(join(dir, 'removed.json'));
    const { result, reads } = await storyReads(dir, () => new HistoryStore(dir).list());
    assert.deepEqual(
      result.items.map((i) => i.id),
      ['stranger', 'known'],
    );
    assert.deepEqual(reads, [join(dir, 'stranger.json')], 'only the unknown file was read');
    assert.deepEqual([...(parseIndex(await readFile(store.index.path))?.keys() ?? [])].sort(), ['known', 'stranger']);
  });

  it('reads the directory again only when it changed, and then finds a new story', async () => {
    const store = new HistoryStore(dir);
    for (let i = 0; i < 5; i++) await store.save(story(`d${i}`, i));
    const minuteAgo = new Date(Date.now() - 60_000);
    await utimes(dir, minuteAgo, minuteAgo);
    const fs = fsp as { readdir: typeof fsp.readdir };
    const real = fs.readdir;
    let reads = 0;
    fs.readdir = ((...args: unknown[]) => {
      if (String(args[0]) === dir) reads++;
      return (real as (...a: unknown[]) => unknown)(...args);
    }) as unknown as typeof fsp.readdir;
    try {
      await store.list();
      await store.page({ query: 'story' });
      await store.page({ query: 'd3' });
      assert.equal(reads, 1, 'one read while the directory is unchanged');
      await writeFile(join(dir, 'late.json'), JSON.stringify(story('late', 99)));
      assert.equal(
        (await store.list()).items[0]?.id,
        'late',
        'the new file changed the directory, which is read again',
      );
      assert.equal(reads, 2);
    } finally {
      fs.readdir = real;
    }
  });

  it('two windows saving at once both keep their entries', async () => {
    const a = new HistoryStore(dir);
    const b = new HistoryStore(dir);
    await Promise.all([
      ...Array.from({ length: 25 }, (_, i) => a.save(story(`a${i}`, i))),
      ...Array.from({ length: 25 }, (_, i) => b.save(story(`b${i}`, 100 + i))),
      a.delete('nothing'),
    ]);
    const index = parseIndex(await readFile(a.index.path));
    assert.equal(index?.size, 50, 'no window overwrote the other');
    const { result, reads } = await storyReads(dir, () => new HistoryStore(dir).list());
    assert.equal(result.items.length, 50);
    assert.deepEqual(reads, []);
    assert.equal(await b.delete('a3'), true);
    assert.equal(
      (await a.list()).items.some((i) => i.id === 'a3'),
      false,
      'the other window sees the delete',
    );
  });

  it('after a crash between the index and the story file, the list follows the file', async () => {
    const store = new HistoryStore(dir);
    await store.save(story('c1', 1000, { status: 'done', text: 'Whole.' }));
    // The index heard "streaming" (it is told first), then the process died before the file changed.
    const entries = parseIndex(await readFile(store.index.path))!;
    const rows = [...entries.values()].map((e) => [
      e.id,
      e.title,
      e.modelId,
      e.createdAt,
      e.updatedAt + 5,
      'streaming',
      e.outputTokens,
      e.premise,
      e.totalTokens,
      e.estimated,
    ]);
    await writeFile(store.index.path, JSON.stringify({ version: 2, stories: rows }));
    assert.ok(parseIndex(await readFile(store.index.path)), 'the planted index is one the store trusts');
    assert.equal((await new HistoryStore(dir).list()).items[0]?.status, 'done');
  });

  it('lists total tokens and the estimate mark, the unit the panel shows, and rebuilds an index of the older version', async () => {
    const store = new HistoryStore(dir);
    await store.save(story('t1', 1000, { usage: { inputTokens: 40, outputTokens: 60, totalTokens: 100 } }));
    await store.save(
      story('t2', 2000, {
        status: 'stopped',
        usage: { inputTokens: 30, outputTokens: 250, totalTokens: 280, estimated: true },
      }),
    );
    const items = (await new HistoryStore(dir).list()).items;
    assert.deepEqual(
      items.map((i) => [i.id, i.totalTokens, i.estimated]),
      [
        ['t2', 280, true],
        ['t1', 100, undefined],
      ],
    );
    const old = [...parseIndex(await readFile(store.index.path))!.values()].map((e) => [
      e.id,
      e.title,
      e.modelId,
      e.createdAt,
      e.updatedAt,
      e.status,
      e.outputTokens,
      e.premise,
    ]);
    await writeFile(store.index.path, JSON.stringify({ version: 1, stories: old }));
    assert.equal(parseIndex(await readFile(store.index.path)), undefined, 'a version-1 index is not trusted');
    const rebuilt = (await new HistoryStore(dir).list()).items;
    assert.deepEqual(
      rebuilt.map((i) => [i.id, i.totalTokens, i.estimated]),
      [
        ['t2', 280, true],
        ['t1', 100, undefined],
      ],
    );
  });

  it('pages newest first and searches title and premise, any case, every word', async () => {
    const store = new HistoryStore(dir);
    const premises = ['A lighthouse keeper and an otter', 'The dragon who hated gold', 'An otter learns to sail'];
    for (let i = 0; i < 30; i++)
      await store.save(
        story(`p${i}`, 1000 + i, {
          title: i === 8 ? 'Dragon Tales' : `Story ${i}`,
          controls: { ...CONTROLS, premise: premises[i % 3]! },
        }),
      );
    const first = await store.page({ offset: 0, limit: 10 });
    assert.equal(first.total, 30);
    assert.deepEqual(
      first.items.map((i) => i.id),
      Array.from({ length: 10 }, (_, k) => `p${29 - k}`),
    );
    const last = await store.page({ offset: 25, limit: 10 });
    assert.deepEqual(
      last.items.map((i) => i.id),
      ['p4', 'p3', 'p2', 'p1', 'p0'],
    );
    const otters = await store.page({ query: 'OTTER', limit: 100 });
    assert.equal(otters.total, 20);
    const sail = await store.page({ query: '  otter   sail ', limit: 100 });
    assert.deepEqual(sail.items.map((i) => i.id).slice(0, 3), ['p29', 'p26', 'p23']);
    assert.equal(sail.total, 10);
    const dragon = await store.page({ query: 'dragon', limit: 3 });
    assert.equal(dragon.total, 11, 'ten premises and one title (p8, whose premise has none)');
    assert.equal((await store.page({ query: 'zebra' })).total, 0);
  });

  it('marks a story cut off by a crash as stopped in the index, and a living writer takes it back', async () => {
    const writer = new HistoryStore(dir, { leaseMs: 60_000 });
    const w = writer.track(story('live', 1000, { status: 'streaming' }));
    await w.start();
    // A window whose clock says the lease ran out records it as stopped...
    const late = new HistoryStore(dir, { now: () => Date.now() + 120_000 });
    assert.equal((await late.list()).items[0]?.status, 'stopped');
    assert.equal(parseIndex(await readFile(writer.index.path))?.get('live')?.status, 'stopped');
    // ...but the writing window still shows it streaming, and its next save tells the index again.
    assert.equal((await writer.list()).items[0]?.status, 'streaming');
    const saved = nextSave(writer);
    w.update({ text: 'More.' });
    await saved;
    assert.equal(parseIndex(await readFile(writer.index.path))?.get('live')?.status, 'streaming');
    const other = new HistoryStore(dir);
    assert.deepEqual(
      (await other.list()).items.map((i) => [i.status, i.elsewhere]),
      [['streaming', true]],
    );
    await w.finish({ status: 'done' });
    assert.equal((await other.list()).items[0]?.status, 'done');
  });
});

describe('story history index, version 3 on disk', () => {
  let root: string;
  let dir: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'history-index3-'));
    dir = join(root, 'stories');
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  /** A history last changed a minute ago, so a list may leave its directory mark. */
  async function quiet(): Promise<void> {
    const minuteAgo = new Date(Date.now() - 60_000);
    await utimes(dir, minuteAgo, minuteAgo);
  }

  /** Calls of fs.readdir on the story directory while `body` runs. */
  async function dirReads<T>(body: () => Promise<T>): Promise<{ result: T; reads: number }> {
    const fs = fsp as { readdir: typeof fsp.readdir };
    const real = fs.readdir;
    let reads = 0;
    fs.readdir = ((...args: unknown[]) => {
      if (String(args[0]) === dir) reads++;
      return (real as (...a: unknown[]) => unknown)(...args);
    }) as unknown as typeof fsp.readdir;
    try {
      return { result: await body(), reads };
    } finally {
      fs.readdir = real;
    }
  }

  it('keeps any text exactly, and searches it, whatever its characters', async () => {
    const store = new HistoryStore(dir);
    const titles = ['İİİ Café 🐉 "quoted"\nline', 'plain dragon', 'Ölçü  spaced  ', ''];
    for (let i = 0; i < titles.length; i++)
      await store.save(
        story(`u${i}`, 1000 + i, {
          title: titles[i]!,
          controls: { ...CONTROLS, premise: `Prämisse ${i} ☕ tab\there` },
        }),
      );
    const data = await readFile(store.index.path);
    assert.equal(data.subarray(0, 13).toString(), '{"version":3,', 'the new version');
    const fresh = new HistoryStore(dir);
    const items = (await fresh.list()).items;
    assert.deepEqual(
      items.map((i) => i.title),
      [...titles].reverse(),
    );
    const entries = parseIndex(data)!;
    assert.equal(entries.get('u0')?.premise, 'Prämisse 0 ☕ tab\there');
    // 'İ' is longer in lower case: a story after it must still be found by its own words, not its neighbour's.
    const search = async (q: string) => (await new HistoryStore(dir).page({ query: q })).items.map((i) => i.id);
    assert.deepEqual(await search('dragon'), ['u1']);
    assert.deepEqual(await search('CAFÉ 🐉'), ['u0']);
    assert.deepEqual(await search('ölçü'), ['u2']);
    assert.deepEqual(await search('☕ prämisse'), ['u3', 'u2', 'u1', 'u0']);
    assert.deepEqual(await search('"quoted"'), ['u0']);
    assert.deepEqual(await search('line plain'), [], 'every word in one story');
  });

  it('rebuilds a truncated or damaged version-3 index from the story files, losing none', async () => {
    const store = new HistoryStore(dir);
    for (let i = 0; i < 12; i++) await store.save(story(`v${i}`, 1000 + i));
    const good = await readFile(store.index.path);
    const line = good.indexOf(10);
    const header = JSON.parse(good.subarray(0, line).toString()) as Record<string, unknown>;
    // Padded again to a multiple of 8 bytes, where the numbers start.
    const withHeader = (patch: Record<string, unknown>) => {
      const json = JSON.stringify({ ...header, ...patch });
      return Buffer.concat([
        Buffer.from(`${json.padEnd(Math.ceil((json.length + 1) / 8) * 8 - 1)}\n`),
        good.subarray(line + 1),
      ]);
    };
    assert.ok(parseIndex(withHeader({})), 'the same header, padded again, is read');
    const damaged: [string, Buffer][] = [
      ['cut short', good.subarray(0, good.length - 5)],
      ['cut in the numbers', good.subarray(0, line + 40)],
      ['one byte more', Buffer.concat([good, Buffer.from(' ')])],
      ['a model out of its table', withHeader({ models: [] })],
      ['an unknown status', withHeader({ statuses: ['done', 'lost'] })],
      ['another count', withHeader({ count: 11 })],
      ['another byte order', withHeader({ littleEndian: !header.littleEndian })],
      ['an unknown field', withHeader({ extra: 1 })],
      [
        'a separator overwritten',
        Buffer.from(good).fill(0x41, good.indexOf('v11 v10') + 3, good.indexOf('v11 v10') + 4),
      ],
    ];
    for (const [what, bytes] of damaged) {
      await writeFile(store.index.path, bytes);
      const { result, reads } = await storyReads(dir, () => new HistoryStore(dir).list());
      assert.equal(result.items.length, 12, what);
      assert.deepEqual(
        result.items.map((i) => i.id),
        Array.from({ length: 12 }, (_, k) => `v${11 - k}`),
        what,
      );
      assert.equal(reads.length, 12, `${what}: every story read once to rebuild`);
      assert.ok(parseIndex(await readFile(store.index.path)), `${what}: written again`);
    }
  });

  it('reads an index of version 2 (an earlier release) without a story file, and writes it again as version 3', async () => {
    const store = new HistoryStore(dir);
    for (let i = 0; i < 6; i++) await store.save(story(`m${i}`, 1000 + i, { title: `Tale ${i} é` }));
    const rows = [...parseIndex(await readFile(store.index.path))!.values()]
      .reverse()
      .map((e) => [
        e.id,
        e.title,
        e.modelId,
        e.createdAt,
        e.updatedAt,
        e.status,
        e.outputTokens,
        e.premise,
        e.totalTokens,
        e.estimated,
      ]);
    await writeFile(store.index.path, JSON.stringify({ version: 2, stories: rows }));
    const { result, reads } = await storyReads(dir, () => new HistoryStore(dir).list());
    assert.deepEqual(reads, [], 'no story file read');
    assert.deepEqual(
      result.items.map((i) => [i.id, i.title]),
      Array.from({ length: 6 }, (_, k) => [`m${5 - k}`, `Tale ${5 - k} é`]),
      'newest first, though version 2 was written oldest first here',
    );
    assert.equal((await readFile(store.index.path)).subarray(0, 13).toString(), '{"version":3,');
    assert.equal(parseIndex(await readFile(store.index.path))?.size, 6);
  });

  it('an index naming one story twice is rebuilt, and the story listed once', async () => {
    const store = new HistoryStore(dir);
    await store.save(story('d1', 1000));
    await store.save(story('d2', 2000));
    const entries = [...parseIndex(await readFile(store.index.path))!.values()];
    await writeFile(store.index.path, serializeIndex(IndexView.fromEntries([entries[0]!, entries[0]!, entries[1]!])));
    assert.deepEqual(
      (await new HistoryStore(dir).list()).items.map((i) => i.id),
      ['d2', 'd1'],
    );
    assert.equal(parseIndex(await readFile(store.index.path))?.size, 2);
  });

  it('a new window lists from the index without reading the names while its mark vouches for them', async () => {
    const store = new HistoryStore(dir);
    for (let i = 0; i < 5; i++) await store.save(story(`k${i}`, 1000 + i));
    await quiet();
    const first = await dirReads(() => new HistoryStore(dir).list());
    assert.equal(first.reads, 1, 'the names read once, and the mark left');
    const marked = await dirReads(() => new HistoryStore(dir).page({ offset: 0, limit: 2 }));
    assert.equal(marked.reads, 0, 'a new window trusts the mark');
    assert.deepEqual(
      marked.result.items.map((i) => i.id),
      ['k4', 'k3'],
    );
    assert.equal(marked.result.total, 5);

    // A story file the index does not know (a window that died before telling it) changes the directory.
    await writeFile(join(dir, 'late.json'), JSON.stringify(story('late', 5000)));
    const after = await dirReads(() => new HistoryStore(dir).list());
    assert.equal(after.reads, 1);
    assert.equal(after.result.items[0]?.id, 'late');

    // Another window's save writes the index anew: the mark names the old one, so the names are read.
    await quiet();
    await new HistoryStore(dir).list();
    assert.equal((await dirReads(() => new HistoryStore(dir).list())).reads, 0);
    await writeFile(join(dir, 'gone.json'), JSON.stringify(story('gone', 6000)));
    await unlink(join(dir, 'gone.json'));
    await quiet();
    const gone = await dirReads(() => new HistoryStore(dir).list());
    assert.equal(gone.reads, 1, 'the directory changed (to the same names)');
    await store.save(story('k0', 1000, { title: 'Retitled' }));
    await quiet();
    const retitled = await dirReads(() => new HistoryStore(dir).list());
    assert.equal(retitled.reads, 1, 'a newer index than the mark names');
    assert.equal(retitled.result.items.find((i) => i.id === 'k0')?.title, 'Retitled');

    // A damaged mark is no mark.
    for (const garbage of ['', '{"dir":[1,2],"readAt":3}', 'not json']) {
      await writeFile(store.index.markPath, garbage);
      const d = await dirReads(() => new HistoryStore(dir).list());
      assert.equal(d.reads, 1, JSON.stringify(garbage));
      assert.equal(d.result.items.length, 6);
    }
  });

  /** Calls of IndexView's lookup by id (and its duplicate check, which builds the same table) while `body` runs. */
  async function lookups<T>(body: () => Promise<T>): Promise<{ result: T; calls: number }> {
    const proto = IndexView.prototype as unknown as Record<'position' | 'hasDuplicates', (...a: unknown[]) => unknown>;
    const real = { position: proto.position, hasDuplicates: proto.hasDuplicates };
    let calls = 0;
    for (const name of ['position', 'hasDuplicates'] as const)
      proto[name] = function (this: unknown, ...a: unknown[]) {
        calls++;
        return real[name].apply(this, a);
      };
    try {
      return { result: await body(), calls };
    } finally {
      Object.assign(proto, real);
    }
  }

  it('the first new window after a change compares the names with the index at once, building no lookup by id', async () => {
    const store = new HistoryStore(dir);
    for (let i = 0; i < 30; i++) await store.save(story(`n${String(i).padStart(2, '0')}`, 1000 + i));
    await quiet();
    const unmarked = await lookups(() => dirReads(() => new HistoryStore(dir).list()));
    assert.equal(unmarked.result.reads, 1, 'no mark yet: the names are read');
    assert.equal(unmarked.calls, 0, 'and compared with the index in one go');
    assert.equal(unmarked.result.result.items.length, 30);
    assert.ok(await readFile(store.index.markPath), 'the mark is left all the same');
    assert.equal((await dirReads(() => new HistoryStore(dir).list())).reads, 0, 'and trusted by the next window');
    // The directory as marked, but the index written since (here with a story that has no file): the names are read.
    const before = await readFile(store.index.markPath, 'latin1');
    await store.index.update((map) => {
      map.set('phantom', entryOf(story('phantom', 7000)));
    });
    const rewritten = await dirReads(() => new HistoryStore(dir).list());
    assert.equal(rewritten.reads, 1, 'a newer index than the mark names');
    assert.ok(!rewritten.result.items.some((i) => i.id === 'phantom'), 'a story without a file is not shown');
    assert.equal(rewritten.result.items.length, 30);
    assert.notEqual(await readFile(store.index.markPath, 'latin1'), before, 'and the mark names the index written now');
    assert.equal((await dirReads(() => new HistoryStore(dir).list())).reads, 0);

    // As many names as the index has stories, but not the same: a story removed and another copied in by hand.
    await unlink(join(dir, 'n03.json'));
    await writeFile(join(dir, 'copied.json'), JSON.stringify(story('copied', 5000)));
    await quiet();
    const changed = await dirReads(() => new HistoryStore(dir).list());
    assert.equal(changed.reads, 1);
    const ids = changed.result.items.map((i) => i.id);
    assert.equal(ids.length, 30);
    assert.equal(ids[0], 'copied', 'the copied story is shown');
    assert.ok(!ids.includes('n03'), 'the removed one is not');
    assert.deepEqual(
      [...parseIndex(await readFile(store.index.path))!.keys()].sort(),
      [...ids].sort(),
      'and the index follows the files',
    );
  });

  it('compares names in any order with the index, and never takes names holding spaces for its ids', () => {
    const entry = (id: string, at: number) => entryOf(story(id, at));
    const view = IndexView.fromEntries([entry('c', 3), entry('a', 2), entry('b', 1)]);
    assert.ok(view.sameIds(['a', 'b', 'c']), 'sorted, as most file systems give them');
    assert.ok(view.sameIds(['c', 'a', 'b']), 'in another order (NTFS, or a file system that does not sort)');
    assert.ok(!view.sameIds(['a', 'b']), 'one missing');
    assert.ok(!view.sameIds(['a', 'b', 'd']), 'one other');
    assert.ok(!view.sameIds(['a', 'b', 'c', 'd']), 'one more');
    assert.ok(!view.sameIds(['a', 'a', 'b']), 'one twice');
    // Joined by spaces, 'a b' and 'c' read as the index's 'a' and 'b c' would: an id with a space never compares equal.
    const spaced = IndexView.fromEntries([entry('b c', 2), entry('a', 1)]);
    assert.ok(!spaced.sameIds(['a b', 'c']));
    const read = parseIndexView(serializeIndex(view))!;
    assert.ok(read.sameIds(['a', 'b', 'c']) && !read.sameIds(['a', 'b', 'x']), 'the same, read from the file');
    assert.deepEqual(
      [0, 1, 2].map((i) => read.id(i)),
      ['c', 'a', 'b'],
      'each story keeps its own id',
    );
  });

  it('an index whose stories point at one id between them is rebuilt, and every story listed once', async () => {
    const store = new HistoryStore(dir);
    for (let i = 0; i < 4; i++) await store.save(story(`p${i}`, 1000 + i));
    const good = await readFile(store.index.path);
    const start = good.indexOf(10) + 1;
    // Where each story's id is: after four 8-byte and three 4-byte numbers per story.
    const idAt = start + 4 * (8 * 4 + 4 * 3);
    const damaged = Buffer.from(good);
    damaged.copy(damaged, idAt + 4, idAt, idAt + 4);
    await writeFile(store.index.path, damaged);
    const { result, reads } = await storyReads(dir, () => new HistoryStore(dir).list());
    assert.deepEqual(
      result.items.map((i) => i.id),
      ['p3', 'p2', 'p1', 'p0'],
    );
    assert.equal(reads.length, 4, 'every story read once to rebuild');
  });

  it('leaves no mark while the directory changed in the last seconds (a coarse clock could hide a change)', async () => {
    const store = new HistoryStore(dir);
    await store.save(story('f1', 1000));
    await new HistoryStore(dir).list();
    await assert.rejects(readFile(store.index.markPath), { code: 'ENOENT' });
    assert.equal((await dirReads(() => new HistoryStore(dir).list())).reads, 1);
  });
});

/** Resolves when `store` has finished its next save (the writer's throttled one): an event, not a wait. */
function nextSave(store: HistoryStore): Promise<void> {
  const save = store.save.bind(store);
  return new Promise((resolve) => {
    store.save = async (story) => {
      await save(story);
      store.save = save;
      resolve();
    };
  });
}
