// The story service against the local emulator, through the real SDK clients: streaming,
// cancellation, credentials caching and refresh, error mapping, continue/refine, history.
import * as assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BedrockRuntimeClient, ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { HttpHandlerOptions } from '@smithy/types';
import type { CognitoAuth } from '../../../src/core/auth/cognito';
import type { SessionManager } from '../../../src/core/auth/session';
import { StoryError } from '../../../src/core/story/errors';
import { HistoryStore, LEASE_MS } from '../../../src/core/story/history/history';
import { CONTINUE_INSTRUCTION, SYSTEM_PROMPT } from '../../../src/core/story/prompt';
import type { StoryControls } from '../../../src/core/story/protocol/controls';
import { createStoryService } from '../../../src/core/story/service';
import type { StoryService } from '../../../src/core/story/service';
import type { StoryServiceOptions } from '../../../src/core/story/storyApi';
import { startEmulator } from '../../../emulator/src/emulator';
import type { RunningEmulator } from '../../../emulator/src/emulator';
import { authFor, cognitoCalls, configFor, signedIn } from '../../support/emulatorSession';
import { DIRECT_MODE_TEAM } from '../../../emulator/src/presets';

const CONTROLS: StoryControls = {
  premise: 'An otter named Pip finds a lighthouse that sings.',
  genre: 'fantasy',
  audience: 'children',
  tone: 'whimsical',
  length: 'short',
  temperature: 0.5,
};

interface Converse {
  system: { text: string }[];
  messages: { role: string; content: { text: string }[] }[];
}

/** Records what the service sends to ConverseStream, over the same HTTP/1.1 handler. */
class RecordingHandler extends NodeHttpHandler {
  readonly sent: Converse[] = [];
  override async handle(request: Parameters<NodeHttpHandler['handle']>[0], options?: HttpHandlerOptions) {
    if (request.path.endsWith('/converse-stream'))
      this.sent.push(JSON.parse(Buffer.from(request.body as Uint8Array).toString('utf8')) as Converse);
    return super.handle(request, options);
  }
}

async function expectCut(s: StoryService, emu: RunningEmulator, message: RegExp): Promise<void> {
  emu.resetCounters();
  let streamed = '';
  const out = await s.generate(CONTROLS, undefined, { onDelta: (t) => (streamed += t) });
  assert.equal(out.status, 'failed');
  assert.ok(out.text.length > 0);
  assert.equal(streamed, out.text);
  assert.equal(out.error?.code, 'interrupted');
  assert.deepEqual(out.error?.actions, ['continue']);
  assert.equal(out.error?.partialKept, true);
  assert.match(out.error?.message ?? '', message);
  assert.equal(emu.counters().ConverseStream, 1, 'a cut stream is not retried (the text would repeat)');
  const saved = await s.history.get(out.storyId);
  assert.equal(saved?.text, out.text, 'the partial text is in the history');
  assert.equal(saved?.status, 'failed');
}

