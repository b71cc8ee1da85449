// A story project's origin (#26) as the history index keeps it: one text per story, empty for a
// quick story, so the index's texts (joined by spaces, each's end recorded) hold it as they hold
// titles, and the search scans it like them.
import { LIMITS } from '../protocol/limits';
import { PROJECT_COMMANDS } from '../protocol/wire';
import type { ProjectCommand, StoryOrigin } from '../protocol/wire';

/** Between the fields: no file name or search term holds a NUL, so no term spans two fields. */
const SEPARATOR = '\u0000';

/** `command NUL chapter NUL project`, or '' for none. */
export function originText(origin: StoryOrigin | undefined): string {
  if (!origin) return '';
  return [origin.command, origin.chapter, origin.project.replaceAll(SEPARATOR, ' ')].join(SEPARATOR);
}

/** The origin an index text names; undefined for '' or for text this version did not write. */
export function originOfText(text: string): StoryOrigin | undefined {
  if (text === '') return undefined;
  const [command, chapter, ...project] = text.split(SEPARATOR);
  // Plain checks, not a schema: a list of 10,000 makes one per project entry.
  if (!COMMANDS.has(command!) || !chapter || chapter.length > LIMITS.chapterPathMax) return undefined;
  const title = project.join(' ');
  if (title.length > LIMITS.titleMax) return undefined;
  return { project: title, chapter, command: command as ProjectCommand };
}

const COMMANDS: ReadonlySet<string> = new Set(PROJECT_COMMANDS);

/** Both absent, or the same three fields. */
export function sameOrigin(a: StoryOrigin | undefined, b: StoryOrigin | undefined): boolean {
  return a === b || (a?.command === b?.command && a?.chapter === b?.chapter && a?.project === b?.project);
}
