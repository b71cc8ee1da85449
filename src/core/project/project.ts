// A project from its files' texts: parse each, keep the limits, order the chapters. Pure; the
// loader (loader.ts) reads the files from disk, tests hand them in.
import { LIMITS, STORY_FILE } from './model';
import type { Chapter, CodexEntry, Project, ProjectDiagnostic } from './model';
import { parseChapterFile, parseCodexFile, parseStoryFile, tooLarge, tooMany } from './parse';

export interface ProjectFileText {
  /** Relative to the root, '/' separators: 'story.md', 'codex/…/x.md' or 'chapters/…/y.md'. */
  readonly file: string;
  readonly text: string;
}

/** Paths compared with numbers as numbers, so chapter-2 comes before chapter-10. */
const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

export function comparePaths(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** The part of the project a relative path belongs to, or undefined for any other file. */
export function roleOf(file: string): 'story' | 'codex' | 'chapter' | undefined {
  if (file === STORY_FILE) return 'story';
  if (!/\.md$/i.test(file)) return undefined;
  if (file.startsWith('codex/')) return 'codex';
  if (file.startsWith('chapters/')) return 'chapter';
  return undefined;
}

export function buildProject(files: readonly ProjectFileText[], folderName: string): Project {
  const diagnostics: ProjectDiagnostic[] = [];
  const sorted = [...files].sort((a, b) => comparePaths(a.file, b.file));
  const storyText = sorted.find((f) => f.file === STORY_FILE);
  let story = parseStoryFile(STORY_FILE, '', folderName).value;
  if (storyText && storyText.text.length > LIMITS.storyBytes)
    diagnostics.push(tooLarge(STORY_FILE, storyText.text.length, LIMITS.storyBytes));
  else if (storyText) {
    const parsed = parseStoryFile(STORY_FILE, storyText.text, folderName);
    story = parsed.value;
    diagnostics.push(...parsed.diagnostics);
  }
  const codex: CodexEntry[] = [];
  const chapters: Chapter[] = [];
  let codexFiles = 0;
  let chapterFiles = 0;
  for (const { file, text } of sorted) {
    const role = roleOf(file);
    if (role === 'codex') {
      if (++codexFiles > LIMITS.codexEntries) {
        if (codexFiles === LIMITS.codexEntries + 1) diagnostics.push(tooMany(file, 'codex', LIMITS.codexEntries));
        continue;
      }
      if (text.length > LIMITS.codexBytes) {
        diagnostics.push(tooLarge(file, text.length, LIMITS.codexBytes));
        continue;
      }
      const parsed = parseCodexFile(file, text);
      if (parsed.value) codex.push(parsed.value);
      diagnostics.push(...parsed.diagnostics);
    } else if (role === 'chapter') {
      if (++chapterFiles > LIMITS.chapters) {
        if (chapterFiles === LIMITS.chapters + 1) diagnostics.push(tooMany(file, 'chapters', LIMITS.chapters));
        continue;
      }
      if (text.length > LIMITS.chapterBytes) {
        diagnostics.push(tooLarge(file, text.length, LIMITS.chapterBytes));
        continue;
      }
      const parsed = parseChapterFile(file, text);
      chapters.push(parsed.value);
      diagnostics.push(...parsed.diagnostics);
    }
  }
  return { story, codex, chapters, diagnostics };
}
