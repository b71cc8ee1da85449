// "Open Chapter" of a story project's history entry (#26): the chapter it was written in, found
// inside the workspace's folders only (the path is read from a file on disk: untrusted), in an
// editor beside the panel. Its sentences name the writer's title and path: made safe as a
// notification's would be, wherever a refusal is shown.
import * as vscode from 'vscode';
import { notificationSafe } from '../../core/notificationText';
import type { StoryOrigin } from '../../core/story/protocol/wire';
import { loadHistory } from '../bundles';
import { PanelError } from './panelError';

/** Opens the chapter and selects what the entry wrote there, when the chapter still holds it. */
export async function openChapter(origin: StoryOrigin, written: string): Promise<void> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const candidates = loadHistory().chapterCandidates(
    origin.chapter,
    folders.map((f) => f.name),
  );
  if (!candidates)
    throw new PanelError(
      vscode.l10n.t('This entry names a chapter outside the workspace, so Storyteller will not open it.'),
      'chapterOutsideWorkspace',
    );
  if (folders.length === 0)
    throw new PanelError(
      vscode.l10n.t(
        'No folder is open. Open the folder of the project “{0}”, then choose Open Chapter again.',
        notificationSafe(origin.project),
      ),
      'noWorkspace',
    );
  for (const { folder, segments } of candidates) {
    const uri = vscode.Uri.joinPath(folders[folder]!.uri, ...segments);
    if (!(await isFile(uri))) continue;
    const document = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(document, {
      viewColumn: vscode.ViewColumn.Beside,
      preview: false,
    });
    const at = loadHistory().findWritten(document.getText(), written);
    if (at) {
      editor.selection = new vscode.Selection(document.positionAt(at.start), document.positionAt(at.end));
      editor.revealRange(editor.selection, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    }
    return;
  }
  throw new PanelError(
    vscode.l10n.t(
      '{0} is no longer in this workspace. Open the folder of the project “{1}”, or restore the file, then choose Open Chapter again.',
      notificationSafe(origin.chapter),
      notificationSafe(origin.project),
    ),
    'chapterGone',
  );
}

async function isFile(uri: vscode.Uri): Promise<boolean> {
  try {
    return ((await vscode.workspace.fs.stat(uri)).type & vscode.FileType.File) !== 0;
  } catch {
    return false;
  }
}
