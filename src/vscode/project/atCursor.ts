// The context at the cursor of a chapter: what Continue Writing sends and Show Context shows, from
// the same function, so the document shows exactly what the model would receive.
import * as vscode from 'vscode';
import type { AssembledContext } from '../../core/project/assemble';
import type { StorySettings } from '../../core/project/model';
import type { ConverseRequest } from '../../core/story/prompt';
import { notificationSafe } from '../../core/notificationText';
import { loadProjectBundle } from '../bundles';
import { loadOpenProject, placeOf } from './projectFiles';

/** A sentence for the user: why the command cannot run here (a code for tests and logs). */
export class ProjectRefusal extends Error {
  override readonly name = 'ProjectRefusal';
  constructor(
    message: string,
    readonly code: 'noEditor' | 'notInProject' | 'notAChapter' | 'inFrontMatter',
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

export async function contextAtCursor(
  editor: vscode.TextEditor | undefined,
  defaultModelId: string,
): Promise<CursorContext> {
  if (!editor)
    throw new ProjectRefusal(
      vscode.l10n.t('Open a chapter of a story project and put the cursor where the story should go on.'),
      'noEditor',
    );
  const place = await placeOf(editor.document.uri);
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
        "{0} is not a chapter. Continue Writing works in the Markdown files of the project's chapters folder.",
        notificationSafe(place.file),
      ),
      'notAChapter',
    );
  const project = await loadOpenProject(place.root);
  const chapter = project.chapters.find((c) => c.file === place.file);
  const position = editor.selection.active;
  const bodyLine = chapter?.bodyLine ?? 0;
  if (position.line < bodyLine)
    throw new ProjectRefusal(
      vscode.l10n.t(
        'The cursor is in the chapter\'s front matter. Put it in the chapter\'s text, below the closing "---".',
      ),
      'inFrontMatter',
    );
  const textBefore = editor.document.getText(new vscode.Range(new vscode.Position(bodyLine, 0), position));
  const bundle = loadProjectBundle();
  const settings = project.story.settings;
  const modelId = settings.model ?? defaultModelId;
  const cacheMinTokens = bundle.cacheMinTokens(modelId);
  const context = bundle.assembleContext({
    project,
    chapterFile: place.file,
    textBefore,
    ...(cacheMinTokens !== undefined ? { cacheMinTokens } : {}),
  });
  const request = bundle.projectRequest(context, modelId, settings);
  return { editor, position, root: place.root, file: place.file, settings, context, request, textBefore };
}
