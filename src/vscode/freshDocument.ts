// A read-only document served by a content provider: VS Code keeps an open one and re-reads it
// only after the provider's change event, asynchronously. Callers that show (or hand back) new
// text wait until the document has it, so nobody reads the previous run's report.
import * as vscode from 'vscode';

/** Fires the provider's change, opens the document, and resolves once it holds `text` (at most 5 s). */
export async function openFresh(uri: vscode.Uri, text: string, fire: () => void): Promise<vscode.TextDocument> {
  const subscriptions: vscode.Disposable[] = [];
  const updated = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 5000);
    subscriptions.push({ dispose: () => clearTimeout(timer) });
    subscriptions.push(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.uri.toString() === uri.toString() && e.document.getText() === text) resolve();
      }),
    );
  });
  try {
    fire();
    const doc = await vscode.workspace.openTextDocument(uri);
    if (doc.getText() !== text) await updated;
    return doc;
  } finally {
    for (const s of subscriptions) s.dispose();
  }
}
