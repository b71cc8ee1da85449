// The context for Write Scene from Beat: the beat (the selection, the line at the cursor, the
// front-matter `beats` item at the cursor, or one picked from those), the chapter's text before
// where the scene goes as the excerpt, the beat as the instruction (its keys fire entries too), and
// where the scene goes: a new paragraph after the beat's last line, on the cursor's blank line, or
// at the end of the prose (for a front-matter beat).
import * as vscode from 'vscode';
import type { BeatPlace, BeatRefusal } from '../../core/project/beat';
import type { BeatSource } from '../../core/project/frontMatterBeats';
import { loadProjectBundle } from '../bundles';
import { ProjectRefusal, assembleAt, chapterAt } from './atCursor';
import type { ChapterAt, CursorContext } from './atCursor';
import { pickBeat } from './pickBeat';

export interface BeatContext extends CursorContext {
  readonly beat: BeatPlace;
}

/** `signal` closes the beat's quick pick (Stop Writing while it is open). */
export async function contextAtBeat(
  editor: vscode.TextEditor | undefined,
  defaultModelId: string,
  signal?: AbortSignal,
): Promise<BeatContext> {
  const at = await chapterAt(editor?.document);
  const doc = at.document;
  const bundle = loadProjectBundle();
  const bodyStart = doc.offsetAt(new vscode.Position(at.bodyLine, 0));
  const selection = editor!.selection;
  const source = bundle.beatSource(
    doc.getText(),
    doc.offsetAt(selection.start),
    doc.offsetAt(selection.end),
    bodyStart,
    at.chapter?.beats ?? [],
  );
  const found = await placeOf(source, at, signal);
  const textBefore = doc.getText().slice(doc.offsetAt(new vscode.Position(at.bodyLine, 0)), found.beatStart);
  const context = assembleAt(editor!, at, doc.positionAt(found.insertAt), textBefore, defaultModelId, found.beat);
  return { ...context, request: bundle.sceneRequest(context.request, found.beat), beat: found };
}

/** The beat found at the cursor, or the one the writer picks from the front matter's. */
async function placeOf(source: BeatSource, at: ChapterAt, signal: AbortSignal | undefined): Promise<BeatPlace> {
  if (typeof source === 'string') throw refusal(source);
  if (source.kind === 'here') return source.place;
  const doc = at.document;
  // Positions, not offsets: they still point where the writer was if the text changes meanwhile.
  const line = source.where.at === 'line' ? doc.positionAt(source.where.offset) : undefined;
  const picked = await pickBeat(source.choices, source.preselect, line ? 'cursor' : 'end', signal);
  if (!picked) throw new ProjectRefusal('', 'cancelled');
  const bodyStart = doc.offsetAt(new vscode.Position(at.bodyLine, 0));
  const where = line ? { at: 'line' as const, offset: doc.offsetAt(line) } : { at: 'end' as const };
  const place = loadProjectBundle().placeBeat(doc.getText(), bodyStart, where, picked.beat);
  if (typeof place === 'string') throw refusal(place);
  return place;
}

function refusal(code: BeatRefusal): ProjectRefusal {
  if (code === 'inFrontMatter')
    return new ProjectRefusal(
      vscode.l10n.t(
        'The cursor is in the chapter\'s front matter, and it lists no beats. Put the cursor on a beat line in the chapter\'s text (below the closing "---"), or list beats under "beats:" in the front matter, then run Write Scene from Beat.',
      ),
      'inFrontMatter',
    );
  if (code === 'noBeat')
    return new ProjectRefusal(
      vscode.l10n.t(
        'There is no beat here. Put the cursor on a line that says what happens next (or select it), or list beats under "beats:" in the chapter\'s front matter to pick one, then run Write Scene from Beat.',
      ),
      'noBeat',
    );
  return new ProjectRefusal(
    vscode.l10n.t(
      'A beat may be at most {0} characters. Select one beat (a line or two), then run Write Scene from Beat.',
      loadProjectBundle().BEAT_MAX_CHARS.toLocaleString('en-US'),
    ),
    'beatTooLong',
  );
}
