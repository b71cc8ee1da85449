// Reads a story project from disk: story.md, codex/**.md and chapters/**.md below its root. The
// only file of src/core/project that touches the file system. Files too large are not read
// (their size is enough for the diagnostic); symbolic links are not followed.
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { CHAPTERS_DIR, CODEX_DIR, LIMITS, STORY_FILE } from './model';
import type { Project } from './model';
import { buildProject } from './project';
import type { ProjectFileText } from './project';
import { tooLarge } from './parse';

export interface LoadOptions {
  /** The text of a file open in an editor (unsaved edits count), by relative path. */
  readonly overlay?: (file: string) => string | undefined;
}

/** The nearest folder at or above `file`'s folder that holds a story.md, or undefined. */
export async function findProjectRoot(file: string): Promise<string | undefined> {
  let dir = dirname(file);
  for (let i = 0; i < 64; i++) {
    if (await isFile(join(dir, STORY_FILE))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
  return undefined;
}

/** A path relative to the root with '/' separators (the diagnostics' and the codex's form). */
export function relativeFile(root: string, file: string): string {
  return relative(root, file).split(sep).join('/');
}

export async function loadProject(root: string, options: LoadOptions = {}): Promise<Project> {
  const paths = [
    STORY_FILE,
    ...(await walk(root, CODEX_DIR, LIMITS.codexEntries + 1)),
    ...(await walk(root, CHAPTERS_DIR, LIMITS.chapters + 1)),
  ];
  const files: ProjectFileText[] = [];
  const unread: ReturnType<typeof tooLarge>[] = [];
  const limitOf = (file: string) =>
    file === STORY_FILE
      ? LIMITS.storyBytes
      : file.startsWith(`${CODEX_DIR}/`)
        ? LIMITS.codexBytes
        : LIMITS.chapterBytes;
  await Promise.all(
    paths.map(async (file) => {
      const open = options.overlay?.(file);
      if (open !== undefined) {
        files.push({ file, text: open });
        return;
      }
      const path = join(root, ...file.split('/'));
      try {
        const { size } = await stat(path);
        if (size > limitOf(file)) unread.push(tooLarge(file, size, limitOf(file)));
        else files.push({ file, text: await readFile(path, 'utf8') });
      } catch {
        // Gone since the listing (or story.md missing): the project has what is left.
      }
    }),
  );
  const project = buildProject(files, basename(root));
  return unread.length === 0 ? project : { ...project, diagnostics: [...unread, ...project.diagnostics] };
}

/** Up to `max` Markdown files below root/dir, as relative paths; hidden entries and links skipped. */
async function walk(root: string, dir: string, max: number): Promise<string[]> {
  const found: string[] = [];
  const visit = async (rel: string, depth: number): Promise<void> => {
    if (depth > LIMITS.folderDepth || found.length >= max) return;
    let entries;
    try {
      entries = await readdir(join(root, ...rel.split('/')), { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (found.length >= max) return;
      if (entry.name.startsWith('.')) continue;
      const child = `${rel}/${entry.name}`;
      if (entry.isDirectory()) await visit(child, depth + 1);
      else if (entry.isFile() && /\.md$/i.test(entry.name)) found.push(child);
    }
  };
  await visit(dir, 1);
  return found;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
