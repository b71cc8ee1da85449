// The story panel's webview in real headless Chromium, under the real CSP (page from storyHtml).
import * as assert from 'node:assert/strict';
import { DEFAULT_CONTROLS } from '../../src/core/story/protocol/controls';
import { hostEvent, parseWebviewMessage } from '../../src/core/story/protocol/messages';
import { EMPTY_DRAFT } from '../../src/core/story/protocol/webviewState';
import type { HostEvent, WebviewRequest } from '../../src/core/story/protocol/messages';
import type { AuthState, ModelInfo, StoryRecord } from '../../src/core/story/protocol/wire';
import { storyCsp } from '../../src/core/story/webviewHtml';
import { makeStory, startHarness, streamStory } from './harness';
import type { Harness, StoryPage } from './harness';
import type { PageDocument, PageStorage } from './pageGlobals';
import { CLOCK_OFFSET_MS } from '../support/clockOffset';

// The page's globals, for the functions that run in Chromium.
declare const document: PageDocument;
declare const sessionStorage: PageStorage;
declare const window: Record<string, unknown>;
declare function getComputedStyle(el: unknown): { display: string };

const models: ModelInfo[] = [
  { id: 'amazon.nova-lite-v1:0', name: 'Nova Lite', provider: 'Amazon' },
  { id: 'us.anthropic.claude-haiku-4-5-20251001-v1:0', name: 'Claude Haiku 4.5', provider: 'Anthropic' },
];
const signedIn: AuthState = { kind: 'signedIn', email: 'reader@example.com' };
const controls = { ...DEFAULT_CONTROLS, premise: 'A lighthouse keeper befriends a storm.' };

