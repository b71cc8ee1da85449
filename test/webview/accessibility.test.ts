// The story panel against WCAG 2.1 A/AA with axe-core, in the states a person meets, under the CSS
// variables VS Code gives a webview in Dark Modern, Light Modern and Dark High Contrast (captured
// from the real workbench: test/e2e/themes.ts). Any violation fails, with its rule and elements.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DEFAULT_CONTROLS } from '../../src/core/story/protocol/controls';
import { hostEvent } from '../../src/core/story/protocol/messages';
import type { AuthState, HistoryItem, ModelInfo } from '../../src/core/story/protocol/wire';
import { readTheme, THEMES } from '../e2e/themes';
import { startHarness } from './harness';
import type { Harness, StoryPage } from './harness';
import type { PageDocument } from './pageGlobals';

declare const window: { axe: { run(context: unknown, options: unknown): Promise<AxeResults> } };
declare const document: PageDocument;
declare function getComputedStyle(el: unknown): { display: string; outlineStyle: string; outlineColor: string };

interface AxeResults {
  violations: { id: string; impact: string; help: string; nodes: { target: unknown[]; failureSummary: string }[] }[];
}

const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const models: ModelInfo[] = [{ id: 'amazon.nova-lite-v1:0', name: 'Nova Lite', provider: 'Amazon' }];
const signedIn: AuthState = { kind: 'signedIn', email: 'reader@example.com' };
const controls = { ...DEFAULT_CONTROLS, premise: 'A lighthouse keeper befriends a storm.' };
const item = (id: string, title: string, at: number): HistoryItem => ({
  id,
  title,
  modelId: models[0]!.id,
  status: 'done',
  createdAt: at,
  outputTokens: 420,
  totalTokens: 600,
});
/** A story project's entry (#26): its row and story say where it was written. */
const origin = { project: 'The Salt Road', chapter: 'chapters/02.md', command: 'continue' as const };

