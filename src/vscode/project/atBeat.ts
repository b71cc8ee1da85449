// The context for Write Scene from Beat: the beat (the selection, or the line at the cursor), the
// chapter's text before it as the excerpt, the beat as the instruction (its keys fire entries too),
// and where the scene goes: a new paragraph after the beat's last line.
import * as vscode from 'vscode';
import type { BeatPlace } from '../../core/project/beat';
import { loadProjectBundle } from '../bundles';
import { ProjectRefusal, assembleAt, chapterAt } from './atCursor';
import type { CursorContext } from './atCursor';

export interface BeatContext extends CursorContext {
  readonly beat: BeatPlace;
}

export async function contextAtBeat(
  editor: vscode.TextEditor | undefined,
  defaultModelId: string,
): Promise<BeatContext> {
  const at = await chapterAt(editor?.document);
  const doc = at.document;
  const text = doc.getText();
  const bundle = loadProjectBundle();
  const bodyStart = doc.offsetAt(new vscode.Position(at.bodyLine, 0));
  const selection = editor!.selection;
  const found = bundle.findBeat(text, doc.offsetAt(selection.start), doc.offsetAt(selection.end), bodyStart);
  if (found === 'inFrontMatter')
    throw new ProjectRefusal(
      vscode.l10n.t(
        'The cursor is in the chapter\'s front matter. Put it on a beat line in the chapter\'s text, below the closing "---".',
      ),
      'inFrontMatter',
    );
  if (found === 'noBeat')
    throw new ProjectRefusal(
      vscode.l10n.t(
        'There is no beat here. Put the cursor on a line that says what happens next (or select it), then run Write Scene from Beat.',
      ),
      'noBeat',
    );
  if (found === 'beatTooLong')
    throw new ProjectRefusal(
      vscode.l10n.t(
        'A beat may be at most {0} characters. Select one beat (a line or two), then run Write Scene from Beat.',
        bundle.BEAT_MAX_CHARS.toLocaleString('en-US'),
      ),
      'beatTooLong',
    );
  const textBefore = text.slice(bodyStart, found.beatStart);
  const context = assembleAt(editor!, at, doc.positionAt(found.insertAt), textBefore, defaultModelId, found.beat);
  return { ...context, request: bundle.sceneRequest(context.request, found.beat), beat: found };
}
