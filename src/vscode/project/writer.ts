// Continue Writing and Stop Writing: the model's continuation streams in at the cursor as one undo
// step (src/vscode/project/editorStream.ts), with its progress and tokens in the status bar; Stop
// and Escape (while `storyteller.writing` is set) keep what was written. One at a time per window.
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
import { ProjectRefusal, contextAtCursor } from './atCursor';
import { createEditorStream } from './editorStream';
import type { EditorStream } from './editorStream';

export const WRITING_CONTEXT_KEY = 'storyteller.writing';
const DONE_SHOWN_MS = 8_000;
const FALLBACK_MODEL = 'amazon.nova-lite-v1:0';

/** What a Continue Writing ended with (the command returns it; tests read it). */
export interface WriteResult {
  readonly status: RequestOutcome['status'] | 'refused';
  /** The text that went into the chapter. */
  readonly text: string;
  readonly code?: string;
  readonly usageLabel?: string;
}

export class ProjectWriter extends Disposable {
  private run: { readonly controller: AbortController; stream?: EditorStream } | undefined;
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

  async continueWriting(): Promise<WriteResult> {
    if (this.run) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t('Storyteller is already writing. Stop it first (Escape), or wait until it ends.'),
      );
      return { status: 'refused', text: '', code: 'busy' };
    }
    const run: { controller: AbortController; stream?: EditorStream } = { controller: new AbortController() };
    this.run = run;
    void vscode.commands.executeCommand('setContext', WRITING_CONTEXT_KEY, true);
    try {
      return await this.write(run);
    } catch (e) {
      return this.refused(e);
    } finally {
      run.stream?.dispose();
      this.run = undefined;
      void vscode.commands.executeCommand('setContext', WRITING_CONTEXT_KEY, false);
    }
  }

  private async write(run: { readonly controller: AbortController; stream?: EditorStream }): Promise<WriteResult> {
    const at = await contextAtCursor(
      vscode.window.activeTextEditor,
      this.settings.storyConfig?.modelId ?? FALLBACK_MODEL,
    );
    const { service } = await this.story.storyService();
    const stream = createEditorStream(at.editor, at.position);
    run.stream = stream;
    const bundle = loadProjectBundle();
    const joiner = bundle.joinerBefore(at.textBefore);
    let received = '';
    this.progress(0);
    const outcome = await service.streamRequest(at.request, bundle.safetyAudience(at.settings.audience), {
      signal: run.controller.signal,
      onDelta: (delta) => {
        const piece = received === '' ? joiner + delta : delta;
        received += piece;
        stream.push(piece);
        this.progress(estimateTokens(received));
      },
    });
    const result = await stream.finish();
    if (!result.complete && result.notInserted !== '') await this.keepElsewhere(result.notInserted);
    if (outcome.blockedMessage)
      await removeBlockedMessage(at.editor, result.range, stream.inserted, outcome.blockedMessage);
    this.done(outcome);
    if ((outcome.status === 'failed' || outcome.status === 'blocked') && outcome.error)
      void this.offer(outcome.error.message, outcome.error.actions);
    this.log.info(
      `Continue Writing in ${at.file}: ${outcome.status}${outcome.usageLabel ? `, ${outcome.usageLabel}` : ''}`,
    );
    return {
      status: outcome.status,
      text: at.editor.document.getText(result.range),
      ...(outcome.error ? { code: outcome.error.code } : {}),
      ...(outcome.usageLabel ? { usageLabel: outcome.usageLabel } : {}),
    };
  }

  /** Nothing was sent: say why, with the button that fixes it. */
  private refused(e: unknown): WriteResult {
    this.item.hide();
    if (e instanceof ProjectRefusal) {
      void vscode.window.showInformationMessage(e.message);
      return { status: 'refused', text: '', code: e.code };
    }
    const error = e as { message?: string; code?: string; actions?: readonly PanelAction[] };
    this.log.warn(`Continue Writing refused: ${error.code ?? 'error'}`);
    if (error.code === undefined) this.log.error('Continue Writing failed', e);
    void this.offer(error.message ?? String(e), error.actions ?? []);
    return { status: 'refused', text: '', code: error.code ?? 'unknown' };
  }

  private async offer(message: string, actions: readonly PanelAction[]): Promise<void> {
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
      retry: [vscode.l10n.t('Try Again'), () => vscode.commands.executeCommand(COMMANDS.continueWriting)],
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

  private progress(tokens: number): void {
    clearTimeout(this.hideTimer);
    this.item.text = `$(loading~spin) ${vscode.l10n.t('Writing… ≈ {0}', formatTokens(tokens))}`;
    this.item.tooltip = vscode.l10n.t(
      'Storyteller is continuing the chapter. Click or press Escape to stop; what is written stays.',
    );
    this.item.command = COMMANDS.stopWriting;
    this.item.show();
  }

  private done(outcome: RequestOutcome): void {
    const label = outcome.usageLabel ?? formatTokens(0);
    this.item.text =
      outcome.status === 'failed' || outcome.status === 'blocked'
        ? `$(error) ${vscode.l10n.t('Not written')}`
        : `$(check) ${label}`;
    this.item.tooltip =
      outcome.status === 'stopped'
        ? vscode.l10n.t('Stopped: what was written stays in the chapter. {0}', label)
        : vscode.l10n.t('Continue Writing: {0}', label);
    this.item.command = undefined;
    clearTimeout(this.hideTimer);
    this.hideTimer = setTimeout(() => this.item.hide(), DONE_SHOWN_MS);
  }
}

/** A guardrail's message streamed in as the last piece: it is not the story, so it leaves the chapter. */
async function removeBlockedMessage(
  editor: vscode.TextEditor,
  range: vscode.Range,
  inserted: string,
  message: string,
): Promise<void> {
  const at = inserted.lastIndexOf(message.trim());
  if (at === -1 || inserted.slice(at + message.trim().length).trim() !== '') return;
  const doc = editor.document;
  const start = doc.positionAt(doc.offsetAt(range.start) + at);
  await editor.edit((b) => b.delete(new vscode.Range(start, range.end)), {
    undoStopBefore: false,
    undoStopAfter: false,
  });
}
