// Story projects' generations in the history (#26): their entries round-trip with the project,
// chapter and command; files and indexes written before keep being read; the search finds them.
import * as assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HistoryStore } from '../../../../src/core/story/history/history';
import { parseIndex, parseIndexView, serializeIndex } from '../../../../src/core/story/history/indexFormat';
import { IndexView } from '../../../../src/core/story/history/indexView';
import { originOfText, originText } from '../../../../src/core/story/history/originText';
import { projectStory, recordProject } from '../../../../src/core/story/history/projectStory';
import type { ProjectGeneration } from '../../../../src/core/story/history/projectStory';
import { parseStory } from '../../../../src/core/story/history/storyFile';
import type { StoredStory } from '../../../../src/core/story/history/storyFile';
import { toHistoryPage, toMarkdown, toRecord } from '../../../../src/core/story/history/storyFormats';
import { entryOf } from '../../../../src/core/story/history/summary';
import { historyItem, storyRecord } from '../../../../src/core/story/protocol/wire';
import * as v from 'valibot';
import { storedStory } from '../../../support/stories';

const USAGE = { inputTokens: 900, outputTokens: 100, totalTokens: 1000 };

function generation(patch: Partial<ProjectGeneration> = {}): ProjectGeneration {
  return {
    id: 'p1',
    at: 5000,
    origin: { project: 'The Salt Road', chapter: 'chapters/02-harbour.md', command: 'continue' },
    modelId: 'amazon.nova-lite-v1:0',
    audience: 'adult',
    temperature: 0.8,
    status: 'done',
    text: 'Mara climbed the harbour steps. The gulls were quiet.',
    usage: USAGE,
    cost: { amount: 0.0001, currency: 'USD', estimated: true },
    stopReason: 'end_turn',
    ...patch,
  };
}

function project(patch: Partial<ProjectGeneration> = {}): StoredStory {
  const story = projectStory(generation(patch));
  assert.ok(story, 'an entry');
  return story;
}

