// The context at the cursor of a chapter: what Continue Writing sends and Show Context shows, from
// the same function, so the document shows exactly what the model would receive.
import * as vscode from 'vscode';
import type { AssembledContext } from '../../core/project/assemble';
import type { Chapter, Project, StorySettings } from '../../core/project/model';
import type { ConverseRequest } from '../../core/story/prompt';
import type { UsageOrigin } from '../../core/story/usage/usage';
import { notificationSafe } from '../../core/notificationText';
import { loadProjectBundle } from '../bundles';
import { loadOpenProject, placeOf } from './projectFiles';

/** A sentence for the user: why the command cannot run here (a code for tests and logs). */
export class ProjectRefusal extends Error {
  override readonly name = 'ProjectRefusal';
  constructor(
    message: string,
    readonly code:
      | 'noEditor'
      | 'notInProject'
      | 'notAChapter'
      | 'inFrontMatter'
      | 'noBeat'
      | 'beatTooLong'
      | 'emptyChapter'
      /** The writer closed a pick (nothing to say). */
      | 'cancelled',
  ) {
    super(message);
  }
}

export interface CursorContext {
  readonly editor: vscode.TextEditor;
  readonly position: vscode.Position;
  readonly root: string;
  readonly file: string;
  readonly settings: StorySettings;
  readonly context: AssembledContext;
  readonly request: ConverseRequest;
  /** The chapter's prose before the cursor (for the joiner). */
  readonly textBefore: string;
}

/** The chapter a document is, in its project as the editors show it; refused when it is not one. */
export interface ChapterAt {
  readonly document: vscode.TextDocument;
  readonly root: string;
  readonly file: string;
  readonly project: Project;
  readonly chapter: Chapter | undefined;
  /** 0-based line where the chapter's prose starts (after the front matter). */
  readonly bodyLine: number;
}

export async function chapterAt(document: vscode.TextDocument | undefined): Promise<ChapterAt> {
  if (!document)
    throw new ProjectRefusal(
      vscode.l10n.t('Open a chapter of a story project and put the cursor where the story should go on.'),
      'noEditor',
    );
  const place = await placeOf(document.uri);
  if (!place)
    throw new ProjectRefusal(
      vscode.l10n.t(
        'This file is not in a story project. Run "Storyteller: New Story Project…", or open a chapter of one (a folder with story.md).',
      ),
      'notInProject',
    );
  if (place.role !== 'chapter')
    throw new ProjectRefusal(
      vscode.l10n.t(
        "{0} is not a chapter. Storyteller writes in the Markdown files of the project's chapters folder.",
        notificationSafe(place.file),
      ),
      'notAChapter',
    );
  const project = await loadOpenProject(place.root);
  const chapter = project.chapters.find((c) => c.file === place.file);
  return { document, root: place.root, file: place.file, project, chapter, bodyLine: chapter?.bodyLine ?? 0 };
}

export async function contextAtCursor(
  editor: vscode.TextEditor | undefined,
  defaultModelId: string,
): Promise<CursorContext> {
  const at = await chapterAt(editor?.document);
  const position = editor!.selection.active;
  if (position.line < at.bodyLine)
    throw new ProjectRefusal(
      vscode.l10n.t(
        'The cursor is in the chapter\'s front matter. Put it in the chapter\'s text, below the closing "---".',
      ),
      'inFrontMatter',
    );
  const textBefore = at.document.getText(new vscode.Range(new vscode.Position(at.bodyLine, 0), position));
  return assembleAt(editor!, at, position, textBefore, defaultModelId);
}

/** The context and request for text going in at `position`, after `textBefore` (and for `instruction`, a beat). */
export function assembleAt(
  editor: vscode.TextEditor,
  at: ChapterAt,
  position: vscode.Position,
  textBefore: string,
  defaultModelId: string,
  instruction?: string,
): CursorContext {
  const bundle = loadProjectBundle();
  const settings = at.project.story.settings;
  const modelId = settings.model ?? defaultModelId;
  const cacheMinTokens = bundle.cacheMinTokens(modelId);
  const context = bundle.assembleContext({
    project: at.project,
    chapterFile: at.file,
    textBefore,
    ...(instruction !== undefined ? { instruction } : {}),
    ...(cacheMinTokens !== undefined ? { cacheMinTokens } : {}),
  });
  const request = bundle.projectRequest(context, modelId, settings);
  return { editor, position, root: at.root, file: at.file, settings, context, request, textBefore };
}

/** What a generation was for, as the usage totals and the log keep it (#26). */
export function originOf(project: string, chapter: vscode.Uri, command: UsageOrigin['command']): UsageOrigin {
  return { project, chapter: vscode.workspace.asRelativePath(chapter), command };
}
