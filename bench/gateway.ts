// The story gateway (#16) on the emulator: what budget mode adds to the first token (a story
// through the gateway's function URL vs the same story straight to Bedrock with the user's own
// credentials, as in direct mode), the DynamoDB writes one story costs, and that the budget holds.
import { BedrockRuntimeClient, ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import type { BedrockRuntimeClientConfig } from '@aws-sdk/client-bedrock-runtime';
import { DynamoDBClient, ListTablesCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { HttpRequest } from '@smithy/types';
import { DEFAULT_TEMPLATE, startEmulator } from '../emulator/src/emulator';
import { ADMIN_CREDENTIALS } from '../emulator/test/helpers';
import type { RunningEmulator } from '../emulator/src/emulator';
import { gatewayUser, storyRequest, usageWhen } from '../emulator/test/lambda/gatewayHelpers';
import type { GatewayUser } from '../emulator/test/lambda/gatewayHelpers';
import { estimateInputTokens } from '../infra/src/gateway/wire';
import type { Benchmark, Figure } from './types';
import { DIRECT_MODE_TEAM, NO_GUARDRAILS } from '../emulator/src/presets';

const RUNS = 15;
/** Time to first token the emulator adds, like a model's (as in the pipeline benchmark). */
const MODEL_LATENCY_MS = 150;
const STREAM_RATE = 40;
/** Short stories, read to their end as a reader does: connections are kept alive and reused. */
const MAX_TOKENS = 16;
const WARM_UP = 5;
const JIT_WARM_UP = 100;
/** Conditional updates that warm the emulator's DynamoDB (dynalite's code is slow until V8 has optimised it). */
const DYNAMODB_WARM_UP = 300;
const RACE_STORIES = 20;
const RACE_MAX_TOKENS = 200;
/** Write operations of DynamoDB's API, as the emulator's router counts them. */
const WRITES = ['UpdateItem', 'PutItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems'];

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};
const round = (n: number, digits: number): number => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * ms from send() to the first text delta, the story read to its end. The same for both sides: the
 * gateway's client is a BedrockRuntimeClient too, as the extension builds it in budget mode.
 */
async function firstToken(client: BedrockRuntimeClient, maxTokens = MAX_TOKENS): Promise<number> {
  const t0 = performance.now();
  let first = 0;
  const out = await client.send(
    new ConverseStreamCommand(storyRequest(maxTokens) as ConstructorParameters<typeof ConverseStreamCommand>[0]),
  );
  let metadata = false;
  for await (const event of out.stream ?? []) {
    if (event.contentBlockDelta?.delta?.text && !first) first = performance.now() - t0;
    if (event.metadata) metadata = true;
  }
  if (!first || !metadata) throw new Error('no whole story');
  return first;
}

/**
 * A Bedrock runtime client for the gateway's function URL, as the extension's budget mode makes
 * it: POST <url>/converse-stream with the model in the body and the user's ID token, signed for
 * service `lambda`, over the same HTTP/1.1 handler as the direct client.
 */
export function gatewayClient(
  emu: RunningEmulator,
  user: GatewayUser,
  headers: Readonly<Record<string, string>> = {},
): BedrockRuntimeClient {
  const url = new URL('converse-stream', emu.storyGatewayUrl ?? 'http://invalid/');
  // signingName: read by the SDK's SigV4 config, though not in this client's type.
  const config: BedrockRuntimeClientConfig & { signingName: string } = {
    region: emu.region,
    endpoint: url.origin,
    credentials: user.credentials,
    requestHandler: new NodeHttpHandler(),
    signingName: 'lambda',
    maxAttempts: 1,
  };
  const client = new BedrockRuntimeClient(config);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const request = args.request as HttpRequest;
      if (context.commandName === 'ConverseStreamCommand') {
        const raw = request.body as unknown;
        const text = raw instanceof Uint8Array ? Buffer.from(raw).toString('utf8') : String(raw ?? '{}');
        const body = JSON.stringify({ modelId: (args.input as { modelId?: string }).modelId, ...JSON.parse(text) });
        request.body = body;
        request.path = url.pathname;
        request.headers['content-length'] = String(Buffer.byteLength(body));
      }
      request.headers['x-storyteller-id-token'] = user.idToken;
      Object.assign(request.headers, headers);
      return next(args);
    },
    { step: 'build', priority: 'high', name: 'benchGatewayRequest' },
  );
  return client;
}

/**
 * A warm DynamoDB, as the service is: conditional updates like the gateway's on an item of its own,
 * through the emulator's port with the real client.
 */
