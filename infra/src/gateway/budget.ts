// The budget store: per-user and per-stack token budgets per UTC day and per-user request rates,
// in one DynamoDB table, each limit enforced by a single conditional UpdateItem so concurrent
// invocations cannot race past it. DynamoDB's conditions cannot add, so every item keeps
// `committed` (settled use plus open reservations) and the condition compares it with the
// budget minus the amount asked for, computed here.
//   user#<sub>#<day>   committed, used, r<id> = {n, exp} per open reservation, ttl
//   total#<day>        committed, used, ttl
//   rate#<sub>#<minute> n (requests this minute), s<ss> (requests in that second), ttl
import { ConditionalCheckFailedException, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { randomUUID } from 'node:crypto';
import { GatewayError } from './wire';

export interface Limits {
  /** Tokens per user per UTC day; the gateway exists only when this is above 0. */
  dailyTokensPerUser: number;
  /** Tokens per UTC day for the whole stack; 0 = no stack ceiling. */
  dailyTokensTotal: number;
  /** Requests a user may start per minute; 0 = no limit. */
  requestsPerMinute: number;
  /** Requests a user may start in one second; 0 = no limit. */
  requestBurst: number;
}

export interface Reservation {
  readonly id: string;
  readonly sub: string;
  readonly day: string;
  readonly tokens: number;
  readonly total: boolean;
}

export interface Usage {
  day: string;
  dailyTokens: number;
  tokensUsed: number;
  tokensReserved: number;
  tokensLeft: number;
  requestsLeftThisMinute: number | null;
  resetsAt: string;
}

const DAY_MS = 86_400_000;
const N = (n: number): AttributeValue => ({ N: String(n) });
const num = (v: AttributeValue | undefined): number => (v?.N === undefined ? 0 : Number(v.N));

export const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
export const nextUtcMidnight = (ms: number): number => Math.floor(ms / DAY_MS) * DAY_MS + DAY_MS;

/** DynamoDB said no because it was busy (after the SDK's own retries): the caller may try again soon. */
function busy(err: unknown): GatewayError | null {
  const name = (err as { name?: string }).name ?? '';
  if (
    name === 'ProvisionedThroughputExceededException' ||
    name === 'ThrottlingException' ||
    name === 'RequestLimitExceeded'
  ) {
    return new GatewayError(
      'ThrottlingException',
      'The budget store is busy. Try again in a second.',
      429,
      { retryAfterSeconds: 1 },
      { 'retry-after': '1' },
    );
  }
  return null;
}

export class BudgetStore {
  constructor(
    private readonly db: DynamoDBClient,
    private readonly table: string,
    private readonly limits: Limits,
    private readonly now: () => number = Date.now,
  ) {}

  private async update(input: Omit<ConstructorParameters<typeof UpdateItemCommand>[0], 'TableName'>) {
    try {
      return await this.db.send(new UpdateItemCommand({ TableName: this.table, ...input }));
    } catch (err) {
      throw busy(err) ?? err;
    }
  }

  private async get(pk: string): Promise<Record<string, AttributeValue>> {
    try {
      const out = await this.db.send(
        new GetItemCommand({ TableName: this.table, Key: { pk: { S: pk } }, ConsistentRead: true }),
      );
      return out.Item ?? {};
    } catch (err) {
      throw busy(err) ?? err;
    }
  }

  /** Counts one request against the minute and the second, or refuses it with Retry-After. */
  async takeRequest(sub: string): Promise<void> {
    const { requestsPerMinute: rpm, requestBurst: burst } = this.limits;
    if (rpm <= 0 && burst <= 0) return;
    const now = this.now();
    const iso = new Date(now).toISOString();
    const pk = `rate#${sub}#${iso.slice(0, 16)}`;
    const second = `s${iso.slice(17, 19)}`;
    const conditions: string[] = [];
    if (rpm > 0) conditions.push('(attribute_not_exists(n) OR n < :rpm)');
    if (burst > 0) conditions.push('(attribute_not_exists(#s) OR #s < :burst)');
    try {
      await this.update({
        Key: { pk: { S: pk } },
        UpdateExpression: 'ADD n :one, #s :one SET #ttl = :ttl',
        ConditionExpression: conditions.join(' AND '),
        ExpressionAttributeNames: { '#s': second, '#ttl': 'ttl' },
        ExpressionAttributeValues: {
          ':one': N(1),
          ':ttl': N(Math.ceil(now / 1000) + 120),
          ...(rpm > 0 ? { ':rpm': N(rpm) } : {}),
          ...(burst > 0 ? { ':burst': N(burst) } : {}),
        },
      });
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      const item = await this.get(pk);
      const perMinute = rpm > 0 && num(item.n) >= rpm;
      const retryAfter = perMinute ? 60 - new Date(now).getUTCSeconds() : 1;
      throw new GatewayError(
        'ThrottlingException',
        perMinute
          ? `You have started ${rpm} stories this minute, the most allowed. Try again in ${retryAfter} s.`
          : `You have started ${burst} stories this second, the most allowed. Try again in a second.`,
        429,
        { retryAfterSeconds: retryAfter },
        { 'retry-after': String(retryAfter) },
      );
    }
  }

  /**
   * Reserves `tokens` for the user and, with a stack ceiling, for the stack, or refuses with
   * BudgetExceededException. `holdMs`: how long the reservation stands if it is never settled
   * (the function died); it then counts as spent.
   */
  async reserve(sub: string, tokens: number, holdMs: number): Promise<Reservation> {
    const now = this.now();
    const day = utcDay(now);
    const reservation: Reservation = {
      id: `r${randomUUID().replace(/-/g, '')}`,
      sub,
      day,
      tokens,
      total: this.limits.dailyTokensTotal > 0,
    };
    const ttl = N(Math.ceil(nextUtcMidnight(now) / 1000) + 2 * 86400);
    const userMax = this.limits.dailyTokensPerUser - tokens;
    const refuseUser = async (): Promise<never> => {
      const left = Math.max(0, this.limits.dailyTokensPerUser - num((await this.get(`user#${sub}#${day}`)).committed));
      throw this.exceeded('user', left, tokens, now);
    };
    if (userMax < 0) return refuseUser();
    try {
      await this.update({
        Key: { pk: { S: `user#${sub}#${day}` } },
        UpdateExpression: 'ADD committed :n SET #r = :entry, #ttl = :ttl',
        ConditionExpression: 'attribute_not_exists(committed) OR committed <= :max',
        ExpressionAttributeNames: { '#r': reservation.id, '#ttl': 'ttl' },
        ExpressionAttributeValues: {
          ':n': N(tokens),
          ':max': N(userMax),
          ':entry': { M: { n: N(tokens), exp: N(now + holdMs) } },
          ':ttl': ttl,
        },
      });
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return refuseUser();
      throw err;
    }
    if (!reservation.total) return reservation;
    const totalMax = this.limits.dailyTokensTotal - tokens;
    try {
      if (totalMax < 0) throw new ConditionalCheckFailedException({ message: 'over', $metadata: {} });
      await this.update({
        Key: { pk: { S: `total#${day}` } },
        UpdateExpression: 'ADD committed :n SET #ttl = :ttl',
        ConditionExpression: 'attribute_not_exists(committed) OR committed <= :max',
        ExpressionAttributeNames: { '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':n': N(tokens), ':max': N(totalMax), ':ttl': ttl },
      });
    } catch (err) {
      // The user's reservation is given back in full: nothing was spent.
      await this.settleUser(reservation, 0);
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      const left = Math.max(0, this.limits.dailyTokensTotal - num((await this.get(`total#${day}`)).committed));
      throw this.exceeded('stack', left, tokens, now);
    }
    return reservation;
  }

  private exceeded(limit: 'user' | 'stack', left: number, asked: number, now: number): GatewayError {
    const resetsAt = new Date(nextUtcMidnight(now)).toISOString();
    const whose = limit === 'user' ? 'Your' : "This stack's";
    return new GatewayError(
      'BudgetExceededException',
      `${whose} daily token budget has ${left} tokens left, and this story may need ${asked}. It resets at ${resetsAt}.`,
      429,
      { limit, tokensLeft: left, tokensRequested: asked, resetsAt },
    );
  }

  /** Settles with the tokens actually used; the rest of the reservation is released. */
  async settle(r: Reservation, usedTokens: number): Promise<void> {
    await this.settleUser(r, usedTokens);
    if (r.total) {
      await this.update({
        Key: { pk: { S: `total#${r.day}` } },
        UpdateExpression: 'ADD committed :delta, used :used',
        ExpressionAttributeValues: { ':delta': N(usedTokens - r.tokens), ':used': N(usedTokens) },
      });
    }
  }

  private async settleUser(r: Reservation, usedTokens: number): Promise<void> {
    try {
      await this.update({
        Key: { pk: { S: `user#${r.sub}#${r.day}` } },
        UpdateExpression: 'ADD committed :delta, used :used REMOVE #r',
        ConditionExpression: 'attribute_exists(#r)',
        ExpressionAttributeNames: { '#r': r.id },
        ExpressionAttributeValues: { ':delta': N(usedTokens - r.tokens), ':used': N(usedTokens) },
      });
    } catch (err) {
      // Already counted as spent after its expiry: nothing to give back.
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
    }
  }

  /** The caller's day so far; reservations past their expiry are turned into spent tokens first. */
  async usage(sub: string): Promise<Usage> {
    const now = this.now();
    const day = utcDay(now);
    const pk = `user#${sub}#${day}`;
    let item = await this.get(pk);
    const expired = Object.entries(item).filter(([k, v]) => /^r[0-9a-f]{32}$/.test(k) && num(v.M?.exp) <= now);
    for (const [id, v] of expired) {
      try {
        await this.update({
          Key: { pk: { S: pk } },
          UpdateExpression: 'ADD used :n REMOVE #r',
          ConditionExpression: 'attribute_exists(#r)',
          ExpressionAttributeNames: { '#r': id },
          ExpressionAttributeValues: { ':n': N(num(v.M?.n)) },
        });
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
      }
    }
    if (expired.length > 0) item = await this.get(pk);
    const committed = num(item.committed);
    const used = num(item.used);
    let requestsLeft: number | null = null;
    if (this.limits.requestsPerMinute > 0) {
      const rate = await this.get(`rate#${sub}#${new Date(now).toISOString().slice(0, 16)}`);
      requestsLeft = Math.max(0, this.limits.requestsPerMinute - num(rate.n));
    }
    return {
      day,
      dailyTokens: this.limits.dailyTokensPerUser,
      tokensUsed: used,
      tokensReserved: committed - used,
      tokensLeft: Math.max(0, this.limits.dailyTokensPerUser - committed),
      requestsLeftThisMinute: requestsLeft,
      resetsAt: new Date(nextUtcMidnight(now)).toISOString(),
    };
  }
}
