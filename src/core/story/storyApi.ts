// What callers of the story service see: its options, the hooks that follow a story while it is
// written, and the outcome. Types only, so the VS Code glue imports them without the AWS SDK.
import type { NodeHttpHandler } from '@smithy/node-http-handler';
import type { StorytellerConfig } from '../config';
import type { SessionSource } from './generation/credentials';
import type { ThrottleRetryPolicy } from './generation/gateway';
import type { StoryErrorInfo } from './errors';
import type { HistoryStore } from './history/history';
import type { StoryControls } from './protocol/controls';
import type { Cost, StoryKind, Usage } from './protocol/wire';
import type { UsageLedgerState, UsageOrigin } from './usage/usage';

export interface StoryServiceOptions {
  readonly config: StorytellerConfig;
  /** The SessionManager (peek, getSession, refresh). */
  readonly sessions: SessionSource;
  /** Directory for the history files, e.g. join(context.globalStorageUri.fsPath, 'stories'). */
  readonly historyDir: string;
  /**
   * The store over historyDir when the caller lists it without the service (the panel's history, before the SDK loads).
   */
  readonly history?: HistoryStore;
  /**
   * Daily usage totals. With `file`, they live in that file, shared with other windows (each
   * request is added to what is on disk, under a lock); `initial` seeds it when it is new. Without,
   * `initial` and `save` keep them wherever the caller likes (one writer only).
   */
  readonly usage?: {
    readonly initial?: unknown;
    readonly save?: (state: UsageLedgerState) => void | Promise<void>;
    readonly file?: string;
  };
  /** Never given tokens or credentials. */
  readonly log?: (line: string) => void;
  /** Tests and the benchmark only; the default is HTTP/1.1 (see bedrock.ts). */
  readonly requestHandler?: NodeHttpHandler;
  readonly batchIntervalMs?: number;
  readonly saveIntervalMs?: number;
  /** Tests only: how the story gateway's throttling is retried (see gateway.ts for the default). */
  readonly throttleRetry?: ThrottleRetryPolicy;
}

export interface StoryStart {
  readonly storyId: string;
  readonly kind: StoryKind;
  readonly modelId: string;
  readonly controls: StoryControls;
  /** The story's text before this call ('continue' adds to it; otherwise empty). */
  readonly text: string;
}

/** How the caller follows one story while it is written. */
export interface StreamHooks {
  /** Aborting stops the stream within milliseconds; the partial text is kept ('stopped'). */
  readonly signal?: AbortSignal;
  /**
   * Text to append, batched: at most one call per 16 ms. A returned promise (the message's delivery)
   * holds the next call back until it settles, so a slow panel gets fewer, larger pieces.
   */
  readonly onDelta?: (text: string) => unknown;
  /** The story exists (history file written) and streaming starts: send story.started. */
  readonly onStart?: (start: StoryStart) => void;
}

export interface StoryOutcome {
  readonly storyId: string;
  readonly kind: StoryKind;
  /** 'blocked': the stack's content policy blocked it (#27); `error` says so in one sentence. */
  readonly status: 'done' | 'stopped' | 'failed' | 'blocked';
  /** The whole story as it now stands. */
  readonly text: string;
  /** What this call added ('continue') or wrote. */
  readonly added: string;
  /** Tokens of this call: Bedrock's count, or an estimate (marked `estimated`) when the stream was stopped or cut
   * before it reported them; absent when nothing was written. */
  readonly usage?: Usage;
  readonly cost: Cost | null;
  /** e.g. "1,234 tokens · ≈ $0.0003 (estimate)". */
  readonly usageLabel?: string;
  readonly stopReason?: string;
  readonly error?: StoryErrorInfo;
  /** The whole story's tokens and cost after this call, as its history row shows them (all its turns). */
  readonly storyUsage?: Usage;
  readonly storyCost?: Cost | null;
}

/** How the caller follows one `StoryService.streamRequest` (a story project's Continue Writing). */
export interface RequestHooks {
  readonly signal?: AbortSignal;
  readonly onDelta?: (text: string) => void;
  /** The project, chapter and command it is for: its usage is also counted under the project, and logged. */
  readonly origin?: UsageOrigin;
}

/** What one request streamed by `StoryService.streamRequest` (a story project's Continue Writing) gave. */
export interface RequestOutcome {
  /** The history entry it became (with an origin, when anything was written or blocked; #26). */
  readonly storyId?: string;
  /** 'blocked': the stack's guardrail intervened; `error` says so with the stack's message. */
  readonly status: 'done' | 'stopped' | 'failed' | 'blocked';
  /** When blocked: the stack's message, which streamed as the text's last piece. */
  readonly blockedMessage?: string;
  /** The text written, also when stopped or failed part-way. */
  readonly text: string;
  /** Bedrock's count, or an estimate when the stream was stopped or cut; absent when nothing was written. */
  readonly usage?: Usage;
  readonly cost: Cost | null;
  readonly usageLabel?: string;
  readonly stopReason?: string;
  readonly error?: StoryErrorInfo;
}