async function warmDynamoDb(emu: RunningEmulator): Promise<void> {
  const db = new DynamoDBClient({
    region: emu.region,
    endpoint: emu.endpoints.cognitoIdp,
    credentials: ADMIN_CREDENTIALS,
  });
  try {
    const [table] = (await db.send(new ListTablesCommand({}))).TableNames ?? [];
    for (let i = 0; i < DYNAMODB_WARM_UP; i++) {
      await db.send(
        new UpdateItemCommand({
          TableName: table,
          Key: { pk: { S: 'bench#warm-up' } },
          UpdateExpression: 'ADD committed :n, #m :one SET #r = :entry REMOVE #old',
          ConditionExpression:
            '(attribute_not_exists(committed) OR committed <= :max) AND (attribute_not_exists(#m) OR #m < :max)',
          ExpressionAttributeNames: { '#r': `r${i}`, '#old': `r${i - 1}`, '#m': 'm0000' },
          ExpressionAttributeValues: {
            ':n': { N: '1' },
            ':one': { N: '1' },
            ':max': { N: '1000000' },
            ':entry': { M: { n: { N: '1' }, exp: { N: String(i) } } },
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
    }
  } finally {
    db.destroy();
  }
}

const writes = (emu: RunningEmulator): number => WRITES.reduce((n, op) => n + (emu.counters()[op] ?? 0), 0);

/** 20 stories at once from a user whose budget covers 3: how many were served, and the overspend. */
async function race(): Promise<{ served: number; refused: number; overspent: number }> {
  const request = storyRequest(RACE_MAX_TOKENS);
  const reserve = estimateInputTokens(request as never) + RACE_MAX_TOKENS;
  const budget = 3 * reserve + 10;
  const emu = await startEmulator({
    templatePath: DEFAULT_TEMPLATE,
    streamRate: 1000,
    params: {
      ...NO_GUARDRAILS,
      DailyTokensPerUser: String(budget),
      RequestsPerMinutePerUser: '0',
      RequestBurstPerUser: '0',
    },
  });
  const gus = await gatewayUser(emu);
  const client = gatewayClient(emu, gus);
  try {
    const outcomes = await Promise.all(
      Array.from({ length: RACE_STORIES }, () =>
        firstToken(client, RACE_MAX_TOKENS).then(
          () => 'served',
          (e: unknown) => (e as Error).name,
        ),
      ),
    );
    const u = await usageWhen(emu, gus, (x) => x.tokensReserved === 0);
    const served = outcomes.filter((o) => o === 'served').length;
    return {
      served,
      refused: outcomes.filter((o) => o === 'BudgetExceededException').length,
      overspent: Math.max(0, u.tokensUsed - budget),
    };
  } finally {
    client.destroy();
    await emu.stop();
  }
}

interface Measured {
  ratio: number;
  viaGateway: number;
  viaDirect: number;
  perStory: number;
}

/** First tokens through the gateway and direct to Bedrock, alternating, and one story's writes. */
async function measure(budgetParams: Record<string, string>): Promise<Measured> {
  const common = { templatePath: DEFAULT_TEMPLATE, streamRate: STREAM_RATE };
  const direct = await startEmulator({ ...common, params: DIRECT_MODE_TEAM });
  const budget = await startEmulator({ ...common, params: { ...NO_GUARDRAILS, ...budgetParams } });
  const clients: BedrockRuntimeClient[] = [];
  try {
    const [ada, bo] = [await gatewayUser(budget), await gatewayUser(direct)];
    const viaBedrock = new BedrockRuntimeClient({
      region: direct.region,
      endpoint: direct.endpoints.bedrockRuntime,
      requestHandler: new NodeHttpHandler(),
      credentials: bo.credentials,
    });
    const viaUrl = gatewayClient(budget, ada);
    clients.push(viaBedrock, viaUrl);
    // Warm both sides: connections, the gateway's execution environment (Lambda's warm start) and
    // the emulator's DynamoDB.
    await warmDynamoDb(budget);
    // A function serving steady traffic runs optimised code: one-token stories, before the
    // model's latency is on, bring the gateway's SDK calls there as quickly as the direct client's.
    for (let i = 0; i < JIT_WARM_UP; i++) {
      await firstToken(viaBedrock, 1);
      await firstToken(viaUrl, 1);
    }
    for (const emu of [direct, budget])
      emu.fault({ kind: 'latency', operation: 'ConverseStream', ms: MODEL_LATENCY_MS });
    for (let i = 0; i < WARM_UP; i++) {
      await firstToken(viaBedrock);
      await firstToken(viaUrl);
    }
    const viaGateway: number[] = [];
    const viaDirect: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      // Alternate the order so drift (GC, caches) hits both sides alike.
      if (i % 2 === 0) {
        viaGateway.push(await firstToken(viaUrl));
        viaDirect.push(await firstToken(viaBedrock));
      } else {
        viaDirect.push(await firstToken(viaBedrock));
        viaGateway.push(await firstToken(viaUrl));
      }
    }
    budget.clearFaults();

    // One whole story, settled: every write it costs, from the reservation to the settlement.
    await usageWhen(budget, ada, (u) => u.tokensReserved === 0);
    budget.resetCounters();
    await firstToken(viaUrl);
    await usageWhen(budget, ada, (u) => u.tokensReserved === 0);
    const perStory = writes(budget);
    return {
      ratio: median(viaGateway) / median(viaDirect),
      viaGateway: median(viaGateway),
      viaDirect: median(viaDirect),
      perStory,
    };
  } finally {
    for (const c of clients.splice(0)) c.destroy();
    await Promise.all([direct.stop(), budget.stop()]);
  }
}

// Rates on (each story pays for its rate check) but far above what the runs ask for.
const RATES = { RequestsPerMinutePerUser: '1000', RequestBurstPerUser: '100' };

export const gateway: Benchmark = {
  name: `story gateway (emulator, ${STREAM_RATE} tokens/s, ${MODEL_LATENCY_MS} ms model latency)`,
  async run(): Promise<Figure[]> {
    // The template's defaults: a per-user budget and the stack-wide ceiling (DailyTokensTotal).
    const defaults = await measure({ ...RATES, DailyTokensPerUser: '1000000' });
    // A team's stack that says who may sign up may leave the ceiling out: the user's item only.
    const perUser = await measure({
      ...RATES,
      DailyTokensPerUser: '1000000',
      DailyTokensTotal: '0',
      AllowedEmailDomains: 'example.com',
    });
    const raced = await race();
    const note = `${RUNS} alternating runs, ${MODEL_LATENCY_MS} ms model latency, ${STREAM_RATE} tokens/s, stories read to their end; warm function, connections and DynamoDB`;
    return [
      {
        name: `First token: gateway ÷ direct, the defaults (user budget and stack ceiling; median of ${RUNS})`,
        value: round(defaults.ratio, 3),
        unit: '×',
        goal: { op: '<=', value: 1.1 },
        note: `${round(defaults.viaGateway, 1)} / ${round(defaults.viaDirect, 1)} ms; ${note}`,
      },
      {
        name: `First token: gateway ÷ direct, user budget only (median of ${RUNS})`,
        value: round(perUser.ratio, 3),
        unit: '×',
        goal: { op: '<=', value: 1.1 },
        note: `${round(perUser.viaGateway, 1)} / ${round(perUser.viaDirect, 1)} ms`,
      },
      { name: 'first token through the gateway (median, defaults)', value: round(defaults.viaGateway, 1), unit: 'ms' },
      { name: 'first token direct to Bedrock (median, defaults)', value: round(defaults.viaDirect, 1), unit: 'ms' },
      {
        name: 'DynamoDB writes per story, the defaults',
        value: defaults.perStory,
        unit: 'writes',
        goal: { op: '<=', value: 4 },
        note: 'the reservation (with the rate check) and the settlement, for the user and for the stack',
      },
      {
        name: 'DynamoDB writes per story, user budget only',
        value: perUser.perStory,
        unit: 'writes',
        goal: { op: '<=', value: 2 },
        note: 'the reservation (with the rate check) and the settlement',
      },
      {
        name: `${RACE_STORIES} stories at once, budget for 3: served`,
        value: raced.served,
        unit: 'stories',
        goal: { op: '<=', value: 3 },
        note: `${raced.refused} refused with BudgetExceededException`,
      },
      {
        name: `${RACE_STORIES} stories at once, budget for 3: tokens past the budget`,
        value: raced.overspent,
        unit: 'tokens',
        goal: { op: '==', value: 0 },
      },
    ];
  },
};

if (require.main === module) {
  gateway.run().then(
    (figures) => {
      for (const f of figures) process.stdout.write(`${f.name}: ${f.value} ${f.unit}\n`);
    },
    (e: unknown) => {
      process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
      process.exit(1);
    },
  );
}
