// The budget store: per-user and per-stack token budgets per UTC day and per-user request rates,
// in one DynamoDB table, each limit enforced by a conditional UpdateItem so concurrent
// invocations cannot race past it. DynamoDB's conditions cannot add, so every item keeps
// `committed` (settled use plus open reservations) and the condition compares it with the
// budget minus the amount asked for, computed here. A settlement charges at most its reservation,
// so it only lowers committed, which never passes a budget. A story costs two writes: the
// reservation, which counts the request against the rates in the same update, and the settlement.
//   user#<sub>#<day>   committed, used, r<id> = {n, exp} per open reservation, ttl,
//                      m<HHMM> requests in that minute, s<HHMMSS> requests in that second
//                      (windows over a minute old are removed by the next settlement)
//   total#<day>        committed, used, ttl
import { ConditionalCheckFailedException, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { randomUUID } from 'node:crypto';
import type { UsageResponse } from './contract';
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
  /** Rate windows of the user's item over a minute old: the settlement removes them. */
  readonly stale: readonly string[];
}

/** The store's part of GET /usage; the handler adds what the stack allows. */
export type Usage = Omit<UsageResponse, 'allowedModelIds' | 'maxTokensPerStory' | 'contentSafety'>;

const DAY_MS = 86_400_000;
/** The most stale rate windows one settlement removes (UpdateExpression is limited to 4 KB). */
const MAX_STALE_REMOVED = 100;
const N = (n: number): AttributeValue => ({ N: String(n) });
const num = (v: AttributeValue | undefined): number => (v?.N === undefined ? 0 : Number(v.N));

export const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
export const nextUtcMidnight = (ms: number): number => Math.floor(ms / DAY_MS) * DAY_MS + DAY_MS;

/** The user item's attribute names for the calendar minute and second of `ms` (within its UTC day). */
function windows(ms: number): { minute: string; second: string } {
  const hms = new Date(ms).toISOString().slice(11, 19).replace(/:/g, '');
  return { minute: `m${hms.slice(0, 4)}`, second: `s${hms}` };
}

/**
 * Rate windows that ended over a minute before `ms`: no request can count in them any more (one
 * whose clock read is a minute old does not exist), so removing them loses nothing.
 */
function staleWindows(item: Record<string, AttributeValue>, ms: number): string[] {
  const previous = ms - 60_000;
  // Just after midnight nothing in today's item is a minute old.
  if (utcDay(previous) !== utcDay(ms)) return [];
  const oldest = windows(previous).minute.slice(1);
  return Object.keys(item)
    .filter((k) => /^(m\d{4}|s\d{6})$/.test(k) && k.slice(1, 5) < oldest)
    .slice(0, MAX_STALE_REMOVED);
}

