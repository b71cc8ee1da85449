// A hostile story: nothing in it runs, loads or navigates, and it leaves the history as text.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEMO_STREAM_RATE, storyText, generateStory } from '../journey';
import type { E2EDocument, E2EWindow, Journey } from '../journey';
import { until } from '../workbench';

// The globals of the pages that frame.evaluate() runs in (the root tsconfig has no DOM lib).
declare const window: E2EWindow;
declare const document: E2EDocument;

export function aHostileStory(j: Journey): void {
  it('shows a hostile story as text: nothing in it runs, loads or navigates', async () => {
    const { wb, demo, browser, dialogs } = j;
    const hits: string[] = [];
    const trap: Server = createServer((req, res) => {
      hits.push(req.url ?? '');
      res.end('pwned');
    });
    await new Promise<void>((r) => trap.listen(0, '127.0.0.1', () => r()));
    const port = (trap.address() as AddressInfo).port;
    const trapUrl = (tag: string) => `http://127.0.0.1:${port}/pwned?${tag}`;
    // Scripts build their URL from base64, so that the text holds no link of theirs.
    const beacon = (tag: string) => `fetch(atob('${Buffer.from(trapUrl(tag)).toString('base64')}'))`;
    const set = (tag: string) =>
      `window.top.__pwned='${tag}';window.__pwned='${tag}';parent.postMessage('pwned-${tag}','*');document.title='pwned';${beacon(tag)}`;
    const hostile = [
      `# The <script>${set('title')}</script> keeper`,
      '',
      `<script>${set('script')}</script>`,
      '',
      `<img src=x onerror="${set('img')}">`,
      '',
      `<a href="javascript:${set('a')}">a javascript: link</a>`,
      '',
      `<iframe src="${trapUrl('iframe')}"></iframe> <iframe srcdoc="<script>${set('srcdoc')}</script>"></iframe>`,
      '',
      `<div onclick="${set('onclick')}" onmouseover="${set('onmouseover')}">hover or click me</div> <svg onload="${set('svg')}"></svg>`,
      '',
      `<style>body{background:url(${trapUrl('css')})}</style> <link rel="stylesheet" href="${trapUrl('link')}">`,
      '',
      `<form action="${trapUrl('form')}"><button>send</button></form> <meta http-equiv="refresh" content="0;url=${trapUrl('meta')}">`,
      '',
      `Markdown: [a javascript link](javascript:${set('md')}) and [a data link](data:text/html,<script>alert(1)</script>) and ![an image](${trapUrl('mdimg')})`,
      '',
      `A plain link a reader may follow: [the trap](${trapUrl('anchor')}).`,
      '',
      'The end.',
    ].join('\n');

    const frame = await wb.storyFrame();
    // Record what a payload could reach: every frame of the page listens for its messages.
    for (const f of wb.page.frames()) {
      await f
        .evaluate(() => {
          window.__pwnedMessages = 0;
          window.addEventListener('message', (e) => {
            if (String(e.data).includes('pwned')) window.__pwnedMessages = (window.__pwnedMessages ?? 0) + 1;
          });
        })
        .catch(() => undefined);
    }
    const topTitle = await wb.page.title();
    await demo.admin('PUT', 'story', { text: hostile });
    await j.streamRate(0);
    try {
      await generateStory(frame, 'An innocent premise about a lighthouse');

      const story = frame.locator('#story');
      const text = await storyText(frame);
      assert.ok(text.includes('<script>'), 'the literal "<script>" is shown as text');
      assert.ok(text.includes('<img src=x onerror='), 'the <img> tag is shown as text');
      assert.ok(text.includes('[a javascript link](javascript:'), 'the javascript: Markdown link stays literal text');
      assert.equal(
        await story
          .locator(
            'script, img, iframe, svg, style, link, form, meta, button, [onclick], [onerror], [onmouseover], [onload]',
          )
          .count(),
        0,
        'no live elements from the story',
      );
      const hrefs = await story
        .locator('a')
        .evaluateAll((links: { getAttribute(n: string): string | null }[]) =>
          links.map((a) => a.getAttribute('href') ?? ''),
        );
      assert.ok(
        hrefs.every((h) => /^(https?:|mailto:)/.test(h)),
        `only http(s)/mailto links: ${JSON.stringify(hrefs)}`,
      );

      // A reader pokes at it: hover and click what looks clickable (not the real links yet).
      await story.getByText('hover or click me').hover();
      await story.getByText('hover or click me').click();
      await story.getByText('a javascript: link').click();
      await story.getByText('[a javascript link]', { exact: false }).click();
      // A beacon still on its way would be seen below: after the plain link is followed through
      // this same server, it must be the only request the server saw.
      assert.equal(hits.length, 0, `nothing in the story reached the network: ${JSON.stringify(hits)}`);
      assert.deepEqual(dialogs, [], 'no dialog opened');
      assert.equal(await wb.page.title(), topTitle, 'the workbench title is untouched');
      for (const f of wb.page.frames()) {
        const seen = await f
          .evaluate(() => ({ pwned: window.__pwned, messages: window.__pwnedMessages, title: document.title }))
          .catch(() => undefined);
        if (!seen) continue;
        assert.equal(seen.pwned, undefined, `__pwned is not set in ${f.url()}`);
        assert.ok(!seen.messages, `no pwned message reached ${f.url()}`);
        assert.notEqual(seen.title, 'pwned', `the title of ${f.url()} is untouched`);
      }
      await wb.screenshot('hostile-story');

      // Following the plain link opens it outside (a new tab here), never inside the panel.
      const frameUrl = frame.url();
      const opened = browser.waitForEvent('page', { timeout: 15_000 });
      await story.locator(`a[href="${trapUrl('anchor')}"]`).click();
      const tab = await opened;
      await until('the link to be followed', () => hits.includes('/pwned?anchor'));
      assert.equal(frame.url(), frameUrl, 'the panel did not navigate');
      assert.deepEqual([...new Set(hits)], ['/pwned?anchor'], 'only the followed link was fetched');
      await tab.close();

      // Out of the history again, through its Delete button and VS Code's confirmation, which
      // shows the hostile title as plain text too.
      await frame.locator('#history-list li', { hasText: 'The <script>' }).locator('.history-delete').click();
      const confirm = await wb.waitForDialog(/from the story history\?/);
      assert.match(await confirm.innerText(), /Delete “The <script>window\.top\.__pwned=/);
      await wb.clickDialogButton('Delete');
      await until(
        'the hostile story to leave the history',
        async () => (await frame.locator('#history-list li').count()) === 3,
      );
      // The status line now says what this action did, and nothing of an earlier one. The list
      // may update a moment before Delete's answer comes back and the line is written.
      const status = await until('the status line to say what Delete did', async () => {
        const line = (await frame.locator('#story-status').innerText()).trim();
        return line ? line : undefined;
      });
      assert.match(status, /^Deleted “The <script>/);
      assert.deepEqual([...new Set(hits)], ['/pwned?anchor'], 'still nothing else fetched');
    } finally {
      await j.streamRate(DEMO_STREAM_RATE);
      await demo.admin('DELETE', 'story');
      trap.closeAllConnections(); // the followed link's tab may keep its connection alive
      await new Promise<void>((r) => trap.close(() => r()));
    }
  });
}
