// Budget mode (#16) in the real VS Code host: storyteller.storyGatewayUrl points the panel at the
// emulator's story gateway (2,000 tokens per user per day). The panel shows what is left, the
// counter goes down story by story, the exhausted message appears without Retry, and the panel
// stays usable.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TestingApi } from '../../src/vscode/testing';
import {
  counters,
  emulators,
  forgetEmulator,
  latestCode,
  resetCounters,
  setStreamRate,
  useEmulator,
} from './emulators';
import type { EmulatorInfo } from './emulators';
import { activate, eventually, script } from './prompter';
import { CONTROLS, ok, panelEvents } from './storyPanel';
import type { Data } from './storyPanel';
import { PASSWORD, uniqueEmail } from '../support/accounts';

describe('Story panel in budget mode (the story gateway)', function () {
  this.timeout(90_000);
  let testing: TestingApi;
  let emu: EmulatorInfo & { readonly storyGatewayUrl: string | null };

  const { events, ended, generate } = panelEvents(() => testing);
  /** The budget the panel was last told, once one has arrived after `count` earlier ones. */
  async function budgetAfter(count: number): Promise<NonNullable<Data<'usage.budget'>>> {
    await eventually('the budget arrives', () => events('usage.budget').length > count, 20_000);
    const last = events('usage.budget').at(-1);
    assert.ok(last, 'budget mode sends a budget, not null');
    return last;
  }

  before(async () => {
    ({ testing } = await activate());
    const all = emulators() as unknown as Record<string, typeof emu>;
    emu = all['budget']!;
    assert.ok(emu.storyGatewayUrl, 'test/host/cli.ts starts an emulator in budget mode');
    await useEmulator(emu);
    await vscode.workspace
      .getConfiguration('storyteller')
      .update('storyGatewayUrl', emu.storyGatewayUrl, vscode.ConfigurationTarget.Global);
    const email = uniqueEmail('budget');
    await script(testing, [email, '', PASSWORD, PASSWORD, () => latestCode(emu, email)], 'storyteller.signUp');
    assert.equal(testing.sessionState().kind, 'signedIn');
    await testing.story.open();
  });

  after(async () => {
    testing.story.close();
    await vscode.commands.executeCommand('storyteller.signOut');
    testing.usePrompter(undefined);
    await vscode.workspace
      .getConfiguration('storyteller')
      .update('storyGatewayUrl', undefined, vscode.ConfigurationTarget.Global);
    await forgetEmulator();
  });

  it('the policy line shows the policy the gateway reports in /usage, not the settings’ (#27)', async () => {
    const section = vscode.workspace.getConfiguration('storyteller');
    // The settings claim Strict; this stack's gateway applies none (ContentSafety=Off).
    await section.update('contentSafety.policy', 'Strict', vscode.ConfigurationTarget.Global);
    try {
      testing.story.clearEvents();
      await testing.story.send({ kind: 'event', type: 'ready', data: { protocolVersion: 1 } });
      await eventually('the gateway’s policy arrives', () =>
        events('contentPolicy').some((p) => p.source === 'gateway'),
      );
      assert.deepEqual(events('contentPolicy').at(-1), { policy: 'Off', source: 'gateway' });
      // A reload of the panel starts from the gateway's word, not the settings' again.
      testing.story.clearEvents();
      await testing.story.send({ kind: 'event', type: 'ready', data: { protocolVersion: 1 } });
      await eventually('the state is pushed', () => events('contentPolicy').length > 0);
      assert.deepEqual(events('contentPolicy')[0], { policy: 'Off', source: 'gateway' });
    } finally {
      await section.update('contentSafety.policy', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('shows the whole day left on open, the counter goes down story by story, then the exhausted message without Retry; the panel stays usable', async () => {
    await resetCounters(emu);
    testing.story.clearEvents();
    await testing.story.send({ kind: 'event', type: 'ready', data: { protocolVersion: 1 } });
    const first = await budgetAfter(0);
    assert.deepEqual({ daily: first.dailyTokens, left: first.tokensLeft }, { daily: 2000, left: 2000 });
    assert.ok(first.resetsAt > Date.now() && first.resetsAt <= Date.now() + 86_400_000, 'resets by the next midnight');
    const [state] = events('state');
    assert.ok(
      state?.models.some((m) => m.id === 'amazon.nova-lite-v1:0'),
      'the models from the settings are offered',
    );

    // A short story reserves its prompt's estimate plus 800 tokens: a few fit in 2,000, then one does not.
    let left = first.tokensLeft;
    const written: string[] = [];
    let refused: Data<'story.error'> | undefined;
    for (let i = 0; i < 6 && !refused; i++) {
      const seen = events('usage.budget').length;
      const storyId = await generate();
      const [done] = events('story.done', storyId);
      const [error] = events('story.error', storyId);
      const now = await budgetAfter(seen);
      if (done) {
        written.push(storyId);
        // A budget pushed while the story held its reservation can come first; the settled one follows.
        const expected = left - done.usage.totalTokens;
        await eventually(
          `the counter goes down by what the story used (${expected}; last seen ${now.tokensLeft})`,
          () => events('usage.budget').at(-1)?.tokensLeft === expected,
          20_000,
        );
        left = expected;
      } else {
        refused = error;
        assert.equal(now.tokensLeft, left, 'a refused story costs nothing');
      }
    }
    assert.ok(written.length >= 1, 'at least one story fits');
    const fmt = new Intl.NumberFormat('en-US');
    await eventually('the status bar tooltip says what is left', () =>
      testing.statusBarTooltip().endsWith(`\n${fmt.format(left)} of 2,000 tokens left today`),
    );
    assert.ok(refused, 'the budget ran out');
    assert.equal(refused.code, 'budgetExceeded');
    assert.deepEqual(refused.actions, [], 'no Retry before the budget resets');
    assert.equal(refused.retryAt, first.resetsAt, 'the panel holds the same request back until the reset');
    assert.equal(refused.partialKept, false);
    assert.match(
      refused.message,
      new RegExp(
        `^Your daily token budget has ${fmt.format(left)} tokens left and this story may need [\\d,]+; it resets in .+ \\(00:00 UTC\\)\\.`,
      ),
    );
    const c = await counters(emu);
    assert.equal(c['ListFoundationModels'] ?? 0, 0, 'the role may not list models in budget mode: never asked');

    // Still usable: the history opens, another request is answered, and the account is unchanged.
    const opened = ok<{ story: { status: string } }>(await testing.story.request('history.open', { id: written[0]! }));
    assert.equal(opened.story.status, 'done');
    ok(await testing.story.request('history.list', {}));
    const again = await generate();
    assert.equal(events('story.error', again)[0]?.code, 'budgetExceeded', 'refused again, and said again');
    assert.equal(testing.sessionState().kind, 'signedIn');
  });

  it('drops the budget when the gateway setting is cleared (direct mode)', async () => {
    testing.story.clearEvents();
    await vscode.workspace
      .getConfiguration('storyteller')
      .update('storyGatewayUrl', '', vscode.ConfigurationTarget.Global);
    await eventually('the panel is told there is no budget', () => events('usage.budget').some((b) => b === null));
    assert.doesNotMatch(testing.statusBarTooltip(), /tokens left today/, 'nor the status bar');
    await vscode.workspace
      .getConfiguration('storyteller')
      .update('storyGatewayUrl', emu.storyGatewayUrl, vscode.ConfigurationTarget.Global);
    await eventually('and gets it back in budget mode', () => {
      const last = events('usage.budget').at(-1);
      return last !== undefined && last !== null;
    });
  });

  it('asks the gateway once when a panel loads: the model list and the budget share one GET /usage (#25)', async () => {
    // A new user, signed up with the panel closed: the panel's first load makes their story service.
    testing.story.close();
    const email = uniqueEmail('budget-once');
    await script(testing, [email, '', PASSWORD, PASSWORD, () => latestCode(emu, email)], 'storyteller.signUp');
    await resetCounters(emu);
    testing.story.clearEvents();
    await testing.story.open();
    await testing.story.send({ kind: 'event', type: 'ready', data: { protocolVersion: 1 } });
    const budget = await budgetAfter(0);
    assert.equal(budget.tokensLeft, 2000);
    assert.ok(events('state').at(-1)?.models.length, 'the model list came first');
    assert.equal((await counters(emu))['InvokeFunctionUrl'] ?? 0, 1, 'one request to the gateway');
  });

  it('a stopped story settles: the counter comes back to what it used, not what it reserved', async () => {
    // A new user with the whole day's budget (the first one spent theirs).
    const email = uniqueEmail('budget-stop');
    await vscode.commands.executeCommand('storyteller.signOut');
    await script(testing, [email, '', PASSWORD, PASSWORD, () => latestCode(emu, email)], 'storyteller.signUp');
    await eventually('signed in as the new user', () => testing.statusBarText().includes(email));
    testing.story.clearEvents();
    await testing.story.send({ kind: 'event', type: 'ready', data: { protocolVersion: 1 } });
    const before = await budgetAfter(0);
    assert.equal(before.tokensLeft, 2000);
    await setStreamRate(emu, 20);
    try {
      const { storyId } = ok<{ storyId: string }>(
        await testing.story.request('generate', { controls: CONTROLS, modelId: 'amazon.nova-lite-v1:0' }),
      );
      await eventually('some text', () => events('story.delta', storyId).length > 0, 20_000);
      ok(await testing.story.request('stop', { storyId }));
      await eventually('stopped', ended(storyId), 20_000);
      assert.equal(events('story.stopped', storyId).length, 1);
      // Until the gateway settles, the whole reservation (prompt estimate + 800) counts; then only what was used.
      await eventually(
        'the reservation released',
        () => {
          const last = events('usage.budget').at(-1);
          return !!last && last.tokensLeft < 2000 && last.tokensLeft > 2000 - 800;
        },
        20_000,
      );
    } finally {
      await setStreamRate(emu, 0);
    }
  });
});
