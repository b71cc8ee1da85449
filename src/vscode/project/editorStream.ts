// Streams text into an editor at a moving anchor as one undo step, while the user goes on typing.
// The pacing (src/core/project/editPacer) and the anchor arithmetic (streamAnchor) are pure; this
// file only applies edits and watches the document.
import * as vscode from 'vscode';
import { EditPacer } from '../../core/project/editPacer';
import { extendRegion, isOwnInsertion, shiftRegion, withEol } from '../../core/project/streamAnchor';
import type { StreamRegion } from '../../core/project/streamAnchor';

/** Tries of one edit that VS Code refused because the document changed meanwhile. */
const MAX_ATTEMPTS = 20;

export interface EditorStreamResult {
  /** Everything pushed, inserted or not: what the caller can offer when `complete` is false. */
  readonly text: string;
  /** Where the inserted text is now (in the document as it is; empty when nothing was inserted). */
  readonly range: vscode.Range;
  /** Every pushed character was inserted and the document is still open. */
  readonly complete: boolean;
  /** Pushed but never inserted (the document closed, an edit failed, or the stream was disposed). */
  readonly notInserted: string;
}

export interface EditorStream extends vscode.Disposable {
  push(text: string): void;
  /** Inserts what is pending, then resolves with all the text and where it is. */
  finish(): Promise<EditorStreamResult>;
  /** What is in the document so far. */
  readonly inserted: string;
}

export function createEditorStream(
  editor: vscode.TextEditor,
  at: vscode.Position,
  options?: { maxEditsPerSecond?: number },
): EditorStream {
  return new DocumentStream(editor, at, options?.maxEditsPerSecond);
}

class DocumentStream implements EditorStream {
  private readonly document: vscode.TextDocument;
  private region: StreamRegion;
  private pushed = '';
  private closed = false;
  /** The edit in flight, until its change shows up in the document. */
  private own: string | undefined;
  /** The first edit opens the undo step; a change by the user opens a new one, so undo never takes their typing. */
  private undoStopBefore = true;
  private target: vscode.TextEditor | undefined;
  /** An editor whose edit threw: the window had closed it before the extension host knew. */
  private stale: vscode.TextEditor | undefined;
  private readonly pacer: EditPacer;
  private readonly listeners: vscode.Disposable[];

  constructor(
    editor: vscode.TextEditor,
    private readonly at: vscode.Position,
    maxEditsPerSecond: number | undefined,
  ) {
    this.document = editor.document;
    this.target = editor;
    const start = this.document.offsetAt(this.document.validatePosition(at));
    this.region = { start, end: start };
    this.pacer = new EditPacer((text, last) => this.apply(text, last), maxEditsPerSecond);
    this.listeners = [
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === this.document) this.onChange(e.contentChanges);
      }),
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (d === this.document) this.closed = true;
      }),
    ];
  }

  push(text: string): void {
    this.pushed += text;
    this.pacer.push(text);
  }

  async finish(): Promise<EditorStreamResult> {
    await this.pacer.finish();
    const { document, region, closed, pacer } = this;
    const result: EditorStreamResult = {
      text: this.pushed,
      range: closed
        ? new vscode.Range(this.at, this.at)
        : new vscode.Range(document.positionAt(region.start), document.positionAt(region.end)),
      complete: !closed && !document.isClosed && pacer.notInserted === '',
      notInserted: pacer.notInserted,
    };
    this.dispose();
    return result;
  }

  get inserted(): string {
    return this.pacer.inserted;
  }

  dispose(): void {
    this.pacer.stop();
    for (const l of this.listeners) l.dispose();
  }

  private onChange(changes: readonly vscode.TextDocumentContentChangeEvent[]): void {
    for (const c of changes) {
      const change = { offset: c.rangeOffset, length: c.rangeLength, text: c.text };
      if (this.own !== undefined && isOwnInsertion(this.region, change, this.own)) {
        this.region = extendRegion(this.region, this.own.length);
        this.own = undefined;
        this.undoStopBefore = false;
      } else {
        this.region = shiftRegion(this.region, change);
        this.undoStopBefore = true;
      }
    }
  }

  private async apply(raw: string, last: boolean): Promise<boolean> {
    const text = withEol(raw, this.document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n');
    // VS Code refuses an edit made against an older version of the document (the user typed while
    // it travelled): the change has moved the anchor by then, so the edit is tried again there.
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (this.closed || this.document.isClosed) return false;
      this.own = text;
      const ok = await this.editWith(text, this.undoStopBefore, last).catch(() => {
        // The window no longer knows this editor (closed while the edit travelled): try without it.
        this.stale = this.target;
        this.target = undefined;
        return false;
      });
      const seen = this.own === undefined;
      this.own = undefined;
      if (ok) {
        if (!seen) {
          // No change event came for it: count it anyway.
          this.region = extendRegion(this.region, text.length);
          this.undoStopBefore = false;
        }
        return true;
      }
    }
    return false;
  }

  /** Through the editor while it is visible; else any editor of the document; else a workspace edit. */
  private async editWith(text: string, undoStopBefore: boolean, undoStopAfter: boolean): Promise<boolean> {
    this.target = usableEditor(this.target, this.document, this.stale);
    const position = this.document.positionAt(this.region.end);
    if (!this.target) {
      const edit = new vscode.WorkspaceEdit();
      edit.insert(this.document.uri, position, text);
      return vscode.workspace.applyEdit(edit);
    }
    return this.target.edit((b) => b.insert(position, text), { undoStopBefore, undoStopAfter });
  }
}

function usableEditor(
  editor: vscode.TextEditor | undefined,
  document: vscode.TextDocument,
  stale: vscode.TextEditor | undefined,
): vscode.TextEditor | undefined {
  const visible = vscode.window.visibleTextEditors.filter((e) => e !== stale);
  if (editor && visible.includes(editor)) return editor;
  return visible.find((e) => e.document === document);
}
