// Import Lorebook… and Export Codex as Lorebook…, in dist/project.js (loaded on first use). Import
// writes one codex file per entry, named from the entry's (untrusted) name by slug(), created with
// 'wx' so an existing file is never replaced, and keeps the report of what did not map as a
// read-only document. Arguments (tests, other extensions) skip the dialogs: { root, file }.
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { notificationSafe } from '../../core/notificationText';
import { exportLorebookV3 } from '../../core/project/lorebook/cardV3';
import { codexFileName, codexFileText } from '../../core/project/lorebook/codexFiles';
import { checkLorebookFileSize, importLorebookFile } from '../../core/project/lorebook/importLorebook';
import { LorebookError } from '../../core/project/lorebook/mapping';
import type { ImportedEntry, LorebookFormat } from '../../core/project/lorebook/mapping';
import { renderImportReport } from '../../core/project/lorebook/report';
import { CODEX_DIR } from '../../core/project/model';
import { slug } from '../../core/project/scaffold';
import { Disposable } from '../lifecycle';
import type { Log } from '../log';
import { loadOpenProject } from './projectFiles';
import { currentRoot } from './scaffoldCommands';

export const REPORT_SCHEME = 'storyteller-lorebook-report';
/** Tries of '<name>-2', '-3', … before an entry is given up (a folder full of same-named files). */
const MAX_NAME_TRIES = 1_000;

