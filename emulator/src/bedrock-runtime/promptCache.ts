// Prompt caching as Bedrock does it (Converse and ConverseStream): a `cachePoint` block in
// `system` or in a message marks the end of a prefix to cache. An entry is keyed by the model and
// the exact prefix (every block and role before the point); it lives 5 minutes on the emulator's
// clock (so clock-skew faults age it), renewed by each hit. A point whose prefix has fewer tokens
// than the model's minimum since the previous point is ignored without error, as is every point
// for a model without prompt caching. More than 4 points in a request is a ValidationException.
// Usage: `inputTokens` is what was neither read from nor written to the cache; `totalTokens`
// counts all of it (input, cache read, cache write and output).
import { createHash } from 'node:crypto';
import { invalid } from '../errors';
import { isObj } from './families/adapter';
import type { Json } from './families/adapter';
// The one table of caching models and AWS's limit, shared with the extension and the gateway.
import { MAX_CACHE_POINTS, cacheMinTokens, tooManyCachePointsMessage } from '../../../infra/src/gateway/promptCaching';

export const CACHE_TTL_MS = { '5m': 5 * 60_000, '1h': 60 * 60_000 } as const;
type Ttl = keyof typeof CACHE_TTL_MS;

export interface CachePoint {
  /** Tokens of the prefix before the point (system and messages). */
  readonly tokens: number;
  /** The prefix, exactly: every block before the point, with the messages' roles. */
  readonly prefix: string;
  readonly ttl: Ttl;
}

export interface CacheUsage {
  readonly read: number;
  readonly write: number;
  readonly ttl: Ttl;
}

/** The cache points of a Converse body, in order, and the body without them. */
export function cachePointsOf(
  body: Json,
  count: (text: string) => number,
): { points: CachePoint[]; system: unknown; messages: unknown } {
  const points: CachePoint[] = [];
  const prefix: unknown[] = [];
  let tokens = 0;
  const walk = (blocks: unknown, where: string, role?: unknown): unknown => {
    if (!Array.isArray(blocks)) return blocks;
    return blocks.filter((block: unknown, i) => {
      if (isObj(block) && 'cachePoint' in block) {
        points.push({
          tokens,
          prefix: JSON.stringify(prefix),
          ttl: ttlOf(block.cachePoint, `${where}.${i}.cachePoint`),
        });
        return false;
      }
      prefix.push(role === undefined ? block : [role, block]);
      if (isObj(block) && typeof block.text === 'string') tokens += count(block.text);
      return true;
    });
  };
  const system = walk(body.system, 'system');
  const messages = Array.isArray(body.messages)
    ? body.messages.map((m: unknown, i) =>
        isObj(m) && Array.isArray(m.content) ? { ...m, content: walk(m.content, `messages.${i}.content`, m.role) } : m,
      )
    : body.messages;
  if (points.length > MAX_CACHE_POINTS) throw invalid(tooManyCachePointsMessage(points.length));
  return { points, system, messages };
}

function ttlOf(value: unknown, field: string): Ttl {
  if (!isObj(value) || value.type !== 'default')
    throw invalid(
      `1 validation error detected: Value at '${field}.type' failed to satisfy constraint: Member must satisfy enum value set: [default]`,
    );
  if (value.ttl === undefined) return '5m';
  if (value.ttl === '5m' || value.ttl === '1h') return value.ttl;
  throw invalid(
    `1 validation error detected: Value at '${field}.ttl' failed to satisfy constraint: Member must satisfy enum value set: [5m, 1h]`,
  );
}

export class PromptCache {
  /** Entry key → when it expires (emulator clock, ms). */
  private readonly entries = new Map<string, number>();

  constructor(private readonly now: () => number) {}

  /**
   * Reads the longest prefix in the cache and writes the points after it. Undefined when the model
   * has no prompt caching or the request no cache point (then usage has no cache fields).
   */
  use(modelId: string, points: readonly CachePoint[]): CacheUsage | undefined {
    const min = cacheMinTokens(modelId);
    if (min === undefined || points.length === 0) return undefined;
    const now = this.now();
    for (const [key, expires] of this.entries) if (expires <= now) this.entries.delete(key);
    const valid: CachePoint[] = [];
    for (const p of points) if (p.tokens - (valid[valid.length - 1]?.tokens ?? 0) >= min) valid.push(p);
    const key = (p: CachePoint) => createHash('sha256').update(modelId).update('\0').update(p.prefix).digest('hex');
    let hit = -1;
    for (let i = valid.length - 1; i >= 0 && hit < 0; i--) if (this.entries.has(key(valid[i]!))) hit = i;
    const read = hit >= 0 ? valid[hit]!.tokens : 0;
    if (hit >= 0) this.entries.set(key(valid[hit]!), now + CACHE_TTL_MS[valid[hit]!.ttl]);
    for (const p of valid.slice(hit + 1)) this.entries.set(key(p), now + CACHE_TTL_MS[p.ttl]);
    const last = valid[valid.length - 1];
    const write = last && valid.length > hit + 1 ? last.tokens - read : 0;
    return { read, write, ttl: last?.ttl ?? '5m' };
  }
}

/** Converse's usage, with the cache fields when the request had cache points for a caching model. */
export function converseUsage(
  result: { inputTokens: number; outputTokens: number },
  cache: CacheUsage | undefined,
): Json {
  if (!cache)
    return {
      inputTokens: result.inputTokens,
      outputTokens: result.outputTokens,
      totalTokens: result.inputTokens + result.outputTokens,
    };
  return {
    inputTokens: result.inputTokens - cache.read - cache.write,
    outputTokens: result.outputTokens,
    totalTokens: result.inputTokens + result.outputTokens,
    cacheReadInputTokens: cache.read,
    cacheWriteInputTokens: cache.write,
    ...(cache.write > 0 ? { cacheDetails: [{ ttl: cache.ttl, inputTokens: cache.write }] } : {}),
  };
}
