// Where a finished story goes: a new Markdown editor, a file, the cursor of an editor the user
// chose, or the clipboard.
import * as vscode from 'vscode';
import { savedMessage } from '../../core/story/notices';
import { titleFromPremise } from '../../core/story/protocol/titles';
import type { ExportTarget } from '../../core/story/protocol/wire';
import type { StoredStory } from '../../core/story/history/storyFile';
import { loadHistory } from '../bundles';
import type { Log } from '../log';
import type { StoryDialogs } from './dialogs';
import { PanelError } from './panelError';

export interface ExportContext {
  readonly dialogs: StoryDialogs;
  readonly log: Log;
  /** The text editor the user was in last (the panel has focus when they click Insert). */
  readonly lastEditor: () => vscode.TextEditor | undefined;
}

export async function exportStory(story: StoredStory, target: ExportTarget, context: ExportContext): Promise<boolean> {
  switch (target) {
    case 'editor': {
      const document = await vscode.workspace.openTextDocument({
        language: 'markdown',
        content: loadHistory().toMarkdown(withFullTitle(story)),
      });
      await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preview: false });
      return true;
    }
    case 'file': {
      const uri = await context.dialogs.saveUri(`${slug(withFullTitle(story).title)}.md`);
      if (!uri) return false;
      await vscode.workspace.fs.writeFile(
        uri,
        new TextEncoder().encode(loadHistory().toMarkdown(withFullTitle(story))),
      );
      context.dialogs.notify(savedMessage(story.title, vscode.workspace.asRelativePath(uri)));
      return true;
    }
    case 'insert':
      return insert(story.text, context);
    case 'copy':
      await vscode.env.clipboard.writeText(story.text);
      return true;
  }
}

/**
 * Only into the active text editor, or one the user picks from the visible ones (the panel
 * usually has focus, so none is active). Never into a hidden editor without asking.
 */
async function insert(text: string, { dialogs, log, lastEditor }: ExportContext): Promise<boolean> {
  const active = vscode.window.activeTextEditor;
  let editor: vscode.TextEditor | undefined;
  if (active && !active.document.isClosed) editor = active;
  else {
    const visible = vscode.window.visibleTextEditors.filter(
      (e) => !e.document.isClosed && e.document.uri.scheme !== 'output',
    );
    if (visible.length === 0) {
      throw new PanelError(
        vscode.l10n.t(
          'No text editor is open to insert into. Open the file beside this panel, put the cursor where the story should go, then choose Insert again.',
        ),
        'noEditor',
      );
    }
    const preferred = visible.find((e) => e === lastEditor());
    editor = await dialogs.pickEditor(visible, preferred);
    if (!editor) return false;
  }
  if (editor.document.isClosed) throw new PanelError(closedEditor(), 'noEditor');
  const target = editor;
  let ok: boolean;
  try {
    ok = await target.edit((edit) => edit.replace(target.selection, text));
  } catch (e) {
    // VS Code throws "TextEditor#edit not possible on closed editors" when it went away meanwhile.
    log.warn(`Insert failed: ${(e as Error).message}`);
    throw new PanelError(closedEditor(), 'noEditor');
  }
  if (!ok)
    throw new PanelError(
      vscode.l10n.t('The editor did not accept the text; it may be read-only. Pick another editor, or use Copy.'),
      'noEditor',
    );
  return true;
}

const closedEditor = (): string =>
  vscode.l10n.t('That editor was closed before the story could go in. Open the file again, then choose Insert.');

/**
 * The heading of an export: the premise's whole first sentence, not the list's shortened title
 * with its "…".
 */
export function withFullTitle(story: StoredStory): StoredStory {
  const suffix = / \(refined\)$/.exec(story.title)?.[0] ?? '';
  const shortened = story.title.slice(0, story.title.length - suffix.length);
  if (!shortened.endsWith('…')) return story;
  return { ...story, title: `${titleFromPremise(story.controls.premise, 1000)}${suffix}` };
}

/** A file name from the title, cut at a word (never mid-word), at most 60 characters. */
export function slug(title: string): string {
  const full = title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  if (full.length <= 60) return full || 'story';
  const cut = full.slice(0, 61);
  const end = cut.lastIndexOf('-');
  return (end > 20 ? cut.slice(0, end) : full.slice(0, 60)) || 'story';
}
