// The story panel's page in real headless Chromium: the exact CSP it runs under, the host's
// language, the suite's clock, and messages from the host it must ignore.
import * as assert from 'node:assert/strict';
import { hostEvent } from '../../src/core/story/protocol/messages';
import type { HostEvent } from '../../src/core/story/protocol/messages';
import { storyCsp } from '../../src/core/story/webviewHtml';
import { models, usePanel } from './panel';
import type { PageDocument } from './pageGlobals';
import { CLOCK_OFFSET_MS } from '../support/clockOffset';

// The page's globals, for the functions that run in Chromium.
declare const document: PageDocument;
declare function getComputedStyle(el: unknown): { display: string };

describe('story webview: the page: its CSP, language and clock, and what the host may send (Chromium)', function () {
  const panel = usePanel();
  const { newPage, open, startStory, visibleText } = panel;

  it('runs under the exact CSP, and vscode-elements style themselves with constructable stylesheets', async () => {
    const sp = await open();
    const csp = await sp.page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    assert.equal(
      csp,
      storyCsp(panel.harness.cspSource, (await sp.page.locator('script[nonce]').getAttribute('nonce')) ?? 'missing'),
    );
    assert.doesNotMatch(csp ?? '', /unsafe/);
    const adopted = await sp.page.locator('#generate').evaluate((el) => el.shadowRoot?.adoptedStyleSheets.length ?? -1);
    assert.ok(adopted > 0, 'the button has adopted stylesheets');
    assert.equal(
      await sp.page.locator('#generate').evaluate((el) => el.shadowRoot?.querySelector('style') === null),
      true,
      'no <style> fallback',
    );
    // Our stylesheet applied (link allowed by style-src), and the button is actually laid out.
    assert.equal(await sp.page.locator('.columns').evaluate((el) => getComputedStyle(el).display), 'grid');
    const box = await sp.page.locator('#generate').boundingBox();
    assert.ok(box && box.width > 40 && box.height > 15, `button box ${JSON.stringify(box)}`);
    const ready = (await sp.posted()).find((p) => p.m.kind === 'event' && p.m.type === 'ready');
    assert.deepEqual(ready?.m, { kind: 'event', type: 'ready', data: { protocolVersion: 1 } });
    assert.match(await visibleText('.auth-line'), /Signed in as reader@example\.com/);
    assert.match(await visibleText('.usage-line'), /3,345 total tokens.*\$0\.0123 \(estimate\)/);
  });

  it("speaks the host's language: the sentences of VS Code's l10n bundle replace the English", async () => {
    const sp = await newPage({
      translations: {
        'Sign in to write stories.': 'Melde dich an, um Geschichten zu schreiben.',
        'Sign in': 'Anmelden',
      },
    });
    await sp.goto();
    await sp.send(hostEvent('state', { auth: { kind: 'signedOut' }, models, defaultModelId: models[0]!.id }));
    assert.equal(await visibleText('.notice p'), 'Melde dich an, um Geschichten zu schreiben.');
    assert.equal(await visibleText('#notice-sign-in'), 'Anmelden');
    assert.equal(await visibleText('.auth-line'), 'Signed out', 'untranslated sentences stay English');
    await sp.page.close();
  });

  it('runs on the suite’s clock: a year ahead in the year-ahead run (test/support/clockOffset.ts)', async () => {
    const sp = await open();
    const drift = await sp.page.evaluate(() => Date.now() - (performance.timeOrigin + performance.now()));
    assert.ok(Math.abs(drift - CLOCK_OFFSET_MS) < 5_000, `the page's clock is off by ${drift} ms`);
  });

  it('ignores malformed host messages with a warning and keeps working', async () => {
    const sp = await open();
    const bad: unknown[] = [
      null,
      'story.delta',
      { kind: 'event', type: 'story.delta', data: { storyId: 's', text: 42 } },
      { kind: 'event', type: 'state', data: { auth: { status: 'root' }, models: [], defaultModelId: '' } },
      { kind: 'event', type: 'eval', data: 'window.__pwned=1' },
      { kind: 'response', id: 999, ok: true, result: null },
    ];
    for (const m of bad) await sp.send(m as HostEvent);
    await startStory('ok-1');
    await sp.send(hostEvent('story.delta', { storyId: 'ok-1', text: 'Still fine.' }));
    await sp.page.waitForFunction(() => document.getElementById('story')?.textContent?.trim() === 'Still fine.');
    assert.equal(sp.problems.warnings.filter((w) => w.startsWith('Storyteller: ignored')).length, bad.length);
    assert.match(await visibleText('.auth-line'), /Signed in/, 'the bad state did not apply');
  });
});