describe('story project entries in the history (#26)', () => {
  let root: string;
  let dir: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'history-projects-'));
    dir = join(root, 'stories');
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('a story file written before this change (no origin) still parses, and is a quick story', () => {
    // Exactly as an earlier release wrote it: every field it knew, none of the new.
    const before = JSON.stringify(storedStory('old-1', 1000, { text: 'Once.' }), null, 1);
    const story = parseStory(before);
    assert.ok(typeof story !== 'string', String(story));
    assert.equal(story.origin, undefined);
    assert.equal(toRecord(story).origin, undefined);
    assert.equal(entryOf(story).origin, undefined);
  });

  it('an entry records project, chapter, command, model, usage, status and text, and its file round-trips', async () => {
    const story = project();
    assert.deepEqual(story.origin, {
      project: 'The Salt Road',
      chapter: 'chapters/02-harbour.md',
      command: 'continue',
    });
    assert.equal(story.status, 'done');
    assert.equal(story.text, 'Mara climbed the harbour steps. The gulls were quiet.');
    assert.equal(story.title, 'Mara climbed the harbour steps');
    assert.deepEqual(story.usage, USAGE);
    assert.equal(story.modelId, 'amazon.nova-lite-v1:0');
    const store = new HistoryStore(dir);
    await store.save(story);
    const raw = await readFile(join(dir, 'p1.json'), 'utf8');
    assert.deepEqual(parseStory(raw), story, 'the file reads back as written');
    assert.deepEqual(await new HistoryStore(dir).get('p1'), story);
    const record = toRecord(story);
    assert.ok(v.safeParse(storyRecord, record).success, 'the panel may receive it');
    assert.deepEqual(record.origin, story.origin);
    assert.match(toMarkdown(story), /Project: The Salt Road · chapters\/02-harbour\.md/);
  });

  it('keeps each status as the quick stories do: stopped, blocked (without the stack’s message), failed with text', () => {
    assert.equal(project({ status: 'stopped' }).status, 'stopped');
    const blocked = project({
      status: 'blocked',
      text: 'Mara ran. Sorry, the content policy blocked this.',
      blockedMessage: 'Sorry, the content policy blocked this.',
      error: { code: 'outputBlocked', message: 'Blocked.', actions: ['retry'], partialKept: false },
    });
    assert.equal(blocked.status, 'blocked');
    assert.equal(blocked.text, 'Mara ran.');
    assert.deepEqual(blocked.error?.actions, [], 'no panel button for a project entry');
    const failed = project({
      status: 'failed',
      text: 'Half a sentence',
      error: { code: 'network', message: 'The network failed.', actions: ['retry'], partialKept: true },
    });
    assert.equal(failed.status, 'failed');
    assert.equal(failed.error?.code, 'network');
    assert.equal(projectStory(generation({ status: 'failed', text: '' })), undefined, 'no row for a refusal');
    const summary = project({ origin: { project: 'The Salt Road', chapter: 'chapters/01.md', command: 'summary' } });
    assert.equal(summary.origin?.command, 'summary');
  });

  it('recordProject saves an entry only with an origin, and says its id', async () => {
    const store = new HistoryStore(dir);
    const step = {
      request: { modelId: 'amazon.nova-lite-v1:0', inferenceConfig: { temperature: 0.5 } },
      audience: 'adult' as const,
      result: { status: 'done' as const, text: 'The tide came in.' },
      usage: USAGE,
      cost: null,
      error: undefined,
    };
    assert.deepEqual(await recordProject(store, undefined, step, () => undefined), {});
    const { storyId } = await recordProject(
      store,
      { project: 'The Salt Road', chapter: 'chapters/03.md', command: 'scene' },
      step,
      () => undefined,
    );
    assert.ok(storyId);
    const items = (await store.list()).items;
    assert.deepEqual(
      items.map((i) => [i.id, i.origin?.chapter, i.origin?.command]),
      [[storyId, 'chapters/03.md', 'scene']],
    );
  });

  it('the index keeps the origin (version 4), lists it without reading a file, and searches project and chapter', async () => {
    const store = new HistoryStore(dir);
    await store.save(storedStory('quick-1', 1000, { title: 'An otter', text: 'Once.' }));
    await store.save(project({ id: 'p1', at: 2000 }));
    await store.save(
      project({
        id: 'p2',
        at: 3000,
        origin: { project: 'Glass Orchard', chapter: 'chapters/07 — Ünder.md', command: 'scene' },
      }),
    );
    const data = await readFile(store.index.path);
    assert.equal(data.subarray(0, 13).toString(), '{"version":4,');
    const fresh = new HistoryStore(dir);
    const items = (await fresh.list()).items;
    assert.deepEqual(
      items.map((i) => [i.id, i.origin?.project, i.origin?.chapter]),
      [
        ['p2', 'Glass Orchard', 'chapters/07 — Ünder.md'],
        ['p1', 'The Salt Road', 'chapters/02-harbour.md'],
        ['quick-1', undefined, undefined],
      ],
    );
    for (const item of toHistoryPage(items).items) assert.ok(v.safeParse(historyItem, item).success, item.id);
    const search = async (q: string) => (await new HistoryStore(dir).page({ query: q })).items.map((i) => i.id);
    assert.deepEqual(await search('salt road'), ['p1'], 'by project');
    assert.deepEqual(await search('02-harbour.md'), ['p1'], 'by chapter');
    assert.deepEqual(await search('ünder'), ['p2'], 'by chapter, any case');
    assert.deepEqual(await search('orchard scene'), ['p2'], 'by project and command');
    assert.deepEqual(await search('otter'), ['quick-1'], 'quick stories as before');
    assert.deepEqual(await search('chapters'), ['p2', 'p1']);
  });

  it('a history without project entries keeps writing version 3, which earlier releases read', async () => {
    const store = new HistoryStore(dir);
    await store.save(storedStory('q1', 1000, { text: 'Once.' }));
    assert.equal((await readFile(store.index.path)).subarray(0, 13).toString(), '{"version":3,');
  });

  it('reads a version-3 index written before, then writes version 4 once a project entry comes, losing none', async () => {
    const store = new HistoryStore(dir);
    for (let i = 0; i < 4; i++) await store.save(storedStory(`q${i}`, 1000 + i, { title: `Tale ${i}` }));
    const v3 = await readFile(store.index.path);
    assert.equal(parseIndex(v3)?.size, 4);
    await new HistoryStore(dir).save(project({ id: 'p9', at: 9000 }));
    const v4 = await readFile(store.index.path);
    assert.equal(v4.subarray(0, 13).toString(), '{"version":4,');
    const entries = parseIndex(v4)!;
    assert.deepEqual([...entries.keys()], ['p9', 'q3', 'q2', 'q1', 'q0']);
    assert.equal(entries.get('q2')?.origin, undefined);
    assert.equal(entries.get('p9')?.origin?.chapter, 'chapters/02-harbour.md');
  });

  it('a damaged version-4 index is not trusted (rebuilt from the files)', async () => {
    const store = new HistoryStore(dir);
    await store.save(project({ id: 'p1', at: 1000 }));
    await store.save(project({ id: 'p2', at: 2000 }));
    const good = await readFile(store.index.path);
    assert.ok(parseIndexView(good));
    assert.equal(parseIndexView(good.subarray(0, good.length - 3)), undefined, 'cut short');
    const line = good.indexOf(10);
    const header = JSON.parse(good.subarray(0, line).toString()) as { bytes: number[] };
    const json = JSON.stringify({ ...header, bytes: header.bytes.slice(0, 3) });
    const threeTexts = Buffer.concat([
      Buffer.from(`${json.padEnd(Math.ceil((json.length + 1) / 8) * 8 - 1)}\n`),
      good.subarray(line + 1),
    ]);
    assert.equal(parseIndexView(threeTexts), undefined, 'version 4 with three texts');
    await writeFile(store.index.path, good.subarray(0, good.length - 3));
    const items = (await new HistoryStore(dir).list()).items;
    assert.deepEqual(
      items.map((i) => [i.id, i.origin?.command]),
      [
        ['p2', 'continue'],
        ['p1', 'continue'],
      ],
    );
  });

  it('an origin text keeps any title and path exactly; one this version did not write is no origin', () => {
    const origin = { project: 'Ölçü 🐉 "quoted"', chapter: 'chapters/a b/ç.md', command: 'summary' as const };
    assert.deepEqual(originOfText(originText(origin)), origin);
    assert.equal(originText(undefined), '');
    assert.equal(originOfText(''), undefined);
    assert.equal(originOfText('rewrite\u0000chapters/x.md\u0000P'), undefined, 'an unknown command');
    const view = IndexView.fromEntries([entryOf(project())]);
    assert.deepEqual(parseIndexView(serializeIndex(view))?.entry(0).origin, project().origin);
  });
});
