// VS Code marks an undo stop whenever it saves a file (so Ctrl+Z can go back to the saved text),
// and the web workbench that runs these tests auto-saves after a 1 s pause by default. A test of a
// stream's own undo grouping turns auto-save off while it runs, so a slow moment on a loaded
// machine cannot save mid-stream; README "Continue Writing" says what auto-save changes for users.
import * as vscode from 'vscode';

export async function withoutAutoSave<T>(run: () => Promise<T>): Promise<T> {
  const files = vscode.workspace.getConfiguration('files');
  const before = files.inspect('autoSave')?.globalValue;
  await files.update('autoSave', 'off', vscode.ConfigurationTarget.Global);
  try {
    return await run();
  } finally {
    await files.update('autoSave', before, vscode.ConfigurationTarget.Global);
  }
}
