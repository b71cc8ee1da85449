// Content safety (#27) in the real VS Code host, against an emulator whose IAM requires the stack's
// guardrails (ContentSafety=Standard, direct mode): the settings come from the stack's outputs, the
// panel says which policy applies, and a children's story goes out with the strict guardrail.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TestingApi } from '../../src/vscode/testing';
import { emulators, forgetEmulator, latestCode, useEmulator, useSafetySettings } from './emulators';
import type { EmulatorInfo } from './emulators';
import { activate, eventually, script } from './prompter';
import { CONTROLS, ok, panelEvents } from './storyPanel';
import { PASSWORD, uniqueEmail } from '../support/accounts';

describe('Content safety in the story panel (#27)', function () {
  this.timeout(90_000);
  let testing: TestingApi;
  let emu: EmulatorInfo;
  const { events, generate } = panelEvents(() => testing);
  const CHILDREN = { ...CONTROLS, audience: 'children' as const, premise: 'A hedgehog learns to whistle' };

  before(async () => {
    ({ testing } = await activate());
    emu = (emulators() as unknown as Record<string, EmulatorInfo>)['safety']!;
    assert.equal(emu.outputs['ContentSafety'], 'Standard', 'test/host/cli.ts starts the safety emulator');
    await useEmulator(emu);
    const email = uniqueEmail('safety');
    await script(testing, [email, '', PASSWORD, PASSWORD, () => latestCode(emu, email)], 'storyteller.signUp');
    assert.equal(testing.sessionState().kind, 'signedIn');
    await testing.story.open();
    await testing.story.send({ kind: 'event', type: 'ready', data: { protocolVersion: 1 } });
  });

  after(async () => {
    testing.story.close();
    await vscode.commands.executeCommand('storyteller.signOut');
    testing.usePrompter(undefined);
    await useSafetySettings(undefined);
    await forgetEmulator();
  });

  it("without the stack's guardrail settings, a story is refused by the stack itself (IAM)", async () => {
    await eventually('the panel is told there is no policy', () =>
      events('contentPolicy').some((p) => p.policy === 'Off'),
    );
    testing.story.clearEvents();
    const storyId = await generate(CHILDREN);
    const [error] = events('story.error', storyId);
    assert.equal(error?.code, 'accessDenied', JSON.stringify(events('story.error', storyId)));
  });

  it('with them, the panel says which policy applies and a children’s story is served with the strict guardrail', async () => {
    await useSafetySettings(emu);
    testing.story.clearEvents();
    await testing.story.send({ kind: 'event', type: 'ready', data: { protocolVersion: 1 } });
    await eventually('the policy arrives', () => events('contentPolicy').some((p) => p.policy === 'Standard'));
    const storyId = await generate(CHILDREN);
    const [done] = events('story.done', storyId);
    assert.ok(done, JSON.stringify(events('story.error', storyId)));
    const saved = ok<{ story: { status: string; text: string } }>(
      await testing.story.request('history.open', { id: storyId }),
    );
    assert.equal(saved.story.status, 'done');
    assert.ok(saved.story.text.length > 0);
  });

  it('a children’s premise the strict guardrail blocks: the stack’s message, marked blocked in history, the panel usable', async () => {
    testing.story.clearEvents();
    const storyId = await generate({ ...CHILDREN, premise: 'A crybaby goblin learns to share his marbles' });
    const [error] = events('story.error', storyId);
    assert.equal(error?.code, 'premiseBlocked', JSON.stringify(events('story.error', storyId)));
    assert.match(
      error.message,
      /^The content policy blocked this premise: “Let's pick another idea! This one isn't right for a children's story\./,
    );
    assert.equal(error.partialKept, false, 'nothing of it is kept as the story');
    assert.deepEqual(events('story.done', storyId), []);
    await eventually('history marks it blocked', () =>
      events('history').some((h) => h.items.some((i) => i.id === storyId && i.status === 'blocked')),
    );
    const saved = ok<{ story: { status: string; text: string } }>(
      await testing.story.request('history.open', { id: storyId }),
    );
    assert.deepEqual([saved.story.status, saved.story.text], ['blocked', '']);
    // The panel stays usable: the next story (a kind premise) is written.
    const next = await generate(CHILDREN);
    assert.ok(events('story.done', next)[0], JSON.stringify(events('story.error', next)));
  });
});
