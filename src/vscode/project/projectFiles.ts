// Where a document stands in a story project, and the project as the editors show it: open
// documents' unsaved text counts instead of what is on disk. Everything past the path checks is in
// dist/project.js, loaded here on first use.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Project } from '../../core/project/model';
import { loadProjectBundle } from '../bundles';

export interface ProjectPlace {
  /** The project's folder (the one holding story.md), a file-system path. */
  readonly root: string;
  /** The document's path relative to the root, '/' separators. */
  readonly file: string;
  readonly role: 'story' | 'codex' | 'chapter' | undefined;
}

/** Cheap, before loading anything: could this file belong to a story project at all? */
export function mayBeProjectFile(uri: vscode.Uri): boolean {
  if (uri.scheme !== 'file' || !/\.md$/i.test(uri.path)) return false;
  return /(^|\/)(story\.md|codex\/.+|chapters\/.+)$/i.test(uri.path);
}

/** The project a file is in, or undefined when no folder above it holds a story.md. */
export async function placeOf(uri: vscode.Uri): Promise<ProjectPlace | undefined> {
  if (uri.scheme !== 'file') return undefined;
  const bundle = loadProjectBundle();
  const root = await bundle.findProjectRoot(uri.fsPath);
  if (!root) return undefined;
  const file = bundle.relativeFile(root, uri.fsPath);
  return { root, file, role: bundle.roleOf(file) };
}

/** The project with the text of its open documents (saved or not). */
export function loadOpenProject(root: string): Promise<Project> {
  const bundle = loadProjectBundle();
  const open = new Map<string, string>();
  for (const doc of vscode.workspace.textDocuments) {
    if (doc.uri.scheme !== 'file') continue;
    const rel = path.relative(root, doc.uri.fsPath);
    if (rel.startsWith('..') || path.isAbsolute(rel)) continue;
    open.set(rel.split(path.sep).join('/'), doc.getText());
  }
  return bundle.loadProject(root, { overlay: (file) => open.get(file) });
}
