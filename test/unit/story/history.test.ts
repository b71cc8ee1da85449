import * as assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HistoryStore, toMarkdown, toRecord } from '../../../src/core/story/history';
import type { StoredStory } from '../../../src/core/story/history';

const CONTROLS = { premise: 'An otter finds a lighthouse.', genre: 'fantasy', audience: 'children', tone: 'whimsical', length: 'short', temperature: 0.7 } as const;

function story(id: string, createdAt: number, patch: Partial<StoredStory> = {}): StoredStory {
  return { version: 1, id, title: 'An otter finds a lighthouse', modelId: 'amazon.nova-lite-v1:0', controls: CONTROLS, text: '', turns: [], status: 'done', usage: null, cost: null, createdAt, updatedAt: createdAt, ...patch };
}

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
    assert.deepEqual(items.map((i) => i.id), ['b2', 'c3', 'a1']);
    assert.deepEqual(items[2], { id: 'a1', title: 'An otter finds a lighthouse', modelId: 'amazon.nova-lite-v1:0', createdAt: 1000, updatedAt: 1000, status: 'done', outputTokens: 42 });
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
    assert.ok(seen.size >= 2 && seen.size <= 8, `${seen.size} distinct saves in ~200 ms at a 50 ms interval`);
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
    assert.equal(toMarkdown(s), '# An otter finds a lighthouse\n\nPip swam.\n\n---\n\n*Genre: fantasy · Audience: children · Tone: whimsical · Model: amazon.nova-lite-v1:0 · Written 2025-06-01 (stopped)*\n');
    assert.ok(toMarkdown({ ...s, text: '# Own Title\n\nPip.', status: 'done' }).startsWith('# Own Title\n\nPip.\n\n---'));
    assert.deepEqual(Object.keys(toRecord(s)).sort(), ['controls', 'cost', 'createdAt', 'id', 'modelId', 'status', 'text', 'title', 'usage']);
  });
});
