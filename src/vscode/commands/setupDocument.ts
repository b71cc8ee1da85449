// The read-only document Check Setup writes its report to (registered at activation; tiny).
import * as vscode from 'vscode';

export const SETUP_SCHEME = 'storyteller-setup';
export const SETUP_URI = vscode.Uri.from({ scheme: SETUP_SCHEME, path: '/Check Setup.md' });

/** The report's text, served read-only to the editor. */
export class SetupDocument implements vscode.TextDocumentContentProvider {
  private text = '';
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  provideTextDocumentContent(): string {
    return this.text;
  }

  show(text: string): void {
    this.text = text;
    this.changed.fire(SETUP_URI);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
