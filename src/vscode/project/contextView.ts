// Show Context: a read-only virtual document with exactly what Continue Writing would send at the
// cursor (the same assembly), rendered as Markdown. Each chapter has one document, refreshed each
// time the command runs.
import * as vscode from 'vscode';
import { openFresh } from '../freshDocument';
import { loadProjectBundle } from '../bundles';
import { Disposable } from '../lifecycle';
import type { Settings } from '../settings';
import { ProjectRefusal, contextAtCursor } from './atCursor';

export const CONTEXT_SCHEME = 'storyteller-context';
const FALLBACK_MODEL = 'amazon.nova-lite-v1:0';

export class ContextView extends Disposable implements vscode.TextDocumentContentProvider {
  private readonly contents = new Map<string, string>();
  private readonly changed = this._register(new vscode.EventEmitter<vscode.Uri>());
  readonly onDidChange = this.changed.event;

  constructor(private readonly settings: Settings) {
    super();
    this._register(vscode.workspace.registerTextDocumentContentProvider(CONTEXT_SCHEME, this));
    // A closed document's text is not kept.
    this._register(
      vscode.workspace.onDidCloseTextDocument((doc) => {
        if (doc.uri.scheme === CONTEXT_SCHEME) this.contents.delete(doc.uri.toString());
      }),
    );
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? vscode.l10n.t('Run "Storyteller: Show Context" in a chapter again.');
  }

  /** Opens the context of the active chapter's cursor beside it; resolves with the document's URI. */
  async show(): Promise<vscode.Uri | undefined> {
    let at;
    try {
      at = await contextAtCursor(vscode.window.activeTextEditor, this.settings.storyConfig?.modelId ?? FALLBACK_MODEL);
    } catch (e) {
      if (!(e instanceof ProjectRefusal)) throw e;
      void vscode.window.showInformationMessage(e.message);
      return undefined;
    }
    const where = vscode.l10n.t('{0}, line {1}', at.file, at.position.line + 1);
    const text = loadProjectBundle().renderContext({ context: at.context, request: at.request, where });
    // One document per chapter (the path keeps .md, so it opens as Markdown).
    const uri = vscode.Uri.from({ scheme: CONTEXT_SCHEME, path: `/${at.file.replace(/\.md$/i, '')}.context.md` });
    this.contents.set(uri.toString(), text);
    const doc = await openFresh(uri, text, () => this.changed.fire(uri));
    await vscode.window.showTextDocument(doc, {
      viewColumn: vscode.ViewColumn.Beside,
      preview: true,
      preserveFocus: true,
    });
    return uri;
  }
}
