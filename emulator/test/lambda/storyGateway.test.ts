// The story gateway (infra/src/gateway, #16) run by the emulator as Lambda runs it: a SigV4
// function URL, the real handler with the streaming contract, DynamoDB through dynalite and the
// emulator's Bedrock, all driven with the real SDK clients and signer.
import { ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { DynamoDBClient, ListTablesCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import * as assert from 'node:assert/strict';
import { reservedTokens } from '../../../infra/src/gateway/reservation';
import type { RunningEmulator } from '../../src/emulator';
import { NO_GUARDRAILS } from '../../src/presets';
import { runtime } from '../bedrockHelpers';
import { ADMIN_CREDENTIALS, rejectsWith, start } from '../helpers';
import {
  admin,
  callGateway,
  gatewayUser,
  readFrames,
  signInAgain,
  storyRequest,
  storyText,
  usage,
  usageOf,
  usageWhen,
} from './gatewayHelpers';
import type { GatewayUser } from './gatewayHelpers';

/** What the gateway reserves for a story: its input bound plus maxTokens. */
const reserveFor = (req: ReturnType<typeof storyRequest>): number => reservedTokens(req);

async function errorOf(res: Response): Promise<{ status: number; type: string | null; body: Record<string, unknown> }> {
  return {
    status: res.status,
    type: res.headers.get('x-amzn-errortype'),
    body: (await res.json()) as Record<string, unknown>,
  };
}

/** Every item of the budget table, through the real DynamoDB client. */
async function budgetItems(emu: RunningEmulator): Promise<Record<string, Record<string, number>>> {
  const db = new DynamoDBClient({
    region: emu.region,
    endpoint: emu.endpoints.cognitoIdp,
    credentials: ADMIN_CREDENTIALS,
  });
  const tables = await db.send(new ListTablesCommand({}));
  const out: Record<string, Record<string, number>> = {};
  for (const name of tables.TableNames ?? []) {
    const scan = await db.send(new ScanCommand({ TableName: name, ConsistentRead: true }));
    for (const item of scan.Items ?? []) {
      const values: Record<string, number> = {};
      for (const [k, v] of Object.entries(item)) if (v.N !== undefined) values[k] = Number(v.N);
      out[item['pk']?.S ?? '?'] = values;
    }
  }
  db.destroy();
  return out;
}

describe('story gateway (function URL, budget mode)', function () {
  this.timeout(60_000);

  describe('per-user budget', () => {
    let emu: RunningEmulator;
    let ada: GatewayUser;
    before(async () => {
      emu = await start({
        params: {
          ...NO_GUARDRAILS,
          DailyTokensPerUser: '3000',
          RequestsPerMinutePerUser: '0',
          RequestBurstPerUser: '0',
        },
      });
      ada = await gatewayUser(emu);
    });
    after(() => emu.stop());
    afterEach(async () => {
      emu.clearFaults();
      await admin(emu, 'PUT', 'stream-rate', { tokensPerSecond: 0 });
    });

    it("streams Bedrock's own event stream and settles with the usage Bedrock reported", async () => {
      const req = storyRequest(120);
      const res = await callGateway(emu, ada, 'POST', '/converse-stream', req);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'application/vnd.amazon.eventstream');
      assert.equal(res.headers.get('x-storyteller-reserved-tokens'), String(reserveFor(req)));
      const { frames, cut } = await readFrames(res);
      assert.equal(cut, false);
      assert.deepEqual(
        [...new Set(frames.map((f) => f.type))],
        ['messageStart', 'contentBlockDelta', 'contentBlockStop', 'messageStop', 'metadata'],
      );
      assert.match(storyText(frames), /Ada/);
      const reported = usageOf(frames);
      assert.ok(reported && reported.totalTokens > 0);
      const u = await usageWhen(emu, ada, (x) => x.tokensReserved === 0);
      assert.equal(u.tokensUsed, reported.totalTokens);
      assert.equal(u.tokensLeft, 3000 - reported.totalTokens);
      assert.equal(u.dailyTokens, 3000);
      assert.match(u.resetsAt, /T00:00:00\.000Z$/);
      // What the stack serves, so the extension offers only that: AllowedModelIds, and room for a long story.
      const allowed = u.allowedModelIds ?? [];
      assert.ok(allowed.includes(req.modelId), allowed.join());
      assert.ok(!allowed.includes('amazon.nova-pro-v1:0'));
      assert.equal(u.maxTokensPerStory, 10_000);
      assert.equal(u.contentSafety, 'Off', 'the ContentSafety it applies (NO_GUARDRAILS)');
      const items = await budgetItems(emu);
      assert.equal(items[`user#${ada.sub}#${u.day}`]?.['committed'], reported.totalTokens);
    });

    it('refuses a story its budget cannot cover before calling Bedrock: 429 BudgetExceededException, tokens left, reset', async () => {
      const before = await usage(emu, ada);
      emu.resetCounters();
      const res = await callGateway(emu, ada, 'POST', '/converse-stream', storyRequest(before.tokensLeft));
      const err = await errorOf(res);
      assert.equal(err.status, 429);
      assert.equal(err.type, 'BudgetExceededException');
      assert.equal(err.body['limit'], 'user');
      assert.equal(err.body['tokensLeft'], before.tokensLeft);
      assert.equal(err.body['resetsAt'], before.resetsAt);
      assert.match(String(err.body['message']), /tokens left/);
      assert.equal(emu.counters()['ConverseStream'] ?? 0, 0, 'Bedrock was never called');
    });

    it('keeps two users independent', async () => {
      const bo = await gatewayUser(emu);
      const spent = await usage(emu, ada);
      const res = await callGateway(emu, bo, 'POST', '/converse-stream', storyRequest(50));
      assert.equal(res.status, 200);
      const { frames } = await readFrames(res);
      const total = usageOf(frames)?.totalTokens ?? 0;
      const boUsage = await usageWhen(emu, bo, (x) => x.tokensReserved === 0);
      assert.equal(boUsage.tokensUsed, total);
      assert.equal((await usage(emu, ada)).tokensUsed, spent.tokensUsed, "Bo's story is not Ada's");
    });

    it('settles a stopped story with what it streamed and releases the rest', async () => {
      const carl = await gatewayUser(emu);
      await admin(emu, 'PUT', 'stream-rate', { tokensPerSecond: 100 });
      const req = storyRequest(1000, 'Tell a long story of 2000 words about a lighthouse keeper named Carl.');
      const stop = new AbortController();
      const res = await callGateway(emu, carl, 'POST', '/converse-stream', req, { signal: stop.signal });
      assert.equal(res.status, 200);
      let deltas = 0;
      await readFrames(res, (f) => {
        if (f.type === 'contentBlockDelta' && ++deltas === 10) stop.abort();
      });
      const u = await usageWhen(emu, carl, (x) => x.tokensReserved === 0 && x.tokensUsed > 0);
      assert.equal(u.tokensReserved, 0, 'the reservation is settled');
      assert.ok(u.tokensUsed >= 10, `at least what streamed (${u.tokensUsed})`);
      assert.ok(u.tokensUsed < reserveFor(req) / 2, `far less than the ${reserveFor(req)} reserved (${u.tokensUsed})`);
    });

    it('settles a stream Bedrock cuts, and passes the exception frame on', async () => {
      const dee = await gatewayUser(emu);
      emu.fault({ kind: 'cut', operation: 'ConverseStream', afterTokens: 5, mode: 'exception' });
      const req = storyRequest(400);
      const res = await callGateway(emu, dee, 'POST', '/converse-stream', req);
      assert.equal(res.status, 200);
      const { frames } = await readFrames(res);
      const last = frames[frames.length - 1];
      assert.equal(last?.messageType, 'exception');
      assert.equal(last?.type, 'modelStreamErrorException');
      const u = await usageWhen(emu, dee, (x) => x.tokensReserved === 0 && x.tokensUsed > 0);
      assert.equal(u.tokensReserved, 0);
      assert.ok(u.tokensUsed >= 5 && u.tokensUsed < reserveFor(req), String(u.tokensUsed));

      // Paced, so the tokens before the reset reach the gateway: a connection torn down before
      // any of its response arrived is one the SDK rightly tries again.
      await admin(emu, 'PUT', 'stream-rate', { tokensPerSecond: 100 });
      emu.fault({ kind: 'cut', operation: 'ConverseStream', afterTokens: 3, mode: 'reset' });
      const before = u.tokensUsed;
      const again = await readFrames(await callGateway(emu, dee, 'POST', '/converse-stream', req));
      assert.equal(again.frames[again.frames.length - 1]?.messageType, 'exception');
      const after = await usageWhen(emu, dee, (x) => x.tokensReserved === 0 && x.tokensUsed > before);
      assert.ok(after.tokensUsed > before && after.tokensUsed < before + reserveFor(req));
    });

    it("counts a dead function's reservation as spent, and turns it into used tokens when it expires", async () => {
      const eve = await gatewayUser(emu);
      await admin(emu, 'PUT', 'stream-rate', { tokensPerSecond: 50 });
      await usage(emu, eve); // a warm environment: the fault's clock starts at the invocation
      emu.fault({ kind: 'functionTimeout', afterMs: 800 });
      const req = storyRequest(500, 'Tell a long story of 2000 words about a robot named Eve.');
      const res = await callGateway(emu, eve, 'POST', '/converse-stream', req);
      assert.equal(res.status, 200);
      const { frames, cut } = await readFrames(res);
      assert.ok(cut || !frames.some((f) => f.type === 'metadata'), 'the stream ended without its end');
      const held = await usage(emu, eve);
      assert.equal(held.tokensReserved, reserveFor(req), 'nobody settled it: still held');
      assert.equal(held.tokensLeft, 3000 - reserveFor(req));
      // Held for the function's timeout (300 s) plus a minute, then spent for good.
      emu.fault({ kind: 'clockSkew', seconds: 361 });
      const later = await usage(await signInAgainKeep(eve), eve);
      assert.equal(later.tokensReserved, 0);
      assert.equal(later.tokensUsed, reserveFor(req));
      assert.equal(later.tokensLeft, 3000 - reserveFor(req), 'an expired reservation is not given back');
      emu.clearFaults();

      async function signInAgainKeep(u: GatewayUser): Promise<RunningEmulator> {
        Object.assign(u, await signInAgain(emu, u));
        return emu;
      }
    });

    it('starts a new budget at UTC midnight (emulator clock moved)', async () => {
      let fay = await gatewayUser(emu);
      const big = storyRequest(2900);
      const first = await callGateway(emu, fay, 'POST', '/converse-stream', big);
      assert.equal(first.status, 200);
      await readFrames(first);
      await usageWhen(emu, fay, (x) => x.tokensReserved === 0);
      const refused = await callGateway(emu, fay, 'POST', '/converse-stream', big);
      assert.equal((await errorOf(refused)).type, 'BudgetExceededException');
      const today = await usage(emu, fay);
      emu.fault({ kind: 'clockSkew', seconds: Math.ceil((Date.parse(today.resetsAt) - Date.now()) / 1000) + 5 });
      fay = await signInAgain(emu, fay);
      const tomorrow = await usage(emu, fay);
      assert.notEqual(tomorrow.day, today.day);
      assert.equal(tomorrow.tokensUsed, 0);
      assert.equal(tomorrow.tokensLeft, 3000);
      const res = await callGateway(emu, fay, 'POST', '/converse-stream', big);
      assert.equal(res.status, 200);
      await readFrames(res);
    });
  });

  describe('concurrency', () => {
    let emu: RunningEmulator;
    const req = storyRequest(500, 'Tell a long story of 2000 words about an otter named Gus.');
    const budget = 3 * reserveFor(req) + 10;
    before(async () => {
      emu = await start({
        params: {
          ...NO_GUARDRAILS,
          DailyTokensPerUser: String(budget),
          RequestsPerMinutePerUser: '0',
          RequestBurstPerUser: '0',
        },
      });
    });
    after(() => emu.stop());

    it('serves at most 3 of 20 concurrent stories from a user with budget for 3, and never settles past the budget', async () => {
      const gus = await gatewayUser(emu);
      await admin(emu, 'PUT', 'stream-rate', { tokensPerSecond: 1000 });
      emu.resetCounters();
      const results = await Promise.all(
        Array.from({ length: 20 }, async () => {
          const res = await callGateway(emu, gus, 'POST', '/converse-stream', req);
          if (res.status !== 200) {
            const err = await errorOf(res);
            return err.type === 'BudgetExceededException' ? err.type : `${err.type}: ${String(err.body['message'])}`;
          }
          const { frames } = await readFrames(res);
          return usageOf(frames) ? 'served' : 'incomplete';
        }),
      );
      const served = results.filter((r) => r === 'served').length;
      assert.ok(served >= 1 && served <= 3, `served ${served}: ${results.join(', ')}`);
      assert.equal(results.filter((r) => r === 'BudgetExceededException').length, 20 - served, results.join(', '));
      assert.ok((emu.counters()['ConverseStream'] ?? 0) <= 3, 'Bedrock was called only for the served ones');
      const u = await usageWhen(emu, gus, (x) => x.tokensReserved === 0);
      assert.ok(u.tokensUsed <= budget, `${u.tokensUsed} <= ${budget}`);
      const item = (await budgetItems(emu))[`user#${gus.sub}#${u.day}`];
      assert.ok(item && (item['committed'] ?? 0) <= budget && (item['used'] ?? 0) <= budget, JSON.stringify(item));
    });
  });

  describe('the budget holds whatever the prompt (#23)', () => {
    const BUDGET = 5000;
    // Text the emulator's model counts at up to one token per UTF-8 byte (each punctuation mark
    // and combining mark is a token), as byte-level tokenizers count rare characters.
    const ADVERSARIAL: [string, string][] = [
      ['a run of punctuation (the reported overrun)', '!'.repeat(9000)],
      ['mixed punctuation', '.,;:!?-"()'.repeat(400)],
      ['combining marks', 'e\u0301\u0308\u0323'.repeat(600)],
      ['emoji with skin tones and joiners', '👩🏽‍🚀'.repeat(300)],
      ['CJK', '物語の始まり、'.repeat(200)],
    ];
    let emu: RunningEmulator;
    const log: string[] = [];
    before(async () => {
      emu = await start({
        params: {
          ...NO_GUARDRAILS,
          DailyTokensPerUser: String(BUDGET),
          RequestsPerMinutePerUser: '0',
          RequestBurstPerUser: '0',
        },
        log: (line) => log.push(line),
      });
    });
    after(() => emu.stop());
    afterEach(() => admin(emu, 'DELETE', 'story'));

    for (const [name, prompt] of ADVERSARIAL) {
      it(`reserves at least what the model counts, and never charges past the budget: ${name}`, async () => {
        const user = await gatewayUser(emu);
        const res = await callGateway(emu, user, 'POST', '/converse-stream', storyRequest(16, prompt));
        if (res.status !== 200) {
          const err = await errorOf(res);
          assert.equal(err.type, 'BudgetExceededException', JSON.stringify(err.body));
          assert.ok(Number(err.body['tokensRequested']) > BUDGET, JSON.stringify(err.body));
          assert.equal((await usage(emu, user)).tokensUsed, 0);
          return;
        }
        const reserved = Number(res.headers.get('x-storyteller-reserved-tokens'));
        const reported = usageOf((await readFrames(res)).frames)?.totalTokens ?? 0;
        assert.ok(
          reported > 0 && reported <= reserved,
          `Bedrock counted ${reported}, the gateway reserved ${reserved}`,
        );
        const u = await usageWhen(emu, user, (x) => x.tokensReserved === 0 && x.tokensUsed > 0);
        assert.equal(u.tokensUsed, reported);
        assert.ok(u.tokensUsed <= BUDGET, `${u.tokensUsed} <= ${BUDGET}`);
      });
    }

    it('charges the reservation, not more, when Bedrock reports more than was reserved, and logs it', async () => {
      const user = await gatewayUser(emu);
      // The emulator's model ignores maxTokens for a story of a set length: usage past the reservation.
      await admin(emu, 'PUT', 'story', { tokens: BUDGET + 1000 });
      const res = await callGateway(emu, user, 'POST', '/converse-stream', storyRequest(10));
      assert.equal(res.status, 200);
      const reserved = Number(res.headers.get('x-storyteller-reserved-tokens'));
      const reported = usageOf((await readFrames(res)).frames)?.totalTokens ?? 0;
      assert.ok(reported > BUDGET, `Bedrock reported ${reported}`);
      const u = await usageWhen(emu, user, (x) => x.tokensReserved === 0 && x.tokensUsed > 0);
      assert.equal(u.tokensUsed, reserved, `charged ${u.tokensUsed} of ${reported} reported, ${reserved} reserved`);
      const item = (await budgetItems(emu))[`user#${user.sub}#${u.day}`];
      assert.ok(item && (item['committed'] ?? 0) <= BUDGET && (item['used'] ?? 0) <= BUDGET, JSON.stringify(item));
      assert.ok(
        log.some((line) => line.includes(String(reported)) && line.includes(String(reserved))),
        `a log line names ${reported} reported and ${reserved} reserved:\n${log.join('\n')}`,
      );
    });
  });

  describe("the stack's budget holds whatever the prompt (#23)", () => {
    const TOTAL = 5000;
    let emu: RunningEmulator;
    before(async () => {
      emu = await start({
        params: {
          ...NO_GUARDRAILS,
          DailyTokensPerUser: '100000',
          DailyTokensTotal: String(TOTAL),
          RequestsPerMinutePerUser: '0',
          RequestBurstPerUser: '0',
        },
      });
    });
    after(() => emu.stop());
    afterEach(() => admin(emu, 'DELETE', 'story'));

    it('never charges the stack past DailyTokensTotal, for punctuation or for usage past the reservation', async () => {
      const day = async (user: GatewayUser): Promise<string> => (await usage(emu, user)).day;
      const story = async (user: GatewayUser, prompt: string, maxTokens: number): Promise<void> => {
        const res = await callGateway(emu, user, 'POST', '/converse-stream', storyRequest(maxTokens, prompt));
        if (res.status === 200) await readFrames(res);
        else assert.equal((await errorOf(res)).type, 'BudgetExceededException');
        await usageWhen(emu, user, (x) => x.tokensReserved === 0);
      };
      const users = [await gatewayUser(emu), await gatewayUser(emu), await gatewayUser(emu)];
      await story(users[0]!, '!'.repeat(3000), 16);
      await story(users[1]!, '?'.repeat(3000), 16);
      await admin(emu, 'PUT', 'story', { tokens: TOTAL });
      await story(users[2]!, 'Tell a story.', 10);
      const total = (await budgetItems(emu))[`total#${await day(users[0]!)}`];
      assert.ok(total && (total['committed'] ?? 0) <= TOTAL && (total['used'] ?? 0) <= TOTAL, JSON.stringify(total));
    });
  });

  describe("a user's refusal gives the stack's share back (the two reservations go out together)", () => {
    let emu: RunningEmulator;
    before(async () => {
      emu = await start({
        params: {
          ...NO_GUARDRAILS,
          DailyTokensPerUser: '1000',
          DailyTokensTotal: '100000',
          RequestsPerMinutePerUser: '0',
          RequestBurstPerUser: '0',
        },
      });
    });
    after(() => emu.stop());

    it('leaves nothing committed for the stack when the user budget refuses, and counts what is served', async () => {
      const kit = await gatewayUser(emu);
      const refused = await errorOf(await callGateway(emu, kit, 'POST', '/converse-stream', storyRequest(2000)));
      assert.equal(refused.type, 'BudgetExceededException');
      assert.equal(refused.body['limit'], 'user');
      const day = (await usage(emu, kit)).day;
      assert.equal((await budgetItems(emu))[`total#${day}`]?.['committed'] ?? 0, 0, 'the stack share was given back');
      const served = await callGateway(emu, kit, 'POST', '/converse-stream', storyRequest(100));
      assert.equal(served.status, 200);
      await readFrames(served);
      const settled = await usageWhen(emu, kit, (x) => x.tokensReserved === 0);
      const total = (await budgetItems(emu))[`total#${day}`];
      assert.equal(total?.['committed'], settled.tokensUsed, 'the stack counts exactly what the user was charged');
    });
  });

  describe("Bedrock's own error messages stay in the gateway's log (#23)", () => {
    const ACCOUNT = '123456789012';
    // What Bedrock's messages carry: the account id and the gateway role's session ARN.
    const SECRET =
      `User: arn:aws:sts::${ACCOUNT}:assumed-role/storyteller-StoryGatewayRole-1AbC/StoryGatewayFunction ` +
      `is not authorized to perform bedrock:InvokeModelWithResponseStream on arn:aws:bedrock:us-east-1:${ACCOUNT}:x`;
    const leaks = (text: string): boolean => text.includes(ACCOUNT) || /arn:aws/.test(text);
    let emu: RunningEmulator;
    let user: GatewayUser;
    const log: string[] = [];
    before(async () => {
      emu = await start({
        params: {
          ...NO_GUARDRAILS,
          DailyTokensPerUser: '100000',
          RequestsPerMinutePerUser: '0',
          RequestBurstPerUser: '0',
        },
        log: (line) => log.push(line),
      });
      user = await gatewayUser(emu);
    });
    after(() => emu.stop());
    afterEach(() => emu.clearFaults());

    /** Before the stream: the refusal by kind, one fixed sentence, Bedrock's words only in the log. */
    const BEFORE: [string, number | undefined, number, string, RegExp][] = [
      ['ThrottlingException', undefined, 429, 'ThrottlingException', /too many requests/],
      ['ModelNotReadyException', undefined, 429, 'ThrottlingException', /too many requests/],
      ['AccessDeniedException', undefined, 403, 'AccessDeniedException', /AllowedModelIds/],
      ['ResourceNotFoundException', 404, 403, 'AccessDeniedException', /AllowedModelIds/],
      ['ValidationException', undefined, 400, 'ValidationException', /not supported as sent/],
      ['ServiceUnavailableException', undefined, 503, 'ServiceUnavailableException', /try again in a moment/],
      ['InternalServerException', undefined, 503, 'ServiceUnavailableException', /try again in a moment/],
      ['ModelErrorException', undefined, 503, 'ServiceUnavailableException', /try again in a moment/],
    ];
    for (const [error, status, expectedStatus, expectedType, sentence] of BEFORE) {
      it(`answers Bedrock's ${error} before the stream with ${expectedType} and a fixed sentence`, async () => {
        log.length = 0;
        emu.fault({
          kind: 'error',
          operation: 'ConverseStream',
          error,
          message: SECRET,
          count: 10,
          ...(status ? { status } : {}),
        });
        const res = await callGateway(emu, user, 'POST', '/converse-stream', storyRequest(20));
        const text = await res.text();
        const headers = JSON.stringify([...res.headers]);
        assert.ok(!leaks(text) && !leaks(headers), `${res.status} ${headers} ${text}`);
        assert.equal(res.status, expectedStatus, text);
        assert.equal(res.headers.get('x-amzn-errortype'), expectedType);
        const message = String((JSON.parse(text) as { message?: unknown }).message);
        assert.match(message, sentence);
        assert.match(message, /^[A-Z][^.]*\.$/, 'one sentence');
        assert.ok(
          log.some((line) => line.includes(SECRET) && line.includes(error)),
          `the details are logged:\n${log.join('\n')}`,
        );
        assert.equal((await usage(emu, user)).tokensReserved, 0, 'nothing stays reserved');
      });
    }

    /** During the stream: an exception frame the SDK knows, with a fixed sentence. */
    const DURING: [string, string, RegExp][] = [
      ['throttlingException', 'throttlingException', /too many requests/],
      ['validationException', 'validationException', /not supported as sent/],
      ['internalServerException', 'internalServerException', /try again in a moment/],
      ['serviceUnavailableException', 'serviceUnavailableException', /try again in a moment/],
      ['modelStreamErrorException', 'modelStreamErrorException', /try again in a moment/],
    ];
    for (const [exception, expectedType, sentence] of DURING) {
      it(`passes Bedrock's ${exception} mid-stream on as ${expectedType} with a fixed sentence`, async () => {
        log.length = 0;
        emu.fault({ kind: 'cut', operation: 'ConverseStream', afterTokens: 3, exception, message: SECRET });
        const res = await callGateway(emu, user, 'POST', '/converse-stream', storyRequest(200));
        assert.equal(res.status, 200);
        const { frames } = await readFrames(res);
        assert.ok(!leaks(JSON.stringify(frames)), JSON.stringify(frames));
        const last = frames[frames.length - 1];
        assert.equal(last?.messageType, 'exception');
        assert.equal(last?.type, expectedType);
        assert.match(String(last?.payload['message']), sentence);
        assert.ok(
          log.some((line) => line.includes(SECRET)),
          `the details are logged:\n${log.join('\n')}`,
        );
      });
    }

    it('names a connection Bedrock reset mid-stream as a stream error the SDK knows, not as Node names it', async () => {
      await admin(emu, 'PUT', 'stream-rate', { tokensPerSecond: 100 });
      emu.fault({ kind: 'cut', operation: 'ConverseStream', afterTokens: 3, mode: 'reset' });
      const res = await callGateway(emu, user, 'POST', '/converse-stream', storyRequest(200));
      const { frames } = await readFrames(res);
      await admin(emu, 'PUT', 'stream-rate', { tokensPerSecond: 0 });
      const last = frames[frames.length - 1];
      assert.equal(last?.messageType, 'exception');
      assert.equal(last?.type, 'modelStreamErrorException');
      assert.match(String(last?.payload['message']), /try again in a moment/);
    });
  });

  describe('per-stack budget and rates', () => {
    let emu: RunningEmulator;
    before(async () => {
      emu = await start({
        params: {
          ...NO_GUARDRAILS,
          DailyTokensPerUser: '100000',
          DailyTokensTotal: '1500',
          RequestsPerMinutePerUser: '4',
          RequestBurstPerUser: '2',
        },
      });
    });
    after(() => emu.stop());

    it("refuses every user once the stack's daily total is spoken for: BudgetExceededException limit stack", async () => {
      const [hal, ivy] = [await gatewayUser(emu), await gatewayUser(emu)];
      const res = await callGateway(emu, hal, 'POST', '/converse-stream', storyRequest(1000));
      assert.equal(res.status, 200);
      await readFrames(res);
      await usageWhen(emu, hal, (x) => x.tokensReserved === 0);
      const left = 1500 - (await usage(emu, hal)).tokensUsed;
      const refused = await errorOf(await callGateway(emu, ivy, 'POST', '/converse-stream', storyRequest(left)));
      assert.equal(refused.status, 429);
      assert.equal(refused.type, 'BudgetExceededException');
      assert.equal(refused.body['limit'], 'stack');
      assert.equal(refused.body['tokensLeft'], left);
      assert.equal((await usage(emu, ivy)).tokensReserved, 0, "Ivy's own reservation was given back");
      const small = await callGateway(emu, ivy, 'POST', '/converse-stream', storyRequest(20));
      assert.equal(small.status, 200, 'what is left of the total still serves a small story');
      await readFrames(small);
    });

    it('throttles past the burst and the minute with 429 ThrottlingException and Retry-After', async () => {
      const jo = await gatewayUser(emu);
      // Stay inside one minute: the per-minute window is the calendar minute.
      if (new Date().getUTCSeconds() > 35)
        await new Promise((r) => setTimeout(r, (61 - new Date().getUTCSeconds()) * 1000));
      type Outcome = { status: number; type: string | null; retryAfter: string | null; message: string };
      const send = async (): Promise<Outcome> => {
        const res = await callGateway(emu, jo, 'POST', '/converse-stream', storyRequest(5));
        const outcome = {
          status: res.status,
          type: res.headers.get('x-amzn-errortype'),
          retryAfter: res.headers.get('retry-after'),
          message: '',
        };
        if (res.status === 200) await readFrames(res);
        else outcome.message = String(((await res.json()) as { message?: string }).message);
        return outcome;
      };
      // Six at once: at most four in the minute, at most two in any one second.
      const first = await Promise.all(Array.from({ length: 6 }, send));
      const served = first.filter((o) => o.status === 200).length;
      assert.ok(served >= 2 && served <= 4, JSON.stringify(first));
      for (const t of first.filter((o) => o.status !== 200)) {
        assert.equal(t.status, 429);
        assert.equal(t.type, 'ThrottlingException');
        assert.ok(Number(t.retryAfter) >= 1 && Number(t.retryAfter) <= 60, JSON.stringify(t));
      }
      assert.equal((await usage(emu, jo)).requestsLeftThisMinute, 4 - served);
      // The rest of the minute's requests, a second apart, then the minute's own refusal.
      for (let i = served; i < 4; i++) {
        await new Promise((r) => setTimeout(r, 1100));
        assert.equal((await send()).status, 200);
      }
      const last = await send();
      assert.equal(last.type, 'ThrottlingException');
      assert.match(last.message, /this minute/);
      assert.ok(Number(last.retryAfter) >= 1 && Number(last.retryAfter) <= 60, JSON.stringify(last));
      assert.equal((await usage(emu, jo)).requestsLeftThisMinute, 0);
    });

    it('answers DynamoDB throttling (after the SDK retries) with ThrottlingException and Retry-After', async () => {
      const kim = await gatewayUser(emu);
      emu.fault({ kind: 'error', operation: 'UpdateItem', error: 'ProvisionedThroughputExceededException', count: 10 });
      const err = await errorOf(await callGateway(emu, kim, 'POST', '/converse-stream', storyRequest(5)));
      emu.clearFaults();
      assert.equal(err.status, 429);
      assert.equal(err.type, 'ThrottlingException');
      assert.ok((emu.counters()['UpdateItem'] ?? 0) >= 3, 'the SDK retried before giving up');
    });
  });

  describe('two writes per story', () => {
    let emu: RunningEmulator;
    before(async () => {
      // The user's item only: a team's stack without a stack-wide ceiling (that item has its own writes).
      emu = await start({
        params: {
          ...NO_GUARDRAILS,
          DailyTokensPerUser: '1000',
          DailyTokensTotal: '0',
          AllowedEmailDomains: 'example.com',
          RequestsPerMinutePerUser: '5',
          RequestBurstPerUser: '3',
        },
      });
    });
    after(() => emu.stop());
    afterEach(() => emu.clearFaults());

    /** Every write operation of DynamoDB's API the router counted. */
    const writes = (): number =>
      ['UpdateItem', 'PutItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems'].reduce(
        (n, op) => n + (emu.counters()[op] ?? 0),
        0,
      );
    /** The rate windows (m<HHMM>, s<HHMMSS>) in the user's item for today. */
    const windowsOf = async (user: GatewayUser): Promise<string[]> => {
      const day = (await usage(emu, user)).day;
      return Object.keys((await budgetItems(emu))[`user#${user.sub}#${day}`] ?? {}).filter((k) => /^[ms]\d+$/.test(k));
    };
    /** Room left in this calendar minute for a few requests and their /usage reads. */
    const roomInMinute = async (): Promise<void> => {
      if (new Date().getUTCSeconds() > 50)
        await new Promise((r) => setTimeout(r, (61 - new Date().getUTCSeconds()) * 1000));
    };

    it('reserves (counting the request against the rates) in one write and settles in the other', async () => {
      const una = await gatewayUser(emu);
      await roomInMinute();
      await usage(emu, una); // a warm environment: only the story's own calls are counted
      emu.resetCounters();
      const res = await callGateway(emu, una, 'POST', '/converse-stream', storyRequest(50));
      assert.equal(res.status, 200);
      await readFrames(res);
      const u = await usageWhen(emu, una, (x) => x.tokensReserved === 0 && x.tokensUsed > 0);
      assert.equal(writes(), 2, JSON.stringify(emu.counters()));
      assert.equal(u.requestsLeftThisMinute, 4, 'the story counted against the minute');
    });

    it('does not count a story its budget refuses against the rates', async () => {
      const vic = await gatewayUser(emu);
      await roomInMinute();
      const before = await usage(emu, vic);
      const refused = await errorOf(await callGateway(emu, vic, 'POST', '/converse-stream', storyRequest(1000)));
      assert.equal(refused.type, 'BudgetExceededException');
      const after = await usage(emu, vic);
      assert.equal(after.requestsLeftThisMinute, before.requestsLeftThisMinute);
      assert.equal(after.tokensReserved, 0);
    });

    it('removes rate windows over a minute old when it settles, so the item stays small', async () => {
      const wes = await gatewayUser(emu);
      const story = async (): Promise<void> => {
        const res = await callGateway(emu, wes, 'POST', '/converse-stream', storyRequest(20));
        assert.equal(res.status, 200);
        await readFrames(res);
        await usageWhen(emu, wes, (x) => x.tokensReserved === 0 && x.tokensUsed > 0);
      };
      await story();
      const first = await windowsOf(wes);
      assert.equal(first.filter((k) => k.startsWith('m')).length, 1, first.join());
      assert.equal(first.filter((k) => k.startsWith('s')).length, 1, first.join());
      emu.fault({ kind: 'clockSkew', seconds: 125 });
      await story();
      const later = await windowsOf(wes);
      assert.equal(later.filter((k) => k.startsWith('m')).length, 1, later.join());
      assert.equal(later.filter((k) => k.startsWith('s')).length, 1, later.join());
      assert.ok(!later.some((k) => first.includes(k)), `${first.join()} removed, now ${later.join()}`);
    });
  });

  describe('who may call', () => {
    let emu: RunningEmulator;
    let lee: GatewayUser;
    let max: GatewayUser;
    before(async () => {
      emu = await start({ params: { ...NO_GUARDRAILS, DailyTokensPerUser: '5000' } });
      [lee, max] = [await gatewayUser(emu), await gatewayUser(emu)];
    });
    after(() => emu.stop());

    it('refuses a forged ID token, a missing one, and another user’s, with 403 AccessDeniedException', async () => {
      const [header, payload, signature] = lee.idToken.split('.') as [string, string, string];
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
      const forgedPayload = Buffer.from(JSON.stringify({ ...claims, sub: max.sub })).toString('base64url');
      for (const idToken of [`${header}.${forgedPayload}.${signature}`, null, max.idToken]) {
        const err = await errorOf(await callGateway(emu, lee, 'GET', '/usage', undefined, { idToken }));
        assert.equal(err.status, 403, String(idToken));
        assert.equal(err.type, 'AccessDeniedException');
      }
      const own = await callGateway(emu, lee, 'GET', '/usage');
      assert.equal(own.status, 200);
    });

    it('refuses unsigned requests and signatures for another service at the URL itself', async () => {
      const unsigned = await fetch(`${emu.storyGatewayUrl}usage`);
      assert.equal(unsigned.status, 403);
      const wrong = await callGateway(emu, lee, 'GET', '/usage', undefined, { service: 'bedrock' });
      assert.equal(wrong.status, 403);
      assert.equal(wrong.headers.get('x-amzn-errortype'), 'InvalidSignatureException');
    });

    it("denies direct Bedrock calls with the users' credentials in budget mode", async () => {
      await rejectsWith(
        runtime(emu, lee.credentials).send(
          new ConverseStreamCommand({
            modelId: 'amazon.nova-lite-v1:0',
            messages: [{ role: 'user', content: [{ text: 'Tell a story.' }] }],
          }),
        ),
        'AccessDeniedException',
      );
    });

    it('refuses bad requests before reserving anything: ValidationException, a model outside AllowedModelIds', async () => {
      const bad = await errorOf(
        await callGateway(emu, lee, 'POST', '/converse-stream', { modelId: 'x', messages: [] }),
      );
      assert.equal(bad.status, 400);
      assert.equal(bad.type, 'ValidationException');
      const model = await errorOf(
        await callGateway(emu, lee, 'POST', '/converse-stream', {
          ...storyRequest(10),
          modelId: 'amazon.nova-pro-v1:0',
        }),
      );
      assert.equal(model.status, 403);
      assert.equal(model.type, 'AccessDeniedException');
      const tooLong = await errorOf(await callGateway(emu, lee, 'POST', '/converse-stream', storyRequest(10_001)));
      assert.equal(tooLong.status, 400);
      assert.match(String(tooLong.body['message']), /at most 10000/);
      assert.equal((await usage(emu, lee)).tokensReserved, 0);
    });
  });
});
