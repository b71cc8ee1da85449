// Budget mode in the panel, in real headless Chromium (#16): the tokens left today, what fits,
// and a spent budget that leaves the panel usable.
import * as assert from 'node:assert/strict';
import { hostEvent } from '../../src/core/story/protocol/messages';
import { storyRecord, usePanel } from './panel';
import type { PageDocument } from './pageGlobals';

// The page's globals, for the functions that run in Chromium.
declare const document: PageDocument;

describe('story webview: budget mode (#16) (Chromium)', function () {
  const { open, startStory, visibleText, isDisabled } = usePanel();

  it('budget mode: shows the tokens left today, counts down, and a spent budget leaves the panel usable (#16)', async () => {
    const sp = await open();
    assert.equal(await sp.page.locator('.budget-line').isHidden(), true, 'no budget in direct mode');
    // The panel compares the reset with its own clock: three hours from now, whatever the date.
    const resetsAt = (await sp.page.evaluate(() => Date.now())) + 3 * 3_600_000;
    await sp.send(hostEvent('usage.budget', { dailyTokens: 50_000, tokensLeft: 12_400, resetsAt }));
    assert.equal(await visibleText('.budget-line'), '12,400 of 50,000 tokens left today');
    assert.equal(await sp.page.locator('.budget-line').getAttribute('role'), 'status', 'read out when it changes');
    assert.match((await sp.page.locator('.budget-line').getAttribute('title')) ?? '', /starts again at \d/);
    await sp.send(hostEvent('usage.budget', { dailyTokens: 50_000, tokensLeft: 0, resetsAt }));
    assert.equal(await visibleText('.budget-line'), '0 of 50,000 tokens left today');
    assert.equal(await sp.page.locator('.budget-line').getAttribute('data-left'), 'none');
    await sp.page.locator('#premise textarea').fill('A storm.');
    assert.equal(await isDisabled('generate'), true, 'no story fits in 0 tokens: nothing is asked');
    assert.match(
      await visibleText('#budget-shortfall'),
      /^0 tokens left today: not enough for a story\. Your daily token budget starts again at \d/,
    );
    // 2,000 left: a Medium story's 2,000 output tokens would, but not with its prompt, which the
    // gateway reserves too (its rule, shared: 2,555 for this form); a Short one (1,352) fits (#24).
    await sp.send(hostEvent('usage.budget', { dailyTokens: 50_000, tokensLeft: 2000, resetsAt }));
    await sp.page.waitForFunction(() => document.getElementById('budget-shortfall')?.textContent?.includes('2,555'));
    assert.equal(
      await visibleText('#budget-shortfall'),
      'Medium needs 2,555 tokens; 2,000 are left today. Short fits.',
    );
    assert.equal(await isDisabled('generate'), true);
    await sp.send(hostEvent('usage.budget', { dailyTokens: 50_000, tokensLeft: 2555, resetsAt }));
    await sp.page.waitForFunction(() => document.getElementById('budget-shortfall')?.textContent === '');

    await sp.page.locator('#generate').click();
    const gen = await sp.waitForRequest('generate');
    await sp.respond(gen.id, { storyId: 'b-1' });
    await startStory('b-1');
    const message =
      'Your daily token budget has 2,500 tokens left and this story may need 2,650; it resets in 3 h (00:00 UTC). Choose a shorter length or wait until then.';
    await sp.send(
      hostEvent('story.error', {
        storyId: 'b-1',
        code: 'budgetExceeded',
        message,
        actions: [],
        partialKept: false,
        retryAt: resetsAt,
      }),
    );
    await sp.page.waitForSelector('#story-error:not([hidden])');
    assert.equal(await visibleText('#story-error'), message);
    assert.equal(await sp.page.locator('#story-error vscode-button').count(), 0, 'no Retry before the reset');
    // Not a failed story (#24): the refused one is gone, the status says why.
    assert.equal(await visibleText('#story-status'), 'Not enough budget today.');
    assert.equal((await sp.page.locator('#story').innerText()).trim(), '', 'no empty story left on screen');
    assert.equal(await isDisabled('generate'), true, 'nor the same story again');
    assert.match((await sp.page.locator('#generate').getAttribute('title')) ?? '', /starts again at \d/);
    await sp.page.locator('#length').evaluate((el) => {
      el.value = 'short';
      el.dispatchEvent(new Event('change'));
    });
    await sp.page.waitForFunction(
      () => (document.getElementById('generate') as { disabled?: boolean } | null)?.disabled === false,
    );
    assert.equal(
      await sp.page.locator('#generate').getAttribute('title'),
      'Generate (Ctrl+Enter)',
      'a shorter one may fit',
    );

    // A refused Regenerate: the story it was asked of comes back, with the message, and waits.
    const kept = storyRecord({ id: 'b-0', title: 'The Storm', text: 'A storm came.' });
    await sp.send(hostEvent('story.opened', { story: kept }));
    await sp.page.waitForFunction(() => document.getElementById('story')?.textContent?.includes('A storm came.'));
    assert.equal(await isDisabled('regenerate'), true, 'its controls need more than the 2,555 left');
    // Enough left by the panel's count; the gateway refuses all the same (another window spent it).
    await sp.send(hostEvent('usage.budget', { dailyTokens: 50_000, tokensLeft: 4000, resetsAt }));
    await sp.page.waitForFunction(
      () => (document.getElementById('regenerate') as { disabled?: boolean } | null)?.disabled === false,
    );
    let before = (await sp.posted()).length;
    await sp.page.locator('#regenerate').click();
    const regen = await sp.waitForRequest('regenerate', before);
    await sp.respond(regen.id, { storyId: 'b-2' });
    await startStory('b-2', 'regenerate');
    before = (await sp.posted()).length;
    await sp.send(
      hostEvent('story.error', {
        storyId: 'b-2',
        code: 'budgetExceeded',
        message,
        actions: [],
        partialKept: false,
        retryAt: resetsAt,
      }),
    );
    const reopen = await sp.waitForRequest('history.open', before);
    assert.deepEqual(reopen.params, { id: 'b-0' });
    await sp.respond(reopen.id, { story: kept });
    await sp.page.waitForFunction(() => document.getElementById('story')?.textContent?.includes('A storm came.'));
    assert.equal(await visibleText('#story-error'), message, 'the message stays');
    assert.equal(await visibleText('#story-status'), 'Not enough budget today.');
    assert.equal(await isDisabled('regenerate'), true, 'Regenerate would only be refused again');
    assert.match((await sp.page.locator('#regenerate').getAttribute('title')) ?? '', /does not cover this story/);

    // The day's budget starts again: what was refused is offered again.
    await sp.send(
      hostEvent('usage.budget', { dailyTokens: 50_000, tokensLeft: 50_000, resetsAt: resetsAt + 86_400_000 }),
    );
    await sp.page.waitForFunction(
      () => (document.getElementById('regenerate') as { disabled?: boolean } | null)?.disabled === false,
    );
    assert.equal(await sp.page.locator('#regenerate').getAttribute('title'), '');

    await sp.send(hostEvent('usage.budget', null));
    assert.equal(await sp.page.locator('.budget-line').isHidden(), true, 'direct mode again');
  });
});
