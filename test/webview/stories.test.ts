// The stories in the panel's history in real headless Chromium: open, delete and export them, and
// a story another window is writing.
import * as assert from 'node:assert/strict';
import { hostEvent } from '../../src/core/story/protocol/messages';
import { controls, models, usePanel } from './panel';
import type { PageDocument } from './pageGlobals';

// The page's globals, for the functions that run in Chromium.
declare const document: PageDocument;

describe('story webview: stories in history: open, delete, export, and one another window writes (Chromium)', function () {
  const { open, assertWellFormed, visibleText, isDisabled } = usePanel();

  it('lists history; opens, deletes and exports stories', async () => {
    const sp = await open();
    const items = [
      {
        id: 'h-1',
        title: 'First',
        modelId: models[0]!.id,
        createdAt: Date.UTC(2025, 0, 2, 10),
        status: 'done' as const,
        outputTokens: 1200,
      },
      {
        id: 'h-2',
        title: 'Second',
        modelId: models[1]!.id,
        createdAt: Date.UTC(2025, 0, 3, 10),
        status: 'stopped' as const,
        outputTokens: 80,
        totalTokens: 130,
        estimated: true as const,
      },
    ];
    await sp.send(hostEvent('history', { items }));
    assert.deepEqual(await sp.page.locator('.history-open').allInnerTexts(), ['First', 'Second']);
    assert.match(
      await visibleText('#history-list li:nth-child(2)'),
      /Claude Haiku 4\.5 · .* · ≈ 130 total tokens \(estimate\) · stopped/,
    );

    let before = (await sp.posted()).length;
    await sp.page.locator('.history-open', { hasText: 'Second' }).click();
    const openReq = await sp.waitForRequest('history.open', before);
    assert.deepEqual(openReq.params, { id: 'h-2' });
    await sp.respond(openReq.id, {
      story: {
        id: 'h-2',
        title: 'Second',
        modelId: models[1]!.id,
        controls,
        text: '# Second\n\nText.',
        status: 'stopped',
        usage: { inputTokens: 5, outputTokens: 80, totalTokens: 85 },
        cost: null,
        createdAt: items[1]!.createdAt,
      },
    });
    await sp.page.waitForSelector('#story h1');
    assert.equal(await sp.page.locator('#history-list li.current .history-open').innerText(), 'Second');

    for (const target of ['editor', 'file', 'insert', 'copy'] as const) {
      before = (await sp.posted()).length;
      await sp.page.locator(`#export-${target}`).click();
      const r = await sp.waitForRequest('export', before);
      assert.deepEqual(r.params, { id: 'h-2', target });
      await sp.respond(r.id, { exported: target !== 'file' });
    }
    await sp.page.waitForFunction(
      () => document.getElementById('story-status')?.textContent === 'Copied to the clipboard.',
    );

    before = (await sp.posted()).length;
    await sp.page.getByRole('button', { name: 'Delete “Second”' }).click();
    const del = await sp.waitForRequest('history.delete', before);
    assert.deepEqual(del.params, { id: 'h-2' });
    await sp.respond(del.id, { deleted: true });
    await sp.page.waitForFunction(() => document.getElementById('story-status')?.textContent === 'Deleted “Second”.');
    assert.equal((await sp.page.locator('#story').textContent())?.trim(), '');
    await assertWellFormed();
  });

  it('shows a story another window is writing as such: no Stop, Continue, Regenerate or Delete; reopens it when it ends', async () => {
    const sp = await open();
    const item = {
      id: 'w-1',
      title: 'Elsewhere',
      modelId: models[0]!.id,
      createdAt: Date.UTC(2025, 0, 2, 10),
      status: 'streaming' as const,
      outputTokens: 0,
    };
    await sp.send(hostEvent('history', { items: [{ ...item, elsewhere: true }], omitted: 1234 }));
    assert.match(await visibleText('#history-list li:nth-child(1)'), /being written in another window/);
    assert.doesNotMatch(await visibleText('#history-list li:nth-child(1)'), /streaming/);
    assert.equal(
      await sp.page
        .getByRole('button', { name: 'Delete “Elsewhere”' })
        .evaluate((el) => (el as unknown as { disabled: boolean }).disabled),
      true,
    );
    assert.equal(await visibleText('#history-omitted'), '1,234 older stories are not listed here; they stay saved.');

    let before = (await sp.posted()).length;
    await sp.page.locator('.history-open', { hasText: 'Elsewhere' }).click();
    const openReq = await sp.waitForRequest('history.open', before);
    const record = {
      id: 'w-1',
      title: 'Elsewhere',
      modelId: models[0]!.id,
      controls,
      text: 'Once upon a time',
      status: 'streaming' as const,
      usage: null,
      cost: null,
      createdAt: item.createdAt,
    };
    await sp.respond(openReq.id, { story: { ...record, elsewhere: true } });
    await sp.page.waitForFunction(() =>
      /another VS Code window/.test(document.getElementById('story-status')?.textContent ?? ''),
    );
    assert.deepEqual(
      [
        await isDisabled('stop'),
        await isDisabled('continue'),
        await isDisabled('regenerate'),
        await isDisabled('export-copy'),
      ],
      [true, true, true, false],
      'only exporting what is there so far',
    );

    // The other window finishes: the history no longer flags it, and the panel shows the ending.
    before = (await sp.posted()).length;
    await sp.send(hostEvent('history', { items: [{ ...item, status: 'done' }] }));
    const reopen = await sp.waitForRequest('history.open', before);
    assert.deepEqual(reopen.params, { id: 'w-1' });
    await sp.respond(reopen.id, { story: { ...record, text: 'Once upon a time, the end.', status: 'done' } });
    await sp.page.waitForFunction(
      () => document.getElementById('story-status')?.textContent === 'The other window finished writing this story.',
    );
    assert.equal(await isDisabled('continue'), false);
    assert.equal(await sp.page.locator('#history-omitted').isHidden(), true);
    await assertWellFormed();
  });
});
