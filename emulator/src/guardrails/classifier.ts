// The local, deterministic guardrail classifier: content filters from FILTER_LEXICON, denied topics
// from their examples and definitions, word filters (custom words and the PROFANITY stand-in).
// Answers what Bedrock's GuardrailAssessment says, for ApplyGuardrail, Converse and the traces.
import type { GuardrailAssessment, GuardrailUsage } from '@aws-sdk/client-bedrock-runtime';
import type { Wire } from '../operation';
import type { ContentFilter, DeniedTopic, GuardrailConfig, Strength } from './config';
import type { Confidence } from './lexicon';
import { FILTER_LEXICON, PROFANITY, TOPIC_STOPWORDS } from './lexicon';

export type Source = 'INPUT' | 'OUTPUT';

export interface Verdict {
  blocked: boolean;
  assessment: Wire<GuardrailAssessment>;
  usage: Wire<GuardrailUsage>;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const patterns = new Map<string, RegExp>();
/** A term as a whole word or phrase, any case, with an optional s / es / ed / ing ending. */
function termPattern(term: string): RegExp {
  let re = patterns.get(term);
  if (!re) {
    re = new RegExp(`(?<![\\p{L}\\p{N}])${escape(term).replace(/ /g, '\\s+')}(?:s|es|ed|ing)?(?![\\p{L}\\p{N}])`, 'iu');
    patterns.set(term, re);
  }
  return re;
}

/** The first of `terms` in `text`, as it appears there. */
function findTerm(text: string, terms: readonly string[]): string | undefined {
  for (const term of terms) {
    const m = termPattern(term).exec(text);
    if (m) return m[0];
  }
  return undefined;
}

const BLOCKS: Record<Strength, readonly Confidence[]> = {
  NONE: [],
  LOW: ['HIGH'],
  MEDIUM: ['MEDIUM', 'HIGH'],
  HIGH: ['LOW', 'MEDIUM', 'HIGH'],
};

function filterFinding(filter: ContentFilter, source: Source, text: string) {
  const strength = source === 'INPUT' ? filter.inputStrength : filter.outputStrength;
  for (const confidence of ['HIGH', 'MEDIUM', 'LOW'] as const) {
    if (!findTerm(text, FILTER_LEXICON[filter.type][confidence])) continue;
    const blocked = BLOCKS[strength].includes(confidence);
    return {
      type: filter.type,
      confidence,
      filterStrength: strength,
      action: blocked ? ('BLOCKED' as const) : ('NONE' as const),
      detected: blocked,
    };
  }
  return undefined;
}

const contentWords = (s: string): string[] =>
  (s.toLowerCase().match(/\p{L}{4,}/gu) ?? []).filter((w) => !TOPIC_STOPWORDS.has(w));

/**
 * A denied topic matches when the text contains one of its examples, or three different content
 * words (four letters or more, not TOPIC_STOPWORDS) of its definition and examples together.
 */
export function topicMatches(topic: DeniedTopic, text: string): boolean {
  const lower = text.toLowerCase().replace(/\s+/g, ' ');
  if (topic.examples.some((e) => e.trim() !== '' && lower.includes(e.toLowerCase().replace(/\s+/g, ' ').trim())))
    return true;
  const vocabulary = new Set(contentWords([topic.definition, ...topic.examples].join(' ')));
  const present = new Set(contentWords(text).filter((w) => vocabulary.has(w)));
  return present.size >= 3;
}

/** Text units: one per 1,000 characters (at least one), for each policy the guardrail has. */
export function textUnits(text: string): number {
  return Math.max(1, Math.ceil([...text].length / 1000));
}

function usageFor(g: GuardrailConfig, units: number): Wire<GuardrailUsage> {
  return {
    topicPolicyUnits: g.topics.length > 0 ? units : 0,
    contentPolicyUnits: g.filters.length > 0 ? units : 0,
    wordPolicyUnits: g.words.length + g.managedWordLists.length > 0 ? units : 0,
    sensitiveInformationPolicyUnits: 0,
    sensitiveInformationPolicyFreeUnits: 0,
    contextualGroundingPolicyUnits: 0,
  };
}

/** Evaluates `text` as the guardrail would on `source`. */
export function assess(g: GuardrailConfig, source: Source, text: string): Verdict {
  const started = Date.now();
  const filters = g.filters
    .filter((f) => !(source === 'OUTPUT' && f.type === 'PROMPT_ATTACK'))
    .map((f) => filterFinding(f, source, text))
    .filter((f) => f !== undefined);
  const topics = g.topics
    .filter((t) => topicMatches(t, text))
    .map((t) => ({ name: t.name, type: 'DENY' as const, action: 'BLOCKED' as const, detected: true }));
  const customWords = g.words
    .map((w) => findTerm(text, [w]))
    .filter((m) => m !== undefined)
    .map((match) => ({ match, action: 'BLOCKED' as const, detected: true }));
  const profanity = g.managedWordLists.includes('PROFANITY') ? findTerm(text, PROFANITY) : undefined;
  const managedWordLists = profanity
    ? [{ match: profanity, type: 'PROFANITY' as const, action: 'BLOCKED' as const, detected: true }]
    : [];
  const blocked =
    filters.some((f) => f.action === 'BLOCKED') || topics.length + customWords.length + managedWordLists.length > 0;
  const units = textUnits(text);
  const usage = usageFor(g, units);
  const assessment: Wire<GuardrailAssessment> = {
    ...(topics.length > 0 ? { topicPolicy: { topics } } : {}),
    ...(filters.length > 0 ? { contentPolicy: { filters } } : {}),
    ...(customWords.length + managedWordLists.length > 0 ? { wordPolicy: { customWords, managedWordLists } } : {}),
    invocationMetrics: {
      guardrailProcessingLatency: Date.now() - started,
      usage,
      guardrailCoverage: { textCharacters: { guarded: [...text].length, total: [...text].length } },
    },
  };
  return { blocked, assessment, usage };
}
