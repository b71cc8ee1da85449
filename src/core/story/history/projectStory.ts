// A story project's generation (Continue Writing, Write Scene from Beat, Summarize Chapter) as a
// history entry (#26): its project, chapter and command, model, usage, status and the text it
// wrote, kept as every story is (one file, the index), so the panel's history lists and searches
// it beside the quick stories. Its text went into the chapter; the entry is the record.
import type { StoryErrorInfo } from '../errors';
import type { Audience } from '../protocol/controls';
import { LIMITS } from '../protocol/limits';
import { titleFromPremise } from '../protocol/titles';
import type { Cost, StoryOrigin, Usage } from '../protocol/wire';
import type { UsageOrigin } from '../usage/usage';
import type { StoredStory } from './storyFile';
import { clipTitle } from './summary';

/** What one project request gave, as the story service saw it. */
export interface ProjectRequestResult {
  readonly origin: UsageOrigin;
  readonly modelId: string;
  readonly audience: Audience;
  readonly temperature?: number | undefined;
  readonly status: 'done' | 'stopped' | 'failed' | 'blocked';
  /** As streamed: a blocked request's text ends in the stack's message, which is not kept. */
  readonly text: string;
  readonly blockedMessage?: string | undefined;
  readonly usage: Usage | undefined;
  readonly cost: Cost | null;
  readonly stopReason?: string | undefined;
  readonly error?: StoryErrorInfo | undefined;
}

export interface ProjectGeneration extends ProjectRequestResult {
  readonly id: string;
  readonly at: number;
}

/** One project request as the story service has it when the stream ends. */
export interface ProjectStep {
  readonly request: { readonly modelId: string; readonly inferenceConfig: { readonly temperature: number } };
  readonly audience: Audience;
  readonly result: {
    readonly status: ProjectRequestResult['status'];
    readonly text: string;
    readonly blocked?: { readonly message: string };
    readonly stopReason?: string;
  };
  readonly usage: Usage | undefined;
  readonly cost: Cost | null;
  readonly error: { info(): StoryErrorInfo } | undefined;
}

/**
 * Saves the entry of a request with an origin (when there is one to keep): `{ storyId }`, or `{}`.
 * A failed save is logged, never thrown: the text is in the chapter.
 */
export async function recordProject(
  history: { newId(): string; save(story: StoredStory): Promise<void> },
  origin: UsageOrigin | undefined,
  step: ProjectStep,
  log: (line: string) => void,
): Promise<{ storyId?: string }> {
  if (!origin) return {};
  const { request, audience, result, usage, cost, error } = step;
  const story = projectStory({
    id: history.newId(),
    at: Date.now(),
    origin,
    modelId: request.modelId,
    audience,
    temperature: request.inferenceConfig.temperature,
    status: result.status,
    text: result.text,
    blockedMessage: result.blocked?.message,
    usage,
    cost,
    stopReason: result.stopReason,
    error: error?.info(),
  });
  if (!story) return {};
  try {
    await history.save(story);
    return { storyId: story.id };
  } catch (e) {
    log(`Could not save the history entry of ${origin.command}: ${(e as Error).message}`);
    return {};
  }
}

/** The title of an entry with no text of its own. */
const COMMAND_TITLES: Record<StoryOrigin['command'], string> = {
  continue: 'Continue Writing',
  scene: 'Write Scene from Beat',
  summary: 'Summarize Chapter',
};

/**
 * The entry, or undefined when there is nothing to keep: a request that failed before any text
 * (as a refused quick story leaves no row), or a chapter path longer than the history keeps.
 */
export function projectStory(g: ProjectGeneration): StoredStory | undefined {
  if (g.status === 'failed' && g.text.trim() === '') return undefined;
  const origin = storyOriginOf(g.origin);
  if (!origin) return undefined;
  const text = g.blockedMessage !== undefined ? withoutBlockedMessage(g.text, g.blockedMessage) : g.text;
  const temperature = Math.min(LIMITS.temperatureMax, Math.max(LIMITS.temperatureMin, g.temperature ?? 0.7));
  return {
    version: 1,
    id: g.id,
    title: text.trim() !== '' ? titleFromPremise(text) : COMMAND_TITLES[origin.command],
    modelId: g.modelId,
    // What the entry was written for, searchable as a quick story's premise is.
    controls: {
      premise: `${origin.project} · ${origin.chapter}`.trim(),
      genre: '',
      audience: g.audience,
      tone: '',
      length: 'medium',
      temperature,
    },
    text,
    turns: [{ kind: 'new', text, status: g.status, ...(g.usage ? { usage: g.usage } : {}), at: g.at }],
    status: g.status,
    usage: g.usage ?? null,
    cost: g.usage ? g.cost : null,
    ...(g.stopReason ? { stopReason: g.stopReason } : {}),
    // The panel offers no button for a project's entry: the chapter is where it goes on.
    ...(g.error
      ? { error: { code: g.error.code, message: g.error.message, actions: [], partialKept: text !== '' } }
      : {}),
    origin,
    createdAt: g.at,
    updatedAt: g.at,
  };
}

/** The origin within the history's limits: the title clipped at a word, the path whole or not at all. */
export function storyOriginOf(o: UsageOrigin): StoryOrigin | undefined {
  if (o.chapter === '' || o.chapter.length > LIMITS.chapterPathMax) return undefined;
  return { project: clipTitle(o.project.replace(/\s+/g, ' ').trim()), chapter: o.chapter, command: o.command };
}

/** What the chapter kept: the stack's message, which streamed as the last piece, leaves (as in the editor). */
function withoutBlockedMessage(text: string, message: string): string {
  const said = message.trim();
  const at = said === '' ? -1 : text.lastIndexOf(said);
  return at >= 0 && text.slice(at + said.length).trim() === '' ? text.slice(0, at).trimEnd() : text;
}
