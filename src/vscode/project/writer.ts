// Continue Writing, Write Scene from Beat, Summarize Chapter and Stop Writing: the model's text
// streams in at the cursor (or after the beat) as one undo step (src/vscode/project/editorStream.ts),
// with its progress and tokens in the status bar; Stop and Escape (while `storyteller.writing` is
// set) keep what was written. A summary is one undoable edit of the front matter (summarize.ts).
// One at a time per window.
import * as vscode from 'vscode';
import { notificationSafe } from '../../core/notificationText';
import type { PanelAction } from '../../core/story/protocol/wire';
import type { RequestOutcome } from '../../core/story/storyApi';
import { estimateTokens, formatTokens } from '../../core/story/usage/usage';
import { loadProjectBundle } from '../bundles';
import { COMMANDS } from '../commandIds';
import { Disposable, toDisposable } from '../lifecycle';
import type { Log } from '../log';
import type { Settings } from '../settings';
import type { StoryController } from '../story/controller';
import { ProjectRefusal, contextAtCursor, originOf } from './atCursor';
import { contextAtBeat } from './atBeat';
import type { BeatContext } from './atBeat';
import { createEditorStream } from './editorStream';
import type { EditorStream } from './editorStream';
import { summarizeChapter } from './summarize';
import type { SummaryOutcome, SummaryResult } from './summarize';
import type { WriteResult } from './writeResult';

export type { WriteResult } from './writeResult';

export const WRITING_CONTEXT_KEY = 'storyteller.writing';
const DONE_SHOWN_MS = 8_000;
const FALLBACK_MODEL = 'amazon.nova-lite-v1:0';

type Task = 'continue' | 'scene' | 'summary';
interface Run {
  readonly controller: AbortController;
  stream?: EditorStream;
}
const TASK_NAMES: Record<Task, string> = {
  continue: 'Continue Writing',
  scene: 'Write Scene from Beat',
  summary: 'Summarize Chapter',
};
const RETRY: Record<Task, string> = {
  continue: COMMANDS.continueWriting,
  scene: COMMANDS.writeScene,
  summary: COMMANDS.summarizeChapter,
};

