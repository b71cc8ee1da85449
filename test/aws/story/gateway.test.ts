// Budget mode (#16) through the real client: the story service sends its stories to the emulator's
// story gateway (the real handler from infra/, SigV4 for service lambda, DynamoDB through dynalite),
// decodes them with the same Bedrock client, and maps the gateway's refusals to story errors.
import * as assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { HttpHandlerOptions } from '@smithy/types';
import type { CognitoAuth } from '../../../src/core/auth/cognito';
import type { SessionManager } from '../../../src/core/auth/session';
import type { StoryControls } from '../../../src/core/story/protocol/controls';
import { createStoryService } from '../../../src/core/story/service';
import type { StoryService } from '../../../src/core/story/service';
import type { StoryServiceOptions } from '../../../src/core/story/storyApi';
import { startEmulator } from '../../../emulator/src/emulator';
import type { RunningEmulator } from '../../../emulator/src/emulator';
import { NO_GUARDRAILS } from '../../../emulator/src/presets';
import { authFor, configFor, signedIn } from '../../support/emulatorSession';

const CONTROLS: StoryControls = {
  premise: 'An otter named Pip finds a lighthouse that sings.',
  genre: 'fantasy',
  audience: 'children',
  tone: 'whimsical',
  length: 'short',
  temperature: 0.5,
};

/** Counts what goes where, over the same HTTP/1.1 handler the service uses. */
class CountingHandler extends NodeHttpHandler {
  readonly paths: string[] = [];
  /** The gateway's x-storyteller-reserved-tokens of each story it served. */
  readonly reserved: number[] = [];
  /** Called with each response's status as it arrives. */
  onStatus: (status: number) => void = () => undefined;
  override async handle(request: Parameters<NodeHttpHandler['handle']>[0], options?: HttpHandlerOptions) {
    this.paths.push(`${request.method} ${request.path}`);
    const out = await super.handle(request, options);
    const reserved = out.response.headers['x-storyteller-reserved-tokens'];
    if (reserved !== undefined) this.reserved.push(Number(reserved));
    this.onStatus(out.response.statusCode);
    return out;
  }
  count(suffix: string): number {
    return this.paths.filter((p) => p.endsWith(suffix)).length;
  }
}

/** Per-minute tests need both stories in one UTC minute: start them well before its end. */
async function awayFromMinuteEnd(): Promise<void> {
  const s = new Date().getUTCSeconds();
  if (s >= 40) await new Promise((r) => setTimeout(r, (61 - s) * 1000));
}

async function budgetEmulator(params: Record<string, string>): Promise<RunningEmulator> {
  return startEmulator({
    params: { ...NO_GUARDRAILS, RequestsPerMinutePerUser: '0', RequestBurstPerUser: '0', ...params },
  });
}

