// One story's file: its schema (the types derive from it), the parser that says what is wrong
// with a file it cannot read, and the durable reads and writes of the history's JSON files.
// Only story data is stored: never tokens, credentials or the user's email.
import { readFile } from 'node:fs/promises';
import * as v from 'valibot';
import { storyControls } from '../protocol/controls';
import { PANEL_ACTIONS, STORY_KINDS, STORY_STATUSES, cost, storyOrigin, usage } from '../protocol/wire';

/** A story id, also its file name: nothing that could leave the directory. */
export const STORY_ID = /^[A-Za-z0-9-]{1,100}$/;
const EMFILE_RETRIES = 50;

const status = v.picklist(STORY_STATUSES);
const time = v.pipe(v.number(), v.finite());

const storyTurn = v.strictObject({
  kind: v.picklist(STORY_KINDS),
  /** The refine instruction. */
  instruction: v.exactOptional(v.string()),
  /** What the model wrote in this step (appended for 'continue', the whole story otherwise). */
  text: v.string(),
  status,
  usage: v.exactOptional(usage),
  at: time,
});
export type StoryTurn = Readonly<v.InferOutput<typeof storyTurn>>;

/** What a failed step keeps of its StoryError (StoryErrorInfo). */
const storyError = v.strictObject({
  code: v.string(),
  message: v.string(),
  actions: v.pipe(v.array(v.picklist(PANEL_ACTIONS)), v.readonly()),
  partialKept: v.boolean(),
});

// Version first, so a file of another version is reported as such, not by its first other difference.
const storedStory = v.strictObject({
  version: v.literal(1),
  id: v.pipe(v.string(), v.regex(STORY_ID)),
  title: v.string(),
  modelId: v.string(),
  controls: storyControls,
  /** The story as shown: every step's text combined. */
  text: v.string(),
  turns: v.pipe(v.array(v.pipe(storyTurn, v.readonly())), v.readonly()),
  status,
  /** Totals over every step. */
  usage: v.nullable(usage),
  cost: v.nullable(cost),
  stopReason: v.exactOptional(v.string()),
  error: v.exactOptional(v.pipe(storyError, v.readonly())),
  /** The story this one was regenerated or refined from. */
  parentId: v.exactOptional(v.string()),
  /** A story project's generation (#26): its project, chapter and command; files written before have none. */
  origin: v.exactOptional(v.pipe(storyOrigin, v.readonly())),
  createdAt: time,
  updatedAt: time,
  /** While streaming: until when the writing window holds it (it renews this as it writes). */
  leaseUntil: v.exactOptional(time),
  /** While streaming: the writing process, so a window that is gone (a reload) is known at once. */
  leaseOwner: v.exactOptional(
    v.strictObject({ host: v.pipe(v.string(), v.maxLength(255)), pid: v.pipe(v.number(), v.integer(), v.minValue(1)) }),
  ),
});
export type StoredStory = Readonly<v.InferOutput<typeof storedStory>>;

/** The story, or a sentence saying what is wrong with the file. */
export function parseStory(raw: string): StoredStory | string {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return 'not valid JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a story object';
  const result = v.safeParse(storedStory, value);
  return result.success ? result.output : problemOf(result.issues[0]);
}

/** `"title" is missing`, `unknown version 2`, `bad controls.premise: Premise is required.` */
function problemOf(issue: v.BaseIssue<unknown>): string {
  const path = v.getDotPath(issue) ?? '';
  const [key] = path.split('.');
  if (key === 'version') return `unknown version ${String(issue.input)}`;
  if (issue.path?.length === 1 && issue.expected === 'never') return `unknown field "${path.slice(0, 40)}"`;
  if (issue.path?.length === 1 && issue.input === undefined) return `"${path}" is missing`;
  return `bad ${path}: ${issue.message}`;
}

/** Reads a file, waiting out a full descriptor table (other code in the process may hold many). */
export async function readRetrying(path: string): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await readFile(path, 'utf8');
    } catch (e) {
      const code = (e as { code?: string }).code;
      if ((code !== 'EMFILE' && code !== 'ENFILE') || attempt >= EMFILE_RETRIES) throw e;
      await new Promise((r) => setTimeout(r, Math.min(10 * attempt, 200)));
    }
  }
}