export class ProjectWriter extends Disposable {
  private run: Run | undefined;
  private readonly item = this._register(
    vscode.window.createStatusBarItem('storyteller.writing', vscode.StatusBarAlignment.Left, 0),
  );
  private hideTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly story: StoryController,
    private readonly settings: Settings,
    private readonly log: Log,
  ) {
    super();
    this.item.name = vscode.l10n.t('Storyteller Writing');
    this._register(toDisposable(() => clearTimeout(this.hideTimer)));
    this._register(toDisposable(() => this.run?.controller.abort()));
  }

  get writing(): boolean {
    return this.run !== undefined;
  }

  /** Stops the continuation being written; what is in the chapter stays. False when none was. */
  stop(): boolean {
    if (!this.run) return false;
    this.run.controller.abort();
    return true;
  }

  continueWriting(): Promise<WriteResult> {
    return this.exclusive('continue', (run) => this.write(run, 'continue'));
  }

  /** The beat at the cursor (or the selection) becomes a scene after it, streamed like Continue Writing. */
  writeScene(): Promise<WriteResult> {
    return this.exclusive('scene', (run) => this.write(run, 'scene'));
  }

  /** Writes the chapter's `summary` (the active editor's, or `uri`'s) as one undoable edit. */
  summarizeChapter(uri?: vscode.Uri): Promise<SummaryResult> {
    return this.exclusive('summary', (run) =>
      summarizeChapter(this.story, uri, this.settings.storyConfig?.modelId ?? FALLBACK_MODEL, {
        signal: run.controller.signal,
        progress: (tokens) => this.progress(tokens, 'summary'),
      }).then((r) => this.summarized(r)),
    );
  }

  /** One at a time per window: the context key and the status bar follow it. */
  private async exclusive<R extends WriteResult>(kind: Task, work: (run: Run) => Promise<R>): Promise<R | WriteResult> {
    if (this.run) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t('Storyteller is already writing. Stop it first (Escape), or wait until it ends.'),
      );
      return { status: 'refused', text: '', code: 'busy' };
    }
    const run: Run = { controller: new AbortController() };
    this.run = run;
    void vscode.commands.executeCommand('setContext', WRITING_CONTEXT_KEY, true);
    try {
      return await work(run);
    } catch (e) {
      return this.refused(e, kind);
    } finally {
      run.stream?.dispose();
      this.run = undefined;
      // Its history entry (#26), if it wrote one, in the panel's list.
      this.story.historyChanged();
      void vscode.commands.executeCommand('setContext', WRITING_CONTEXT_KEY, false);
    }
  }

  private async write(run: Run, kind: 'continue' | 'scene'): Promise<WriteResult> {
    const model = this.settings.storyConfig?.modelId ?? FALLBACK_MODEL;
    const editor = vscode.window.activeTextEditor;
    const at =
      kind === 'scene'
        ? await contextAtBeat(editor, model, run.controller.signal)
        : await contextAtCursor(editor, model);
    const { service } = await this.story.storyService();
    const scene = 'beat' in at ? (at as BeatContext).beat : undefined;
    const stream = createEditorStream(at.editor, at.position);
    run.stream = stream;
    const bundle = loadProjectBundle();
    const lead = scene ? scene.lead : bundle.joinerBefore(at.textBefore);
    let received = '';
    this.progress(0, kind);
    const outcome = await service.streamRequest(at.request, bundle.safetyAudience(at.settings.audience), {
      signal: run.controller.signal,
      origin: originOf(at.settings.title, at.editor.document.uri, kind),
      onDelta: (delta) => {
        // A scene is a paragraph of its own: the model's leading blank space gives way to the lead.
        const text = scene && received === '' ? delta.trimStart() : delta;
        if (text === '') return;
        const piece = received === '' ? lead + text : text;
        received += piece;
        stream.push(piece);
        this.progress(estimateTokens(received), kind);
      },
    });
    if (scene && received.trim() !== '' && outcome.status !== 'blocked') stream.push(scene.trail);
    const result = await stream.finish();
    if (!result.complete && result.notInserted !== '') await this.keepElsewhere(result.notInserted);
    if (outcome.blockedMessage)
      await removeBlockedMessage(at.editor, result.range, stream.inserted, outcome.blockedMessage);
    this.done(outcome, kind);
    const message = outcome.error ? this.tell(outcome, kind) : undefined;
    this.log.info(
      `${TASK_NAMES[kind]} in ${at.file}: ${outcome.status}${outcome.usageLabel ? `, ${outcome.usageLabel}` : ''}`,
    );
    return {
      status: outcome.status,
      text: at.editor.document.getText(result.range),
      ...(outcome.error ? { code: outcome.error.code } : {}),
      ...(message ? { message } : {}),
      ...(outcome.usageLabel ? { usageLabel: outcome.usageLabel } : {}),
    };
  }

  /** A failed or blocked request: one sentence (a blocked one says what was kept), with its buttons. */
  private tell(outcome: RequestOutcome, kind: Task): string | undefined {
    if (!outcome.error || (outcome.status !== 'failed' && outcome.status !== 'blocked')) return undefined;
    const message =
      outcome.status === 'blocked'
        ? blockedSentence(outcome.error.code, outcome.blockedMessage ?? '', kind)
        : outcome.error.message;
    void this.offer(message, outcome.status === 'blocked' ? [] : outcome.error.actions, kind);
    return message;
  }

  private summarized(r: SummaryOutcome): SummaryResult {
    if (r.outcome) this.done(r.outcome, 'summary');
    else this.item.hide();
    const message = r.outcome?.error ? this.tell(r.outcome, 'summary') : undefined;
    if (r.refusal) void vscode.window.showErrorMessage(r.refusal);
    else if (r.result.status === 'done' && r.result.leftOut)
      void vscode.window.showInformationMessage(
        vscode.l10n.t(
          'The chapter is longer than the context budget, so the summary comes from its first and last paragraphs ({0} of {1} were left out).',
          r.result.leftOut.toLocaleString('en-US'),
          (r.result.paragraphs ?? 0).toLocaleString('en-US'),
        ),
      );
    this.log.info(`Summarize Chapter: ${r.result.status}${r.result.code ? ` (${r.result.code})` : ''}`);
    return { ...r.result, ...(message ? { message } : {}), ...(r.refusal ? { message: r.refusal } : {}) };
  }

  /** Nothing was sent: say why, with the button that fixes it. */
  private refused(e: unknown, kind: Task): WriteResult {
    this.item.hide();
    if (e instanceof ProjectRefusal) {
      if (e.code !== 'cancelled') void vscode.window.showInformationMessage(e.message);
      return { status: 'refused', text: '', code: e.code, message: e.message };
    }
    const error = e as { message?: string; code?: string; actions?: readonly PanelAction[] };
    this.log.warn(`${TASK_NAMES[kind]} refused: ${error.code ?? 'error'}`);
    if (error.code === undefined) this.log.error(`${TASK_NAMES[kind]} failed`, e);
    const message = error.message ?? String(e);
    void this.offer(message, error.actions ?? [], kind);
    return { status: 'refused', text: '', code: error.code ?? 'unknown', message };
  }

  private async offer(message: string, actions: readonly PanelAction[], kind: Task): Promise<void> {
    const labels: Partial<Record<PanelAction, [string, () => Thenable<unknown>]>> = {
      signIn: [vscode.l10n.t('Sign In'), () => vscode.commands.executeCommand(COMMANDS.signIn)],
      configure: [vscode.l10n.t('Configure…'), () => vscode.commands.executeCommand(COMMANDS.configureFromStack)],
      openSettings: [
        vscode.l10n.t('Open Settings'),
        () => vscode.commands.executeCommand('workbench.action.openSettings', 'storyteller'),
      ],
      pickModel: [
        vscode.l10n.t('Open Settings'),
        () => vscode.commands.executeCommand('workbench.action.openSettings', 'storyteller.modelId'),
      ],
      retry: [vscode.l10n.t('Try Again'), () => vscode.commands.executeCommand(RETRY[kind])],
      continue: [vscode.l10n.t('Continue Writing'), () => vscode.commands.executeCommand(COMMANDS.continueWriting)],
    };
    const buttons = actions.flatMap((a) => (labels[a] ? [labels[a]] : []));
    const picked = await vscode.window.showErrorMessage(notificationSafe(message), ...buttons.map(([label]) => label));
    await buttons.find(([label]) => label === picked)?.[1]();
  }

  /** The chapter closed (or refused an edit) mid-stream: the rest goes into a new editor, never lost. */
  private async keepElsewhere(text: string): Promise<void> {
    const doc = await vscode.workspace.openTextDocument({ content: text, language: 'markdown' });
    await vscode.window.showTextDocument(doc, { preview: false });
    void vscode.window.showWarningMessage(
      vscode.l10n.t('The chapter could not take all of the continuation, so the rest is in this new editor.'),
    );
  }

  private progress(tokens: number, kind: Task): void {
    clearTimeout(this.hideTimer);
    this.item.text =
      kind === 'summary'
        ? `$(loading~spin) ${vscode.l10n.t('Summarizing… ≈ {0}', formatTokens(tokens))}`
        : `$(loading~spin) ${vscode.l10n.t('Writing… ≈ {0}', formatTokens(tokens))}`;
    this.item.tooltip =
      kind === 'summary'
        ? vscode.l10n.t(
            'Storyteller is summarizing the chapter. Click or press Escape to stop; the summary stays as it was.',
          )
        : vscode.l10n.t('Storyteller is writing in the chapter. Click or press Escape to stop; what is written stays.');
    this.item.command = COMMANDS.stopWriting;
    this.item.show();
  }

  private done(outcome: RequestOutcome, kind: Task): void {
    const label = outcome.usageLabel ?? formatTokens(0);
    this.item.text =
      outcome.status === 'failed' || outcome.status === 'blocked'
        ? `$(error) ${vscode.l10n.t('Not written')}`
        : `$(check) ${label}`;
    this.item.tooltip =
      outcome.status === 'stopped'
        ? kind === 'summary'
          ? vscode.l10n.t('Stopped: the summary stays as it was. {0}', label)
          : vscode.l10n.t('Stopped: what was written stays in the chapter. {0}', label)
        : `${taskLabel(kind)}: ${label}`;
    this.item.command = undefined;
    clearTimeout(this.hideTimer);
    this.hideTimer = setTimeout(() => this.item.hide(), DONE_SHOWN_MS);
  }
}

