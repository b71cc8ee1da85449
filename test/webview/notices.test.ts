// The panel's notices and errors in real headless Chromium: the account states with their buttons,
// a story error's actions, and one status line per action.
import * as assert from 'node:assert/strict';
import { hostEvent } from '../../src/core/story/protocol/messages';
import type { WebviewRequest } from '../../src/core/story/protocol/messages';
import { models, signedIn, storyRecord, usePanel } from './panel';
import type { PageDocument } from './pageGlobals';

// The page's globals, for the functions that run in Chromium.
declare const document: PageDocument;

describe('story webview: account states and errors: notices, error actions, status lines (Chromium)', function () {
  const { open, assertWellFormed, startStory, visibleText, isDisabled } = usePanel();

  for (const [auth, text, buttonId, method] of [
    [{ kind: 'signedOut' }, 'Sign in to write stories.', 'notice-sign-in', 'signIn'],
    [{ kind: 'sessionExpired' }, 'Your session has expired.', 'notice-sign-in', 'signIn'],
    [{ kind: 'unconfigured' }, 'Storyteller is not configured yet', 'notice-configure', 'configure'],
    [{ kind: 'unconfigured' }, 'Storyteller is not configured yet', 'notice-settings', 'openSettings'],
  ] as const) {
    it(`shows the ${auth.kind} state with a button that posts ${method}`, async () => {
      const sp = await open(auth);
      assert.match(await visibleText('.notice'), new RegExp(text.replace(/[.]/g, '\\.')));
      assert.equal(await isDisabled('generate'), true, 'cannot generate');
      await sp.page.locator(`#${buttonId}`).click();
      const r = await sp.waitForRequest(method);
      assert.deepEqual(r.params, {});
      await sp.respond(r.id, null);
      // Signing in clears the notice and enables Generate.
      await sp.send(hostEvent('state', { auth: signedIn, models, defaultModelId: models[0]!.id }));
      await sp.page.waitForSelector('.notice', { state: 'hidden' });
      assert.equal(await isDisabled('generate'), false);
    });
  }

  it("shows today's prompt-cache tokens in the header (#26)", async () => {
    const sp = await open();
    await sp.send(
      hostEvent('usage.today', {
        inputTokens: 200,
        outputTokens: 800,
        cost: { amount: 0.0012, currency: 'USD', estimated: true },
        cacheReadInputTokens: 4000,
        cacheWriteInputTokens: 4000,
      }),
    );
    await sp.page.waitForFunction(() => document.querySelector('.usage-line')?.textContent?.includes('cache'));
    assert.equal(
      await visibleText('.usage-line'),
      'Today: 9,000 total tokens (4,000 read from the cache, 4,000 written to it) · ≈ $0.0012 (estimate)',
    );
  });

  it("shows a line per story project under today's usage, names as text (#26)", async () => {
    const sp = await open();
    const usd = (amount: number) => ({ amount, currency: 'USD', estimated: true as const });
    await sp.send(
      hostEvent('usage.today', {
        inputTokens: 600,
        outputTokens: 900,
        cost: usd(0.002),
        projects: [
          { project: '<img src=x onerror=alert(1)> Road', requests: 2, totalTokens: 1200, cost: usd(0.0015) },
          { project: 'Ember', requests: 1, totalTokens: 300, cost: null },
        ],
      }),
    );
    await sp.page.waitForSelector('.usage-projects li');
    assert.deepEqual(await sp.page.locator('.usage-projects li').allTextContents(), [
      '<img src=x onerror=alert(1)> Road: 1,200 tokens in 2 requests · ≈ $0.0015 (estimate)',
      'Ember: 300 tokens in 1 request',
    ]);
    assert.equal(await sp.page.locator('.usage-projects img').count(), 0, 'the name stays text');
    await sp.send(hostEvent('usage.today', { inputTokens: 1, outputTokens: 1, cost: null }));
    await sp.page.waitForSelector('.usage-projects', { state: 'hidden' });
  });

  it('shows the offline state without losing the draft', async () => {
    await open({ kind: 'offline', email: 'reader@example.com' });
    assert.match(await visibleText('.notice'), /offline/);
    assert.equal(await isDisabled('generate'), true);
    assert.match(await visibleText('.auth-line'), /Offline/);
  });

  it('shows a story error with action buttons that post the right requests', async () => {
    const sp = await open();
    await sp.page.locator('#premise textarea').fill('A storm.');
    await sp.page.locator('#generate').click();
    const gen = await sp.waitForRequest('generate');
    await sp.respond(gen.id, { storyId: 'e-1' });
    await startStory('e-1');
    await sp.send(hostEvent('story.delta', { storyId: 'e-1', text: 'It was a dark and' }));
    await sp.send(
      hostEvent('story.error', {
        storyId: 'e-1',
        code: 'throttled',
        message: 'Bedrock is busy right now.',
        actions: ['retry', 'continue', 'signIn', 'pickModel', 'openSettings', 'configure'],
        partialKept: true,
      }),
    );
    await sp.page.waitForSelector('#story-error:not([hidden])');
    assert.match(await visibleText('#story-error'), /Bedrock is busy right now\./);
    assert.deepEqual(await sp.page.locator('#story-error vscode-button').allInnerTexts(), [
      'Retry',
      'Continue',
      'Sign in',
      'Pick another model',
      'Open settings',
      'Configure from Stack Outputs…',
    ]);
    assert.match(await visibleText('#story'), /It was a dark and/, 'partial text kept');

    const expectRequest = async (action: string, method: WebviewRequest['method'], params: unknown): Promise<void> => {
      const before = (await sp.posted()).length;
      await sp.page.locator(`#story-error vscode-button[data-action="${action}"]`).click();
      const r = await sp.waitForRequest(method, before);
      assert.deepEqual(r.params, params, action);
      await sp.respond(r.id, method === 'generate' || method === 'continue' ? { storyId: 'e-1' } : null);
    };
    await expectRequest('signIn', 'signIn', {});
    await expectRequest('openSettings', 'openSettings', {});
    await expectRequest('configure', 'configure', {});
    await sp.page.locator('#story-error vscode-button[data-action="pickModel"]').click();
    assert.equal(await sp.page.evaluate(() => document.activeElement?.id), 'model');
    await expectRequest('continue', 'continue', { storyId: 'e-1' });

    // 'retry' re-sends the request that failed: here, the continue.
    await sp.send(
      hostEvent('story.error', {
        storyId: 'e-1',
        code: 'network',
        message: 'The network dropped.',
        actions: ['retry'],
        partialKept: false,
      }),
    );
    await sp.page.waitForSelector('#story-error vscode-button[data-action="retry"]');
    assert.match(
      (await sp.page.locator('#story').textContent()) ?? '',
      /It was a dark and/,
      'a Continue that failed before any text leaves the story as it was (#24)',
    );
    assert.equal(await visibleText('#story-status'), 'The story could not be written.');
    await expectRequest('retry', 'continue', { storyId: 'e-1' });

    // An error before any story (no storyId) still shows, with its actions.
    await sp.send(
      hostEvent('story.error', {
        code: 'signedOut',
        message: 'Sign in first.',
        actions: ['signIn'],
        partialKept: false,
      }),
    );
    await sp.page.waitForFunction(() =>
      document.getElementById('story-error')?.textContent?.includes('Sign in first.'),
    );
    // A failed request (ok:false) shows its message.
    await sp.page.locator('#premise textarea').fill('Another storm.');
    const before = (await sp.posted()).length;
    await sp.page.locator('#generate').click();
    const failing = await sp.waitForRequest('generate', before);
    await sp.send({
      kind: 'response',
      id: failing.id,
      ok: false,
      error: { message: 'Model not allowed.', code: 'modelNotAllowed', actions: [] },
    });
    await sp.page.waitForFunction(() =>
      document.getElementById('story-error')?.textContent?.includes('Model not allowed.'),
    );
    assert.deepEqual(
      await sp.page.locator('#story-error vscode-button').allInnerTexts(),
      [],
      'no Retry where asking again cannot help',
    );
    // A refusal with actions (the host's "Sign in to write stories.") offers them as buttons.
    const before2 = (await sp.posted()).length;
    await sp.page.locator('#generate').click();
    const refused = await sp.waitForRequest('generate', before2);
    await sp.send({
      kind: 'response',
      id: refused.id,
      ok: false,
      error: { message: 'Sign in to write stories.', code: 'notSignedIn', actions: ['signIn'] },
    });
    await sp.page.waitForFunction(() =>
      document.getElementById('story-error')?.textContent?.includes('Sign in to write stories.'),
    );
    assert.deepEqual(await sp.page.locator('#story-error vscode-button').allInnerTexts(), ['Sign in']);
    await assertWellFormed();
  });

  it('gives each status line to one action: the next action replaces it (#13)', async () => {
    const sp = await open();
    const items = [
      {
        id: 'a-1',
        title: 'First',
        modelId: models[0]!.id,
        createdAt: Date.now(),
        status: 'done' as const,
        outputTokens: 5,
        totalTokens: 9,
      },
      {
        id: 'a-2',
        title: 'Second',
        modelId: models[0]!.id,
        createdAt: Date.now(),
        status: 'done' as const,
        outputTokens: 5,
        totalTokens: 9,
      },
    ];
    await sp.send(hostEvent('history', { items }));
    let before = (await sp.posted()).length;
    await sp.page.locator('.history-open', { hasText: 'Second' }).click();
    const open2 = await sp.waitForRequest('history.open', before);
    await sp.respond(open2.id, {
      story: storyRecord({ id: 'a-2', title: 'Second', text: 'Text.' }),
    });
    before = (await sp.posted()).length;
    await sp.page.locator('#export-insert').click();
    const ins = await sp.waitForRequest('export', before);
    await sp.respond(ins.id, { exported: true });
    await sp.page.waitForFunction(
      () => document.getElementById('story-status')?.textContent === 'Inserted at the cursor.',
    );
    before = (await sp.posted()).length;
    await sp.page.getByRole('button', { name: 'Delete “First”' }).click();
    const del = await sp.waitForRequest('history.delete', before);
    await sp.respond(del.id, { deleted: true });
    await sp.page.waitForFunction(() => document.getElementById('story-status')?.textContent === 'Deleted “First”.');
    await sp.send(
      hostEvent('state', {
        auth: { kind: 'offline', email: 'reader@example.com' },
        models,
        defaultModelId: models[0]!.id,
      }),
    );
    await sp.page.waitForFunction(() => document.getElementById('story-status')?.textContent === '');
  });
});
