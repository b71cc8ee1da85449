// What the story panel's suites share: one Chromium harness per suite, the host's answer to
// `ready`, readers of what the page posted, and the check after every test that the page had
// not one CSP violation and not one console error. Call usePanel() inside a describe.
import * as assert from 'node:assert/strict';
import { DEFAULT_CONTROLS } from '../../src/core/story/protocol/controls';
import { hostEvent, parseWebviewMessage } from '../../src/core/story/protocol/messages';
import type { HostEvent, HostEvents, WebviewRequest } from '../../src/core/story/protocol/messages';
import type { AuthState, ModelInfo, StoryRecord } from '../../src/core/story/protocol/wire';
import { startHarness } from './harness';
import type { Harness, StoryPage } from './harness';

type PageOptions = Parameters<Harness['newPage']>[0];

export const models: ModelInfo[] = [
  { id: 'amazon.nova-lite-v1:0', name: 'Nova Lite', provider: 'Amazon' },
  { id: 'us.anthropic.claude-haiku-4-5-20251001-v1:0', name: 'Claude Haiku 4.5', provider: 'Anthropic' },
];
export const signedIn: AuthState = { kind: 'signedIn', email: 'reader@example.com' };
export const controls = { ...DEFAULT_CONTROLS, premise: 'A lighthouse keeper befriends a storm.' };

/** A story as the host keeps it: written now with the first model and `controls`, finished, not counted. */
export function storyRecord(story: Pick<StoryRecord, 'id' | 'title' | 'text'> & Partial<StoryRecord>): StoryRecord {
  return { modelId: models[0]!.id, controls, status: 'done', usage: null, cost: null, createdAt: Date.now(), ...story };
}

/** The host's story.done for `storyId`: a few tokens, no cost, the model's own end unless told. */
export function storyDone(storyId: string, done: Partial<HostEvents['story.done']> = {}): HostEvent {
  return hostEvent('story.done', {
    storyId,
    usage: { inputTokens: 1, outputTokens: 2, totalTokens: 3 },
    cost: null,
    stopReason: 'end_turn',
    ...done,
  });
}

export interface Panel {
  readonly harness: Harness;
  /** A new page, not yet loaded; checked after the test like every page opened here. */
  newPage(options?: PageOptions): Promise<StoryPage>;
  /** Opens the panel and plays the host's answer to `ready`. */
  open(auth?: AuthState, initialState?: unknown): Promise<StoryPage>;
  /** The requests the page posted so far. */
  requests(): Promise<WebviewRequest[]>;
  /** Every posted message must pass the host's own validator. */
  assertWellFormed(): Promise<void>;
  /** The host's story.started for `storyId`. */
  startStory(storyId?: string, kind?: 'new' | 'continue' | 'regenerate' | 'refine'): Promise<void>;
  visibleText(selector: string): Promise<string>;
  isDisabled(id: string): Promise<boolean>;
}

export function usePanel(): Panel {
  let harness: Harness | undefined;
  let sp: StoryPage | undefined;
  const page = (): StoryPage => sp ?? assert.fail('no page is open: call open() or newPage() first');

  before(async function () {
    this.timeout(120_000);
    harness = await startHarness();
  });
  after(async () => harness?.close());

  afterEach(async function () {
    if (!sp) return;
    const violations = await sp.cspViolations();
    const errors = sp.problems.errors;
    await sp.page.close();
    sp = undefined;
    // Every test doubles as a CSP check: not one violation, not one page error.
    assert.deepEqual(violations, [], 'CSP violations');
    assert.deepEqual(errors, [], 'console errors');
  });

  const panel: Panel = {
    get harness() {
      return harness ?? assert.fail('the harness starts in before()');
    },
    async newPage(options = {}) {
      sp = await panel.harness.newPage(options);
      return sp;
    },
    async open(auth = signedIn, initialState) {
      const opened = await panel.newPage(initialState === undefined ? {} : { initialState });
      await opened.goto();
      await opened.send(hostEvent('state', { auth, models, defaultModelId: models[0]!.id }));
      await opened.send(hostEvent('history', { items: [] }));
      await opened.send(
        hostEvent('usage.today', {
          inputTokens: 1000,
          outputTokens: 2345,
          cost: { amount: 0.0123, currency: 'USD', estimated: true },
        }),
      );
      return opened;
    },
    async requests() {
      return (await page().posted()).map((p) => p.m).filter((m): m is WebviewRequest => m.kind === 'request');
    },
    async assertWellFormed() {
      for (const p of await page().posted())
        assert.ok(parseWebviewMessage(p.m), `malformed message posted: ${JSON.stringify(p.m)}`);
    },
    async startStory(storyId = 's-1', kind = 'new') {
      await page().send(hostEvent('story.started', { storyId, modelId: models[0]!.id, controls, kind }));
    },
    visibleText: (selector) => page().page.locator(selector).innerText(),
    isDisabled: (id) =>
      page()
        .page.locator(`#${id}`)
        .evaluate((el) => el.disabled),
  };
  return panel;
}