describe('StoryService against the emulator', function () {
  this.timeout(20_000);
  let emu: RunningEmulator;
  let auth: CognitoAuth;
  let dir: string;
  let user: { sessions: SessionManager };
  const services: StoryService[] = [];

  function service(overrides: Partial<StoryServiceOptions> = {}, e: RunningEmulator = emu): StoryService {
    const s = createStoryService({ config: configFor(e), sessions: user.sessions, historyDir: dir, ...overrides });
    services.push(s);
    return s;
  }

  before(async () => {
    emu = await startEmulator({ params: DIRECT_MODE_TEAM });
    auth = authFor(emu);
    user = await signedIn(emu, auth);
  });
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stories-'));
    emu.clearFaults();
    emu.resetCounters();
  });
  afterEach(async () => {
    for (const s of services.splice(0)) s.dispose();
    await rm(dir, { recursive: true, force: true });
  });
  after(async () => {
    auth.dispose();
    await emu.stop();
  });

  it('two windows writing stories add to the same usage totals (the file is shared, not last-writer-wins)', async () => {
    const file = join(dir, 'usage', 'user.json');
    const seed = { version: 1, days: {} };
    const [a, b] = [service({ usage: { file, initial: seed } }), service({ usage: { file, initial: seed } })];
    const [ra, rb] = await Promise.all([
      a.generate(CONTROLS),
      b.generate({ ...CONTROLS, premise: 'A robot named Bolt learns to bake bread.' }),
    ]);
    await Promise.all([a.refreshUsage(), b.refreshUsage()]);
    for (const s of [a, b]) {
      assert.equal(s.usageToday().requests, 2);
      assert.equal(s.usageToday().totalTokens, (ra.usage?.totalTokens ?? 0) + (rb.usage?.totalTokens ?? 0));
    }
  });

  it('streams a story: cold = GetId + GetCredentialsForIdentity, warm = no Cognito call at all', async () => {
    const usageSaves: unknown[] = [];
    const s = service({ usage: { save: (state) => void usageSaves.push(state) } });
    const deltas: string[] = [];
    const starts: string[] = [];
    const cold = await s.generate(CONTROLS, 'amazon.nova-lite-v1:0', {
      onDelta: (t) => deltas.push(t),
      onStart: (st) => starts.push(st.storyId),
    });
    assert.equal(cold.status, 'done', JSON.stringify(cold.error));
    assert.ok(cold.text.length > 200, cold.text);
    assert.equal(deltas.join(''), cold.text, 'the batched deltas add up to the story');
    assert.deepEqual(starts, [cold.storyId]);
    assert.equal(cold.stopReason, 'end_turn');
    assert.ok(cold.usage && cold.usage.outputTokens > 50 && cold.usage.inputTokens > 0, JSON.stringify(cold.usage));
    assert.ok(
      cold.cost &&
        Math.abs(cold.cost.amount - (cold.usage.inputTokens * 0.00006 + cold.usage.outputTokens * 0.00024) / 1000) <
          1e-12,
    );
    assert.match(cold.usageLabel ?? '', /^[\d,]+ tokens · ≈ \$0\.\d+ \(estimate\)$/);
    assert.deepEqual(cognitoCalls(emu), { getId: 1, getCredentials: 1, initiateAuth: 0 });

    emu.resetCounters();
    const warm = await s.generate({ ...CONTROLS, premise: 'A robot named Bolt learns to bake bread.' });
    assert.equal(warm.status, 'done');
    assert.deepEqual(cognitoCalls(emu), { getId: 0, getCredentials: 0, initiateAuth: 0 });
    assert.equal(emu.counters().ConverseStream, 1);

    const today = s.usageToday();
    assert.equal(today.requests, 2);
    assert.equal(today.totalTokens, cold.usage.totalTokens + (warm.usage?.totalTokens ?? 0));
    assert.equal(usageSaves.length, 2);

    const saved = await s.history.get(cold.storyId);
    assert.equal(saved?.status, 'done');
    assert.equal(saved?.text, cold.text);
    const files = await readdir(dir);
    assert.deepEqual(files.sort(), [`${cold.storyId}.json`, `${warm.storyId}.json`].sort(), 'no temp files left');
    const raw = (await Promise.all(files.map((f) => readFile(join(dir, f), 'utf8')))).join('\n');
    assert.ok(
      !/eyJ[\w-]{10,}|ASIA[0-9A-Z]{16}|SessionToken|@example\.com/.test(raw),
      'no tokens, keys or email in the history',
    );
  });

  it('keeps each user to their own credentials, and sign-out drops them', async () => {
    const s = service();
    await s.generate(CONTROLS);
    const other = await signedIn(emu, auth);
    emu.resetCounters();
    // The same service switching user (another sign-in) must exchange again.
    const switching = { current: user.sessions };
    const s2 = service({
      sessions: { peek: () => switching.current.peek(), getSession: () => switching.current.getSession() },
    });
    await s2.generate(CONTROLS);
    switching.current = other.sessions;
    await s2.generate(CONTROLS);
    assert.deepEqual(cognitoCalls(emu), { getId: 2, getCredentials: 2, initiateAuth: 0 });

    emu.resetCounters();
    s.onSignOut();
    await s.generate(CONTROLS);
    assert.deepEqual(cognitoCalls(emu), { getId: 1, getCredentials: 1, initiateAuth: 0 }, 'cold again after sign-out');
  });

  it('AccessDenied for a model outside AllowedModelIds: says how to get access, offers another model', async () => {
    const out = await service().generate(CONTROLS, 'amazon.titan-text-lite-v1');
    assert.equal(out.status, 'failed');
    assert.equal(out.error?.code, 'accessDenied');
    assert.deepEqual(out.error?.actions, ['pickModel']);
    assert.match(out.error?.message ?? '', /amazon\.titan-text-lite-v1.*Model access.*AllowedModelIds/s);
    assert.equal(out.error?.partialKept, false);
  });

  it('throttling beyond the SDK retries: a message and a retry action', async () => {
    emu.fault({ kind: 'error', operation: 'ConverseStream', error: 'ThrottlingException', count: 5 });
    const out = await service().generate(CONTROLS);
    assert.equal(out.status, 'failed');
    assert.equal(out.error?.code, 'throttled');
    assert.deepEqual(out.error?.actions, ['retry']);
    assert.match(out.error?.message ?? '', /^Bedrock is busy/);
    assert.equal(emu.counters().ConverseStream, 3, 'the SDK made its 3 attempts first');
  });

  it('a stream cut mid-way (exception frame) keeps the partial story and offers continue', async () => {
    emu.fault({
      kind: 'cut',
      operation: 'ConverseStream',
      afterTokens: 12,
      mode: 'exception',
      exception: 'modelStreamErrorException',
    });
    await expectCut(service(), emu, /ModelStreamErrorException/);
  });

  it('continue and refine send the story as conversation turns', async () => {
    const handler = new RecordingHandler();
    const s = service({ requestHandler: handler });
    emu.fault({ kind: 'cut', operation: 'ConverseStream', afterTokens: 20, mode: 'exception' });
    const first = await s.generate(CONTROLS);
    assert.equal(first.status, 'failed');
    const more = await s.continue(first.storyId);
    assert.equal(more.status, 'done');
    assert.equal(more.storyId, first.storyId);
    assert.ok(more.text.startsWith(first.text) && more.text.length > first.text.length);
    const continued = handler.sent[1]!;
    assert.deepEqual(continued.system, [{ text: SYSTEM_PROMPT }]);
    assert.deepEqual(
      continued.messages.map((m) => m.role),
      ['user', 'assistant', 'user'],
    );
    assert.equal(
      continued.messages[0]!.content[0]!.text,
      handler.sent[0]!.messages[0]!.content[0]!.text,
      'the original brief',
    );
    assert.equal(continued.messages[1]!.content[0]!.text, first.text.trimEnd());
    assert.equal(continued.messages[2]!.content[0]!.text, CONTINUE_INSTRUCTION);

    const refined = await s.refine(first.storyId, 'Make the otter a pirate.');
    assert.equal(refined.status, 'done');
    assert.notEqual(refined.storyId, first.storyId, 'refine makes a new story; the original stays');
    const sent = handler.sent[2]!;
    assert.equal(sent.messages[1]!.content[0]!.text, more.text.trimEnd());
    assert.match(sent.messages[2]!.content[0]!.text, /Make the otter a pirate\./);
    const stored = await s.history.get(refined.storyId);
    assert.equal(stored?.parentId, first.storyId);
    assert.equal(stored?.turns[0]?.instruction, 'Make the otter a pirate.');
    assert.equal((await s.history.get(first.storyId))?.text, more.text);

    const again = await s.regenerate(first.storyId);
    assert.deepEqual(handler.sent[3]!.messages, handler.sent[0]!.messages, 'regenerate re-sends the original prompt');
    assert.equal(again.status, 'done');
  });

  it('expired credentials: one automatic refresh, then success', async () => {
    const s = service();
    await s.generate(CONTROLS);
    emu.fault({ kind: 'expireCredentials' });
    emu.resetCounters();
    const out = await s.generate(CONTROLS);
    assert.equal(out.status, 'done', JSON.stringify(out.error));
    const c = emu.counters();
    assert.equal(c.GetCredentialsForIdentity, 1, 'one fresh exchange');
    assert.equal(c.GetId ?? 0, 0, 'the identity id is remembered');
    assert.equal(c.ConverseStream, 2, 'refused once, then retried');
  });

  it('not signed in: a signIn action and no story created', async () => {
    const s = service({
      sessions: { peek: async () => undefined, getSession: () => Promise.reject(new Error('unused')) },
    });
    await assert.rejects(
      s.generate(CONTROLS),
      (e: StoryError) => e instanceof StoryError && e.code === 'notSignedIn' && e.actions.join() === 'signIn',
    );
    assert.deepEqual(await readdir(dir).catch(() => []), []);
    await assert.rejects(
      s.generate({ ...CONTROLS, premise: '' }),
      (e: StoryError) => e.code === 'invalidControls' && e.message === 'Premise is required.',
    );
  });

  it("network down: can't reach Bedrock, retry, and the session stays", async () => {
    const dead = http.createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    const port = (dead.address() as { port: number }).port;
    await new Promise<void>((r) => dead.close(() => r()));
    const s = createStoryService({
      config: configFor(emu, { 'endpoints.bedrockRuntime': `http://127.0.0.1:${port}` }),
      sessions: user.sessions,
      historyDir: dir,
    });
    services.push(s);
    const out = await s.generate(CONTROLS);
    assert.equal(out.status, 'failed');
    assert.equal(out.error?.code, 'network');
    assert.deepEqual(out.error?.actions, ['retry']);
    assert.match(out.error?.message ?? '', /^Can't reach Amazon Bedrock at http:\/\/127\.0\.0\.1:\d+\./);
    assert.equal(user.sessions.current.kind, 'signedIn');
  });

  it('lists models from Bedrock, and falls back to the settings when the role may not list them', async () => {
    const s = service();
    const listed = await s.listModels();
    assert.equal(listed.source, 'bedrock');
    const ids = listed.models.map((m) => m.id);
    assert.ok(ids.includes('amazon.nova-lite-v1:0'));
    assert.ok(ids.includes('us.anthropic.claude-haiku-4-5-20251001-v1:0'), 'profile-only models by their profile id');
    assert.ok(!ids.includes('anthropic.claude-haiku-4-5-20251001-v1:0'));
    assert.equal(listed.defaultModelId, 'amazon.nova-lite-v1:0');

    emu.fault({ kind: 'error', operation: 'ListFoundationModels', error: 'AccessDeniedException', count: 1 });
    const fallback = await s.listModels();
    assert.equal(fallback.source, 'settings');
    assert.deepEqual(
      fallback.models.map((m) => m.id),
      ['amazon.nova-lite-v1:0', 'amazon.nova-micro-v1:0', 'amazon.nova-pro-v1:0'],
    );
    assert.match(fallback.reason ?? '', /may not list Bedrock models/);
  });

  it('speaks HTTP/1.1 to Bedrock, through the http module that VS Code patches for proxies', async () => {
    const lines: string[] = [];
    const verbose = await startEmulator({ params: DIRECT_MODE_TEAM, verbose: true, log: (l) => lines.push(l) });
    const original = http.request;
    let viaHttpModule = 0;
    try {
      const u = await signedIn(verbose, authFor(verbose));
      // What VS Code's proxy support does: replace http.request.
      (http as { request: typeof http.request }).request = ((...args: Parameters<typeof http.request>) => {
        viaHttpModule++;
        return original(...args);
      }) as typeof http.request;
      const s = createStoryService({ config: configFor(verbose), sessions: u.sessions, historyDir: dir });
      services.push(s);
      const out = await s.generate(CONTROLS);
      assert.equal(out.status, 'done');
      (http as { request: typeof http.request }).request = original;
      const ours = lines.filter((l) => l.startsWith('bedrock ConverseStream'));
      assert.equal(ours.length, 1);
      assert.ok(!ours[0]!.includes('(h2)'), ours[0]);
      assert.ok(viaHttpModule >= 1, 'the Bedrock request went through http.request');

      // The trap: the SDK's default handler is HTTP/2, which that patch never sees.
      const rawClient = new BedrockRuntimeClient({
        region: verbose.region,
        endpoint: verbose.endpoints.bedrockRuntime,
        credentials: { accessKeyId: 'ASIAXXXXXXXXXXXXXXXX', secretAccessKey: 'x', sessionToken: 'x' },
      });
      await rawClient
        .send(
          new ConverseStreamCommand({
            modelId: 'amazon.nova-lite-v1:0',
            messages: [{ role: 'user', content: [{ text: 'hi' }] }],
          }),
        )
        .catch(() => undefined);
      rawClient.destroy();
      assert.ok(
        lines.some((l) => l.startsWith('bedrock ConverseStream') && l.includes('(h2)')),
        'the default client used h2',
      );
      u.sessions.dispose();
    } finally {
      (http as { request: typeof http.request }).request = original;
      await verbose.stop();
    }
  });
});