describe('StoryService in budget mode (the story gateway on the emulator)', function () {
  this.timeout(30_000);
  let dir: string;
  const services: StoryService[] = [];
  const emulators: RunningEmulator[] = [];

  async function setUp(
    params: Record<string, string>,
    overrides: Partial<StoryServiceOptions> = {},
  ): Promise<{ emu: RunningEmulator; service: StoryService; handler: CountingHandler; sessions: SessionManager }> {
    const emu = await budgetEmulator(params);
    emulators.push(emu);
    assert.ok(emu.storyGatewayUrl, 'the emulator serves the gateway in budget mode');
    const auth: CognitoAuth = authFor(emu);
    const { sessions } = await signedIn(emu, auth);
    const handler = new CountingHandler();
    const service = createStoryService({
      // The setting holds the URL without its trailing slash (config.ts strips it).
      config: configFor(emu, { storyGatewayUrl: emu.storyGatewayUrl.replace(/\/$/, '') }),
      sessions,
      historyDir: dir,
      requestHandler: handler,
      ...overrides,
    });
    services.push(service);
    return { emu, service, handler, sessions };
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'storyteller-gateway-'));
  });
  afterEach(async () => {
    for (const s of services.splice(0)) s.dispose();
    for (const e of emulators.splice(0)) await e.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('streams a story through the gateway, never to Bedrock directly, and the budget goes down by its usage', async () => {
    const { service, handler } = await setUp({ DailyTokensPerUser: '5000' });
    assert.equal(service.budgetMode, true);
    const before = await service.budget();
    assert.ok(before);
    assert.equal(before.dailyTokens, 5000);
    assert.equal(before.tokensLeft, 5000);
    let streamed = '';
    const out = await service.generate(CONTROLS, undefined, { onDelta: (t) => (streamed += t) });
    assert.equal(out.status, 'done', out.error?.message);
    assert.ok(out.text.length > 0);
    assert.equal(streamed, out.text);
    assert.ok(out.usage && out.usage.totalTokens > 0 && !out.usage.estimated, 'the usage Bedrock reported');
    const after = await service.budget();
    assert.equal(after?.tokensLeft, 5000 - out.usage.totalTokens);
    assert.equal(after?.tokensReserved, 0, 'settled before the stream ended');
    assert.equal(handler.count('/converse-stream'), 1);
    assert.ok(
      handler.paths.every((p) => !p.includes('/model/')),
      `no direct Bedrock call: ${handler.paths.join(', ')}`,
    );
    const saved = await service.history.get(out.storyId);
    assert.equal(saved?.text, out.text, 'the same history as in direct mode');
  });

  it('continues a story through the gateway (the conversation goes in the body)', async () => {
    const { service } = await setUp({ DailyTokensPerUser: '20000' });
    const first = await service.generate(CONTROLS);
    assert.equal(first.status, 'done', first.error?.message);
    const more = await service.continue(first.storyId);
    assert.equal(more.status, 'done', more.error?.message);
    assert.ok(more.text.startsWith(first.text) && more.text.length > first.text.length);
  });

  it("offers the stack's allowed models, from the gateway, without calling ListFoundationModels (the role may not)", async () => {
    const { service, handler } = await setUp({ DailyTokensPerUser: '5000' });
    const list = await service.listModels();
    assert.equal(list.source, 'gateway');
    assert.equal(list.reason, undefined, 'no error to report');
    // The template's AllowedModelIds, not storyteller.models (which also offers Nova Pro).
    assert.deepEqual(
      list.models.map((m) => m.id),
      ['amazon.nova-lite-v1:0', 'amazon.nova-micro-v1:0'],
    );
    assert.equal(handler.count('/foundation-models'), 0);
  });

  it('stops at once when asked, keeps the text, and the stopped story settles', async () => {
    const { emu, service } = await setUp({ DailyTokensPerUser: '20000' });
    await fetch(`${emu.endpoints.cognitoIdp}/_emulator/stream-rate`, {
      method: 'PUT',
      body: JSON.stringify({ tokensPerSecond: 40 }),
      headers: { 'content-type': 'application/json' },
    });
    const controller = new AbortController();
    let streamed = '';
    const out = await service.generate(CONTROLS, undefined, {
      signal: controller.signal,
      onDelta: (t) => {
        streamed += t;
        if (streamed.length > 20) controller.abort();
      },
    });
    assert.equal(out.status, 'stopped');
    assert.ok(out.text.length > 0);
    // The gateway settles what was generated and releases the rest of the reservation.
    const until = Date.now() + 10_000;
    while (Date.now() < until && ((await service.budget())?.tokensReserved ?? 1) !== 0)
      await new Promise((r) => setTimeout(r, 100));
    const left = (await service.budget())?.tokensLeft ?? 0;
    assert.ok(left < 20000 && left > 20000 - 1500, `settled ${20000 - left} tokens`);
  });

  it('says which limit, how much is left and when it resets when the budget is spent, with no Retry, and Bedrock is not called', async () => {
    // A short story reserves its input bound (one token per byte) plus 800: one fits in 1,500, the second does not.
    const { service, handler } = await setUp({ DailyTokensPerUser: '1500' });
    const first = await service.generate(CONTROLS);
    assert.equal(first.status, 'done', first.error?.message);
    const left = (await service.budget())?.tokensLeft;
    const second = await service.generate(CONTROLS);
    assert.equal(second.status, 'failed');
    assert.equal(second.error?.code, 'budgetExceeded');
    assert.deepEqual(second.error?.actions, [], 'no Retry before the budget resets');
    const message = second.error?.message ?? '';
    assert.match(
      message,
      /^Your daily token budget has [\d,]+ tokens left and this story may need [\d,]+; it resets in/,
    );
    assert.ok(message.includes(`has ${new Intl.NumberFormat('en-US').format(left ?? -1)} tokens left`), message);
    assert.match(message, /\(00:00 UTC\)\. Choose a shorter length or wait until then\.$/);
    assert.equal(handler.count('/converse-stream'), 2, 'refused once, not retried');
    // A refusal is not a story: no history row "0 total tokens · failed" (#24).
    assert.equal(await service.history.get(second.storyId), undefined);
    assert.deepEqual(
      (await service.history.list()).items.map((i) => i.id),
      [first.storyId],
    );
    // Nor does a refused Continue, Regenerate or Refine change the story it was asked of.
    const before = await service.history.get(first.storyId);
    for (const refused of [
      await service.continue(first.storyId),
      await service.regenerate(first.storyId),
      await service.refine(first.storyId, 'Make it rhyme.'),
    ]) {
      assert.equal(refused.error?.code, 'budgetExceeded', refused.kind);
      assert.equal(refused.added, '');
    }
    assert.deepEqual(await service.history.get(first.storyId), before);
    assert.deepEqual(
      (await service.history.list()).items.map((i) => i.id),
      [first.storyId],
    );
  });

  it('never charges past the reservation or the budget, for a premise of punctuation (#23)', async () => {
    // The emulator's model counts every punctuation mark as a token, as byte-level tokenizers do.
    const { service, handler } = await setUp({ DailyTokensPerUser: '4500' });
    const out = await service.generate({ ...CONTROLS, premise: '!?'.repeat(2000) });
    const after = await service.budget();
    assert.ok(after);
    const charged = after.tokensUsed;
    assert.ok(charged <= 4500, `charged ${charged}`);
    if (out.status === 'done') {
      const [reserved] = handler.reserved;
      assert.ok(reserved !== undefined && charged <= reserved, `charged ${charged}, reserved ${reserved}`);
      assert.equal(charged, out.usage?.totalTokens, 'what Bedrock reported, when within the reservation');
    } else {
      assert.equal(out.error?.code, 'budgetExceeded', out.error?.message);
      assert.equal(charged, 0);
    }
  });

  it("never shows Bedrock's own error messages (account id, role ARN), and still offers the right next step (#23)", async () => {
    const { emu, service } = await setUp({ DailyTokensPerUser: '50000' });
    const account = '123456789012';
    const secret = `User: arn:aws:sts::${account}:assumed-role/StoryGatewayRole-1AbC/fn is not authorized (arn:aws:bedrock:us-east-1:${account}:x)`;
    const failures: [Record<string, unknown>, string, string][] = [
      [{ kind: 'error', error: 'AccessDeniedException' }, 'modelNotAllowed', 'pickModel'],
      [{ kind: 'error', error: 'ValidationException' }, 'validation', 'pickModel'],
      [{ kind: 'error', error: 'ServiceUnavailableException', count: 10 }, 'unavailable', 'retry'],
      [{ kind: 'cut', afterTokens: 3 }, 'interrupted', 'continue'],
    ];
    for (const [fault, code, action] of failures) {
      emu.fault({ operation: 'ConverseStream', message: secret, ...fault });
      const out = await service.generate(CONTROLS);
      emu.clearFaults();
      const message = out.error?.message ?? '';
      assert.equal(out.error?.code, code, message);
      assert.ok(out.error?.actions.includes(action as never), `${code}: ${out.error?.actions.join()}`);
      assert.ok(!message.includes(account) && !message.includes('arn:'), message);
      // Nothing written: no history row (#24); a cut story keeps its row, with the fixed sentence.
      const saved = await service.history.get(out.storyId);
      assert.equal(saved === undefined, out.added === '', code);
      assert.ok(!JSON.stringify(saved?.error ?? null).includes(account), 'nor in the history file');
    }
  });

  it("names the stack's shared budget when that is the limit", async () => {
    const { service } = await setUp({ DailyTokensPerUser: '50000', DailyTokensTotal: '500' });
    const out = await service.generate(CONTROLS);
    assert.equal(out.error?.code, 'budgetExceeded');
    assert.match(
      out.error?.message ?? '',
      /^The stack's daily token budget, shared by all its users, has 500 tokens left/,
    );
  });

  it('retries a throttled story by itself after the Retry-After the gateway asks for', async () => {
    const { emu, service, handler } = await setUp({ DailyTokensPerUser: '50000' });
    // DynamoDB throttles the reservation (past the gateway's own SDK retries): 429, Retry-After: 1.
    // Once that 429 has arrived, DynamoDB is well again for the retry.
    emu.fault({ kind: 'error', operation: 'UpdateItem', error: 'ProvisionedThroughputExceededException', count: 1000 });
    handler.onStatus = (status) => {
      if (status === 429) emu.clearFaults();
    };
    const started = Date.now();
    const out = await service.generate(CONTROLS);
    assert.equal(out.status, 'done', out.error?.message);
    assert.equal(handler.count('/converse-stream'), 2, 'the throttled attempt and its retry');
    assert.ok(Date.now() - started >= 1000, 'waited the second Retry-After asked for');
  });

  it('retries past the per-second limit: two stories started at once are both written', async () => {
    const { service, handler } = await setUp({ DailyTokensPerUser: '50000', RequestBurstPerUser: '1' });
    const both = await Promise.all([service.generate(CONTROLS), service.generate(CONTROLS)]);
    for (const out of both) assert.equal(out.status, 'done', out.error?.message);
    assert.ok(handler.count('/converse-stream') >= 2);
  });

  it('gives up when Retry-After is beyond its bound, and says when to try again', async () => {
    const { service, handler } = await setUp({ DailyTokensPerUser: '50000', RequestsPerMinutePerUser: '1' });
    await awayFromMinuteEnd();
    const first = await service.generate(CONTROLS);
    assert.equal(first.status, 'done', first.error?.message);
    const started = Date.now();
    const second = await service.generate(CONTROLS);
    const elapsed = Date.now() - started;
    assert.equal(second.status, 'failed');
    assert.equal(second.error?.code, 'rateLimited');
    assert.deepEqual(second.error?.actions, ['retry']);
    assert.match(
      second.error?.message ?? '',
      /^You have started as many stories this minute as the story gateway allows\. Try again in \d+ s\.$/,
    );
    const asked = Number(/in (\d+) s/.exec(second.error?.message ?? '')?.[1]);
    assert.ok(asked >= 10 && elapsed < asked * 1000, `gave up at once (${elapsed} ms), not after ${asked} s`);
    assert.equal(handler.count('/converse-stream'), 2);
  });

  it('says it retried when throttling outlasts the retries', async () => {
    const { emu, service, handler } = await setUp(
      { DailyTokensPerUser: '50000' },
      { throttleRetry: { maxAttempts: 2, maxWaitMs: 1500, baseDelayMs: 100 } },
    );
    emu.fault({ kind: 'error', operation: 'UpdateItem', error: 'ProvisionedThroughputExceededException', count: 1000 });
    const out = await service.generate(CONTROLS);
    assert.equal(out.status, 'failed');
    assert.equal(out.error?.code, 'rateLimited');
    assert.deepEqual(out.error?.actions, ['retry']);
    assert.equal(
      out.error?.message,
      'The story gateway is busy; Storyteller retried for 1 s and it still refused. Try again in 1 s.',
    );
    assert.equal(handler.count('/converse-stream'), 2);
  });

  it('stops while waiting out a throttle, at once', async () => {
    const { service } = await setUp(
      { DailyTokensPerUser: '50000', RequestsPerMinutePerUser: '1' },
      { throttleRetry: { maxAttempts: 3, maxWaitMs: 90_000, baseDelayMs: 100 } },
    );
    await awayFromMinuteEnd();
    await service.generate(CONTROLS);
    const controller = new AbortController();
    const pending = service.generate(CONTROLS, undefined, {
      signal: controller.signal,
      onStart: () => setTimeout(() => controller.abort(), 150),
    });
    const started = Date.now();
    const out = await pending;
    assert.ok(Date.now() - started < 900, `stopped in ${Date.now() - started} ms`);
    assert.equal(out.status, 'stopped');
  });

  it('maps a model the stack does not allow to Pick another model', async () => {
    const { service } = await setUp({ DailyTokensPerUser: '50000' });
    const out = await service.generate(CONTROLS, 'amazon.nova-pro-v1:0');
    assert.equal(out.error?.code, 'modelNotAllowed');
    assert.deepEqual(out.error?.actions, ['pickModel']);
    assert.match(out.error?.message ?? '', /does not allow model amazon\.nova-pro-v1:0/);
  });
});