describe('story webview accessibility (axe-core, WCAG 2.1 A/AA)', function () {
  this.timeout(60_000);
  let harness: Harness;
  let sp: StoryPage;

  before(async function () {
    this.timeout(120_000);
    harness = await startHarness();
  });
  after(async () => harness?.close());
  afterEach(async () => sp?.page.close());

  /** The WCAG A/AA violations axe finds in the page as it is now. */
  async function audit(state: string): Promise<string[]> {
    // evaluate() is not subject to the page's CSP: axe is not part of the panel.
    await sp.page.evaluate(`${AXE};0`);
    const results = await sp.page.evaluate(() =>
      window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }),
    );
    return results.violations.map(
      (v) =>
        `${state}: ${v.id} (${v.impact}) ${v.help}: ${v.nodes.map((n) => `${JSON.stringify(n.target)} ${n.failureSummary.replace(/\s+/g, ' ')}`).join(' | ')}`,
    );
  }

  it('keeps the focus, ties field errors to their fields, shows the story’s focus, and announces the first status', async () => {
    sp = await harness.newPage({ theme: readTheme('dark-modern.json') });
    await sp.goto();
    await sp.send(hostEvent('state', { auth: signedIn, models, defaultModelId: models[0]!.id }));
    await sp.send(hostEvent('history', { items: [] }));
    // Live regions are in the accessibility tree before their first text, so it is read out.
    for (const id of ['story-status', 'budget-shortfall']) {
      const shown = await sp.page
        .locator(`#${id}`)
        .evaluate((el: { hidden: boolean }) => !el.hidden && getComputedStyle(el).display !== 'none');
      assert.equal(shown, true, `#${id} is not display:none or hidden while empty`);
    }
    assert.equal(
      await sp.page
        .locator('.budget-line')
        .evaluate((el: { hidden: boolean }) => el.hidden || getComputedStyle(el).display === 'none'),
      false,
    );

    // A field error: the field itself (inside its shadow root) is invalid and described by the message.
    await sp.page.locator('#premise').evaluate((el: { value: string }) => (el.value = ''));
    await sp.page.locator('#generate').click();
    await sp.page.waitForSelector('#premise-error:not([hidden])');
    const inner = await sp.page
      .locator('#premise')
      .evaluate((el: { shadowRoot: { querySelector(s: string): { getAttribute(n: string): string | null } } }) => {
        const t = el.shadowRoot.querySelector('textarea');
        return [t.getAttribute('aria-invalid'), t.getAttribute('aria-description')];
      });
    assert.deepEqual(inner, ['true', 'Premise is required.']);
    await sp.page.locator('#premise textarea').fill(controls.premise);
    const cleared = await sp.page
      .locator('#premise')
      .evaluate((el: { shadowRoot: { querySelector(s: string): { getAttribute(n: string): string | null } } }) =>
        el.shadowRoot.querySelector('textarea').getAttribute('aria-invalid'),
      );
    assert.equal(cleared, null, 'fixed: no longer invalid');

    // Generate disables itself as the story starts: the focus goes to Stop, then to Continue, never to <body>.
    await sp.page.locator('#generate').click();
    const gen = await sp.waitForRequest('generate');
    // As the host does: the story starts, then the request is answered.
    await sp.send(hostEvent('story.started', { storyId: 'f-1', modelId: models[0]!.id, controls, kind: 'new' }));
    await sp.respond(gen.id, { storyId: 'f-1' });
    await sp.send(hostEvent('story.delta', { storyId: 'f-1', text: 'Once upon a time.' }));
    await sp.page.waitForFunction(() => document.activeElement?.id === 'stop');
    await sp.send(
      hostEvent('story.done', {
        storyId: 'f-1',
        usage: { inputTokens: 1, outputTokens: 2, totalTokens: 3 },
        cost: null,
        stopReason: 'end_turn',
      }),
    );
    await sp.page.waitForFunction(() => document.activeElement?.id === 'continue');

    // The story shows its focus (its own outline colour no longer hides it outside high contrast).
    await sp.page.keyboard.press('Shift+Tab');
    const story = sp.page.locator('#story');
    await story.focus();
    const outline = await story.evaluate((el) => {
      const style = getComputedStyle(el);
      return [style.outlineStyle, style.outlineColor];
    });
    assert.equal(outline[0], 'solid');
    assert.notEqual(outline[1], 'rgba(0, 0, 0, 0)');
  });

  for (const theme of THEMES) {
    it(`has no violations in ${theme.label}: empty, form errors, streaming, finished, error, history search, budget, content policy, project entry`, async () => {
      const { bodyClass, variables } = readTheme(theme.file);
      sp = await harness.newPage({ theme: { bodyClass, variables } });
      await sp.goto();
      await sp.send(hostEvent('state', { auth: signedIn, models, defaultModelId: models[0]!.id }));
      const now = Date.now();
      await sp.send(
        hostEvent('history', {
          items: [item('h-1', 'The Storm', now - 60_000), { ...item('h-2', 'The Lighthouse', now - 120_000), origin }],
        }),
      );
      await sp.send(hostEvent('usage.today', { inputTokens: 1000, outputTokens: 2345, cost: null }));
      const found: string[] = [];
      found.push(...(await audit('empty')));

      // Form errors: an empty premise, Generate pressed.
      await sp.page.locator('#premise').evaluate((el: { value: string }) => (el.value = ''));
      await sp.page.locator('#generate').click();
      await sp.page.waitForSelector('#premise-error:not([hidden])');
      found.push(...(await audit('form errors')));

      // Streaming, then finished.
      await sp.page.locator('#premise textarea').fill(controls.premise);
      await sp.send(hostEvent('story.started', { storyId: 'h-3', modelId: models[0]!.id, controls, kind: 'new' }));
      await sp.send(hostEvent('story.delta', { storyId: 'h-3', text: '# The Storm\n\nOnce upon a time, a storm.' }));
      await sp.page.waitForFunction(() => document.getElementById('story')?.textContent?.includes('Once upon'));
      found.push(...(await audit('streaming')));
      await sp.send(
        hostEvent('story.done', {
          storyId: 'h-3',
          usage: { inputTokens: 100, outputTokens: 200, totalTokens: 300 },
          cost: null,
          stopReason: 'end_turn',
        }),
      );
      await sp.page.waitForFunction(() => document.getElementById('story-status')?.textContent?.startsWith('Story'));
      // The story on screen is the current row of the history.
      await sp.send(
        hostEvent('history', {
          items: [
            item('h-3', 'The Storm', now),
            item('h-1', 'The Storm', now - 60_000),
            { ...item('h-2', 'The Lighthouse', now - 120_000), origin },
          ],
        }),
      );
      await sp.page.waitForSelector('#history-list li.current');
      found.push(...(await audit('finished')));

      // An error with its buttons.
      await sp.send(
        hostEvent('story.error', {
          storyId: 'h-3',
          code: 'throttled',
          message: 'Bedrock is busy. Try again in a minute.',
          actions: ['retry'],
          partialKept: true,
        }),
      );
      await sp.page.waitForSelector('#story-error:not([hidden])');
      found.push(...(await audit('error')));

      // History search.
      await sp.page.locator('#history-search input').fill('Storm');
      found.push(...(await audit('history search')));

      // Budget mode, with nothing left: the spent line and the shortfall under Generate.
      await sp.send(hostEvent('usage.budget', { dailyTokens: 50_000, tokensLeft: 0, resetsAt: now + 3_600_000 }));
      await sp.page.waitForFunction(() => (document.getElementById('budget-shortfall')?.textContent ?? '') !== '');
      found.push(...(await audit('budget')));

      // Content safety (#27): the policy line in the header.
      await sp.send(hostEvent('contentPolicy', { policy: 'Strict' }));
      await sp.page.waitForFunction(() => (document.getElementById('policy-line')?.textContent ?? '') !== '');
      found.push(...(await audit('content policy')));

      // A story project's entry (#26): its origin line and Open Chapter, no Continue, Regenerate or Refine.
      const record = { id: 'h-2', title: 'The Lighthouse', modelId: models[0]!.id, controls, text: 'The tide.' };
      await sp.send(
        hostEvent('story.opened', {
          story: { ...record, status: 'done', usage: null, cost: null, createdAt: now - 120_000, origin },
        }),
      );
      await sp.page.waitForSelector('#story-origin:not([hidden])');
      found.push(...(await audit('project entry')));

      assert.deepEqual(found, []);
    });
  }
});