describe('story webview (Chromium)', function () {
  let harness: Harness;
  let sp: StoryPage;

  before(async function () {
    this.timeout(120_000);
    harness = await startHarness();
  });
  after(async () => harness?.close());

  /** Opens the panel and plays the host's answer to `ready`. */
  async function open(auth: AuthState = signedIn, initialState?: unknown): Promise<StoryPage> {
    sp = await harness.newPage(initialState === undefined ? {} : { initialState });
    await sp.goto();
    await sp.send(hostEvent('state', { auth, models, defaultModelId: models[0]!.id }));
    await sp.send(hostEvent('history', { items: [] }));
    await sp.send(
      hostEvent('usage.today', {
        inputTokens: 1000,
        outputTokens: 2345,
        cost: { amount: 0.0123, currency: 'USD', estimated: true },
      }),
    );
    return sp;
  }

  async function requests(): Promise<WebviewRequest[]> {
    return (await sp.posted()).map((p) => p.m).filter((m): m is WebviewRequest => m.kind === 'request');
  }

  /** Every posted message must pass the host's own validator. */
  async function assertWellFormed(): Promise<void> {
    for (const p of await sp.posted())
      assert.ok(parseWebviewMessage(p.m), `malformed message posted: ${JSON.stringify(p.m)}`);
  }

  async function startStory(
    storyId = 's-1',
    kind: 'new' | 'continue' | 'regenerate' | 'refine' = 'new',
  ): Promise<void> {
    await sp.send(hostEvent('story.started', { storyId, modelId: models[0]!.id, controls, kind }));
  }

  const visibleText = (selector: string) => sp.page.locator(selector).innerText();
  const isDisabled = (id: string) => sp.page.locator(`#${id}`).evaluate((el) => el.disabled);

  afterEach(async function () {
    if (!sp) return;
    const violations = await sp.cspViolations();
    const errors = sp.problems.errors;
    await sp.page.close();
    // Every test doubles as a CSP check: not one violation, not one page error.
    assert.deepEqual(violations, [], 'CSP violations');
    assert.deepEqual(errors, [], 'console errors');
  });

  it('runs under the exact CSP, and vscode-elements style themselves with constructable stylesheets', async () => {
    await open();
    const csp = await sp.page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    assert.equal(
      csp,
      storyCsp(harness.cspSource, (await sp.page.locator('script[nonce]').getAttribute('nonce')) ?? 'missing'),
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

  it('validates the form inline and posts generate only when valid', async () => {
    await open();
    const premise = sp.page.locator('#premise textarea');
    await sp.page.locator('#premise').evaluate((el) => (el.value = ''));
    await sp.page.locator('#generate').click();
    assert.equal(await visibleText('#premise-error'), 'Premise is required.');
    assert.match(await visibleText('.form-alert'), /Please fix one problem/);
    assert.equal(
      await sp.page.evaluate(() => document.activeElement?.id),
      'premise',
      'focus moves to the first invalid field',
    );

    await premise.fill('x'.repeat(4001));
    assert.equal(
      await visibleText('#premise-error'),
      'Premise is 4,001 characters long; the limit is 4,000.',
      'live once submitted',
    );
    assert.match(await visibleText('#premise-count'), /4,001 \/ 4,000/);

    await premise.fill('  A lighthouse keeper befriends a storm.  ');
    assert.equal(await visibleText('#premise-error'), '');
    await sp.page.locator('#temperature input').fill('1.5');
    await sp.page.locator('#generate').click();
    assert.equal(await visibleText('#temperature-error'), 'Temperature must be from 0 to 1; it is 1.5.');
    await sp.page.locator('#temperature input').fill('');
    await sp.page.locator('#generate').click();
    assert.equal(await visibleText('#temperature-error'), 'Temperature must be a number from 0 to 1.');
    assert.equal((await requests()).filter((r) => r.method === 'generate').length, 0, 'nothing posted while invalid');

    await sp.page.locator('#temperature input').fill('0.3');
    await sp.page.locator('#genre input').fill('mystery');
    await sp.page.locator('#generate').click();
    const gen = await sp.waitForRequest('generate');
    assert.deepEqual(gen.params, {
      controls: {
        premise: 'A lighthouse keeper befriends a storm.',
        genre: 'mystery',
        audience: 'adult',
        tone: 'whimsical',
        length: 'medium',
        temperature: 0.3,
      },
      modelId: 'amazon.nova-lite-v1:0',
    });
    assert.equal(await visibleText('#temperature-error'), '');
    assert.equal(await isDisabled('generate'), true, 'disabled while the request is pending');
    await sp.respond(gen.id, { storyId: 's-1' });
    await sp.page.waitForFunction(
      () => !(document.getElementById('generate') as unknown as { disabled: boolean }).disabled,
    );

    // Ctrl+Enter generates from anywhere in the form.
    const before = (await sp.posted()).length;
    await premise.press('Control+Enter');
    const again = await sp.waitForRequest('generate', before);
    assert.equal(again.params.controls.premise, 'A lighthouse keeper befriends a storm.');
    await sp.respond(again.id, { storyId: 's-2' });
    await assertWellFormed();
  });

  it('streams deltas into the story, touching the DOM at most once per animation frame', async () => {
    await open();
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
    await open();
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
    await open();
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
    await sp.send(
      hostEvent('story.done', {
        storyId: 'evil',
        usage: { inputTokens: 1, outputTokens: 2, totalTokens: 3 },
        cost: null,
        stopReason: 'end_turn',
      }),
    );
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
        story: {
          id: 'evil2',
          title: '<img src=x onerror=alert(1)>',
          modelId: models[0]!.id,
          controls,
          text: hostile.join(''),
          status: 'done',
          usage: null,
          cost: null,
          createdAt: Date.now(),
        },
      }),
    );
    await sp.page.waitForFunction(() => document.getElementById('story-title')?.textContent?.startsWith('<img'));
    assert.equal(await sp.page.locator('#story script, #story img, #story iframe, #story-title img').count(), 0);
    assert.equal(await sp.page.evaluate(() => window.__pwned), undefined);
  });

  it('loses no typed character after a refused Generate, typing at 5 ms a key', async () => {
    await open();
    const premise = sp.page.locator('#premise textarea');
    await premise.fill('A storm.');
    await sp.page.locator('#generate').click();
    const gen = await sp.waitForRequest('generate');
    await sp.send({
      kind: 'response',
      id: gen.id,
      ok: false,
      error: { message: 'Sign in to write stories.', code: 'notSignedIn', actions: ['signIn'] },
    });
    await sp.page.waitForSelector('#story-error:not([hidden])');
    // Refused by the form itself this time: a premise over the limit.
    await premise.fill('x'.repeat(5000));
    await sp.page.locator('#generate').click();
    assert.match(await visibleText('#premise-error'), /5,000/);
    for (let round = 0; round < 3; round++) {
      await premise.click();
      await sp.page.keyboard.press('Control+A');
      await sp.page.keyboard.press('Backspace');
      await premise.pressSequentially('A lighthouse keeper befriends a storm', { delay: 5 });
      assert.equal(await premise.inputValue(), 'A lighthouse keeper befriends a storm', `round ${round}`);
      assert.equal(
        await sp.page.locator('#premise').evaluate((el) => el.value),
        'A lighthouse keeper befriends a storm',
      );
    }
  });

  it('keeps the draft across a reload (getState/setState) and re-opens the shown story', async () => {
    await open();
    await sp.page.locator('#premise textarea').fill('A cat who runs a bakery.');
    await sp.page.locator('#genre input').fill('cozy');
    await sp.page.locator('#temperature input').fill('0.9');
    await sp.page.locator('#length').evaluate((el) => {
      el.value = 'long';
      el.dispatchEvent(new Event('change'));
    });
    await sp.page.locator('#model').evaluate((el) => {
      el.value = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';
      el.dispatchEvent(new Event('change'));
    });
    await startStory('shown-1');
    await sp.page.locator('#refine input').fill('Add a twist.');
    await sp.page.waitForFunction(
      () =>
        (JSON.parse(sessionStorage.getItem('storyteller-state') ?? '{}') as { draft?: { refineInstruction?: string } })
          .draft?.refineInstruction === 'Add a twist.',
    );
    const state = await sp.state();
    assert.deepEqual(state, {
      version: 1,
      draft: {
        ...EMPTY_DRAFT,
        premise: 'A cat who runs a bakery.',
        genre: 'cozy',
        temperature: '0.9',
        length: 'long',
        modelId: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
        refineInstruction: 'Add a twist.',
      },
      storyId: 'shown-1',
      owner: 'reader@example.com',
    });

    await sp.page.reload();
    await sp.page.waitForFunction(() =>
      (window.__posted as { m: { type?: string } }[]).some((p) => p.m.type === 'ready'),
    );
    await sp.send(hostEvent('state', { auth: signedIn, models, defaultModelId: models[0]!.id }));
    assert.equal(await sp.page.locator('#premise').evaluate((el) => el.value), 'A cat who runs a bakery.');
    assert.equal(await sp.page.locator('#genre').evaluate((el) => el.value), 'cozy');
    assert.equal(await sp.page.locator('#temperature').evaluate((el) => el.value), '0.9');
    assert.equal(await sp.page.locator('#length').evaluate((el) => el.value), 'long');
    assert.equal(await sp.page.locator('#refine').evaluate((el) => el.value), 'Add a twist.');
    await sp.page.waitForFunction(
      () =>
        (document.getElementById('model') as unknown as { value: string } | null)?.value ===
        'us.anthropic.claude-haiku-4-5-20251001-v1:0',
    );
    const reopen = await sp.waitForRequest('history.open');
    assert.deepEqual(reopen.params, { id: 'shown-1' });
    const story: StoryRecord = {
      id: 'shown-1',
      title: 'The Bakery Cat',
      modelId: models[1]!.id,
      controls,
      text: 'Once there was a **cat**.',
      status: 'stopped',
      usage: null,
      cost: null,
      createdAt: Date.now(),
    };
    await sp.respond(reopen.id, { story });
    await sp.page.waitForFunction(() => document.querySelector('#story strong')?.textContent === 'cat');
    assert.equal(await visibleText('#story-title'), 'The Bakery Cat');
    await assertWellFormed();
  });

  it('restores a draft handed over by the serializer, and ignores a malformed one', async () => {
    await open(signedIn, { version: 1, draft: { ...EMPTY_DRAFT, premise: 'From the serializer', tone: 'grim' } });
    assert.equal(await sp.page.locator('#premise').evaluate((el) => el.value), 'From the serializer');
    assert.equal(await sp.page.locator('#tone').evaluate((el) => el.value), 'grim');
    await sp.page.close();

    await open(signedIn, { version: 1, draft: { premise: 42 }, token: 'secret' });
    assert.equal(await sp.page.locator('#premise').evaluate((el) => el.value), '');
    assert.equal(await sp.page.locator('#genre').evaluate((el) => el.value), 'fantasy', 'defaults');
  });

  it("speaks the host's language: the sentences of VS Code's l10n bundle replace the English", async () => {
    sp = await harness.newPage({
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

  for (const [auth, text, buttonId, method] of [
    [{ kind: 'signedOut' }, 'Sign in to write stories.', 'notice-sign-in', 'signIn'],
    [{ kind: 'sessionExpired' }, 'Your session has expired.', 'notice-sign-in', 'signIn'],
    [{ kind: 'unconfigured' }, 'Storyteller is not configured yet', 'notice-settings', 'openSettings'],
  ] as const) {
    it(`shows the ${auth.kind} state with a button that posts ${method}`, async () => {
      await open(auth);
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

  it('shows the offline state without losing the draft', async () => {
    await open({ kind: 'offline', email: 'reader@example.com' });
    assert.match(await visibleText('.notice'), /offline/);
    assert.equal(await isDisabled('generate'), true);
    assert.match(await visibleText('.auth-line'), /Offline/);
  });

  it('shows a story error with action buttons that post the right requests', async () => {
    await open();
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
        actions: ['retry', 'continue', 'signIn', 'pickModel', 'openSettings'],
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

  it('runs on the suite’s clock: a year ahead in the year-ahead run (test/support/clockOffset.ts)', async () => {
    await open();
    const drift = await sp.page.evaluate(() => Date.now() - (performance.timeOrigin + performance.now()));
    assert.ok(Math.abs(drift - CLOCK_OFFSET_MS) < 5_000, `the page's clock is off by ${drift} ms`);
  });

  it('budget mode: shows the tokens left today, counts down, and a spent budget leaves the panel usable (#16)', async () => {
    await open();
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
    const kept: StoryRecord = {
      id: 'b-0',
      title: 'The Storm',
      modelId: models[0]!.id,
      controls,
      text: 'A storm came.',
      status: 'done',
      usage: null,
      cost: null,
      createdAt: Date.now(),
    };
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

  it('enables Stop, Continue and Regenerate by story state; Escape stops', async () => {
    await open();
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
    await sp.send(
      hostEvent('story.done', {
        storyId: 'b-1',
        usage: { inputTokens: 1, outputTokens: 2, totalTokens: 3 },
        cost: null,
        stopReason: 'max_tokens',
      }),
    );
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
    await sp.send(
      hostEvent('story.done', {
        storyId: 'b-2',
        usage: { inputTokens: 1, outputTokens: 2, totalTokens: 3 },
        cost: null,
        stopReason: 'end_turn',
      }),
    );

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

  it('clears every trace of the previous user on a change of user, and on sign-out (#13)', async () => {
    for (const next of [{ kind: 'signedIn', email: 'other@example.com' }, { kind: 'signedOut' }] as const) {
      await open();
      await sp.page.locator('#premise textarea').fill('My private premise.');
      await sp.send(
        hostEvent('history', {
          items: [
            {
              id: 'p-1',
              title: 'Private',
              modelId: models[0]!.id,
              createdAt: Date.now(),
              status: 'done',
              outputTokens: 10,
              totalTokens: 20,
            },
          ],
        }),
      );
      await startStory('p-1');
      await sp.send(hostEvent('story.delta', { storyId: 'p-1', text: 'A secret story.' }));
      await sp.send(
        hostEvent('story.error', {
          storyId: 'p-1',
          code: 'network',
          message: 'The network dropped.',
          actions: ['retry'],
          partialKept: true,
        }),
      );
      await sp.page.waitForSelector('#story-error:not([hidden])');
      await sp.page.waitForFunction(
        () =>
          (JSON.parse(sessionStorage.getItem('storyteller-state') ?? '{}') as { storyId?: string }).storyId === 'p-1',
      );

      await sp.send(hostEvent('state', { auth: next, models, defaultModelId: models[0]!.id }));
      await sp.page.waitForFunction(() => document.querySelector('#history-list li') === null);
      assert.equal((await sp.page.locator('#story').textContent())?.trim(), '', 'no story');
      assert.equal(await visibleText('#story-title'), 'Story');
      assert.equal(await sp.page.locator('#story-error').isHidden(), true, 'no error notice');
      assert.equal(await visibleText('.usage-line'), '', 'no usage of the previous user');
      assert.equal(await sp.page.locator('#premise').evaluate((el) => el.value), '', 'no draft');
      const state = (await sp.state()) as { draft: { premise: string }; storyId?: string; owner?: string };
      assert.equal(state.draft.premise, '');
      assert.equal(state.storyId, undefined);
      assert.equal(state.owner, next.kind === 'signedIn' ? 'other@example.com' : undefined);
      await sp.page.close();
    }
  });

  it('reloaded as another user, opens nothing of the previous one', async () => {
    sp = await harness.newPage({
      initialState: {
        version: 1,
        draft: { ...EMPTY_DRAFT, premise: 'Theirs' },
        storyId: 'theirs-1',
        owner: 'reader@example.com',
      },
    });
    await sp.goto();
    await sp.send(
      hostEvent('state', {
        auth: { kind: 'signedIn', email: 'other@example.com' },
        models,
        defaultModelId: models[0]!.id,
      }),
    );
    assert.equal(await sp.page.locator('#premise').evaluate((el) => el.value), '');
    assert.deepEqual(
      (await requests()).filter((r) => r.method === 'history.open'),
      [],
      "the previous user's story is not asked for",
    );
  });

  it('a new panel takes the form and the running story from the host, streaming, with Stop (#13)', async () => {
    sp = await harness.newPage();
    await sp.goto();
    await sp.send(hostEvent('state', { auth: signedIn, models, defaultModelId: models[0]!.id }));
    await sp.send(
      hostEvent('restore', {
        draft: { ...EMPTY_DRAFT, premise: 'Kept while closed', characters: 'Mara' },
        storyId: 'run-1',
      }),
    );
    const reopen = await sp.waitForRequest('history.open');
    assert.deepEqual(reopen.params, { id: 'run-1' });
    assert.equal(await sp.page.locator('#premise').evaluate((el) => el.value), 'Kept while closed');
    assert.equal(await sp.page.locator('#characters').evaluate((el) => el.value), 'Mara');
    await sp.respond(reopen.id, {
      story: {
        id: 'run-1',
        title: 'Kept',
        modelId: models[0]!.id,
        controls,
        text: 'It began',
        status: 'streaming',
        usage: null,
        cost: null,
        createdAt: Date.now(),
      },
    });
    await sp.send(hostEvent('story.delta', { storyId: 'run-1', text: ' at dawn.' }));
    await sp.page.waitForFunction(() => document.getElementById('story')?.textContent?.includes('It began at dawn.'));
    assert.equal(await isDisabled('stop'), false, 'Stop works');
    await sp.send(
      hostEvent('story.stopped', {
        storyId: 'run-1',
        usage: { inputTokens: 300, outputTokens: 5, totalTokens: 305, estimated: true },
      }),
    );
    await sp.page.waitForFunction(() =>
      document.getElementById('story-meta')?.textContent?.includes('≈ 305 total tokens (estimate)'),
    );
    // The form and story it shows go back to the host, for the next panel.
    const drafts = (await sp.posted()).map((p) => p.m).filter((m) => m.kind === 'event' && m.type === 'draft');
    assert.ok(drafts.length > 0, 'the draft is sent to the host');
    assert.deepEqual(drafts.at(-1), {
      kind: 'event',
      type: 'draft',
      data: {
        draft: { ...EMPTY_DRAFT, premise: 'Kept while closed', characters: 'Mara', modelId: models[0]!.id },
        storyId: 'run-1',
      },
    });
    await assertWellFormed();
  });

  it("ignores the host's memory once the person has typed, and after a reload with its own state", async () => {
    await open(signedIn, { version: 1, draft: { ...EMPTY_DRAFT, premise: 'Mine' }, owner: 'reader@example.com' });
    await sp.send(hostEvent('restore', { draft: { ...EMPTY_DRAFT, premise: 'Older' } }));
    assert.equal(await sp.page.locator('#premise').evaluate((el) => el.value), 'Mine');
  });

  it('gives each status line to one action: the next action replaces it (#13)', async () => {
    await open();
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
      story: {
        id: 'a-2',
        title: 'Second',
        modelId: models[0]!.id,
        controls,
        text: 'Text.',
        status: 'done',
        usage: null,
        cost: null,
        createdAt: Date.now(),
      },
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

  it('lists history; opens, deletes and exports stories', async () => {
    await open();
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
    await open();
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

  it('is keyboard accessible: labelled fields, then Generate, the story, its actions and history, in Tab order', async () => {
    await open();
    await sp.send(
      hostEvent('history', {
        items: [{ id: 'k-1', title: 'Kept', modelId: models[0]!.id, createdAt: 0, status: 'done', outputTokens: 1 }],
      }),
    );
    await sp.send(
      hostEvent('story.opened', {
        story: {
          id: 'k-1',
          title: 'Kept',
          modelId: models[0]!.id,
          controls,
          text: 'Text.',
          status: 'done',
          usage: null,
          cost: null,
          createdAt: 0,
        },
      }),
    );
    const order: string[] = [];
    for (let i = 0; i < 22; i++) {
      await sp.page.keyboard.press('Tab');
      order.push(
        await sp.page.evaluate(() => document.activeElement?.id || document.activeElement?.textContent?.trim() || ''),
      );
    }
    const at = (name: string) => {
      const i = order.indexOf(name);
      assert.ok(i >= 0, `${name} is reachable with Tab: ${order.join(', ')}`);
      return i;
    };
    assert.ok(at('premise') < at('temperature') && at('temperature') < at('model') && at('model') < at('generate'));
    assert.ok(
      at('generate') < at('continue') &&
        at('continue') < at('story') &&
        at('story') < at('refine') &&
        at('refine') < at('export-editor') &&
        at('export-editor') < at('Kept'),
    );
    // vscode-label gives each control its accessible name.
    assert.equal(await sp.page.getByRole('textbox', { name: 'Premise' }).count(), 1);
    assert.equal(await sp.page.getByRole('spinbutton', { name: 'Temperature (0–1)' }).count(), 1);
    assert.equal(
      await sp.page.locator('[role="status"][aria-live="polite"]#story-status').count(),
      1,
      'story status is announced',
    );
  });

  it('ignores malformed host messages with a warning and keeps working', async () => {
    await open();
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
