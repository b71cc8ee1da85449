// What New Story Project and New Codex Entry write: small files that show every field, so the
// format teaches itself. Only ever written where no file exists yet.
import type { CodexKind } from './model';

export interface ScaffoldFile {
  /** Relative to the project root, '/' separators. */
  readonly file: string;
  readonly text: string;
}

/** A file name from a title: lower case, words joined by '-', nothing a path could misread. */
export function slug(title: string): string {
  const s = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return s === '' ? 'untitled' : s;
}

const yamlString = (s: string) => JSON.stringify(s);

export function projectScaffold(title: string): ScaffoldFile[] {
  return [
    {
      file: 'story.md',
      text: `---
title: ${yamlString(title)}
genre: fantasy
audience: adults
tone: wry, warm
style: close third person, past tense
contextBudget: 8000
---
# Story bible

## Synopsis
What the story is about, in a few sentences.

## World rules
What is true in this world that the model must never contradict.

## Style guide
How the prose should sound.
`,
    },
    codexScaffold('Mira Vell', 'character', ['Mira', 'Vell']),
    {
      file: 'chapters/chapter-01.md',
      text: `---
title: Chapter 1
summary: ""
beats:
  - Mira arrives at the harbour.
---
Mira stepped off the ferry`,
    },
  ];
}

export function codexScaffold(name: string, kind: CodexKind, keys: readonly string[] = [name]): ScaffoldFile {
  return {
    file: `codex/${slug(name)}.md`,
    text: `---
name: ${yamlString(name)}
kind: ${kind}
keys: [${keys.map(yamlString).join(', ')}]
priority: 0
---
What the model should know about ${name}: appearance, history, how they speak.
`,
  };
}
