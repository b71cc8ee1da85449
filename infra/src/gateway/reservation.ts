// What the gateway reserves before it calls Bedrock: a true upper bound of the story's tokens, so
// settling (which never charges more than the reservation) keeps every budget whole. No tokenizer
// makes more than one token of a UTF-8 byte (byte-level BPE and byte fallback make exactly one of
// a rare character's bytes), so the bound counts bytes, not characters or words.
// No Node API here: the extension and its panel can share this one rule.

/** Tokens allowed per text block for the chat template around it (role markers, separators). */
export const TEMPLATE_TOKENS_PER_BLOCK = 8;
/** Tokens allowed per request for the template's start and end. */
export const TEMPLATE_TOKENS_PER_REQUEST = 16;

/** A block of a Converse request: text, or a prompt-cache point (no tokens of its own). */
export type ReservableBlock = { readonly text: string } | { readonly cachePoint: unknown };

/** The parts of a Converse request that are sent to the model as tokens. */
export interface ReservableRequest {
  readonly messages: readonly { readonly content: readonly ReservableBlock[] }[];
  readonly system?: readonly ReservableBlock[] | undefined;
  readonly inferenceConfig: { readonly maxTokens: number };
}

/** UTF-8 length of `text`, as Buffer.byteLength counts it (a lone surrogate is sent as U+FFFD: 3 bytes). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * The most input tokens the request can cost: one per UTF-8 byte of every text, plus the template.
 * It bounds every prompt token however Bedrock splits them (uncached input, cache read, cache
 * write): a cache point only marks where a prefix ends, it adds no text.
 */
export function inputTokenBound(req: ReservableRequest): number {
  let tokens = TEMPLATE_TOKENS_PER_REQUEST;
  for (const block of [...(req.system ?? []), ...req.messages.flatMap((m) => m.content)])
    if ('text' in block) tokens += utf8Length(block.text) + TEMPLATE_TOKENS_PER_BLOCK;
  return tokens;
}

/** The reservation: the input bound plus every output token the request allows. */
export function reservedTokens(req: ReservableRequest): number {
  return inputTokenBound(req) + req.inferenceConfig.maxTokens;
}

/** Bedrock's `metadata.usage`, as ConverseStream reports it (fields may be missing). */
export interface ReportedUsage {
  readonly inputTokens?: number | undefined;
  readonly outputTokens?: number | undefined;
  readonly totalTokens?: number | undefined;
  readonly cacheReadInputTokens?: number | undefined;
  readonly cacheWriteInputTokens?: number | undefined;
}

/**
 * The tokens a story is charged from Bedrock's usage (#26): every prompt token at full weight,
 * whether it was read from the prompt cache, written to it or neither, plus the output; never less
 * than Bedrock's total. Cached tokens are cheaper in dollars, but the budget counts tokens, and a
 * charge per prompt token stays within the reservation (inputTokenBound bounds them all), so
 * "charged per user per day ≤ DailyTokensPerUser, per stack ≤ DailyTokensTotal" still holds
 * whatever the prompt or the cache does. Undefined when Bedrock reported no usage.
 */
export function chargedTokens(usage: ReportedUsage | undefined): number | undefined {
  if (!usage) return undefined;
  const n = (x: number | undefined) => (typeof x === 'number' && Number.isFinite(x) && x > 0 ? Math.ceil(x) : 0);
  const parts =
    n(usage.inputTokens) + n(usage.outputTokens) + n(usage.cacheReadInputTokens) + n(usage.cacheWriteInputTokens);
  if (usage.totalTokens === undefined && parts === 0) return undefined;
  return Math.max(n(usage.totalTokens), parts);
}