export interface ImportResult {
  readonly format: LorebookFormat;
  /** Codex files written, relative to the project root. */
  readonly written: readonly string[];
  readonly skipped: number;
  readonly unmapped: number;
  readonly report: vscode.Uri;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

async function rootOrSay(given: unknown): Promise<string | undefined> {
  const root = text(given) ?? (await currentRoot());
  if (!root)
    void vscode.window.showInformationMessage(
      vscode.l10n.t('There is no story project here yet. Run "Storyteller: New Story Project…" first.'),
    );
  return root;
}

/** Writes the entry to a new file in codex/; answers its relative path, or undefined after MAX_NAME_TRIES. */
async function writeEntry(root: string, entry: ImportedEntry): Promise<string | undefined> {
  const codex = path.join(root, CODEX_DIR);
  for (let attempt = 1; attempt <= MAX_NAME_TRIES; attempt++) {
    const file = codexFileName(entry.name, attempt);
    const target = path.join(root, ...file.split('/'));
    // slug() already allows no separators or dots; this is the second lock on the door.
    const inside = path.relative(codex, target);
    if (inside.startsWith('..') || path.isAbsolute(inside))
      throw new Error(`Refused a codex path outside codex/: ${file}`);
    try {
      await writeFile(target, codexFileText(entry), { flag: 'wx' });
      return file;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  return undefined;
}

export class LorebookCommands extends Disposable implements vscode.TextDocumentContentProvider {
  private readonly reports = new Map<string, string>();
  private readonly changed = this._register(new vscode.EventEmitter<vscode.Uri>());
  readonly onDidChange = this.changed.event;

  constructor(private readonly log: Log) {
    super();
    this._register(vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, this));
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.reports.get(uri.toString()) ?? vscode.l10n.t('Import the lorebook again to see its report.');
  }

  async importLorebook(args?: unknown): Promise<ImportResult | undefined> {
    const given = (args ?? {}) as { root?: unknown; file?: unknown };
    const root = await rootOrSay(given.root);
    if (!root) return undefined;
    const picked = text(given.file)
      ? vscode.Uri.file(text(given.file)!)
      : (
          await vscode.window.showOpenDialog({
            canSelectMany: false,
            openLabel: vscode.l10n.t('Import into the Codex'),
            title: vscode.l10n.t('Import Lorebook: SillyTavern World Info, a Character Card (JSON or PNG) or NovelAI'),
            filters: { [vscode.l10n.t('Lorebooks and character cards')]: ['json', 'lorebook', 'png'] },
          })
        )?.[0];
    if (!picked) return undefined;
    const source = path.basename(picked.fsPath);
    let result;
    try {
      checkLorebookFileSize(source, (await stat(picked.fsPath)).size);
      result = importLorebookFile(await readFile(picked.fsPath));
    } catch (e) {
      if (!(e instanceof LorebookError)) throw e;
      void vscode.window.showErrorMessage(
        vscode.l10n.t('Could not import {0}: {1}', notificationSafe(source), notificationSafe(e.message)),
      );
      return undefined;
    }
    await mkdir(path.join(root, CODEX_DIR), { recursive: true });
    const written: string[] = [];
    const skipped = [...result.skipped];
    for (const entry of result.entries) {
      const file = await writeEntry(root, entry);
      if (file) written.push(file);
      else
        skipped.push({
          entry: entry.name,
          field: 'name',
          value: entry.name,
          why: vscode.l10n.t('not imported: {0} files of this name already exist', MAX_NAME_TRIES),
        });
    }
    const report = vscode.Uri.from({ scheme: REPORT_SCHEME, path: `/${slug(source)}-import-report.md` });
    this.reports.set(report.toString(), renderImportReport({ ...result, skipped }, { source, written }));
    this.changed.fire(report);
    this.log.info(`Imported ${written.length} codex entries (${result.format}); ${skipped.length} left out.`);
    this.announce(source, written.length, skipped.length, result.unmapped.length, report);
    return { format: result.format, written, skipped: skipped.length, unmapped: result.unmapped.length, report };
  }

  private announce(source: string, written: number, skipped: number, unmapped: number, report: vscode.Uri): void {
    const show = vscode.l10n.t('Show Report');
    const message = vscode.l10n.t(
      'Imported {0} codex entries from {1}: {2} not imported, {3} fields not mapped.',
      written,
      notificationSafe(source),
      skipped,
      unmapped,
    );
    const shown =
      skipped > 0 || written === 0
        ? vscode.window.showWarningMessage(message, show)
        : vscode.window.showInformationMessage(message, show);
    void shown.then(async (choice) => {
      if (choice !== show) return;
      const doc = await vscode.workspace.openTextDocument(report);
      await vscode.window.showTextDocument(doc, { preview: true });
    });
  }

  async exportCodex(args?: unknown): Promise<{ file: string; entries: number } | undefined> {
    const given = (args ?? {}) as { root?: unknown; file?: unknown };
    const root = await rootOrSay(given.root);
    if (!root) return undefined;
    const project = await loadOpenProject(root);
    if (project.codex.length === 0) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t(
          'This story project has no codex entries to export. Add some with "Storyteller: New Codex Entry…".',
        ),
      );
      return undefined;
    }
    const target = text(given.file)
      ? vscode.Uri.file(text(given.file)!)
      : await vscode.window.showSaveDialog({
          title: vscode.l10n.t('Export Codex as Lorebook (Character Card V3, lorebook_v3)'),
          defaultUri: vscode.Uri.file(path.join(root, `${slug(project.story.settings.title)}.lorebook.json`)),
          filters: { [vscode.l10n.t('Lorebook (lorebook_v3)')]: ['json'] },
        });
    if (!target) return undefined;
    await writeFile(target.fsPath, exportLorebookV3(project.story.settings.title, project.codex));
    const inCodex = new Set(project.codex.map((e) => e.file));
    const broken = new Set(
      project.diagnostics.filter((d) => d.file.startsWith(`${CODEX_DIR}/`) && !inCodex.has(d.file)).map((d) => d.file),
    );
    const done = vscode.l10n.t(
      'Exported {0} codex entries to {1}.',
      project.codex.length,
      notificationSafe(path.basename(target.fsPath)),
    );
    if (broken.size > 0)
      void vscode.window.showWarningMessage(
        `${done} ${vscode.l10n.t('{0} codex files were left out because of their problems (see the Problems panel).', broken.size)}`,
      );
    else void vscode.window.showInformationMessage(done);
    return { file: target.fsPath, entries: project.codex.length };
  }
}
