// The Problems panel for story projects: each project's diagnostics (broken YAML, wrong fields,
// limits) from the loader, refreshed when a project file is saved, created, deleted or edited
// (debounced). A workspace without a story.md never loads dist/project.js.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ProjectDiagnostic } from '../../core/project/model';
import { Disposable, toDisposable } from '../lifecycle';
import type { Log } from '../log';
import { loadOpenProject, mayBeProjectFile, placeOf } from './projectFiles';

const EDIT_DEBOUNCE_MS = 400;
/** Projects looked for in the workspace when it opens. */
const MAX_PROJECTS = 20;

export class ProjectDiagnostics extends Disposable {
  private readonly collection = this._register(vscode.languages.createDiagnosticCollection('storyteller'));
  /** Per project root, the files it has diagnostics on now. */
  private readonly published = new Map<string, vscode.Uri[]>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** A refresh of each root at a time, and the one asked for meanwhile. */
  private readonly running = new Map<string, Promise<void>>();

  constructor(private readonly log: Log) {
    super();
    const watcher = this._register(
      vscode.workspace.createFileSystemWatcher('**/{story.md,codex/**/*.md,chapters/**/*.md}'),
    );
    const onFile = (uri: vscode.Uri) => this.schedule(uri, 0);
    this._register(watcher.onDidCreate(onFile));
    this._register(watcher.onDidChange(onFile));
    this._register(watcher.onDidDelete(onFile));
    this._register(vscode.workspace.onDidSaveTextDocument((doc) => this.schedule(doc.uri, 0)));
    // A project outside the workspace folders (no watcher there) is checked when one of its files opens.
    this._register(vscode.workspace.onDidOpenTextDocument((doc) => this.schedule(doc.uri, 0)));
    this._register(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length > 0) this.schedule(e.document.uri, EDIT_DEBOUNCE_MS);
      }),
    );
    this._register(toDisposable(() => this.timers.forEach((t) => clearTimeout(t))));
    // After activation, off its path: the projects already in the workspace.
    const startup = setTimeout(() => void this.scanWorkspace(), 0);
    this._register(toDisposable(() => clearTimeout(startup)));
  }

  private async scanWorkspace(): Promise<void> {
    const found = await vscode.workspace.findFiles('**/story.md', '**/{node_modules,.git}/**', MAX_PROJECTS);
    for (const uri of found) await this.refresh(path.dirname(uri.fsPath));
  }

  private schedule(uri: vscode.Uri, delayMs: number): void {
    if (this.isDisposed || !mayBeProjectFile(uri)) return;
    const key = uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        void this.refreshFor(uri);
      }, delayMs),
    );
  }

  private async refreshFor(uri: vscode.Uri): Promise<void> {
    try {
      const place = await placeOf(uri);
      if (place) await this.refresh(place.root);
      else if (/(^|\/)story\.md$/i.test(uri.path)) this.clear(path.dirname(uri.fsPath));
    } catch (e) {
      this.log.warn(`Could not check the story project of a file: ${(e as Error).message}`);
    }
  }

  /** Loads the project at root and replaces its diagnostics. */
  async refresh(root: string): Promise<void> {
    const previous = this.running.get(root) ?? Promise.resolve();
    const next = previous.then(async () => {
      if (this.isDisposed) return;
      const project = await loadOpenProject(root);
      if (this.isDisposed) return;
      this.clear(root);
      const byFile = new Map<string, vscode.Diagnostic[]>();
      for (const d of project.diagnostics) byFile.set(d.file, [...(byFile.get(d.file) ?? []), toDiagnostic(d)]);
      const uris: vscode.Uri[] = [];
      for (const [file, diagnostics] of byFile) {
        const uri = vscode.Uri.file(path.join(root, ...file.split('/')));
        this.collection.set(uri, diagnostics);
        uris.push(uri);
      }
      this.published.set(root, uris);
    });
    const settled = next.catch((e: unknown) =>
      this.log.warn(`Could not check a story project: ${(e as Error).message}`),
    );
    this.running.set(root, settled);
    await settled;
  }

  private clear(root: string): void {
    for (const uri of this.published.get(root) ?? []) this.collection.delete(uri);
    this.published.delete(root);
  }
}

function toDiagnostic(d: ProjectDiagnostic): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(
    new vscode.Range(d.line, d.column, d.line, Number.MAX_SAFE_INTEGER),
    d.message,
    d.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
  );
  diagnostic.source = 'Storyteller';
  diagnostic.code = d.code;
  return diagnostic;
}
