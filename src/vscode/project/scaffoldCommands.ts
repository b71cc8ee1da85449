// New Story Project… and New Codex Entry…: small files that show every field. They are only ever
// written where no file is: a writer's existing file is never replaced. Arguments (tests, other
// extensions) skip the questions: { folder, title } and { root, name, kind }.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CODEX_KINDS } from '../../core/project/model';
import type { CodexKind } from '../../core/project/model';
import { notificationSafe } from '../../core/notificationText';
import { loadProjectBundle } from '../bundles';
import { placeOf } from './projectFiles';

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** Writes each file that does not exist yet; answers the ones written. */
async function writeNew(root: vscode.Uri, files: readonly { file: string; text: string }[]): Promise<string[]> {
  const written: string[] = [];
  for (const { file, text } of files) {
    const uri = vscode.Uri.joinPath(root, ...file.split('/'));
    if (await exists(uri)) continue;
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
    written.push(file);
  }
  return written;
}

async function openAtEnd(uri: vscode.Uri): Promise<void> {
  const editor = await vscode.window.showTextDocument(uri, { preview: false });
  const end = editor.document.lineAt(editor.document.lineCount - 1).range.end;
  editor.selection = new vscode.Selection(end, end);
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

export async function newStoryProject(args?: unknown): Promise<{ root: string; written: string[] } | undefined> {
  const given = (args ?? {}) as { folder?: unknown; title?: unknown };
  let folder = text(given.folder) ? vscode.Uri.file(text(given.folder)!) : undefined;
  if (!folder) {
    const picked = await vscode.window.showOpenDialog({
      canSelectFolders: true,
      canSelectFiles: false,
      canSelectMany: false,
      openLabel: vscode.l10n.t('Make Story Project Here'),
      title: vscode.l10n.t('New Story Project: pick the folder for the story'),
      ...(vscode.workspace.workspaceFolders?.[0] ? { defaultUri: vscode.workspace.workspaceFolders[0].uri } : {}),
    });
    folder = picked?.[0];
  }
  if (!folder) return undefined;
  const title =
    text(given.title) ??
    (await vscode.window.showInputBox({
      title: vscode.l10n.t('New Story Project'),
      prompt: vscode.l10n.t("The story's title"),
      value: path.basename(folder.fsPath),
      validateInput: (v) =>
        v.trim() === ''
          ? vscode.l10n.t('A title is needed.')
          : v.length > 200
            ? vscode.l10n.t('At most 200 characters.')
            : undefined,
    }));
  if (!title) return undefined;
  const files = loadProjectBundle().projectScaffold(title.trim());
  const written = await writeNew(folder, files);
  const chapter = files.find((f) => f.file.startsWith('chapters/'))!;
  await openAtEnd(vscode.Uri.joinPath(folder, ...chapter.file.split('/')));
  if (written.length < files.length)
    void vscode.window.showInformationMessage(
      vscode.l10n.t(
        '{0} already had some of these files; they were left as they are.',
        notificationSafe(path.basename(folder.fsPath)),
      ),
    );
  return { root: folder.fsPath, written };
}

/** The project of the active editor, else the first one in the workspace. */
export async function currentRoot(): Promise<string | undefined> {
  const active = vscode.window.activeTextEditor?.document.uri;
  const place = active ? await placeOf(active) : undefined;
  if (place) return place.root;
  const [found] = await vscode.workspace.findFiles('**/story.md', '**/{node_modules,.git}/**', 1);
  return found ? path.dirname(found.fsPath) : undefined;
}

export async function newCodexEntry(args?: unknown): Promise<{ file: string } | undefined> {
  const given = (args ?? {}) as { root?: unknown; name?: unknown; kind?: unknown };
  const root = text(given.root) ?? (await currentRoot());
  if (!root) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t('There is no story project here yet. Run "Storyteller: New Story Project…" first.'),
    );
    return undefined;
  }
  const name =
    text(given.name) ??
    (await vscode.window.showInputBox({
      title: vscode.l10n.t('New Codex Entry'),
      prompt: vscode.l10n.t('Its name (also the key that makes the model remember it)'),
      validateInput: (v) =>
        v.trim() === ''
          ? vscode.l10n.t('A name is needed.')
          : v.length > 200
            ? vscode.l10n.t('At most 200 characters.')
            : undefined,
    }));
  if (!name) return undefined;
  const kind = (CODEX_KINDS as readonly string[]).includes(String(given.kind))
    ? (given.kind as CodexKind)
    : ((await vscode.window.showQuickPick([...CODEX_KINDS], { title: vscode.l10n.t('What is {0}?', name.trim()) })) as
        CodexKind | undefined);
  if (!kind) return undefined;
  const entry = loadProjectBundle().codexScaffold(name.trim(), kind);
  const rootUri = vscode.Uri.file(root);
  const uri = vscode.Uri.joinPath(rootUri, ...entry.file.split('/'));
  if ((await writeNew(rootUri, [entry])).length === 0)
    void vscode.window.showInformationMessage(
      vscode.l10n.t('{0} already exists, so it was opened as it is.', notificationSafe(entry.file)),
    );
  await vscode.window.showTextDocument(uri, { preview: false });
  return { file: uri.fsPath };
}
