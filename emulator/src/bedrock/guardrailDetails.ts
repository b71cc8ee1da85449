// A template guardrail as the Bedrock control plane describes it (GetGuardrail, ListGuardrails).
// Its timestamps are date-time strings on the wire (the control plane's Timestamp shape).
import type { GetGuardrailResponse, GuardrailSummary } from '@aws-sdk/client-bedrock';
import type { GuardrailConfig } from '../guardrails/config';
import type { Wire } from '../operation';

type Dated<T> = Omit<Wire<T>, 'createdAt' | 'updatedAt'> & { createdAt: string; updatedAt: string };

export function guardrailDetails(g: GuardrailConfig, version: string): Dated<GetGuardrailResponse> {
  return {
    name: g.name,
    guardrailId: g.id,
    guardrailArn: g.arn,
    version,
    ...(g.description ? { description: g.description } : {}),
    status: 'READY',
    createdAt: g.createdAt.toISOString(),
    updatedAt: g.createdAt.toISOString(),
    blockedInputMessaging: g.blockedInputMessaging,
    blockedOutputsMessaging: g.blockedOutputsMessaging,
    ...(g.topics.length > 0
      ? {
          topicPolicy: {
            topics: g.topics.map((t) => ({
              name: t.name,
              definition: t.definition,
              examples: t.examples,
              type: 'DENY' as const,
            })),
          },
        }
      : {}),
    ...(g.filters.length > 0
      ? {
          contentPolicy: {
            filters: g.filters.map((f) => ({
              type: f.type,
              inputStrength: f.inputStrength,
              outputStrength: f.outputStrength,
            })),
          },
        }
      : {}),
    ...(g.words.length + g.managedWordLists.length > 0
      ? {
          wordPolicy: {
            words: g.words.map((text) => ({ text })),
            managedWordLists: g.managedWordLists.map((type) => ({ type: type as 'PROFANITY' })),
          },
        }
      : {}),
  };
}

export function guardrailSummary(g: GuardrailConfig, version: string): Dated<GuardrailSummary> {
  return {
    id: g.id,
    arn: g.arn,
    status: 'READY',
    name: g.name,
    ...(g.description ? { description: g.description } : {}),
    version,
    createdAt: g.createdAt.toISOString(),
    updatedAt: g.createdAt.toISOString(),
  };
}