function taskLabel(kind: Task): string {
  if (kind === 'scene') return vscode.l10n.t('Write Scene from Beat');
  if (kind === 'summary') return vscode.l10n.t('Summarize Chapter');
  return vscode.l10n.t('Continue Writing');
}

/** The sentence for a request the content policy blocked: what it said, what was kept, what to do. */
function blockedSentence(code: string, said: string, kind: Task): string {
  const raw = said.replace(/\s+/g, ' ').trim();
  const quoted = notificationSafe(raw.length > 300 ? `${raw.slice(0, 299)}…` : raw);
  const premise = code === 'premiseBlocked';
  if (kind === 'summary')
    return premise
      ? vscode.l10n.t("The content policy blocked this chapter's text: “{0}” The summary was not changed.", quoted)
      : vscode.l10n.t('The content policy stopped the summary: “{0}” The summary was not changed.', quoted);
  return premise
    ? vscode.l10n.t(
        'The content policy blocked this request: “{0}” Nothing was written. Change the text before the cursor (or the audience in story.md) and try again.',
        quoted,
      )
    : vscode.l10n.t(
        'The content policy stopped the writing: “{0}” Nothing it held back was written. Try again, or change the text before the cursor.',
        quoted,
      );
}

/**
 * A guardrail's message streamed in as the last piece: it is not the story, so it leaves the
 * chapter, and with it the blank space put before it when nothing else was written.
 */
async function removeBlockedMessage(
  editor: vscode.TextEditor,
  range: vscode.Range,
  inserted: string,
  message: string,
): Promise<void> {
  const found = inserted.lastIndexOf(message.trim());
  if (found === -1 || inserted.slice(found + message.trim().length).trim() !== '') return;
  const at = inserted.slice(0, found).trim() === '' ? 0 : found;
  const doc = editor.document;
  const start = doc.positionAt(doc.offsetAt(range.start) + at);
  await editor.edit((b) => b.delete(new vscode.Range(start, range.end)), {
    undoStopBefore: false,
    undoStopAfter: false,
  });
}
