// One project file's text → its parsed shape and diagnostics. Pure: the loader reads the files.
import * as l10n from '@vscode/l10n';
import { CHAPTER_FIELDS, CODEX_FIELDS, STORY_FIELDS, checkFields } from './fields';
import { parseFrontMatter, splitFrontMatter } from './frontMatter';
import { compileKey } from './keys';
import { DEFAULTS } from './model';
import type { Chapter, CodexEntry, CodexKind, ProjectDiagnostic, SecondaryLogic, StoryFile } from './model';

export interface Parsed<T> {
  readonly value: T;
  readonly diagnostics: readonly ProjectDiagnostic[];
}

/** 'codex/people/mira-vell.md' → 'mira-vell'. */
export function stem(file: string): string {
  const base = file.slice(file.lastIndexOf('/') + 1);
  return base.replace(/\.md$/i, '');
}

function read(file: string, text: string, fields: Parameters<typeof checkFields>[2]) {
  const split = splitFrontMatter(text);
  const parsed = parseFrontMatter(file, split);
  const checked = checkFields(file, parsed, fields);
  return { split, parsed, values: checked.values, diagnostics: [...parsed.diagnostics, ...checked.diagnostics] };
}

/** story.md; `folderName` titles a project whose front matter has no title. */
export function parseStoryFile(file: string, text: string, folderName: string): Parsed<StoryFile> {
  const { split, values: f, diagnostics } = read(file, text, STORY_FIELDS);
  const str = (k: string) => (typeof f[k] === 'string' && f[k] !== '' ? (f[k] as string) : undefined);
  const num = (k: string, fallback: number) => (typeof f[k] === 'number' ? (f[k] as number) : fallback);
  const optional = (k: string) => (str(k) !== undefined ? { [k]: str(k) } : {});
  return {
    value: {
      settings: {
        title: str('title') ?? folderName,
        ...optional('genre'),
        ...optional('audience'),
        ...optional('tone'),
        ...optional('style'),
        ...optional('model'),
        contextBudget: num('contextBudget', DEFAULTS.contextBudget),
        scanTokens: num('scanTokens', DEFAULTS.scanTokens),
        recursionDepth: num('recursionDepth', DEFAULTS.recursionDepth),
        continueTokens: num('continueTokens', DEFAULTS.continueTokens),
        temperature: num('temperature', DEFAULTS.temperature),
      },
      bible: split.body.trim(),
    },
    diagnostics,
  };
}

/**
 * One codex entry. Without `keys`, its name is its key. Undefined when its YAML is broken: an
 * entry the writer cannot see the shape of should not fire.
 */
export function parseCodexFile(file: string, text: string): Parsed<CodexEntry | undefined> {
  const { split, parsed, values: f, diagnostics } = read(file, text, CODEX_FIELDS);
  if (split.yaml !== undefined && parsed.data === undefined) return { value: undefined, diagnostics };
  const name = (f['name'] as string | undefined) ?? stem(file);
  const caseSensitive = (f['caseSensitive'] as boolean | undefined) ?? false;
  const wholeWords = (f['wholeWords'] as boolean | undefined) ?? true;
  const valid = (field: 'keys' | 'secondaryKeys', keys: readonly string[]) =>
    keys.filter((key, i) => {
      const compiled = compileKey(key, { caseSensitive, wholeWords });
      if (!('error' in compiled)) return true;
      diagnostics.push({
        file,
        ...parsed.locate([field, i]),
        severity: 'error',
        code: 'invalidKey',
        message: compiled.error,
      });
      return false;
    });
  const keys = valid('keys', (f['keys'] as string[] | undefined) ?? [name]);
  const secondaryKeys = valid('secondaryKeys', (f['secondaryKeys'] as string[] | undefined) ?? []);
  return {
    value: {
      file,
      name,
      kind: (f['kind'] as CodexKind | undefined) ?? 'other',
      keys,
      secondaryKeys,
      logic: (f['logic'] as SecondaryLogic | undefined) ?? 'any',
      always: (f['always'] as boolean | undefined) ?? false,
      priority: (f['priority'] as number | undefined) ?? DEFAULTS.priority,
      enabled: (f['enabled'] as boolean | undefined) ?? true,
      caseSensitive,
      wholeWords,
      body: split.body.trim(),
    },
    diagnostics,
  };
}

/** One chapter; broken front matter costs its title, summary and beats, never its prose. */
export function parseChapterFile(file: string, text: string): Parsed<Chapter> {
  const { split, values: f, diagnostics } = read(file, text, CHAPTER_FIELDS);
  return {
    value: {
      file,
      title: (f['title'] as string | undefined) || stem(file),
      summary: (f['summary'] as string | undefined) ?? '',
      beats: (f['beats'] as string[] | undefined) ?? [],
      body: split.body,
      bodyLine: split.bodyLine,
    },
    diagnostics,
  };
}

/** The diagnostic for a file left out because it is too large. */
export function tooLarge(file: string, bytes: number, limit: number): ProjectDiagnostic {
  return {
    file,
    line: 0,
    column: 0,
    severity: 'error',
    code: 'fileTooLarge',
    message: l10n.t(
      'This file is {0} KB; project files of this kind may be at most {1} KB, so Storyteller leaves it out. Split it into smaller files.',
      Math.ceil(bytes / 1024).toLocaleString('en-US'),
      Math.floor(limit / 1024).toLocaleString('en-US'),
    ),
  };
}

/** The diagnostic for files past a count limit. */
export function tooMany(file: string, what: 'codex' | 'chapters', limit: number): ProjectDiagnostic {
  return {
    file,
    line: 0,
    column: 0,
    severity: 'warning',
    code: 'tooManyFiles',
    message:
      what === 'codex'
        ? l10n.t(
            'A project may have at most {0} codex entries; this one and those after it (by path) are left out.',
            limit.toLocaleString('en-US'),
          )
        : l10n.t(
            'A project may have at most {0} chapters; this one and those after it (by path) are left out.',
            limit.toLocaleString('en-US'),
          ),
  };
}
