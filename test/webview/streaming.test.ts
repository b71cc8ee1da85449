// A story streaming into the panel in real headless Chromium: batched DOM updates, a long story at
// the host's rate, a hostile story shown as inert text, and the story actions by state.
import * as assert from 'node:assert/strict';
import { hostEvent } from '../../src/core/story/protocol/messages';
import { makeStory, streamStory } from './harness';
import { controls, models, storyDone, storyRecord, usePanel } from './panel';
import type { PageDocument } from './pageGlobals';

// The page's globals, for the functions that run in Chromium.
declare const document: PageDocument;
declare const window: Record<string, unknown>;

describe('story webview: streaming a story: batching, long stories, hostile text, Stop, Continue and Regenerate (Chromium)', function () {
  const { open, requests, assertWellFormed, startStory, visibleText, isDisabled } = usePanel();

  it('streams deltas into the story, touching the DOM at most once per animation frame', async () => {
    const sp = await open();
    await startStory();
    const tokens = makeStory(3000);
    // Burst: 300 messages posted back to back, so many arrive within one frame.
    const figures = await streamStory(sp, 's-1', tokens, 10, 0);
    assert.equal(figures.messages, 300);
    assert.equal(figures.framesWithSeveralMutations, 0, 'more than one DOM update in a frame');
    assert.ok(
      figures.flushes < figures.messages / 2,
      `flushes ${figures.flushes} should batch ${figures.messages} deltas`,
    );
    assert.ok(figures.flushes <= figures.frames + 1, `flushes ${figures.flushes} > frames ${figures.frames}`);
    assert.ok(Number.isFinite(figures.lastTokenLagMs), 'the last token appeared');
    // textContent: innerText leaves out chunks that content-visibility skips while off screen.
    const text = (await sp.page.locator('#story').textContent()) ?? '';
    assert.match(text.trimStart(), /^The Keeper and the Storm/);
    assert.match(text.trimEnd(), /Finis\.$/);
    assert.equal(await sp.page.locator('#story h2').count(), 7, 'headings rendered as markdown');
    assert.equal(await sp.page.locator('#story[aria-busy="true"]').count(), 1, 'busy while streaming');
    await sp.send(
      hostEvent('story.done', {
        storyId: 's-1',
        usage: { inputTokens: 50, outputTokens: 3000, totalTokens: 3050 },
        cost: { amount: 0.0009, currency: 'USD', estimated: true },
        stopReason: 'end_turn',
      }),
    );
    await sp.page.waitForSelector('#story[aria-busy="false"]');
    assert.match(await visibleText('#story-status'), /Story finished\./);
    assert.match(await visibleText('#story-meta'), /^Nova Lite · 3,050 total tokens · ≈ \$0\.0009 \(estimate\)$/);
    // Finishing re-renders the whole text consistently: same words as streamed.
    const words = tokens
      .join('')
      .replace(/\*/g, '')
      .replace(/[#>\-\n]/g, ' ')
      .split(/\s+/)
      .filter(Boolean);
    const shown = ((await sp.page.locator('#story').textContent()) ?? '').split(/\s+/).filter(Boolean);
    assert.deepEqual(shown, words);
  });

  // How smoothly (messages per second, lag, time per flush, long tasks) is `npm run bench`'s
  // webview render figures, each beside its goal; here, what the panel does with such a story.
  it('streams a 20,000-token story at the host rate: one DOM update a frame, committed blocks, following the end', async function () {
    this.timeout(120_000);
    const sp = await open();
    await startStory('long');
    const tokens = makeStory(20_000);
    const f = await streamStory(sp, 'long', tokens, 40);
    assert.ok(f.chars > 85_000, `story is ${f.chars} chars`);
    assert.equal(f.messages, 500, 'every delta was sent');
    assert.ok(Number.isFinite(f.lastTokenLagMs), 'the last token appeared');
    assert.ok(f.lastTokenInView, 'the story follows the text to the end');
    assert.equal(f.framesWithSeveralMutations, 0);
    assert.equal(f.postedDuringStream, 0, 'the webview posts nothing back while streaming');
    assert.equal(f.setStateDuringStream, 0, 'nor writes its state');
    assert.ok((await sp.page.locator('#story .chunk').count()) > 50, 'finished blocks were committed, not re-rendered');
  });

  it('renders a hostile story as inert text', async () => {
    const sp = await open();
    await startStory('evil');
    const hostile = [
      '<script>window.__pwned=1</script>\n\n',
      '<img src=x onerror="window.__pwned=1">\n\n',
      '[click](javascript:window.__pwned=1)\n\n',
      '<b>html</b> and <iframe src="javascript:window.__pwned=1"></iframe>\n\n',
      '<a href="javascript:window.__pwned=1">raw link</a>\n\n',
      '![pic](https://example.com/x.png) [ok](https://example.com/docs) javascript:window.__pwned=1\n\n',
      '| a | b |\n|--:|:-:|\n| 1 | 2 |\n\n',
      '```html\n<script>window.__pwned=1</script>\n```\n',
    ];
    for (const piece of hostile) await sp.send(hostEvent('story.delta', { storyId: 'evil', text: piece }));
    await sp.send(storyDone('evil'));
    await sp.page.waitForSelector('#story[aria-busy="false"]');
    const story = sp.page.locator('#story');
    const text = (await story.textContent()) ?? '';
    for (const literal of [
      '<script>window.__pwned=1</script>',
      '<img src=x onerror="window.__pwned=1">',
      '[click](javascript:window.__pwned=1)',
      '<b>html</b>',
      '<iframe src="javascript:window.__pwned=1"></iframe>',
      '<a href="javascript:window.__pwned=1">raw link</a>',
    ]) {
      assert.ok(text.includes(literal), `shown as text: ${literal}`);
    }
    assert.equal(await story.locator('script, img, iframe, b, style, object, embed, svg, form, input').count(), 0);
    assert.equal(await story.locator('[style], [onerror], [onclick], [src]').count(), 0);
    // Only https links survive (the image, with images off, becomes "!" and a link); no javascript: href anywhere.
    assert.deepEqual(await story.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href'))), [
      'https://example.com/x.png',
      'https://example.com/docs',
    ]);
    assert.equal(await story.locator('td.align-right').count(), 1, 'table alignment as a class, not a style attribute');

    // Click everything that looks like a link; nothing runs, nothing navigates.
    const url = sp.page.url();
    const before = (await sp.posted()).length;
    await story.getByText('[click](javascript:window.__pwned=1)').click();
    await story.getByText('raw link').click();
    await story.locator('a', { hasText: 'ok' }).click();
    await story.locator('a', { hasText: 'ok' }).click({ button: 'middle' });
    const link = await sp.waitForRequest('openLink', before);
    assert.deepEqual(link.params, { url: 'https://example.com/docs' });
    await sp.respond(link.id, null);
    assert.equal(sp.page.url(), url, 'the webview did not navigate');
    assert.equal(await sp.page.evaluate(() => window.__pwned), undefined);
    assert.equal(
      (await requests()).filter((r) => r.method === 'openLink').length,
      1,
      'only the safe link was asked for, once',
    );

    // The same story opened from history (one full render) is just as inert.
    await sp.send(
      hostEvent('story.opened', {
        story: storyRecord({ id: 'evil2', title: '<img src=x onerror=alert(1)>', text: hostile.join('') }),
      }),
    );
    await sp.page.waitForFunction(() => document.getElementById('story-title')?.textContent?.startsWith('<img'));
    assert.equal(await sp.page.locator('#story script, #story img, #story iframe, #story-title img').count(), 0);
    assert.equal(await sp.page.evaluate(() => window.__pwned), undefined);
  });

  it('enables Stop, Continue and Regenerate by story state; Escape stops', async () => {
    const sp = await open();
    const state = async () => ({
      stop: await isDisabled('stop'),
      cont: await isDisabled('continue'),
      regen: await isDisabled('regenerate'),
      exp: await isDisabled('export-copy'),
    });
    assert.deepEqual(await state(), { stop: true, cont: true, regen: true, exp: true }, 'no story');
    await startStory('b-1');
    await sp.send(hostEvent('story.delta', { storyId: 'b-1', text: 'Once upon a time' }));
    await sp.page.waitForFunction(() => document.getElementById('story')?.textContent?.includes('Once upon'));
    assert.deepEqual(await state(), { stop: false, cont: true, regen: true, exp: true }, 'streaming');
    assert.equal(await isDisabled('generate'), true, 'one story at a time');

    let before = (await sp.posted()).length;
    await sp.page.keyboard.press('Escape');
    const stop = await sp.waitForRequest('stop', before);
    assert.deepEqual(stop.params, { storyId: 'b-1' });
    await sp.respond(stop.id, null);
    await sp.send(hostEvent('story.stopped', { storyId: 'b-1' }));
    await sp.page.waitForFunction(() => document.getElementById('story-status')?.textContent?.startsWith('Stopped'));
    assert.deepEqual(await state(), { stop: true, cont: false, regen: false, exp: false }, 'stopped');

    before = (await sp.posted()).length;
    await sp.page.locator('#continue').click();
    const cont = await sp.waitForRequest('continue', before);
    assert.deepEqual(cont.params, { storyId: 'b-1' });
    await sp.respond(cont.id, { storyId: 'b-1' });
    await startStory('b-1', 'continue');
    await sp.send(hostEvent('story.delta', { storyId: 'b-1', text: ', there was more.' }));
    await sp.send(storyDone('b-1', { stopReason: 'max_tokens' }));
    await sp.page.waitForFunction(
      () => document.getElementById('story')?.textContent?.trim() === 'Once upon a time, there was more.',
    );
    assert.match(await visibleText('#story-status'), /length limit/);
    assert.deepEqual(await state(), { stop: true, cont: false, regen: false, exp: false }, 'done');

    before = (await sp.posted()).length;
    await sp.page.locator('#regenerate').click();
    const regen = await sp.waitForRequest('regenerate', before);
    assert.deepEqual(regen.params, { storyId: 'b-1' });
    await sp.respond(regen.id, { storyId: 'b-2' });
    await startStory('b-2', 'regenerate');
    assert.equal((await sp.page.locator('#story').textContent())?.trim(), '', 'regenerate starts from empty text');
    await sp.send(storyDone('b-2'));

    // Refine needs text and an instruction.
    await sp.send(
      hostEvent('story.opened', {
        story: {
          id: 'b-3',
          title: 'T',
          modelId: models[0]!.id,
          controls,
          text: 'Some text.',
          status: 'done',
          usage: null,
          cost: null,
          createdAt: 0,
        },
      }),
    );
    await sp.page.waitForFunction(() => document.getElementById('story')?.textContent?.trim() === 'Some text.');
    assert.equal(await isDisabled('refine-button'), true, 'no instruction yet');
    await sp.page.locator('#refine input').fill('Shorter, please.');
    assert.equal(await isDisabled('refine-button'), false);
    before = (await sp.posted()).length;
    await sp.page.locator('#refine input').press('Control+Enter');
    const refine = await sp.waitForRequest('refine', before);
    assert.deepEqual(refine.params, { storyId: 'b-3', instruction: 'Shorter, please.' });
    await assertWellFormed();
  });
});
