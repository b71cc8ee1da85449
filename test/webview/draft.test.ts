// What the panel keeps in real headless Chromium: the draft across reloads and panels, the story
// the host is still writing, and nothing of the previous user.
import * as assert from 'node:assert/strict';
import { hostEvent } from '../../src/core/story/protocol/messages';
import { EMPTY_DRAFT } from '../../src/core/story/protocol/webviewState';
import { models, signedIn, storyRecord, usePanel } from './panel';
import type { PageDocument, PageStorage } from './pageGlobals';

// The page's globals, for the functions that run in Chromium.
declare const document: PageDocument;
declare const sessionStorage: PageStorage;
declare const window: Record<string, unknown>;

describe('story webview: drafts and users: what the panel keeps, and for whom (Chromium)', function () {
  const panel = usePanel();
  const { newPage, open, requests, assertWellFormed, startStory, visibleText, isDisabled } = panel;

  it('keeps the draft across a reload (getState/setState) and re-opens the shown story', async () => {
    const sp = await open();
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
    const story = storyRecord({
      id: 'shown-1',
      title: 'The Bakery Cat',
      text: 'Once there was a **cat**.',
      status: 'stopped',
      modelId: models[1]!.id,
    });
    await sp.respond(reopen.id, { story });
    await sp.page.waitForFunction(() => document.querySelector('#story strong')?.textContent === 'cat');
    assert.equal(await visibleText('#story-title'), 'The Bakery Cat');
    await assertWellFormed();
  });

  it('restores a draft handed over by the serializer, and ignores a malformed one', async () => {
    let sp = await open(signedIn, {
      version: 1,
      draft: { ...EMPTY_DRAFT, premise: 'From the serializer', tone: 'grim' },
    });
    assert.equal(await sp.page.locator('#premise').evaluate((el) => el.value), 'From the serializer');
    assert.equal(await sp.page.locator('#tone').evaluate((el) => el.value), 'grim');
    await sp.page.close();

    sp = await open(signedIn, { version: 1, draft: { premise: 42 }, token: 'secret' });
    assert.equal(await sp.page.locator('#premise').evaluate((el) => el.value), '');
    assert.equal(await sp.page.locator('#genre').evaluate((el) => el.value), 'fantasy', 'defaults');
  });

  it('clears every trace of the previous user on a change of user, and on sign-out (#13)', async () => {
    for (const next of [{ kind: 'signedIn', email: 'other@example.com' }, { kind: 'signedOut' }] as const) {
      const sp = await open();
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
    const sp = await newPage({
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
    const sp = await newPage();
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
      story: storyRecord({ id: 'run-1', title: 'Kept', text: 'It began', status: 'streaming' }),
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
    const sp = await open(signedIn, {
      version: 1,
      draft: { ...EMPTY_DRAFT, premise: 'Mine' },
      owner: 'reader@example.com',
    });
    await sp.send(hostEvent('restore', { draft: { ...EMPTY_DRAFT, premise: 'Older' } }));
    assert.equal(await sp.page.locator('#premise').evaluate((el) => el.value), 'Mine');
  });
});
