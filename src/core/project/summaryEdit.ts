// The one edit Summarize Chapter makes: the front matter's `summary` field, created or replaced,
// and every other byte of the file as it was (other fields, their comments and order, the body,
// line endings, a byte-order mark). Pure: the caller applies it as one undoable edit.
import { isMap, isScalar, parseDocument, stringify } from 'yaml';
import type { Pair } from 'yaml';
import { splitFrontMatter } from './frontMatter';

/** Replace [start, end) of the file's text with `text`. */
export interface TextEdit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

export type SummaryEditRefusal = 'badFrontMatter' | 'unclosedFrontMatter' | 'unsafeEdit';

const OPEN = /^---[ \t]*\r?\n/;

/** `summary: <value>` as YAML writes it (quoted or folded when it must be), without the line break. */
function summaryField(summary: string, eol: string, indent: number): string {
  const field = stringify({ summary }, { lineWidth: 100, minContentWidth: 40 }).replace(/\n$/, '');
  return field.split('\n').join(eol + ' '.repeat(indent));
}

function fieldEdit(yaml: string, yamlStart: number, summary: string, eol: string): TextEdit | 'badFrontMatter' {
  const doc = parseDocument(yaml, { uniqueKeys: true });
  if (doc.errors.length > 0) return 'badFrontMatter';
  const map = doc.contents;
  if (map === null || (isScalar(map) && map.value === null))
    return { start: yamlStart + yaml.length, end: yamlStart + yaml.length, text: summaryField(summary, eol, 0) + eol };
  if (!isMap(map)) return 'badFrontMatter';
  const pair = map.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === 'summary') as
    Pair<{ range?: [number, number, number] }, { range?: [number, number, number] } | null> | undefined;
  if (!pair) {
    if (map.flow) return 'badFrontMatter';
    return { start: yamlStart + yaml.length, end: yamlStart + yaml.length, text: summaryField(summary, eol, 0) + eol };
  }
  const keyRange = pair.key?.range;
  const valueRange = pair.value?.range;
  if (!keyRange) return 'badFrontMatter';
  if (map.flow) {
    // {title: A, summary: B}: the value alone, as a one-line quoted string.
    if (!valueRange) return 'badFrontMatter';
    return { start: yamlStart + valueRange[0], end: yamlStart + valueRange[1], text: JSON.stringify(summary) };
  }
  const end = valueRange ? valueRange[1] : keyRange[2];
  const column = keyRange[0] - (yaml.lastIndexOf('\n', keyRange[0] - 1) + 1);
  // A block scalar's range takes its last line break: give it back.
  const ownBreak = /\r?\n$/.exec(yaml.slice(keyRange[0], end))?.[0] ?? '';
  return {
    start: yamlStart + keyRange[0],
    end: yamlStart + end,
    text: summaryField(summary, eol, column) + (ownBreak ? eol : ''),
  };
}

/** The edit that sets `summary` in a chapter file's text, or why it cannot be made safely. */
export function summaryEdit(fileText: string, summary: string): TextEdit | SummaryEditRefusal {
  const split = splitFrontMatter(fileText);
  if (split.unclosed) return 'unclosedFrontMatter';
  const bom = fileText.startsWith('\uFEFF') ? 1 : 0;
  const eol = /\r\n/.test(fileText) ? '\r\n' : '\n';
  let edit: TextEdit | 'badFrontMatter';
  if (split.yaml === undefined)
    edit = { start: bom, end: bom, text: `---${eol}${summaryField(summary, eol, 0)}${eol}---${eol}` };
  else {
    const open = OPEN.exec(fileText.slice(bom))!;
    edit = fieldEdit(split.yaml, bom + open[0].length, summary, eol);
  }
  if (typeof edit === 'string') return edit;
  return keepsTheRest(fileText, edit, summary) ? edit : 'unsafeEdit';
}

export function applyTextEdit(text: string, edit: TextEdit): string {
  return text.slice(0, edit.start) + edit.text + text.slice(edit.end);
}

function fields(text: string): { data: Record<string, unknown>; body: string } | undefined {
  const split = splitFrontMatter(text);
  if (split.yaml === undefined) return split.unclosed ? undefined : { data: {}, body: split.body };
  const doc = parseDocument(split.yaml, { uniqueKeys: true });
  if (doc.errors.length > 0) return undefined;
  const data = (doc.toJS() ?? {}) as Record<string, unknown>;
  return typeof data === 'object' && !Array.isArray(data) ? { data, body: split.body } : undefined;
}

/** Checks the result reads back as intended: the same body and fields, and the new summary. */
function keepsTheRest(before: string, edit: TextEdit, summary: string): boolean {
  const old = fields(before);
  const now = fields(applyTextEdit(before, edit));
  if (!old || !now || now.body !== old.body || now.data['summary'] !== summary) return false;
  const rest = (d: Record<string, unknown>) => JSON.stringify(Object.entries(d).filter(([k]) => k !== 'summary'));
  return rest(now.data) === rest(old.data);
}
