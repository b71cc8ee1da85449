// One adapter per model family: the InvokeModel body in, the story out whole, the story out as
// stream chunks. Converse bodies are the same for every family (converseRequest).
import type { ResolvedModel } from '../../models';
import type { StoryResult } from '../../storyEngine';
import { invalid } from '../../errors';
import type { StoryRequest } from '../stories';

export type Json = Record<string, unknown>;

export interface FamilyAdapter {
  /** Converse's default maxTokens for this family. */
  defaultMaxTokens: number;
  /** The model's own request body (InvokeModel) as a story request. */
  request(body: Json, model: ResolvedModel): StoryRequest;
  /** InvokeModel's whole response body. */
  whole(model: ResolvedModel, result: StoryResult): Json;
  /** InvokeModelWithResponseStream's chunks, before base64 wrapping. */
  chunks(
    model: ResolvedModel,
    result: StoryResult,
    latencyMs: () => number,
  ): { head: Json[]; token(t: string, i: number): Json; tail(): Json[] };
}

export function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Messages in Converse/Nova/Claude form: alternate roles, start and end with the user. */
export function readMessages(
  messages: unknown,
  textOf: (block: unknown) => string | null,
): { texts: string[]; userText: string; lastUserText: string } {
  if (!Array.isArray(messages) || messages.length === 0)
    throw invalid(
      'A conversation must start with a user message. Try again with a conversation that starts with a user message.',
    );
  const texts: string[] = [];
  const user: string[] = [];
  let last: string[] = [];
  messages.forEach((m: unknown, i) => {
    if (!isObj(m) || (m.role !== 'user' && m.role !== 'assistant'))
      throw invalid(`messages.${i}.role: must be one of user, assistant`);
    if (i === 0 && m.role !== 'user')
      throw invalid(
        'A conversation must start with a user message. Try again with a conversation that starts with a user message.',
      );
    const prev = messages[i - 1] as Json | undefined;
    if (prev && prev.role === m.role)
      throw invalid(
        'A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.',
      );
    const content = typeof m.content === 'string' ? [m.content] : m.content;
    if (!Array.isArray(content) || content.length === 0)
      throw invalid(
        `messages.${i}.content: The content field in the Message object at messages.${i} is empty. Add a ContentBlock object to the content field and try again.`,
      );
    for (const block of content) {
      const t = typeof block === 'string' ? block : textOf(block);
      if (t === null) throw invalid(`messages.${i}.content: only text content is supported by the local story engine`);
      if (t.trim() === '') throw invalid(`messages.${i}.content: text content blocks must be non-empty`);
      texts.push(t);
      if (m.role === 'user') user.push(t);
    }
    if (m.role === 'user') last = content.map((b: unknown) => (typeof b === 'string' ? b : (textOf(b) ?? '')));
  });
  return { texts, userText: user.join('\n'), lastUserText: last.join('\n') };
}

export function checkMaxTokens(value: unknown, model: ResolvedModel, field: string, fallback: number): number {
  if (value === undefined || value === null) return Math.min(fallback, model.model.maxOutputTokens);
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw invalid(`${field} must be a positive integer, got ${String(value)}.`);
  if (n > model.model.maxOutputTokens) {
    throw invalid(
      `The maximum tokens you requested exceeds the model limit of ${model.model.maxOutputTokens}. Try again with a maximum tokens value that is lower than ${model.model.maxOutputTokens}.`,
    );
  }
  return n;
}

export function stopList(value: unknown, field: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((s) => typeof s !== 'string'))
    throw invalid(`${field} must be a list of strings.`);
  if (value.length > 4) throw invalid(`${field} has more than 4 stop sequences.`);
  return value as string[];
}

export const systemTexts = (system: unknown): string[] =>
  Array.isArray(system)
    ? system.map((s) => (isObj(s) && typeof s.text === 'string' ? s.text : '')).filter(Boolean)
    : typeof system === 'string'
      ? [system]
      : [];

export const textBlock = (b: unknown): string | null => (isObj(b) && typeof b.text === 'string' ? b.text : null);

export const invocationMetrics = (r: StoryResult, latencyMs: () => number): Json => ({
  'amazon-bedrock-invocationMetrics': {
    inputTokenCount: r.inputTokens,
    outputTokenCount: r.outputTokens,
    invocationLatency: latencyMs(),
    firstByteLatency: 1,
  },
});