describe('StoryService streaming at a realistic rate', function () {
  this.timeout(20_000);
  let emu: RunningEmulator;
  let auth: CognitoAuth;
  let user: { sessions: SessionManager };
  let dir: string;
  let s: StoryService;
  before(async () => {
    emu = await startEmulator({ params: DIRECT_MODE_TEAM, streamRate: 40 });
    auth = authFor(emu);
    user = await signedIn(emu, auth);
    dir = await mkdtemp(join(tmpdir(), 'stories-'));
    s = createStoryService({ config: configFor(emu), sessions: user.sessions, historyDir: dir, saveIntervalMs: 100 });
  });
  after(async () => {
    s.dispose();
    auth.dispose();
    user.sessions.dispose();
    await emu.stop();
    await rm(dir, { recursive: true, force: true });
  });

  // How fast it stops is `npm run bench`'s figure (cancel → stopped while saving as it streams).
  it('a cancelled stream stops and keeps the partial text; the file is saved as it streams', async () => {
    const controller = new AbortController();
    let streamed = '';
    let storyId = '';
    let abortedAt = 0;
    let midStream: { status: string; text: string } | undefined;
    const done = s.generate(CONTROLS, undefined, {
      signal: controller.signal,
      onStart: (st) => (storyId = st.storyId),
      onDelta: (t) => {
        streamed += t;
        if (streamed.length > 60 && !abortedAt) {
          // Read the history file while it streams (saved every 100 ms here), then stop.
          setTimeout(async () => {
            midStream = JSON.parse(await readFile(join(dir, `${storyId}.json`), 'utf8')) as {
              status: string;
              text: string;
            };
            abortedAt = performance.now();
            controller.abort();
          }, 300);
          abortedAt = -1;
        }
      },
    });
    const out = await done;
    assert.equal(out.status, 'stopped');
    assert.ok(abortedAt > 0, 'stopped by the abort, not by the end of the story');
    assert.ok(out.text.length > 60);
    assert.equal(out.text, streamed, 'every streamed piece was delivered and kept');
    assert.equal(midStream?.status, 'streaming');
    assert.ok(
      midStream && midStream.text.length > 0 && out.text.startsWith(midStream.text),
      'the file had the text so far',
    );
    const saved = await s.history.get(out.storyId);
    assert.equal(saved?.status, 'stopped');
    assert.equal(saved?.text, out.text);
    // Bedrock counts tokens only at the end of a stream: a stopped one records an estimate, marked
    // as such, and the day's total counts it (#13).
    assert.equal(out.usage?.estimated, true);
    assert.equal(out.usage?.outputTokens, Math.round(out.text.length / 4));
    assert.ok(out.usage!.inputTokens > 50, `the prompt is counted too: ${out.usage!.inputTokens}`);
    assert.equal(out.usage?.totalTokens, out.usage!.inputTokens + out.usage!.outputTokens);
    assert.match(out.usageLabel ?? '', /^≈ [\d,]+ tokens · /);
    assert.deepEqual(saved?.usage, out.usage, 'the history keeps the estimate');
    assert.equal(s.usageToday().totalTokens, out.usage?.totalTokens, "counted in the day's total");
    // Stopped means stopped: after those round trips to disk, no piece arrived after the end.
    assert.equal(streamed, out.text, 'nothing was delivered after the story stopped');
  });

  it('a connection reset mid-stream keeps the partial story and offers continue', async () => {
    emu.fault({ kind: 'cut', operation: 'ConverseStream', afterTokens: 8, mode: 'reset' });
    await expectCut(s, emu, /connection to Bedrock was cut/);
  });

  it('a story that was streaming when the process died is listed as stopped, with its text', async () => {
    const controller = new AbortController();
    let storyId = '';
    const running = s.generate(CONTROLS, undefined, {
      signal: controller.signal,
      onStart: (st) => (storyId = st.storyId),
    });
    await new Promise((r) => setTimeout(r, 400));
    // Another process (a new HistoryStore over the same directory) after the writer's lease ran
    // out sees what a crash would leave.
    const afterCrash = new HistoryStore(dir, { now: () => Date.now() + LEASE_MS + 1 });
    const listed = await afterCrash.list();
    const item = listed.items.find((i) => i.id === storyId);
    assert.equal(item?.status, 'stopped');
    assert.equal(item?.elsewhere, undefined);
    assert.ok(((await afterCrash.get(storyId))?.text.length ?? 0) > 0, 'the text generated so far survived');
    assert.equal(
      (await s.history.list()).items.find((i) => i.id === storyId)?.status,
      'streaming',
      'the living process still streams it',
    );
    controller.abort();
    await running;
  });

  it('another window sees a story this one is writing as being written elsewhere, and may not continue it', async () => {
    const controller = new AbortController();
    let storyId = '';
    const running = s.generate(CONTROLS, undefined, {
      signal: controller.signal,
      onStart: (st) => (storyId = st.storyId),
    });
    await new Promise((r) => setTimeout(r, 400));
    const windowB = createStoryService({ config: configFor(emu), sessions: user.sessions, historyDir: dir });
    try {
      const item = (await windowB.history.list()).items.find((i) => i.id === storyId);
      assert.deepEqual([item?.status, item?.elsewhere], ['streaming', true]);
      const stored = await windowB.history.get(storyId);
      assert.ok(stored && windowB.history.writtenElsewhere(stored));
      for (const attempt of [
        () => windowB.continue(storyId),
        () => windowB.refine(storyId, 'Shorter'),
        () => windowB.regenerate(storyId),
      ]) {
        await assert.rejects(
          attempt(),
          (e: StoryError) => e.code === 'busy' && /another VS Code window/.test(e.message),
        );
      }
      controller.abort();
      await running;
      const after = (await windowB.history.list()).items.find((i) => i.id === storyId);
      assert.deepEqual(
        [after?.status, after?.elsewhere],
        ['stopped', undefined],
        'once it ends, it is an ordinary story again',
      );
    } finally {
      controller.abort();
      windowB.dispose();
    }
  });
});
