// Content safety (#27) through the real clients against the emulator, whose IAM evaluates
// bedrock:GuardrailIdentifier as the template writes it: without the stack's guardrail a model call
// is refused; the extension sends it on every step in direct mode (read from the stack's outputs as
// Configure from Stack Outputs reads them), and the story gateway applies it itself in budget mode.
import * as assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SettingKey } from '../../../src/core/config';
import { parseStackOutputs } from '../../../src/core/stackOutputs';
import type { StoryControls } from '../../../src/core/story/protocol/controls';
import { createStoryService } from '../../../src/core/story/service';
import type { StoryService } from '../../../src/core/story/service';
import { DEFAULT_TEMPLATE, startEmulator } from '../../../emulator/src/emulator';
import { loadStack } from '../../../emulator/src/template';
import type { RunningEmulator } from '../../../emulator/src/emulator';
import { DIRECT_MODE_TEAM } from '../../../emulator/src/presets';
import { callGateway, gatewayUser, readFrames, storyRequest } from '../../../emulator/test/lambda/gatewayHelpers';
import { authFor, configFor, signedIn } from '../../support/emulatorSession';

const CHILDREN: StoryControls = {
  premise: 'An otter named Pip finds a lighthouse that sings.',
  genre: 'fantasy',
  audience: 'children',
  tone: 'whimsical',
  length: 'short',
  temperature: 0.5,
};
const ADULTS: StoryControls = { ...CHILDREN, audience: 'adult' };

/** A guardrail's blocked message as the template writes it (what Bedrock answers with). */
function blockedMessage(guardrail: 'StrictGuardrail' | 'StandardGuardrail', which: 'Input' | 'Outputs'): string {
  const stack = loadStack({ templatePath: DEFAULT_TEMPLATE, params: { ContentSafety: 'Standard' } });
  return String(stack.resources[guardrail]?.properties[`Blocked${which}Messaging`]);
}
/** Under the strict guardrail's insult filter (HIGH: even a mild word), not the standard one's (MEDIUM). */
const MILD_PREMISE = 'A crybaby goblin learns to share his marbles.';

/** The storyteller.contentSafety.* settings Configure from Stack Outputs writes from this stack's outputs. */
function safetySettings(emu: RunningEmulator): Partial<Record<SettingKey, unknown>> {
  const listed = Object.entries(emu.outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue }));
  const parsed = parseStackOutputs(JSON.stringify(listed));
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.message);
  return Object.fromEntries(Object.entries(parsed.settings).filter(([k]) => k.startsWith('contentSafety.')));
}

