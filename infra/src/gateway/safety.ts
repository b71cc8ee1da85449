// Content safety (#27): which of the stack's Bedrock guardrails a story gets, and what a
// guardrail's intervention means. One rule for both sides: the story gateway applies it (budget
// mode) and the extension sends it (direct mode, where IAM requires it). Pure: no Node or Lambda
// API, so the extension and its panel can bundle it.

/** The stack's ContentSafety parameter (and the `storyteller.contentSafety.policy` setting). */
export const CONTENT_SAFETY_POLICIES = ['Off', 'Standard', 'Strict'] as const;
export type ContentSafetyPolicy = (typeof CONTENT_SAFETY_POLICIES)[number];

/** The story form's audiences (the protocol's AUDIENCES, repeated here so the gateway needs nothing else). */
export type SafetyAudience = 'children' | 'young adult' | 'adult';

export type GuardrailLevel = 'standard' | 'strict';

/** One of the stack's guardrails: its id (or ARN) and published version. */
export interface GuardrailRef {
  readonly id: string;
  readonly version: string;
}

/** The stack's guardrails as its outputs (or the gateway's environment) name them; '' when Off. */
export interface StackGuardrails {
  readonly policy: ContentSafetyPolicy;
  readonly standard: GuardrailRef;
  readonly strict: GuardrailRef;
}

/** What a story gets: no guardrail (policy Off), or one level of the stack's. */
export type GuardrailChoice =
  | { readonly level: 'none' }
  | { readonly level: GuardrailLevel; readonly guardrail: GuardrailRef; readonly children: boolean };

/**
 * The level for a story: none when the policy is Off; strict for children (always) and for every
 * story under Strict; standard otherwise.
 */
export function guardrailLevel(policy: ContentSafetyPolicy, audience: SafetyAudience): GuardrailLevel | 'none' {
  if (policy === 'Off') return 'none';
  return policy === 'Strict' || audience === 'children' ? 'strict' : 'standard';
}

/** Thrown when the policy is on but the guardrail it needs is not known: no story may go out without it. */
export class MissingGuardrailError extends Error {
  override readonly name = 'MissingGuardrailError';
  constructor(readonly level: GuardrailLevel) {
    super(`The content policy needs the ${level} guardrail, but its id or version is not set.`);
  }
}

export function chooseGuardrail(stack: StackGuardrails, audience: SafetyAudience): GuardrailChoice {
  const level = guardrailLevel(stack.policy, audience);
  if (level === 'none') return { level };
  const guardrail = stack[level];
  if (guardrail.id === '' || guardrail.version === '') throw new MissingGuardrailError(level);
  return { level, guardrail, children: audience === 'children' };
}

/**
 * ConverseStream's guardrailConfig for the choice: sync, so a chunk is checked before it is sent
 * (a child never sees a blocked chunk); the trace, so a blocked premise is told from a blocked story.
 */
export function guardrailConfigOf(choice: GuardrailChoice):
  | {
      readonly guardrailIdentifier: string;
      readonly guardrailVersion: string;
      readonly streamProcessingMode: 'sync';
      readonly trace: 'enabled';
    }
  | undefined {
  if (choice.level === 'none') return undefined;
  return {
    guardrailIdentifier: choice.guardrail.id,
    guardrailVersion: choice.guardrail.version,
    streamProcessingMode: 'sync',
    trace: 'enabled',
  };
}

/** Bedrock's stopReason when a guardrail blocked the premise or the story. */
export const GUARDRAIL_INTERVENED = 'guardrail_intervened';

/** What the guardrail blocked: the request (the premise, or the story sent to continue) or the model's output. */
export type BlockedPart = 'premise' | 'output';

type Assessment = Readonly<Record<string, unknown>>;

/** True when any policy of one assessment (topics, filters, words, PII...) has action BLOCKED. */
function blocks(assessment: unknown): boolean {
  if (typeof assessment !== 'object' || assessment === null) return false;
  for (const policy of Object.values(assessment as Assessment)) {
    if (typeof policy !== 'object' || policy === null) continue;
    for (const findings of Object.values(policy as Assessment)) {
      if (!Array.isArray(findings)) continue;
      if (findings.some((f) => (f as { action?: unknown } | null)?.action === 'BLOCKED')) return true;
    }
  }
  return false;
}

/**
 * Which part a guardrail blocked, from the trace of ConverseStream's metadata
 * (`trace.guardrail.inputAssessment` / `outputAssessments`, keyed by guardrail id). Without a
 * trace that says, a call whose model wrote nothing (no output tokens) was blocked on its input.
 */
export function blockedPart(trace: unknown, outputTokens: number | undefined): BlockedPart {
  const g = (trace as { guardrail?: { inputAssessment?: unknown; outputAssessments?: unknown } } | null)?.guardrail;
  if (g) {
    const input = Object.values((g.inputAssessment ?? {}) as Assessment);
    if (input.some(blocks)) return 'premise';
    const outputs = Object.values((g.outputAssessments ?? {}) as Assessment).flatMap((list) =>
      Array.isArray(list) ? list : [],
    );
    if (outputs.some(blocks)) return 'output';
  }
  return outputTokens === undefined || outputTokens === 0 ? 'premise' : 'output';
}
