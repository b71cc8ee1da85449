// Content safety (#27) in the real VS Code host, against an emulator whose IAM requires the stack's
// guardrails (ContentSafety=Standard, direct mode): the settings come from the stack's outputs, the
// panel says which policy applies, and a children's story goes out with the strict guardrail.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TestingApi } from '../../src/vscode/testing';
import { emulators, forgetEmulator, latestCode, useEmulator } from './emulators';
import type { EmulatorInfo } from './emulators';
import { activate, eventually, script } from './prompter';
import { CONTROLS, ok, panelEvents } from './storyPanel';
import { PASSWORD, uniqueEmail } from '../support/accounts';

/** The storyteller.contentSafety.* settings and the outputs they come from. */
const SETTINGS: Record<string, string> = {
  'contentSafety.policy': 'ContentSafety',
  'contentSafety.standardGuardrailId': 'StandardGuardrailId',
  'contentSafety.standardGuardrailVersion': 'StandardGuardrailVersion',
  'contentSafety.strictGuardrailId': 'StrictGuardrailId',
  'contentSafety.strictGuardrailVersion': 'StrictGuardrailVersion',
};

async function useSafetySettings(emu: EmulatorInfo | undefined): Promise<void> {
  const section = vscode.workspace.getConfiguration('storyteller');
  for (const [key, output] of Object.entries(SETTINGS))
    await section.update(key, emu ? emu.outputs[output] : undefined, vscode.ConfigurationTarget.Global);
}

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
});
