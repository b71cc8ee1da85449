// Story projects in VS Code: the commands' handlers, the Problems panel and the Show Context
// documents, made once by the composition root. The parser, the assembly, the writer and the
// scaffolds load on first use (dist/project.js), off the activation path.
import * as vscode from 'vscode';
import { notificationSafe } from '../../core/notificationText';
import { Disposable } from '../lifecycle';
import type { Log } from '../log';
import type { Settings } from '../settings';
import type { StoryController } from '../story/controller';
import { ContextView } from './contextView';
import { ProjectDiagnostics } from './diagnostics';
import { loadProjectBundle } from '../bundles';
import type { ImportResult, LorebookCommands } from './lorebookCommands';
import type { ProjectWriter } from './writer';
import type { WriteResult } from './writeResult';

export class StoryProjects extends Disposable {
  private writing: ProjectWriter | undefined;
  private lorebooks: LorebookCommands | undefined;
  private readonly view: ContextView;

  constructor(
    private readonly story: StoryController,
    private readonly settings: Settings,
    private readonly log: Log,
  ) {
    super();
    this.view = this._register(new ContextView(settings));
    this._register(new ProjectDiagnostics(log));
  }

  newStoryProject(args?: unknown): Promise<{ root: string; written: string[] } | undefined> {
    return this.guard(
      'newStoryProject',
      () => loadProjectBundle().newStoryProject(args),
      vscode.l10n.t('Could not make the story project: {0}'),
    );
  }

  newCodexEntry(args?: unknown): Promise<{ file: string } | undefined> {
    return this.guard(
      'newCodexEntry',
      () => loadProjectBundle().newCodexEntry(args),
      vscode.l10n.t('Could not make the codex entry: {0}'),
    );
  }

  continueWriting(): Promise<WriteResult> {
    return this.writer().continueWriting();
  }

  writeScene(): Promise<WriteResult> {
    return this.writer().writeScene();
  }

  /** The active chapter's summary, or that of the chapter `uri` names (the explorer's or editor's menu). */
  summarizeChapter(uri?: unknown): Promise<WriteResult> {
    return this.writer().summarizeChapter(uri instanceof vscode.Uri ? uri : undefined);
  }

  stopWriting(): boolean {
    return this.writing?.stop() ?? false;
  }

  /** Made on the first Continue Writing (or scene, or summary), with the bundle that holds it. */
  private writer(): ProjectWriter {
    this.writing ??= this._register(new (loadProjectBundle().ProjectWriter)(this.story, this.settings, this.log));
    return this.writing;
  }

  importLorebook(args?: unknown): Promise<ImportResult | undefined> {
    return this.guard(
      'importLorebook',
      () => this.lorebook().importLorebook(args),
      vscode.l10n.t('Could not import the lorebook: {0}'),
    );
  }

  exportCodexAsLorebook(args?: unknown): Promise<{ file: string; entries: number } | undefined> {
    return this.guard(
      'exportCodexAsLorebook',
      () => this.lorebook().exportCodex(args),
      vscode.l10n.t('Could not export the codex: {0}'),
    );
  }

  /** Made on the first import or export, with the bundle that holds it. */
  private lorebook(): LorebookCommands {
    this.lorebooks ??= this._register(new (loadProjectBundle().LorebookCommands)(this.log));
    return this.lorebooks;
  }

  showContext(): Promise<vscode.Uri | undefined> {
    return this.guard('showContext', () => this.view.show(), vscode.l10n.t('Could not show the context: {0}'));
  }

  /** The last resort for a file system or parser failure: one sentence, and the log has the rest. */
  private async guard<T>(what: string, run: () => Promise<T>, sentence: string): Promise<T | undefined> {
    try {
      return await run();
    } catch (e) {
      this.log.error(`${what} failed`, e);
      void vscode.window.showErrorMessage(
        sentence.replace('{0}', notificationSafe(e instanceof Error ? e.message : String(e))),
      );
      return undefined;
    }
  }
}