const left = (budget: number, item: Record<string, AttributeValue>): number =>
  Math.max(0, budget - num(item.committed));

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

  /**
   * Counts the request against the user's minute and second and reserves `tokens` for the user,
   * in one conditional update, then (with a stack ceiling) for the stack; or refuses with
   * ThrottlingException (Retry-After) or BudgetExceededException. `holdMs`: how long the
   * reservation stands if it is never settled (the function died); it then counts as spent.
   */
  async reserve(sub: string, tokens: number, holdMs: number): Promise<Reservation> {
    const now = this.now();
    const day = utcDay(now);
    const ttl = N(Math.ceil(nextUtcMidnight(now) / 1000) + 2 * 86400);
    const total = this.limits.dailyTokensTotal > 0;
    // The user's and the stack's reservations go out together (one round trip before the first
    // token, not two); whichever is refused gives the other back in full, so nothing is spent.
    const [user, stack] = await Promise.allSettled([
      this.reserveUser(sub, tokens, holdMs, now, day, ttl),
      total ? this.reserveStack(day, tokens, ttl) : Promise.resolve(),
    ]);
    if (user.status === 'rejected') {
      if (total && stack.status === 'fulfilled') await this.releaseStack(day, tokens);
      throw user.reason;
    }
    const reservation = user.value;
    if (stack.status === 'rejected') {
      await this.settleUser(reservation, 0);
      const err: unknown = stack.reason;
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      const stackLeft = Math.max(0, this.limits.dailyTokensTotal - num((await this.get(`total#${day}`)).committed));
      throw this.exceeded('stack', stackLeft, tokens, now);
    }
    return reservation;
  }

  /** The user's reservation, with the rate check, in one conditional write. */
  private async reserveUser(
    sub: string,
    tokens: number,
    holdMs: number,
    now: number,
    day: string,
    ttl: AttributeValue,
  ): Promise<Reservation> {
    const pk = `user#${sub}#${day}`;
    const { dailyTokensPerUser, requestsPerMinute: rpm, requestBurst: burst } = this.limits;
    const rated = rpm > 0 || burst > 0;
    const { minute, second } = windows(now);
    const id = `r${randomUUID().replace(/-/g, '')}`;
    const userMax = dailyTokensPerUser - tokens;
    const conditions = ['(attribute_not_exists(committed) OR committed <= :max)'];
    if (rpm > 0) conditions.push('(attribute_not_exists(#m) OR #m < :rpm)');
    if (burst > 0) conditions.push('(attribute_not_exists(#s) OR #s < :burst)');
    let item: Record<string, AttributeValue> | undefined;
    // A condition that failed although the item then shows no limit reached met a concurrent
    // settlement or a new window: once more, then the refusal stands.
    for (let attempt = 0; attempt < 2 && !item; attempt++) {
      if (userMax < 0) break;
      try {
        const out = await this.update({
          Key: { pk: { S: pk } },
          UpdateExpression: `ADD committed :n${rated ? ', #m :one, #s :one' : ''} SET #r = :entry, #ttl = :ttl`,
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: { '#r': id, '#ttl': 'ttl', ...(rated ? { '#m': minute, '#s': second } : {}) },
          ExpressionAttributeValues: {
            ':n': N(tokens),
            ':max': N(userMax),
            ':entry': { M: { n: N(tokens), exp: N(now + holdMs) } },
            ':ttl': ttl,
            ...(rated ? { ':one': N(1) } : {}),
            ...(rpm > 0 ? { ':rpm': N(rpm) } : {}),
            ...(burst > 0 ? { ':burst': N(burst) } : {}),
          },
          ReturnValues: 'ALL_NEW',
        });
        item = out.Attributes ?? {};
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
        const current = await this.get(pk);
        this.throwIfThrottled(current, minute, second, now);
        if (num(current.committed) > userMax)
          throw this.exceeded('user', left(dailyTokensPerUser, current), tokens, now);
      }
    }
    if (!item) throw this.exceeded('user', left(dailyTokensPerUser, await this.get(pk)), tokens, now);
    const reservation: Reservation = {
      id,
      sub,
      day,
      tokens,
      total: this.limits.dailyTokensTotal > 0,
      stale: staleWindows(item, now),
    };
    return reservation;
  }

  /** The stack's share of a reservation; ConditionalCheckFailedException when the ceiling is reached. */
  private async reserveStack(day: string, tokens: number, ttl: AttributeValue): Promise<void> {
    const totalMax = this.limits.dailyTokensTotal - tokens;
    if (totalMax < 0) throw new ConditionalCheckFailedException({ message: 'over', $metadata: {} });
    await this.update({
      Key: { pk: { S: `total#${day}` } },
      UpdateExpression: 'ADD committed :n SET #ttl = :ttl',
      ConditionExpression: 'attribute_not_exists(committed) OR committed <= :max',
      ExpressionAttributeNames: { '#ttl': 'ttl' },
      ExpressionAttributeValues: { ':n': N(tokens), ':max': N(totalMax), ':ttl': ttl },
    });
  }

  /** Gives the stack's share back when the user's reservation was refused. */
  private async releaseStack(day: string, tokens: number): Promise<void> {
    await this.update({
      Key: { pk: { S: `total#${day}` } },
      UpdateExpression: 'ADD committed :delta',
      ExpressionAttributeValues: { ':delta': N(-tokens) },
    });
  }

  /** The rate refusal, when the user's item shows this minute or second full. */
  private throwIfThrottled(item: Record<string, AttributeValue>, minute: string, second: string, now: number): void {
    const { requestsPerMinute: rpm, requestBurst: burst } = this.limits;
    const perMinute = rpm > 0 && num(item[minute]) >= rpm;
    if (!perMinute && !(burst > 0 && num(item[second]) >= burst)) return;
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

  /**
   * Settles with the tokens actually used, at most the reservation (the budgets were checked against
   * it, so more could overrun them); the rest of the reservation is released.
   */
  async settle(r: Reservation, usedTokens: number): Promise<void> {
    const charged = Math.min(Math.max(0, Math.ceil(usedTokens)), r.tokens);
    await this.settleUser(r, charged);
    if (r.total) {
      await this.update({
        Key: { pk: { S: `total#${r.day}` } },
        UpdateExpression: 'ADD committed :delta, used :used',
        ExpressionAttributeValues: { ':delta': N(charged - r.tokens), ':used': N(charged) },
      });
    }
  }

  private async settleUser(r: Reservation, usedTokens: number): Promise<void> {
    const stale = Object.fromEntries(r.stale.map((name, i) => [`#w${i}`, name]));
    try {
      await this.update({
        Key: { pk: { S: `user#${r.sub}#${r.day}` } },
        UpdateExpression: `ADD committed :delta, used :used REMOVE ${['#r', ...Object.keys(stale)].join(', ')}`,
        // The item's own record of the reservation caps the charge: committed can only go down.
        ConditionExpression: 'attribute_exists(#r) AND #r.#n >= :used',
        ExpressionAttributeNames: { '#r': r.id, '#n': 'n', ...stale },
        ExpressionAttributeValues: { ':delta': N(usedTokens - r.tokens), ':used': N(usedTokens) },
      });
    } catch (err) {
      // Already counted as spent after its expiry: nothing to give back. (Asked to charge past the
      // reservation, it stays held, and counts as spent when it expires.)
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
    if (this.limits.requestsPerMinute > 0)
      requestsLeft = Math.max(0, this.limits.requestsPerMinute - num(item[windows(now).minute]));
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
