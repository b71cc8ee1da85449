// A guardrail around one Converse / ConverseStream turn: the input checked before the model runs,
// the output checked whole (Converse) or in batches as it streams (ConverseStream: sync sends a
// batch only once it passed; async sends at once and stops the stream after a failing batch).
// A block ends the turn with stopReason guardrail_intervened and the guardrail's blocked message
// as the output text, as Bedrock does.
import type { GuardrailAssessment, GuardrailTraceAssessment } from '@aws-sdk/client-bedrock-runtime';
import { assess } from '../guardrails/classifier';
import type { Verdict } from '../guardrails/classifier';
import type { Wire } from '../operation';
import type { Guard } from './invocation';

export const GUARDRAIL_INTERVENED = 'guardrail_intervened';

/** The emulator's streaming batch: a guardrail checks the output every this many characters. */
export const STREAM_BATCH_CHARS = 200;

/** The text a guardrail evaluates in a Converse request: every message's text blocks (not the system prompt). */
export function messagesText(body: Record<string, unknown>): string {
  const texts: string[] = [];
  for (const m of Array.isArray(body.messages) ? body.messages : []) {
    const content = (m as { content?: unknown }).content;
    for (const block of Array.isArray(content) ? content : []) {
      const b = block as { text?: unknown; guardContent?: { text?: { text?: unknown } } };
      if (typeof b.text === 'string') texts.push(b.text);
      if (typeof b.guardContent?.text?.text === 'string') texts.push(b.guardContent.text.text);
    }
  }
  return texts.join('\n');
}

export function checkInput(guard: Guard, body: Record<string, unknown>): Verdict {
  return assess(guard.config, 'INPUT', messagesText(body));
}

/** The trace Bedrock returns when the request's guardrailConfig.trace is enabled (else undefined). */
export function guardrailTrace(
  guard: Guard,
  input: Verdict,
  outputs: Verdict[],
): { guardrail: Wire<GuardrailTraceAssessment> } | undefined {
  if (guard.request.trace === 'disabled') return undefined;
  const blocked = input.blocked || outputs.some((o) => o.blocked);
  return {
    guardrail: {
      inputAssessment: { [guard.config.id]: input.assessment },
      ...(outputs.length > 0
        ? { outputAssessments: { [guard.config.id]: outputs.map((o) => o.assessment) as Wire<GuardrailAssessment>[] } }
        : {}),
      ...(blocked ? { actionReason: 'Guardrail blocked.' } : {}),
    },
  };
}

/** What a guarded stream sends: the tokens before the block (and, async, the failing batch's). */
export interface StreamPlan {
  tokens: string[];
  /** Tokens the model produced before the guardrail stopped it (usage). */
  modelTokens: number;
  blocked: boolean;
  verdicts: Verdict[];
}

/** Checks the output in batches of STREAM_BATCH_CHARS; each check sees everything so far. */
export function planStream(guard: Guard, tokens: string[]): StreamPlan {
  const verdicts: Verdict[] = [];
  let sent = 0;
  let batch = 0;
  let text = '';
  for (let i = 0; i < tokens.length; i++) {
    text += tokens[i];
    batch += (tokens[i] as string).length;
    if (batch < STREAM_BATCH_CHARS && i < tokens.length - 1) continue;
    const verdict = assess(guard.config, 'OUTPUT', text);
    verdicts.push(verdict);
    if (verdict.blocked) {
      const through = guard.request.streamProcessingMode === 'async' ? i + 1 : sent;
      return { tokens: tokens.slice(0, through), modelTokens: i + 1, blocked: true, verdicts };
    }
    sent = i + 1;
    batch = 0;
  }
  return { tokens, modelTokens: tokens.length, blocked: false, verdicts };
}
