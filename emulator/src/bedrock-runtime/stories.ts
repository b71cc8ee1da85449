// The story side of the Bedrock runtime: the story engine (or the admin API's override), the
// stream rate, the cut faults and the timing of the last stream.
import type { CutFault, Faults } from '../faults';
import type { ResolvedModel } from '../models';
import type { CachePoint } from './promptCache';
import { countTokens, generate, tokenize } from '../storyEngine';
import type { StoryResult } from '../storyEngine';

/** What a request asks the story engine for, whatever the body shape. */
export interface StoryRequest {
  inputTexts: string[];
  prompt: string;
  maxTokens: number;
  stopSequences: string[];
  temperature: unknown;
  /** The last user message alone (Converse, Claude and Nova bodies). */
  lastUserText?: string;
  /** Converse's cache points, in order (promptCache.ts). */
  cachePoints?: CachePoint[];
}

/**
 * Replaces the story engine's output, for tests and benchmarks: `text` is told verbatim (e.g. a
 * hostile story); `tokens` makes every story exactly that long. maxTokens is not applied.
 */
export interface StoryOverride {
  text?: string;
  tokens?: number;
}

/** Timing of the last stream, in epoch milliseconds, so that a client can measure its lag. */
export interface StreamRecord {
  operation: string;
  tokens: number;
  /** Characters of the whole text streamed. */
  chars: number;
  startedAt: number;
  lastTokenAt: number | null;
  endedAt: number | null;
}

export class Stories {
  private override: StoryOverride | null = null;
  private last: StreamRecord | null = null;

  constructor(
    private readonly faults: Pick<Faults, 'takeCut'>,
    private rate: number,
  ) {}

  tell(request: StoryRequest, model: ResolvedModel): StoryResult {
    const override = this.override;
    if (override) {
      const told =
        override.text ??
        generate({
          inputTexts: request.inputTexts,
          prompt: request.prompt,
          maxTokens: Number.MAX_SAFE_INTEGER,
          stopSequences: [],
          seedExtra: model.calledId,
        }).text;
      let tokens = tokenize(told);
      if (override.tokens !== undefined) {
        const unit = tokens.length > 0 ? tokens : ['word'];
        while (tokens.length < override.tokens) tokens = tokens.concat(['\n\n'], unit);
        tokens = tokens.slice(0, override.tokens);
      }
      return {
        tokens,
        text: tokens.join(''),
        stopReason: 'end_turn',
        stopSequence: null,
        inputTokens: countTokens(request.inputTexts),
        outputTokens: tokens.length,
      };
    }
    return generate({
      inputTexts: request.inputTexts,
      prompt: request.prompt,
      maxTokens: request.maxTokens,
      stopSequences: request.stopSequences,
      seedExtra: JSON.stringify([model.calledId, request.temperature ?? null]),
      ...(request.lastUserText !== undefined ? { lastUserText: request.lastUserText } : {}),
    });
  }

  /** Every story from now on is told this way; null goes back to the story engine. */
  setOverride(override: StoryOverride | null): void {
    this.override = override;
  }

  /** Tokens per second for streams that start from now on; 0 = as fast as possible. */
  setStreamRate(tokensPerSecond: number): void {
    this.rate = tokensPerSecond;
  }

  streamRate(): number {
    return this.rate;
  }

  takeCut(operation: string): CutFault | undefined {
    return this.faults.takeCut(operation);
  }

  recordStream(record: StreamRecord): StreamRecord {
    this.last = record;
    return record;
  }

  lastStream(): StreamRecord | null {
    return this.last && { ...this.last };
  }
}
