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
  const document = editor.document;
  const start = document.offsetAt(document.validatePosition(at));
  let region: StreamRegion = { start, end: start };
  let pushed = '';
  let closed = false;
  /** The edit in flight, until its change shows up in the document. */
  let own: string | undefined;
  /** The first edit opens the undo step; a change by the user opens a new one, so undo never takes their typing. */
  let undoStopBefore = true;
  let target: vscode.TextEditor | undefined = editor;
  /** An editor whose edit threw: the window had closed it before the extension host knew. */
  let stale: vscode.TextEditor | undefined;

  const changes = vscode.workspace.onDidChangeTextDocument((e) => {
    if (e.document !== document) return;
    for (const c of e.contentChanges) {
      const change = { offset: c.rangeOffset, length: c.rangeLength, text: c.text };
      if (own !== undefined && isOwnInsertion(region, change, own)) {
        region = extendRegion(region, own.length);
        own = undefined;
        undoStopBefore = false;
      } else {
        region = shiftRegion(region, change);
        undoStopBefore = true;
      }
    }
  });
  const closes = vscode.workspace.onDidCloseTextDocument((d) => {
    if (d === document) closed = true;
  });

  const apply = async (raw: string, last: boolean): Promise<boolean> => {
    const text = withEol(raw, document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n');
    // VS Code refuses an edit made against an older version of the document (the user typed while
    // it travelled): the change has moved the anchor by then, so the edit is tried again there.
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (closed || document.isClosed) return false;
      own = text;
      const before = undoStopBefore;
      const ok = await editWith(text, before, last).catch(() => {
        // The window no longer knows this editor (closed while the edit travelled): try without it.
        stale = target;
        target = undefined;
        return false;
      });
      const seen = own === undefined;
      own = undefined;
      if (ok) {
        if (!seen) {
          // No change event came for it: count it anyway.
          region = extendRegion(region, text.length);
          undoStopBefore = false;
        }
        return true;
      }
    }
    return false;
  };

  /** Through the editor while it is visible; else any editor of the document; else a workspace edit. */
  const editWith = async (text: string, undoStopBefore: boolean, undoStopAfter: boolean): Promise<boolean> => {
    target = usableEditor(target, document, stale);
    const position = document.positionAt(region.end);
    if (!target) {
      const edit = new vscode.WorkspaceEdit();
      edit.insert(document.uri, position, text);
      return vscode.workspace.applyEdit(edit);
    }
    return target.edit((b) => b.insert(position, text), { undoStopBefore, undoStopAfter });
  };

  const pacer = new EditPacer(apply, options?.maxEditsPerSecond);
  const dispose = (): void => {
    pacer.stop();
    changes.dispose();
    closes.dispose();
  };

  return {
    push: (text) => {
      pushed += text;
      pacer.push(text);
    },
    finish: async () => {
      await pacer.finish();
      const result: EditorStreamResult = {
        text: pushed,
        range: closed
          ? new vscode.Range(at, at)
          : new vscode.Range(document.positionAt(region.start), document.positionAt(region.end)),
        complete: !closed && !document.isClosed && pacer.notInserted === '',
        notInserted: pacer.notInserted,
      };
      dispose();
      return result;
    },
    get inserted() {
      return pacer.inserted;
    },
    dispose,
  };
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
