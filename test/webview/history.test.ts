// The history list's paging and search in the real webview bundle (headless Chromium, real CSP):
// the host's newest page, Show more, a search over titles and premises, answers that arrive late.
import * as assert from 'node:assert/strict';
import { hostEvent, parseWebviewMessage } from '../../src/core/story/protocol/messages';
import type { HistoryItem, HistoryPage, ModelInfo } from '../../src/core/story/protocol/wire';
import { startHarness } from './harness';
import type { Harness, StoryPage } from './harness';

const models: ModelInfo[] = [{ id: 'amazon.nova-lite-v1:0', name: 'Nova Lite', provider: 'Amazon' }];

function items(from: number, count: number, title = (i: number) => `Story ${i}`): HistoryItem[] {
  return Array.from({ length: count }, (_, k) => ({
    id: `s-${from + k}`,
    title: title(from + k),
    modelId: models[0]!.id,
    createdAt: 1_700_000_000_000 - (from + k) * 1000,
    status: 'done' as const,
    outputTokens: 10,
  }));
}

describe('story webview history: paging and search (Chromium)', function () {
  let harness: Harness;
  let sp: StoryPage;

  before(async function () {
    this.timeout(120_000);
    harness = await startHarness();
  });
  after(async () => harness?.close());
  afterEach(async () => {
    if (!sp) return;
    for (const p of await sp.posted())
      assert.ok(parseWebviewMessage(p.m), `malformed message posted: ${JSON.stringify(p.m)}`);
    assert.deepEqual(sp.problems.errors, []);
    await sp.page.close();
  });

  async function open(first: HistoryPage): Promise<void> {
    sp = await harness.newPage();
    await sp.goto();
    await sp.send(
      hostEvent('state', {
        auth: { kind: 'signedIn', email: 'reader@example.com' },
        models,
        defaultModelId: models[0]!.id,
      }),
    );
    await sp.send(hostEvent('history', first));
  }
  const titles = () => sp.page.locator('#history-list .history-open').allInnerTexts();
  const text = (selector: string) => sp.page.locator(selector).innerText();

  it('shows the newest page of 10,000 and loads the next with Show more', async () => {
    await open({ items: items(0, 50), total: 10_000, offset: 0 });
    assert.equal((await titles()).length, 50);
    assert.equal(await text('#history-count'), 'Showing the newest 50 of 10,000 stories.');
    assert.equal(await text('#history-more'), 'Show 50 more');

    const before = (await sp.posted()).length;
    await sp.page.locator('#history-more').click();
    const req = await sp.waitForRequest('history.list', before);
    assert.deepEqual(req.params, { offset: 50, limit: 50 });
    await sp.respond(req.id, { items: items(50, 50), total: 10_000, offset: 50 });
    await sp.page.waitForFunction(() => document.querySelectorAll('#history-list li').length === 100);
    const shown = await titles();
    assert.deepEqual([shown[0], shown[49], shown[50], shown[99]], ['Story 0', 'Story 49', 'Story 50', 'Story 99']);
    assert.equal(await text('#history-count'), 'Showing the newest 100 of 10,000 stories.');

    // A change (a new story) while 100 are shown: the webview asks for the 100 newest again.
    const again = (await sp.posted()).length;
    await sp.send(hostEvent('history', { items: items(0, 50), total: 10_001, offset: 0 }));
    const reload = await sp.waitForRequest('history.list', again);
    assert.deepEqual(reload.params, { offset: 0, limit: 100 });
  });

  it('searches titles and premises through the host, drops late answers, and clears', async () => {
    await open({ items: items(0, 50), total: 300, offset: 0 });
    let before = (await sp.posted()).length;
    await sp.page.locator('#history-search input').fill('ott');
    const first = await sp.waitForRequest('history.list', before);
    assert.deepEqual(first.params, { offset: 0, limit: 50, query: 'ott' });
    before = (await sp.posted()).length;
    await sp.page.locator('#history-search input').fill('otter sail');
    const second = await sp.waitForRequest('history.list', before);
    assert.deepEqual(second.params, { offset: 0, limit: 50, query: 'otter sail' });
    // The newer search answers first; the older answer arrives late and is ignored.
    await sp.respond(second.id, {
      items: items(7, 2, () => 'The otter who sailed'),
      total: 2,
      offset: 0,
      query: 'otter sail',
    });
    await sp.page.waitForFunction(() => document.querySelectorAll('#history-list li').length === 2);
    await sp.respond(first.id, { items: items(0, 50), total: 120, offset: 0, query: 'ott' });
    // A host event after the late answer: once the page shows it, it has handled (and rendered)
    // the answer before it too.
    await sp.send(hostEvent('usage.today', { inputTokens: 1, outputTokens: 2, cost: null }));
    await sp.page.locator('.usage-line', { hasText: 'Today: 3 total tokens' }).waitFor();
    assert.deepEqual(await titles(), ['The otter who sailed', 'The otter who sailed']);
    assert.equal(await text('#history-count'), '2 stories match “otter sail”.');
    assert.equal(await sp.page.locator('#history-more').isHidden(), true);

    // A history event during a search asks for the search again, instead of showing the newest.
    before = (await sp.posted()).length;
    await sp.send(hostEvent('history', { items: items(0, 50), total: 301, offset: 0 }));
    const refresh = await sp.waitForRequest('history.list', before);
    assert.deepEqual(refresh.params, { offset: 0, limit: 50, query: 'otter sail' });
    await sp.respond(refresh.id, { items: [], total: 0, offset: 0, query: 'otter sail' });
    await sp.page.waitForFunction(
      () => document.getElementById('history-count')?.textContent === 'No stories match “otter sail”.',
    );
    assert.equal(await sp.page.locator('#history-list li').count(), 0);
    assert.equal(await sp.page.getByText('No stories yet.').isHidden(), true, 'not "no stories": none match');

    before = (await sp.posted()).length;
    await sp.page.locator('#history-search input').fill('');
    const cleared = await sp.waitForRequest('history.list', before);
    assert.deepEqual(cleared.params, { offset: 0, limit: 50 });
    await sp.respond(cleared.id, { items: items(0, 50), total: 301, offset: 0 });
    await sp.page.waitForFunction(() => document.querySelectorAll('#history-list li').length === 50);
    assert.equal(await text('#history-count'), 'Showing the newest 50 of 301 stories.');
  });

  it('hides the search box while there is no story at all', async () => {
    await open({ items: [], total: 0, offset: 0 });
    assert.equal(await sp.page.locator('#history-search').isHidden(), true);
    await sp.send(hostEvent('history', { items: items(0, 1), total: 1, offset: 0 }));
    assert.equal(await sp.page.locator('#history-search').isHidden(), false);
    assert.equal(await text('#history-count'), '');
  });
});

declare const document: {
  querySelectorAll(s: string): { length: number };
  getElementById(id: string): { textContent: string | null } | null;
};