describe('content safety through the real clients (#27)', function () {
  this.timeout(60_000);
  let dir: string;
  const services: StoryService[] = [];
  const emulators: RunningEmulator[] = [];

  async function service(emu: RunningEmulator, overrides: Partial<Record<SettingKey, unknown>>): Promise<StoryService> {
    const { sessions } = await signedIn(emu, authFor(emu));
    const s = createStoryService({ config: configFor(emu, overrides), sessions, historyDir: dir });
    services.push(s);
    return s;
  }
  async function emulator(params: Record<string, string>): Promise<RunningEmulator> {
    const emu = await startEmulator({ params });
    emulators.push(emu);
    return emu;
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'storyteller-safety-'));
  });
  afterEach(async () => {
    for (const s of services.splice(0)) s.dispose();
    for (const e of emulators.splice(0)) await e.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('direct mode, Standard: a story without the guardrail is refused; with the stack’s, every step is served', async () => {
    const emu = await emulator({ ...DIRECT_MODE_TEAM, ContentSafety: 'Standard' });
    const settings = safetySettings(emu);
    assert.equal(settings['contentSafety.policy'], 'Standard');
    assert.match(String(settings['contentSafety.strictGuardrailId']), /^[a-z0-9]+$/);

    const unguarded = await service(emu, {});
    const refused = await unguarded.generate(CHILDREN);
    assert.equal(refused.status, 'failed');
    assert.equal(refused.error?.code, 'accessDenied', refused.error?.message);

    const guarded = await service(emu, settings);
    const first = await guarded.generate(CHILDREN);
    assert.equal(first.status, 'done', first.error?.message);
    assert.ok(first.text.length > 0);
    for (const next of [
      await guarded.continue(first.storyId),
      await guarded.regenerate(first.storyId),
      await guarded.refine(first.storyId, 'Make it shorter.'),
      await guarded.generate(ADULTS),
    ])
      assert.equal(next.status, 'done', `${next.kind}: ${next.error?.message}`);
  });

  it('a children’s premise the strict guardrail blocks: the stack’s message in one sentence, blocked in history, usage counted; for adults it is served', async () => {
    const emu = await emulator({ ...DIRECT_MODE_TEAM, ContentSafety: 'Standard' });
    const s = await service(emu, safetySettings(emu));
    const message = blockedMessage('StrictGuardrail', 'Input');
    assert.ok(message.length > 20, message);
    let streamed = '';
    const out = await s.generate({ ...CHILDREN, premise: MILD_PREMISE }, undefined, {
      onDelta: (t) => (streamed += t),
    });
    assert.equal(out.status, 'blocked', out.error?.message);
    assert.equal(out.stopReason, 'guardrail_intervened');
    assert.equal(out.error?.code, 'premiseBlocked');
    assert.equal(
      out.error?.message,
      `The content policy blocked this premise: “${message}” Change the premise and try again.`,
    );
    assert.equal(streamed.trim(), message, 'what streamed was the stack’s message, not a story');
    assert.equal(out.text, '', 'nothing kept as the story');
    const saved = await s.history.get(out.storyId);
    assert.equal(saved?.status, 'blocked');
    assert.equal(saved?.text, '');
    assert.equal(saved?.turns.at(-1)?.status, 'blocked');
    assert.equal(saved?.error?.code, 'premiseBlocked');
    assert.ok(out.usage && !out.usage.estimated, 'the usage Bedrock reported (the model never ran)');
    assert.equal(s.usageToday().inputTokens + s.usageToday().outputTokens, out.usage.totalTokens);

    const adults = await s.generate({ ...ADULTS, premise: MILD_PREMISE });
    assert.equal(adults.status, 'done', adults.error?.message);
  });

  it('a story whose output the guardrail blocks: outputBlocked with the stack’s message, nothing of it kept', async () => {
    const emu = await emulator({ ...DIRECT_MODE_TEAM, ContentSafety: 'Standard' });
    const s = await service(emu, safetySettings(emu));
    // The emulator's model tells this story; its third paragraph is one the strict filters block.
    const story = `# The Lantern\n\n${'Pip walked along the shore, counting shells in the evening light. '.repeat(4)}\n\nThen came a massacre in the village.`;
    const told = await fetch(`${emu.endpoints.cognitoIdp}/_emulator/story`, {
      method: 'PUT',
      body: JSON.stringify({ text: story }),
    });
    assert.ok(told.ok, await told.text());
    const out = await s.generate(CHILDREN);
    assert.equal(out.status, 'blocked', out.error?.message);
    assert.equal(out.error?.code, 'outputBlocked');
    assert.ok(out.error?.message.includes(blockedMessage('StrictGuardrail', 'Outputs')), out.error?.message);
    assert.equal(out.text, '');
    assert.ok(out.usage && out.usage.outputTokens > 0, 'the tokens the model wrote before the block are billed');
    assert.equal((await s.history.get(out.storyId))?.status, 'blocked');
  });

  it('budget mode: the gateway blocks a children’s premise with the strict guardrail (the audience it is told), not an adult’s', async () => {
    const emu = await emulator({
      DailyTokensPerUser: '20000',
      RequestsPerMinutePerUser: '0',
      RequestBurstPerUser: '0',
      ContentSafety: 'Standard',
    });
    assert.ok(emu.storyGatewayUrl);
    const s = await service(emu, { storyGatewayUrl: emu.storyGatewayUrl.replace(/\/$/, '') });
    // /usage reports the policy the gateway applies (the panel shows it, not the settings': none here).
    assert.equal((await s.budget())?.contentSafety, 'Standard');
    const before = (await s.budget())!.tokensLeft;
    const blocked = await s.generate({ ...CHILDREN, premise: MILD_PREMISE });
    assert.equal(blocked.status, 'blocked', blocked.error?.message);
    assert.equal(blocked.error?.code, 'premiseBlocked');
    assert.ok(blocked.error?.message.includes(blockedMessage('StrictGuardrail', 'Input')), blocked.error?.message);
    const after = (await s.budget())!;
    assert.equal(after.tokensReserved, 0, 'the reservation is settled');
    assert.equal(before - after.tokensLeft, blocked.usage?.totalTokens ?? 0, 'charged what Bedrock billed, no more');
    const adults = await s.generate({ ...ADULTS, premise: MILD_PREMISE });
    assert.equal(adults.status, 'done', adults.error?.message);
  });

  it('direct mode, Strict: the strict guardrail for every story, the only one IAM allows then', async () => {
    const emu = await emulator({ ...DIRECT_MODE_TEAM, ContentSafety: 'Strict' });
    const guarded = await service(emu, safetySettings(emu));
    const adults = await guarded.generate(ADULTS);
    assert.equal(adults.status, 'done', adults.error?.message);
    // The standard guardrail alone, as a Standard policy would send for adults: refused under Strict.
    const lenient = await service(emu, { ...safetySettings(emu), 'contentSafety.policy': 'Standard' });
    const refused = await lenient.generate(ADULTS);
    assert.equal(refused.error?.code, 'accessDenied', refused.error?.message);
  });

  it('budget mode: the gateway applies the stack’s guardrail itself, whatever guardrail the client names', async () => {
    const emu = await emulator({
      DailyTokensPerUser: '20000',
      RequestsPerMinutePerUser: '0',
      RequestBurstPerUser: '0',
      ContentSafety: 'Strict',
    });
    assert.ok(emu.storyGatewayUrl);
    // The extension in budget mode with no guardrail settings at all: the gateway's role needs one.
    const s = await service(emu, { storyGatewayUrl: emu.storyGatewayUrl.replace(/\/$/, '') });
    const out = await s.generate(ADULTS);
    assert.equal(out.status, 'done', out.error?.message);
    assert.equal((await s.budget())?.tokensReserved, 0, 'settled');
    assert.equal((await s.budget())?.contentSafety, 'Strict', '/usage says which policy the gateway applies');

    // A client naming a guardrail of its own (or none that exists) is served with the stack's.
    const user = await gatewayUser(emu);
    const res = await callGateway(emu, user, 'POST', '/converse-stream', {
      ...storyRequest(60),
      guardrailConfig: { guardrailIdentifier: 'notours123', guardrailVersion: '7', streamProcessingMode: 'async' },
    });
    assert.equal(res.status, 200, await res.clone().text());
    const { frames, cut } = await readFrames(res);
    assert.equal(cut, false);
    assert.ok(
      frames.some((f) => f.type === 'messageStop'),
      frames.map((f) => f.type).join(', '),
    );
  });
});
