// Where a history entry's chapter is (#26): its workspace-relative path, as stored, checked and
// turned into candidates inside the workspace's folders. The path comes from a file on disk, so
// it is untrusted: nothing absolute, no `..`, nothing that could leave a folder.

/** One place the chapter may be: a workspace folder (by position) and the path's segments under it. */
export interface ChapterCandidate {
  readonly folder: number;
  readonly segments: readonly string[];
}

/**
 * The places to look for `chapter`, most likely first, or undefined when the path could leave
 * the workspace (absolute, a drive, `..`, a NUL) and must not be opened. VS Code names a file of a
 * multi-root workspace `<folder name>/<path>`: that folder first, then every folder as one root.
 */
export function chapterCandidates(chapter: string, folders: readonly string[]): ChapterCandidate[] | undefined {
  if (chapter === '' || chapter.includes('\u0000')) return undefined;
  if (/^[\\/]/.test(chapter) || /^[A-Za-z]:/.test(chapter) || /^[A-Za-z][\w+.-]*:\/\//.test(chapter)) return undefined;
  const segments = chapter.split(/[\\/]+/).filter((s) => s !== '' && s !== '.');
  if (segments.length === 0 || segments.some((s) => s === '..')) return undefined;
  const candidates: ChapterCandidate[] = [];
  const [first, ...rest] = segments;
  if (rest.length > 0)
    folders.forEach((name, folder) => {
      if (name === first) candidates.push({ folder, segments: rest });
    });
  folders.forEach((_, folder) => candidates.push({ folder, segments }));
  return candidates;
}

/**
 * Where in the chapter the entry's text is (the last place, as a later Continue Writing may have
 * repeated a phrase): the whole text, else its first line (a text edited since, or a summary the
 * front matter quotes), as offsets; undefined when neither is there.
 */
export function findWritten(chapter: string, written: string): { start: number; end: number } | undefined {
  const whole = written.trim();
  if (whole === '') return undefined;
  const at = chapter.lastIndexOf(whole);
  if (at >= 0) return { start: at, end: at + whole.length };
  const line = whole.split('\n')[0]!.trim();
  if (line.length < 12 || line === whole) return undefined;
  const lineAt = chapter.lastIndexOf(line);
  return lineAt >= 0 ? { start: lineAt, end: lineAt + line.length } : undefined;
}
