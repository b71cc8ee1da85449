// A story project's generation in the panel's history (#26), in real headless Chromium: its row
// says the project, chapter and command; opened, it offers Open Chapter and none of the panel's own
// steps (Continue, Regenerate, Refine), while Copy, Export and Delete stay; a quick story is as before.
import * as assert from 'node:assert/strict';
import { hostEvent } from '../../src/core/story/protocol/messages';
import type { HistoryItem } from '../../src/core/story/protocol/wire';
import { models, storyRecord, usePanel } from './panel';
import type { PageDocument } from './pageGlobals';

declare const document: PageDocument;

const origin = { project: 'The Salt Road', chapter: 'chapters/02.md', command: 'continue' as const };
const items: HistoryItem[] = [
  {
    id: 'p-1',
    title: 'Mara climbed the harbour steps',
    modelId: models[0]!.id,
    createdAt: Date.UTC(2026, 0, 3, 10),
    status: 'done',
    outputTokens: 120,
    totalTokens: 1400,
    origin,
  },
  {
    id: 'q-1',
    title: 'An otter finds a lighthouse',
    modelId: models[0]!.id,
    createdAt: Date.UTC(2026, 0, 2, 10),
    status: 'done',
    outputTokens: 90,
  },
];

describe('story webview: story project entries in the history (Chromium)', function () {
  const { open, assertWellFormed, visibleText, isDisabled } = usePanel();

  /** Whether the element is shown (not hidden by itself or a parent). */
  const visible = async (sp: Awaited<ReturnType<typeof open>>, selector: string) =>
    sp.page.locator(selector).isVisible();

  it('shows the project, chapter and command on the row, and only on a project’s row', async () => {
    const sp = await open();
    await sp.send(hostEvent('history', { items }));
    assert.equal(
      await visibleText('#history-list li:nth-child(1) .history-origin'),
      'The Salt Road · chapters/02.md · Continue Writing',
    );
    assert.equal(await sp.page.locator('#history-list li:nth-child(2) .history-origin').count(), 0);
    // Text, never markup: a title or file name with tags stays text (the same count of items: no reload asked).
    await sp.send(
      hostEvent('history', {
        items: [
          {
            ...items[0]!,
            origin: { project: '<img src=x onerror=alert(1)>', chapter: 'chapters/<b>x</b>.md', command: 'scene' },
          },
          items[1]!,
        ],
      }),
    );
    await sp.page.waitForFunction(() =>
      /Write Scene from Beat/.test(document.querySelector('.history-origin')?.textContent ?? ''),
    );
    assert.equal(
      await visibleText('.history-origin'),
      '<img src=x onerror=alert(1)> · chapters/<b>x</b>.md · Write Scene from Beat',
    );
    assert.equal(await sp.page.locator('.history-origin img, .history-origin b').count(), 0);
    await assertWellFormed();
  });

  it('opens a project entry with Open Chapter, no Continue, Regenerate or Refine; Copy and Delete stay', async () => {
    const sp = await open();
    await sp.send(hostEvent('history', { items }));
    let before = (await sp.posted()).length;
    await sp.page.locator('.history-open', { hasText: 'Mara climbed' }).click();
    const openReq = await sp.waitForRequest('history.open', before);
    await sp.respond(openReq.id, {
      story: storyRecord({
        id: 'p-1',
        title: 'Mara climbed the harbour steps',
        text: 'Mara climbed the harbour steps.',
        origin,
      }),
    });
    await sp.page.waitForFunction(() => document.getElementById('story-origin')?.hidden === false);
    assert.match(await visibleText('#story-origin'), /The Salt Road · chapters\/02\.md · Continue Writing/);
    assert.deepEqual(
      [
        await visible(sp, '#stop'),
        await visible(sp, '#continue'),
        await visible(sp, '#regenerate'),
        await visible(sp, '#refine'),
      ],
      [false, false, false, false],
      'the panel’s own steps are not offered',
    );
    assert.equal(await visible(sp, '#open-chapter'), true);
    assert.equal(await isDisabled('export-copy'), false, 'Copy stays');
    assert.equal(await isDisabled('export-editor'), false, 'Export stays');
    assert.equal(
      await sp.page.locator('#history-list li.current vscode-button.history-delete').count(),
      1,
      'Delete stays',
    );

    before = (await sp.posted()).length;
    await sp.page.locator('#open-chapter').click();
    const chapterReq = await sp.waitForRequest('history.openChapter', before);
    assert.deepEqual(chapterReq.params, { id: 'p-1' });
    await sp.respond(chapterReq.id, null);
    await sp.page.waitForFunction(
      () => document.getElementById('story-status')?.textContent === 'Opened chapters/02.md in an editor.',
    );

    // The host's refusal (the file is gone) is one sentence in the error box.
    before = (await sp.posted()).length;
    await sp.page.locator('#open-chapter').click();
    const gone = await sp.waitForRequest('history.openChapter', before);
    const sentence =
      'chapters/02.md is no longer in this workspace. Open the folder of the project “The Salt Road”, or restore the file, then choose Open Chapter again.';
    await sp.send({
      kind: 'response',
      id: gone.id,
      ok: false,
      error: { message: sentence, code: 'chapterGone', actions: [] },
    });
    await sp.page.waitForFunction(() => document.getElementById('story-error')?.hidden === false);
    assert.equal(await visibleText('#story-error .error-message'), sentence);

    // A quick story opened after it has its steps back, and no Open Chapter.
    before = (await sp.posted()).length;
    await sp.page.locator('.history-open', { hasText: 'An otter' }).click();
    const quick = await sp.waitForRequest('history.open', before);
    await sp.respond(quick.id, {
      story: storyRecord({ id: 'q-1', title: 'An otter finds a lighthouse', text: 'Once.' }),
    });
    await sp.page.waitForFunction(() => document.getElementById('story-origin')?.hidden === true);
    assert.deepEqual(
      [
        await visible(sp, '#stop'),
        await visible(sp, '#continue'),
        await visible(sp, '#regenerate'),
        await visible(sp, '#refine'),
        await visible(sp, '#open-chapter'),
      ],
      [true, true, true, true, false],
    );
    assert.equal(await isDisabled('continue'), false, 'a quick story continues as before');
    await assertWellFormed();
  });
});
