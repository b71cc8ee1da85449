// Summarize Chapter: the model reads the chapter's prose (fitted to the project's context budget,
// src/core/project/summary.ts) through the content-safety guardrail like Continue Writing, and its
// summary replaces the front matter's `summary` field as one undoable edit; nothing else of the
// file changes (src/core/project/summaryEdit.ts). Stopped, failed or blocked: the file is untouched.
import * as vscode from 'vscode';
import type { RequestOutcome } from '../../core/story/storyApi';
import { estimateTokens } from '../../core/story/usage/usage';
import { loadProjectBundle } from '../bundles';
import type { StoryController } from '../story/controller';
import { ProjectRefusal, chapterAt, originOf } from './atCursor';
import type { WriteResult } from './writeResult';

/** Tries of the edit when the document changed between reading it and applying it. */
const EDIT_ATTEMPTS = 5;

export interface SummaryResult extends WriteResult {
  /** Paragraphs of the chapter, and how many of them the model did not see (a long chapter). */
  readonly paragraphs?: number;
  readonly leftOut?: number;
}

/** What the writer shows: the request's outcome (if one was sent), a refusal sentence, the result. */
export interface SummaryOutcome {
  readonly result: SummaryResult;
  readonly outcome?: RequestOutcome;
  readonly refusal?: string;
}

export async function summarizeChapter(
  story: StoryController,
  uri: vscode.Uri | undefined,
  defaultModelId: string,
  hooks: { readonly signal: AbortSignal; readonly progress: (tokens: number) => void },
): Promise<SummaryOutcome> {
  const document = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
  const at = await chapterAt(document);
  const bundle = loadProjectBundle();
  const settings = at.project.story.settings;
  const chapter = at.chapter ?? { title: at.file, body: '' };
  const plan = bundle.summaryRequest(
    at.project.story,
    chapter,
    settings.model ?? defaultModelId,
    settings.contextBudget,
  );
  if (!plan)
    throw new ProjectRefusal(
      vscode.l10n.t('This chapter has no text to summarize yet. Write some of it first.'),
      'emptyChapter',
    );
  const { service } = await story.storyService();
  let received = '';
  hooks.progress(0);
  const outcome = await service.streamRequest(plan.request, bundle.safetyAudience(settings.audience), {
    signal: hooks.signal,
    origin: originOf(settings.title, at.document.uri, 'summary'),
    onDelta: (delta) => {
      received += delta;
      hooks.progress(estimateTokens(received));
    },
  });
  const sizes = { paragraphs: plan.prose.paragraphs, leftOut: plan.prose.leftOut };
  const usage = outcome.usageLabel ? { usageLabel: outcome.usageLabel } : {};
  if (outcome.status !== 'done')
    return {
      outcome,
      result: {
        status: outcome.status,
        text: '',
        ...sizes,
        ...usage,
        ...(outcome.error ? { code: outcome.error.code } : {}),
      },
    };
  const summary = bundle.tidySummary(outcome.text);
  if (summary === '')
    return {
      outcome,
      refusal: vscode.l10n.t('The model answered with no summary, so the chapter was not changed. Try again.'),
      result: { status: 'failed', text: '', code: 'emptySummary', ...sizes, ...usage },
    };
  const refusal = await writeSummary(at.document, summary);
  if (refusal)
    return {
      outcome,
      refusal: refusal.message,
      result: { status: 'failed', text: '', code: refusal.code, ...sizes, ...usage },
    };
  return { outcome, result: { status: 'done', text: summary, ...sizes, ...usage } };
}

/** Sets the summary in the document as it is now (the writer may have typed meanwhile); undefined when done. */
async function writeSummary(
  document: vscode.TextDocument,
  summary: string,
): Promise<{ code: string; message: string } | undefined> {
  const bundle = loadProjectBundle();
  for (let attempt = 0; attempt < EDIT_ATTEMPTS; attempt++) {
    if (document.isClosed) document = await vscode.workspace.openTextDocument(document.uri);
    const edit = bundle.summaryEdit(document.getText(), summary);
    if (typeof edit === 'string')
      return {
        code: edit,
        message:
          edit === 'unsafeEdit'
            ? vscode.l10n.t(
                'Storyteller could not set the summary without changing other fields, so the chapter was not changed. Set "summary" by hand.',
              )
            : vscode.l10n.t(
                "The chapter's front matter is not valid YAML, so its summary was not written. Fix the problem shown in the Problems panel, then summarize again.",
              ),
      };
    const change = new vscode.WorkspaceEdit();
    change.replace(
      document.uri,
      new vscode.Range(document.positionAt(edit.start), document.positionAt(edit.end)),
      edit.text,
    );
    if (await vscode.workspace.applyEdit(change)) return undefined;
  }
  return {
    code: 'editFailed',
    message: vscode.l10n.t(
      'The chapter kept changing while Storyteller wrote its summary, so the summary was not written. Try again.',
    ),
  };
}
