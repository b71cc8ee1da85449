// The import report: a Markdown document (shown read-only) with the counts, each field that was
// not mapped and each entry left out, and why.
import * as l10n from '@vscode/l10n';
import { FORMAT_NAMES } from './mapping';
import type { LorebookImport, ReportLine } from './mapping';

const cell = (s: string) => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

function table(lines: readonly ReportLine[]): string[] {
  return [
    `| ${l10n.t('Entry')} | ${l10n.t('Field')} | ${l10n.t('Value')} | ${l10n.t('Why')} |`,
    '| --- | --- | --- | --- |',
    ...lines.map((l) => `| ${cell(l.entry)} | ${cell(l.field)} | ${cell(l.value)} | ${cell(l.why)} |`),
  ];
}

export interface ReportFacts {
  /** The lorebook's file name. */
  readonly source: string;
  /** Codex files written, relative to the project root. */
  readonly written: readonly string[];
}

export function renderImportReport(result: LorebookImport, facts: ReportFacts): string {
  const out = [
    `# ${l10n.t('Lorebook import: {0}', facts.source)}`,
    '',
    l10n.t('Read as a {0}.', FORMAT_NAMES[result.format]()),
    '',
    `- ${l10n.t('Codex entries written: {0}', facts.written.length)}`,
    `- ${l10n.t('Entries not imported: {0}', result.skipped.length)}`,
    `- ${l10n.t('Fields not mapped: {0}', result.unmapped.length)}`,
    '',
  ];
  if (result.skipped.length > 0) out.push(`## ${l10n.t('Entries not imported')}`, '', ...table(result.skipped), '');
  if (result.unmapped.length > 0) out.push(`## ${l10n.t('Fields not mapped')}`, '', ...table(result.unmapped), '');
  else out.push(l10n.t('Every field mapped.'), '');
  if (facts.written.length > 0)
    out.push(`## ${l10n.t('Files written')}`, '', ...facts.written.map((f) => `- \`${f.replace(/`/g, '')}\``), '');
  return out.join('\n');
}
