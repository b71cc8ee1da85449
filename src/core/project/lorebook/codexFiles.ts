// Imported entries → codex files: front matter (written with the yaml library, so any name or key
// is quoted correctly) and the entry's text as the body. File names come from entry names, which
// are untrusted: slug() keeps letters, digits and '-', so a name can never leave codex/.
import { stringify } from 'yaml';
import { CODEX_DIR } from '../model';
import { slug } from '../scaffold';
import type { ImportedEntry } from './mapping';

/** The file text; parseCodexFile reads it back to the same entry. */
export function codexFileText(entry: ImportedEntry): string {
  const fields: Record<string, unknown> = {
    name: entry.name,
    kind: entry.kind,
    keys: [...entry.keys],
  };
  if (entry.secondaryKeys.length > 0) {
    fields['secondaryKeys'] = [...entry.secondaryKeys];
    fields['logic'] = entry.logic;
  }
  if (entry.always) fields['always'] = true;
  fields['priority'] = entry.priority;
  if (!entry.enabled) fields['enabled'] = false;
  if (entry.caseSensitive) fields['caseSensitive'] = true;
  if (!entry.wholeWords) fields['wholeWords'] = false;
  const yaml = stringify(fields, { lineWidth: 0, flowCollectionPadding: false });
  return `---\n${yaml}---\n${entry.body}\n`;
}

// Names Windows will not open as files, whatever the extension.
const RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)$/i;

/** 'codex/<slug>.md', or '<slug>-2', '-3', … for the n-th try (n ≥ 1). */
export function codexFileName(name: string, attempt: number): string {
  let base = slug(name);
  if (RESERVED.test(base)) base = `${base}-entry`;
  return `${CODEX_DIR}/${attempt <= 1 ? base : `${base}-${attempt}`}.md`;
}
