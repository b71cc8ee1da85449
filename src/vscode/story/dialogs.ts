import * as vscode from 'vscode';
import { modelInfoFromId } from '../../core/story/generation/models';
import { deleteDetail, deleteQuestion } from '../../core/story/notices';
import type { DeletedStory } from '../../core/story/notices';

/** What the user must confirm, choose or be told outside the webview; tests replace these. */
export interface StoryDialogs {
  confirmDelete(story: DeletedStory): Promise<boolean>;
  saveUri(suggestedName: string): Promise<vscode.Uri | undefined>;
  /** Which editor gets the story, when no text editor is active (the panel has focus). */
  pickEditor(
    editors: readonly vscode.TextEditor[],
    preferred: vscode.TextEditor | undefined,
  ): Promise<vscode.TextEditor | undefined>;
  /** An information notification; the message's untrusted parts are already made safe. */
  notify(message: string): void;
}

export const nativeDialogs: StoryDialogs = {
  async confirmDelete(story) {
    const remove = vscode.l10n.t('Delete');
    const detail = deleteDetail(story, modelInfoFromId(story.modelId).name, vscode.env.language);
    return (
      (await vscode.window.showWarningMessage(deleteQuestion(story.title), { modal: true, detail }, remove)) === remove
    );
  },
  async pickEditor(editors, preferred) {
    const items = editors.map((editor) => ({
      label: editor.document.isUntitled
        ? editor.document.uri.path
        : vscode.workspace.asRelativePath(editor.document.uri),
      description:
        editor === preferred
          ? vscode.l10n.t('where you were')
          : editor.viewColumn !== undefined
            ? vscode.l10n.t('column {0}', editor.viewColumn)
            : '',
      editor,
    }));
    if (preferred) items.sort((a, b) => Number(b.editor === preferred) - Number(a.editor === preferred));
    const picked = await vscode.window.showQuickPick(items, {
      title: vscode.l10n.t('Insert the story into which editor?'),
      placeHolder: vscode.l10n.t('The story goes at the cursor (or replaces the selection).'),
    });
    return picked?.editor;
  },
  notify(message) {
    void vscode.window.showInformationMessage(message);
  },
  async saveUri(suggestedName) {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    return vscode.window.showSaveDialog({
      ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, suggestedName) } : {}),
      filters: { Markdown: ['md'] },
      saveLabel: vscode.l10n.t('Save Story'),
    });
  },
};
