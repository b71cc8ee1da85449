import * as assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { HistoryStore } from '../../../../src/core/story/history/history';
import type { StoredStory } from '../../../../src/core/story/history/storyFile';
import { toHistoryPage, toMarkdown, toRecord } from '../../../../src/core/story/history/storyFormats';
import { clipTitle, summaryOf } from '../../../../src/core/story/history/summary';
import { LIMITS } from '../../../../src/core/story/protocol/limits';
import { hostEvent, parseHostMessage, parseResult } from '../../../../src/core/story/protocol/messages';
import { storedStory } from '../../../support/stories';

const story = storedStory;

describe('story history store', () => {
  let dir: string;
  let store: HistoryStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'history-'));
    store = new HistoryStore(join(dir, 'stories'), { saveIntervalMs: 50 });
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('lists newest first, as summaries, skipping and reporting a corrupt file', async () => {
    await store.save(story('a1', 1000, { usage: { inputTokens: 1, outputTokens: 42, totalTokens: 43 } }));
    await store.save(story('b2', 3000));
    await store.save(story('c3', 2000));
    await writeFile(join(dir, 'stories', 'broken.json'), '{"version":1,"id":');
    await writeFile(join(dir, 'stories', 'notes.txt'), 'ignored');
    const { items, problems } = await store.list();
    assert.deepEqual(
      items.map((i) => i.id),
      ['b2', 'c3', 'a1'],
    );
    assert.deepEqual(items[2], {
      id: 'a1',
      title: 'An otter finds a lighthouse',
      modelId: 'amazon.nova-lite-v1:0',
      createdAt: 1000,
      updatedAt: 1000,
      status: 'done',
      outputTokens: 42,
      totalTokens: 43,
    });
    assert.deepEqual(problems, [{ file: 'broken.json', message: 'not valid JSON' }]);
    assert.ok((await readdir(join(dir, 'stories'))).includes('broken.json'), 'never deletes what it cannot read');
  });

  it('gets, deletes, and refuses ids that are not ids', async () => {
    await store.save(story('a1', 1000, { text: 'Once.' }));
    assert.equal((await store.get('a1'))?.text, 'Once.');
    assert.equal(await store.get('../../etc/passwd'), undefined);
    assert.equal(await store.delete('a1'), true);
    assert.equal(await store.delete('a1'), false);
    assert.equal(await store.get('a1'), undefined);
    assert.deepEqual(await new HistoryStore(join(dir, 'missing')).list(), { items: [], problems: [] });
  });

  it('saves while streaming at most every interval, atomically, and marks it done at the end', async () => {
    const writer = store.track(story('s1', 1000, { status: 'streaming' }));
    await writer.start();
    let text = '';
    const seen = new Set<string>();
    const started = performance.now();
    for (let i = 0; i < 40; i++) {
      text += `word${i} `;
      writer.update({ text });
      await new Promise((r) => setTimeout(r, 5));
      const raw = await readFile(join(dir, 'stories', 's1.json'), 'utf8');
      const onDisk = JSON.parse(raw) as StoredStory; // always whole JSON: never a half-written file
      assert.equal(onDisk.status, 'streaming');
      assert.ok(text.startsWith(onDisk.text));
      seen.add(onDisk.text);
    }
    // At most one save per 50 ms of the time the loop really took (a busy machine takes longer than 200 ms).
    const elapsed = performance.now() - started;
    const most = Math.ceil(elapsed / 50) + 1;
    assert.ok(seen.size >= 2 && seen.size <= most, `${seen.size} distinct saves in ${Math.round(elapsed)} ms`);
    const final = await writer.finish({ text: `# The Otter\n\n${text}`, status: 'done' });
    assert.equal(final.title, 'The Otter', 'the story heading becomes the title');
    assert.equal((await store.get('s1'))?.status, 'done');
    assert.deepEqual(await readdir(join(dir, 'stories')), ['s1.json'], 'no temp files left');
  });

  it('reports a story left streaming by a dead process as stopped', async () => {
    await store.save(story('dead', 1000, { status: 'streaming', text: 'Once upon' }));
    assert.equal((await store.list()).items[0]?.status, 'stopped');
    assert.equal((await store.get('dead'))?.status, 'stopped');
    assert.equal((await store.get('dead'))?.text, 'Once upon');
  });

  it('exports Markdown with a heading and what made it, and maps to the protocol record', () => {
    const s = story('m1', Date.UTC(2025, 5, 1), { text: 'Pip swam.', status: 'stopped' });
    assert.equal(
      toMarkdown(s),
      '# An otter finds a lighthouse\n\nPip swam.\n\n---\n\n*Genre: fantasy · Audience: children · Tone: whimsical · Model: amazon.nova-lite-v1:0 · Written 2025-06-01 (stopped)*\n',
    );
    assert.ok(
      toMarkdown({ ...s, text: '# Own Title\n\nPip.', status: 'done' }).startsWith('# Own Title\n\nPip.\n\n---'),
    );
    assert.deepEqual(Object.keys(toRecord(s)).sort(), [
      'controls',
      'cost',
      'createdAt',
      'id',
      'modelId',
      'status',
      'text',
      'title',
      'usage',
    ]);
  });

  it('lists 1,500 stories with only 100 file descriptors: none skipped (EMFILE)', async function () {
    this.timeout(60_000);
    const stories = join(dir, 'stories');
    await mkdir(stories, { recursive: true });
    const body = (i: number) => JSON.stringify(story(`s${i}`, 1000 + i, { text: 'x'.repeat(2000) }));
    for (let i = 0; i < 1500; i += 100)
      await Promise.all(Array.from({ length: 100 }, (_, k) => writeFile(join(stories, `s${i + k}.json`), body(i + k))));
    const script = join(__dirname, 'fixtures', 'listHistory.ts');
    const { stdout } = await promisify(execFile)(
      'bash',
      ['-c', 'ulimit -n 100 && exec "$0" --import tsx "$1" "$2"', process.execPath, script, stories],
      { cwd: join(__dirname, '..', '..', '..') },
    );
    assert.deepEqual(JSON.parse(stdout), { items: 1500, problems: 0, sample: [] });
  });

  it('reads at most 32 files at once', async () => {
    for (let i = 0; i < 300; i++) await store.save(story(`c${i}`, i));
    // Without its index (an older version's history, or a lost index) a list reads every story.
    await rm(store.index.path);
    store = new HistoryStore(join(dir, 'stories'));
    const fs = fsp as { readFile: typeof fsp.readFile };
    const real = fs.readFile;
    let open = 0;
    let most = 0;
    fs.readFile = (async (...args: Parameters<typeof fsp.readFile>) => {
      most = Math.max(most, ++open);
      try {
        return await real(...args);
      } finally {
        open--;
      }
    }) as typeof fsp.readFile;
    try {
      assert.equal((await store.list()).items.length, 300);
    } finally {
      fs.readFile = real;
    }
    assert.ok(most > 1 && most <= 32, `${most} files open at once`);
  });

  it('syncs each story file to disk before renaming it into place', async () => {
    const fs = fsp as { open: typeof fsp.open; rename: typeof fsp.rename };
    const [realOpen, realRename] = [fs.open, fs.rename];
    const events: string[] = [];
    fs.open = (async (...args: Parameters<typeof fsp.open>) => {
      const handle = await realOpen(...args);
      const sync = handle.sync.bind(handle);
      handle.sync = async () => {
        events.push(`sync ${String(args[0])}`);
        return sync();
      };
      return handle;
    }) as typeof fsp.open;
    fs.rename = (async (from: string, to: string) => {
      events.push(`rename ${from}`);
      return realRename(from, to);
    }) as typeof fsp.rename;
    try {
      await store.save(story('d1', 1000));
      await store.save(story('d1', 1000, { text: 'more' }));
    } finally {
      fs.open = realOpen;
      fs.rename = realRename;
    }
    // The story file's renames (the index beside the directory is rebuilt if ever lost, not synced).
    const renames = events.filter((e) => e.startsWith('rename ') && e.includes(`${join(dir, 'stories', 'd1.json')}.`));
    assert.equal(renames.length, 2);
    for (const rename of renames) {
      const tmp = rename.slice('rename '.length);
      const synced = events.indexOf(`sync ${tmp}`);
      assert.ok(synced >= 0 && synced < events.indexOf(rename), `synced before the rename: ${JSON.stringify(events)}`);
    }
  });

  it('removes temp files a crash left (older than a minute) when it lists, and keeps fresh ones', async () => {
    await store.save(story('e1', 1000));
    const stories = join(dir, 'stories');
    const old = join(stories, 'e1.json.999.0.tmp');
    const fresh = join(stories, 'e1.json.999.1.tmp');
    await writeFile(old, '{"half');
    await writeFile(fresh, '{"half');
    const twoMinutesAgo = new Date(Date.now() - 120_000);
    await utimes(old, twoMinutesAgo, twoMinutesAgo);
    assert.deepEqual(
      (await store.list()).items.map((i) => i.id),
      ['e1'],
    );
    assert.deepEqual((await readdir(stories)).sort(), ['e1.json', 'e1.json.999.1.tmp']);
  });

  it('gives the webview titles within its limit, cut at a word, and at most its item cap, saying how many are left out', () => {
    const long = `${'A very long title word '.repeat(40)}end`;
    const clipped = clipTitle(long);
    assert.ok(clipped.length <= LIMITS.titleMax && clipped.endsWith('word…'), clipped);
    assert.equal(clipTitle('🐉'.repeat(400)).length <= LIMITS.titleMax, true);
    assert.doesNotMatch(clipTitle('🐉'.repeat(400)), /[\uD800-\uDBFF]…$/, 'no half surrogate pair');
    assert.equal(clipTitle('Short'), 'Short');
    const record = toRecord(story('t1', 1, { title: long }));
    assert.ok(parseHostMessage(hostEvent('story.opened', { story: record })), 'the webview accepts the record');

    const many = Array.from({ length: LIMITS.historyMax + 5 }, (_, i) =>
      summaryOf(story(`m${i}`, 100_000 - i, { title: long })),
    );
    const page = toHistoryPage(many);
    assert.equal(page.items.length, LIMITS.historyMax);
    assert.equal(page.omitted, 5);
    assert.equal(page.items[0]!.id, 'm0', 'the newest are kept');
    assert.ok(parseHostMessage(hostEvent('history', page)), 'the webview accepts the history event');
    assert.ok(parseResult('history.list', page));
    assert.deepEqual(toHistoryPage(many.slice(0, 3)), { items: many.slice(0, 3).map(({ updatedAt: _u, ...i }) => i) });
  });

  it('marks a story another window is writing with a lease it renews, even while no text arrives', async () => {
    const writerStore = new HistoryStore(join(dir, 'stories'), { leaseMs: 90 });
    const otherWindow = new HistoryStore(join(dir, 'stories'), { leaseMs: 90 });
    const writer = writerStore.track(story('w1', 1000, { status: 'streaming' }));
    await writer.start();
    // Over two lease lengths with no text: seven renewals, each a third of the lease after the last.
    await saves(writerStore, 7);
    const seen = (await otherWindow.list()).items.find((i) => i.id === 'w1');
    assert.deepEqual([seen?.status, seen?.elsewhere], ['streaming', true]);
    const stored = await otherWindow.get('w1');
    assert.ok(stored && otherWindow.writtenElsewhere(stored));
    assert.equal(toRecord(stored, true).elsewhere, true);
    assert.equal(writerStore.writtenElsewhere(stored), false, 'not elsewhere for the window writing it');
    await writer.finish({ status: 'done', text: 'The end.' });
    const after = (await otherWindow.list()).items.find((i) => i.id === 'w1');
    assert.deepEqual([after?.status, after?.elsewhere], ['done', undefined]);
    assert.equal(
      JSON.parse(await readFile(join(dir, 'stories', 'w1.json'), 'utf8')).leaseUntil,
      undefined,
      'no lease left in a finished story',
    );
  });

  it('a writing window that is gone (a reload) is known at once: its story is stopped, with its text, not "elsewhere" (#24)', async () => {
    // A real process that has ended: nothing runs under its pid.
    const child = spawn(process.execPath, ['-e', '']);
    await new Promise((r) => child.on('exit', r));
    const gone = { host: hostname(), pid: child.pid! };
    const leaseUntil = Date.now() + 60_000;
    await store.save(story('r1', 1000, { status: 'streaming', text: 'Once upon', leaseUntil, leaseOwner: gone }));
    const item = (await store.list()).items.find((i) => i.id === 'r1');
    assert.deepEqual([item?.status, item?.elsewhere], ['stopped', undefined]);
    const opened = await store.get('r1');
    assert.deepEqual([opened?.status, opened?.text, opened?.leaseOwner], ['stopped', 'Once upon', undefined]);
    // Its saved words were written and paid for: an estimate, marked, not "0 total tokens".
    assert.equal(opened?.usage?.estimated, true);
    assert.ok((opened?.usage?.outputTokens ?? 0) > 0 && opened!.usage!.totalTokens > opened!.usage!.outputTokens);
    assert.deepEqual([item?.estimated, item?.totalTokens], [true, opened!.usage!.totalTokens]);
    // A lease held by a process that runs (the one that started this test), or by one on another
    // machine (a synced folder: its processes cannot be asked), holds until it runs out.
    for (const [id, owner] of [
      ['r2', { host: hostname(), pid: process.ppid }],
      ['r3', { host: 'another-machine', pid: child.pid! }],
    ] as const) {
      await store.save(story(id, 1000, { status: 'streaming', text: 'Once', leaseUntil, leaseOwner: owner }));
      assert.equal((await store.list()).items.find((i) => i.id === id)?.elsewhere, true, id);
    }
  });

  it('a lease that ran out (the writing window died) shows the story as stopped', async () => {
    await store.save(story('x1', 1000, { status: 'streaming', leaseUntil: Date.now() - 1 }));
    assert.equal((await store.list()).items[0]?.status, 'stopped');
    await store.save(story('x2', 1000, { status: 'streaming', leaseUntil: Date.now() + 60_000 }));
    assert.equal((await store.list()).items.find((i) => i.id === 'x2')?.elsewhere, true);
  });
});

/** Resolves once `store` has finished `count` more saves (the writer's lease renewals): events, not a wait. */
function saves(store: HistoryStore, count: number): Promise<void> {
  const save = store.save.bind(store);
  let left = count;
  return new Promise((resolve) => {
    store.save = async (story) => {
      await save(story);
      if (--left > 0) return;
      store.save = save;
      resolve();
    };
  });
}
