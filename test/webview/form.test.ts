// The story panel's form in real headless Chromium: inline validation, what is posted, typing
// that loses nothing, and the order of the keyboard.
import * as assert from 'node:assert/strict';
import { hostEvent } from '../../src/core/story/protocol/messages';
import { controls, models, usePanel } from './panel';
import type { PageDocument } from './pageGlobals';

// The page's globals, for the functions that run in Chromium.
declare const document: PageDocument;

describe('story webview: the form: validation, typing, the keyboard (Chromium)', function () {
  const { open, requests, assertWellFormed, visibleText, isDisabled } = usePanel();

  it('validates the form inline and posts generate only when valid', async () => {
    const sp = await open();
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

  it('loses no typed character after a refused Generate, typing at 5 ms a key', async () => {
    const sp = await open();
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

  it('is keyboard accessible: labelled fields, then Generate, the story, its actions and history, in Tab order', async () => {
    const sp = await open();
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
});
