// Content safety in the panel, in real headless Chromium (#27): the line that says which of the
// stack's guardrails the form's story gets, and a blocked story that leaves the panel usable.
import * as assert from 'node:assert/strict';
import { hostEvent } from '../../src/core/story/protocol/messages';
import { usePanel } from './panel';
import type { PageDocument } from './pageGlobals';

// The page's globals, for the functions that run in Chromium.
declare const document: PageDocument;

describe('story webview: content policy (#27) (Chromium)', function () {
  const { open, startStory, visibleText, isDisabled } = usePanel();

  const chooseAudience = async (sp: Awaited<ReturnType<typeof open>>, audience: string): Promise<void> => {
    await sp.page.locator('#audience').evaluate((el, value) => {
      el.value = value;
      el.dispatchEvent(new Event('change'));
    }, audience);
  };
  const lineIs = (sp: Awaited<ReturnType<typeof open>>, text: string) =>
    sp.page.waitForFunction((t) => document.getElementById('policy-line')?.textContent === t, text);

  it("says which policy applies to the form's audience, and nothing when the stack has none", async () => {
    const sp = await open();
    assert.equal(await sp.page.locator('#policy-line').isHidden(), true, 'Off: no line');
    await sp.send(hostEvent('contentPolicy', { policy: 'Standard' }));
    await lineIs(sp, 'Content policy: standard');
    assert.equal(await visibleText('#policy-line'), 'Content policy: standard');
    assert.match(
      (await sp.page.locator('#policy-line').getAttribute('title')) ?? '',
      /children's stories by the strict one/,
    );
    await chooseAudience(sp, 'children');
    await lineIs(sp, 'Content policy: strict (children)');
    await sp.send(hostEvent('contentPolicy', { policy: 'Strict' }));
    await chooseAudience(sp, 'adult');
    await lineIs(sp, 'Content policy: strict');
    await sp.send(hostEvent('contentPolicy', { policy: 'Off' }));
    await sp.page.waitForSelector('#policy-line', { state: 'hidden' });
  });

  it('budget mode: the policy the story gateway reports, and the tooltip says the gateway applies it', async () => {
    const sp = await open();
    await sp.send(hostEvent('contentPolicy', { policy: 'Strict', source: 'gateway' }));
    await lineIs(sp, 'Content policy: strict');
    const title = () => sp.page.locator('#policy-line').getAttribute('title');
    assert.match(
      (await title()) ?? '',
      /strict guardrail, whatever the audience\. The story gateway reports this policy/,
    );
    // The same policy from the settings: the tooltip changes with the source alone.
    await sp.send(hostEvent('contentPolicy', { policy: 'Strict', source: 'settings' }));
    await sp.page.waitForSelector('#policy-line[title*="gateway"]', { state: 'detached' });
    assert.match((await title()) ?? '', /strict guardrail, whatever the audience\.$/);
    assert.equal(await visibleText('#policy-line'), 'Content policy: strict');
  });

  it('a blocked premise: one sentence with the stack’s message, no story text, and the form usable again', async () => {
    const sp = await open();
    await sp.send(hostEvent('contentPolicy', { policy: 'Standard' }));
    await chooseAudience(sp, 'children');
    await sp.page.locator('#premise textarea').fill('A scary premise.');
    await startStory('blocked-1');
    // What the guardrail answered streams as text first (Bedrock sends it as the model's output)...
    await sp.send(hostEvent('story.delta', { storyId: 'blocked-1', text: 'Sorry, that is not a story for children.' }));
    const message =
      'The content policy blocked this premise: “Sorry, that is not a story for children.” Change the premise and try again.';
    await sp.send(
      hostEvent('story.error', {
        storyId: 'blocked-1',
        code: 'premiseBlocked',
        message,
        actions: [],
        partialKept: false,
      }),
    );
    await sp.page.waitForSelector('#story-error:not([hidden])');
    assert.match(
      await visibleText('#story-error'),
      /^The content policy blocked this premise: “Sorry, that is not a story for children\.”/,
    );
    // ...and is not kept as the story.
    await sp.page.waitForFunction(() => !(document.getElementById('story')?.textContent ?? '').includes('Sorry'));
    assert.equal(
      await sp.page.locator('#premise textarea').inputValue(),
      'A scary premise.',
      'the premise stays to change',
    );
    await sp.page.locator('#premise textarea').fill('A kind dragon.');
    assert.equal(await isDisabled('generate'), false, 'the panel stays usable');
    await lineIs(sp, 'Content policy: strict (children)');
  });
});
