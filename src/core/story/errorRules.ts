// What the story error rules share: the failure a rule sees, the rule, and small helpers. Its own
// file so that the rule tables (errors.ts, gatewayErrors.ts) import it and not each other.
import * as l10n from '@vscode/l10n';
import type { GatewayErrorDetails } from '../../../infra/src/gateway/contract';
import type { PanelAction } from './protocol/wire';

export interface ErrorContext {
  readonly modelId?: string;
  /** Characters of story text received before the failure. */
  readonly receivedChars?: number;
  /** True once the automatic credentials refresh was spent. */
  readonly afterCredentialRefresh?: boolean;
  readonly endpoint?: string;
  /** Budget mode: the story went to the story gateway; how often it was sent and how long throttling made it wait. */
  readonly gateway?: { readonly attempts: number; readonly waitedMs: number };
  /** For the sentences that say when a limit resets (tests pass a fixed clock). */
  readonly now?: number;
}

/** What a rule sees of the failure. */
export interface Failure {
  readonly name: string;
  /** The AWS message, trimmed. */
  readonly awsMessage: string;
  readonly ctx: ErrorContext;
  /** What a gateway refusal says beyond its message (tokensLeft, resetsAt, limit...), as its contract types it. */
  readonly details: GatewayErrorDetails;
  /** Retry-After (the header, or the body's retryAfterSeconds) in ms. */
  readonly retryAfterMs?: number | undefined;
}

export interface Rule {
  readonly code: string;
  readonly actions: readonly PanelAction[];
  readonly message: (f: Failure) => string;
  /** Epoch ms before which the same request is refused again. */
  readonly retryAt?: number;
}

/** Rules by error name; a function when the sentence depends on the failure. */
export type RuleTable = Record<string, Rule | ((f: Failure) => Rule)>;

export function ruleFor(table: RuleTable, f: Failure): Rule | undefined {
  const rule = Object.hasOwn(table, f.name) ? table[f.name] : undefined;
  return typeof rule === 'function' ? rule(f) : rule;
}

/** "model X", or "this model" when the context does not name it. */
export const modelName = ({ ctx }: Failure): string =>
  ctx.modelId ? l10n.t('model {0}', ctx.modelId) : l10n.t('this model');

/** Bedrock's sentences for a model it cannot use as asked. */
export const MODEL_PROBLEM = /model identifier|on-demand throughput|inference profile|model.*(not|isn't) supported/i;

/** Ends an AWS message with a full stop, so a sentence can follow it. */
export function sentence(text: string): string {
  const t = text.trim();
  if (t === '') return '';
  return /[.!?]$/.test(t) ? t : `${t}.`;
}
