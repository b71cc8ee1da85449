// What the story-project commands answer, and a wait for a stream's first insertion: shared by
// the host suites that drive Continue Writing and Write Scene from Beat.
import * as vscode from 'vscode';

export interface WriteResult {
  status: string;
  text: string;
  code?: string;
  message?: string;
  usageLabel?: string;
}

/** Resolves with the next change to `doc` that inserts text. */
export function nextInsertion(doc: vscode.TextDocument): Promise<void> {
  return new Promise((resolve) => {
    const sub = vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document === doc && e.contentChanges.some((c) => c.text !== '')) {
        sub.dispose();
        resolve();
      }
    });
  });
}
