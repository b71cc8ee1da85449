// A story project's shapes: the parsed files, their diagnostics and the limits that keep a
// hostile or runaway workspace from costing more than a moment. Pure types and constants.

/** A problem in one file, for the Problems panel. Lines and columns are 0-based. */
export interface ProjectDiagnostic {
  /** Relative to the project root, with '/' separators. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly severity: 'error' | 'warning';
  /** A stable code (tests and quick fixes compare it); the message may be translated. */
  readonly code: string;
  readonly message: string;
}

export const CODEX_KINDS = ['character', 'place', 'thing', 'lore', 'other'] as const;
export type CodexKind = (typeof CODEX_KINDS)[number];

/** How secondary keys narrow an entry whose key fired (SillyTavern's selectiveLogic). */
export const SECONDARY_LOGIC = ['any', 'all', 'not any', 'not all'] as const;
export type SecondaryLogic = (typeof SECONDARY_LOGIC)[number];

/** story.md: the project's settings; its body is the bible. */
export interface StorySettings {
  readonly title: string;
  readonly genre?: string;
  readonly audience?: string;
  readonly tone?: string;
  readonly style?: string;
  /** A Bedrock model or inference-profile id; the `storyteller.modelId` setting when absent. */
  readonly model?: string;
  /** Tokens the whole prompt may use (system, entries, summaries, excerpt). */
  readonly contextBudget: number;
  /** How many tokens before the cursor are scanned for keys. */
  readonly scanTokens: number;
  /** How many times an activated entry's text may activate further entries. */
  readonly recursionDepth: number;
  /** The most tokens one Continue Writing may write. */
  readonly continueTokens: number;
  readonly temperature: number;
}

export interface StoryFile {
  readonly settings: StorySettings;
  readonly bible: string;
}

export interface CodexEntry {
  /** Relative path, e.g. 'codex/characters/mira.md'; unique, and the last tie-break everywhere. */
  readonly file: string;
  readonly name: string;
  readonly kind: CodexKind;
  readonly keys: readonly string[];
  readonly secondaryKeys: readonly string[];
  readonly logic: SecondaryLogic;
  readonly always: boolean;
  readonly priority: number;
  readonly enabled: boolean;
  readonly caseSensitive: boolean;
  readonly wholeWords: boolean;
  readonly body: string;
}

export interface Chapter {
  readonly file: string;
  readonly title: string;
  readonly summary: string;
  readonly beats: readonly string[];
  readonly body: string;
  /** 0-based line of the body's first line in the file (after the front matter). */
  readonly bodyLine: number;
}

export interface Project {
  readonly story: StoryFile;
  readonly codex: readonly CodexEntry[];
  /** In reading order (file paths compared with numbers as numbers: chapter-2 before chapter-10). */
  readonly chapters: readonly Chapter[];
  readonly diagnostics: readonly ProjectDiagnostic[];
}

export const DEFAULTS = {
  contextBudget: 8_000,
  scanTokens: 1_000,
  recursionDepth: 2,
  continueTokens: 500,
  temperature: 0.8,
  priority: 0,
} as const;

/** Sizes and counts a project may have; past them a file is left out with a diagnostic that says so. */
export const LIMITS = {
  storyBytes: 512 * 1024,
  codexBytes: 64 * 1024,
  chapterBytes: 2 * 1024 * 1024,
  frontMatterBytes: 16 * 1024,
  codexEntries: 2_000,
  chapters: 1_000,
  keysPerEntry: 50,
  keyLength: 100,
  beats: 200,
  contextBudgetMin: 500,
  contextBudgetMax: 200_000,
  scanTokensMax: 20_000,
  recursionDepthMax: 5,
  continueTokensMax: 4_000,
  /** Folders below codex/ and chapters/ that are walked. */
  folderDepth: 8,
} as const;

export const STORY_FILE = 'story.md';
export const CODEX_DIR = 'codex';
export const CHAPTERS_DIR = 'chapters';
