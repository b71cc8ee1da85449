// YAML front matter: split it from the Markdown body, parse it with the `yaml` package (which
// knows where every node is), and say where a problem is. Never throws: a broken file is a list
// of diagnostics, and the file itself is never changed.
import * as l10n from '@vscode/l10n';
import { LineCounter, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document } from 'yaml';
import { LIMITS } from './model';
import type { ProjectDiagnostic } from './model';

export interface FrontMatterSplit {
  /** The YAML between the fences, or undefined when the file has none. */
  readonly yaml: string | undefined;
  /** 0-based line of the YAML's first line in the file. */
  readonly yamlLine: number;
  readonly body: string;
  readonly bodyLine: number;
  /** An opening `---` without a closing one (then the whole file is the body). */
  readonly unclosed: boolean;
}

const OPEN = /^---[ \t]*\r?\n/;
const CLOSE = /^(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/m;

function linesIn(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Splits `---\n<yaml>\n---\n<body>`; a leading byte-order mark is ignored. */
export function splitFrontMatter(raw: string): FrontMatterSplit {
  const text = raw.startsWith('\uFEFF') ? raw.slice(1) : raw;
  const open = OPEN.exec(text);
  if (!open) return { yaml: undefined, yamlLine: 0, body: text, bodyLine: 0, unclosed: false };
  const rest = text.slice(open[0].length);
  const close = CLOSE.exec(rest);
  if (!close) return { yaml: undefined, yamlLine: 0, body: text, bodyLine: 0, unclosed: true };
  const yaml = rest.slice(0, close.index);
  const bodyStart = open[0].length + close.index + close[0].length;
  return {
    yaml,
    yamlLine: 1,
    body: text.slice(bodyStart),
    bodyLine: linesIn(text.slice(0, bodyStart)),
    unclosed: false,
  };
}

/** Where a node is: 0-based line and column in the file. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

export interface ParsedFrontMatter {
  /** The mapping as plain data; undefined when the YAML is broken or not a mapping. */
  readonly data: Record<string, unknown> | undefined;
  readonly diagnostics: ProjectDiagnostic[];
  /** Where the value at `path` is (or its nearest ancestor; the fence when there is none). */
  locate(path: readonly (string | number)[]): Position;
}

/** Parses the front matter of `file` (relative path, for the diagnostics). */
export function parseFrontMatter(file: string, split: FrontMatterSplit): ParsedFrontMatter {
  const fence: Position = { line: 0, column: 0 };
  const diagnostics: ProjectDiagnostic[] = [];
  const at = (p: Position, code: string, message: string): ProjectDiagnostic => ({
    file,
    ...p,
    severity: 'error',
    code,
    message,
  });
  if (split.unclosed) {
    diagnostics.push(
      at(
        fence,
        'unclosedFrontMatter',
        l10n.t(
          'The front matter has no closing "---" line, so the file is read as text only. Add a line "---" after the last field.',
        ),
      ),
    );
  }
  if (split.yaml === undefined) return { data: undefined, diagnostics, locate: () => fence };
  if (split.yaml.length > LIMITS.frontMatterBytes) {
    diagnostics.push(
      at(
        fence,
        'frontMatterTooLarge',
        l10n.t(
          'The front matter is {0} characters long; the limit is {1}. Move long text into the body.',
          split.yaml.length.toLocaleString('en-US'),
          LIMITS.frontMatterBytes.toLocaleString('en-US'),
        ),
      ),
    );
    return { data: undefined, diagnostics, locate: () => fence };
  }
  const lines = new LineCounter();
  const doc = parseDocument(split.yaml, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const position = (offset: number): Position => {
    const p = lines.linePos(offset);
    return { line: p.line - 1 + split.yamlLine, column: p.col - 1 };
  };
  for (const e of doc.errors) {
    const message = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    diagnostics.push(
      at(position(e.pos[0]), 'yaml', l10n.t('This front matter is not valid YAML: {0}.', message.replace(/\.$/, ''))),
    );
  }
  const locate = (path: readonly (string | number)[]) => locateIn(doc, path, position) ?? position(0);
  if (doc.errors.length > 0) return { data: undefined, diagnostics, locate };
  if (doc.contents === null) return { data: {}, diagnostics, locate };
  if (!isMap(doc.contents)) {
    diagnostics.push(
      at(
        position(0),
        'notAMapping',
        l10n.t('The front matter must be fields ("name: value" lines), not a list or a single value.'),
      ),
    );
    return { data: undefined, diagnostics, locate };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 50 });
  } catch (e) {
    diagnostics.push(
      at(position(0), 'yaml', l10n.t('This front matter is not valid YAML: {0}.', (e as Error).message)),
    );
    return { data: undefined, diagnostics, locate };
  }
  return { data: data as Record<string, unknown>, diagnostics, locate };
}

/** The deepest node along `path`: a missing key points at its map, an unknown key at itself. */
function locateIn(
  doc: Document,
  path: readonly (string | number)[],
  position: (offset: number) => Position,
): Position | undefined {
  let node: unknown = doc.contents;
  let found: Position | undefined;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === segment);
      if (!pair) break;
      const key = pair.key as { range?: [number, number, number] } | null;
      if (key?.range) found = position(key.range[0]);
      node = pair.value;
      const value = node as { range?: [number, number, number] } | null;
      if (value?.range && typeof segment === 'number') found = position(value.range[0]);
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as { range?: [number, number, number] } | undefined;
      if (!item) break;
      if (item.range) found = position(item.range[0]);
      node = item;
    } else break;
  }
  return found;
}
