import { readFileSync } from 'node:fs';
import { yamlParse } from 'yaml-cfn';

export type Template = Record<string, unknown>;

/** Reads a YAML or JSON template; yaml-cfn turns short tags (!Ref, !GetAtt, ...) into their long form. */
export function loadTemplate(path: string): Template {
  return parseTemplate(readFileSync(path, 'utf8'));
}

export function parseTemplate(text: string): Template {
  const parsed: unknown = yamlParse(text);
  if (!isRecord(parsed)) throw new Error('The template is not a YAML or JSON mapping.');
  return parsed;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
