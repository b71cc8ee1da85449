// Prompt caching end to end (#26): a story project's Continue Writing request, built as the
// extension builds it, through StoryService.streamRequest and the real Bedrock runtime client to
// the emulator, directly (direct mode) and through the story gateway (budget mode).
import * as assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CACHE_POINT } from '../../../infra/src/gateway/promptCaching';
import type { CognitoAuth } from '../../../src/core/auth/cognito';
import type { ConverseRequest } from '../../../src/core/story/prompt';
import { createStoryService } from '../../../src/core/story/service';
import type { StoryService } from '../../../src/core/story/service';
import { startEmulator } from '../../../emulator/src/emulator';
import type { RunningEmulator } from '../../../emulator/src/emulator';
import { DIRECT_MODE_TEAM, NO_GUARDRAILS } from '../../../emulator/src/presets';
import { authFor, configFor, signedIn } from '../../support/emulatorSession';
import { continueRequest } from '../../support/projectRequest';

const OPENING = 'Mira walked down to the harbour before dawn, counting the boats.';
const LATER = `${OPENING}\n\nThe tide was out. She found the guild's scales chained to the quay, and nobody watching them.`;
const TOO_MANY = 'A maximum of 4 blocks with cache_control may be provided. Found 5.';

/** A request with five cache points: more than AWS allows. */
function fivePoints(): ConverseRequest {
  const { request } = continueRequest(2_000, OPENING);
  const texts = ['One part.', 'Two part.', 'Three part.', 'Four part.', 'Five part.'];
  return { ...request, system: texts.flatMap((text) => [{ text }, CACHE_POINT]) };
}

for (const mode of ['direct', 'budget'] as const)
  describe(`prompt caching through StoryService.streamRequest (${mode} mode, emulator)`, function () {
    this.timeout(30_000);
    let emu: RunningEmulator;
    let auth: CognitoAuth;
    let dir: string;
    let service: StoryService;

    before(async () => {
      emu = await startEmulator({
        params:
          mode === 'direct'
            ? DIRECT_MODE_TEAM
            : {
                ...NO_GUARDRAILS,
                DailyTokensPerUser: '200000',
                RequestsPerMinutePerUser: '0',
                RequestBurstPerUser: '0',
              },
      });
      auth = authFor(emu);
    });
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'storyteller-cache-'));
      // A new user each time: their own budget and usage totals.
      const { sessions } = await signedIn(emu, auth);
      service = createStoryService({
        config: configFor(
          emu,
          mode === 'budget' ? { storyGatewayUrl: (emu.storyGatewayUrl ?? '').replace(/\/$/, '') } : {},
        ),
        sessions,
        historyDir: dir,
      });
    });
    afterEach(async () => {
      service.dispose();
      await rm(dir, { recursive: true, force: true });
    });
    after(async () => {
      auth.dispose();
      await emu.stop();
    });

    it('a second Continue with the same prefix reads it from the cache, at a lower cost, in the totals', async () => {
      const first = continueRequest(2_000, OPENING);
      assert.ok(first.context.cachePoint.placed, 'the extension placed a cache point');
      assert.deepEqual(first.request.system[1], CACHE_POINT);
      const budgetBefore = mode === 'budget' ? await service.budget() : undefined;
      const a = await service.streamRequest(first.request, 'adult');
      assert.equal(a.status, 'done', a.error?.message);
      const written = a.usage?.cacheWriteInputTokens ?? 0;
      assert.ok(written >= 1_000, `the prefix was written to the cache: ${JSON.stringify(a.usage)}`);
      assert.equal(a.usage?.cacheReadInputTokens, 0);

      const b = await service.streamRequest(continueRequest(2_000, LATER).request, 'adult');
      assert.equal(b.status, 'done', b.error?.message);
      assert.equal(b.usage?.cacheReadInputTokens, written, 'the same prefix, read back');
      assert.equal(b.usage?.cacheWriteInputTokens, 0);
      assert.ok(
        b.usage!.inputTokens < written / 4,
        `uncached input is only what follows the point: ${b.usage!.inputTokens}`,
      );
      assert.ok(a.cost && b.cost && b.cost.amount < a.cost.amount, `${b.cost?.amount} < ${a.cost?.amount}`);
      assert.match(b.usageLabel ?? '', /read from the cache, 0 written to it/);

      const today = service.usageToday();
      assert.equal(today.cacheReadInputTokens, written);
      assert.equal(today.cacheWriteInputTokens, written);
      assert.equal(today.totalTokens, a.usage!.totalTokens + b.usage!.totalTokens);
      if (mode === 'budget') {
        // The gateway's rule: cache reads and writes count at full weight.
        const after = await service.budget();
        const charged = (u: typeof a.usage) =>
          u!.inputTokens + u!.outputTokens + (u!.cacheReadInputTokens ?? 0) + (u!.cacheWriteInputTokens ?? 0);
        assert.equal(after?.tokensReserved, 0);
        assert.equal(budgetBefore!.tokensLeft - after!.tokensLeft, charged(a.usage) + charged(b.usage));
      }
    });

    it('a prefix below the minimum is not cached: no cache point is sent, and one sent anyway is ignored', async () => {
      const small = continueRequest(300, OPENING);
      assert.ok(!small.context.cachePoint.placed && small.context.cachePoint.reason === 'belowMinimum');
      assert.ok(!small.request.system.some((b) => 'cachePoint' in b));
      const a = await service.streamRequest(small.request, 'adult');
      assert.equal(a.status, 'done', a.error?.message);
      assert.equal(a.usage?.cacheReadInputTokens, undefined, 'no cache fields without a cache point');
      // A point after a short prefix: Bedrock ignores it without an error, twice.
      const forced: ConverseRequest = {
        ...small.request,
        system: [small.request.system[0]!, CACHE_POINT, ...small.request.system.slice(1)],
      };
      for (let i = 0; i < 2; i++) {
        const out = await service.streamRequest(forced, 'adult');
        assert.equal(out.status, 'done', out.error?.message);
        assert.equal(out.usage?.cacheReadInputTokens ?? 0, 0);
        assert.equal(out.usage?.cacheWriteInputTokens ?? 0, 0);
      }
    });

    it("too many cache points are refused with AWS's error, and nothing is charged", async () => {
      const before = mode === 'budget' ? await service.budget() : undefined;
      const out = await service.streamRequest(fivePoints(), 'adult');
      assert.equal(out.status, 'failed');
      assert.equal(out.error?.code, 'validation');
      assert.ok(out.error?.message.includes(TOO_MANY), out.error?.message);
      assert.equal(out.text, '');
      assert.equal(out.usage, undefined);
      assert.equal(service.usageToday().requests, 0);
      if (mode === 'budget') assert.equal((await service.budget())?.tokensLeft, before?.tokensLeft);
    });
  });
