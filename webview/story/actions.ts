// What the user does, as requests and events to the host, and what their answers change.
import type { StoryControls } from '../../src/core/story/protocol/controls';
import type { ParamsOf, ResultOf } from '../../src/core/story/protocol/messages';
import type { PanelAction, ExportTarget, HistoryItem } from '../../src/core/story/protocol/wire';
import { HostError } from './bridge';
import type { HostBridge } from './bridge';
import { storyCleared, storyShown } from './events';
import { chapterOpenedStatus, deletedStatus, exportedStatus, somethingWrong } from './format';
import { canGenerate, isStreaming, toWebviewState, usableActions } from './state';
import type { StoryAction } from './state';
import type { Store } from './store';

/** What actions need from the parts of the panel. */
export interface ActionsView {
  /** The story on screen has text. */
  hasText(): boolean;
  focusModel(): void;
}

/** Requests whose failure goes to the error box. */
type Call =
  | 'stop'
  | 'export'
  | 'history.open'
  | 'history.delete'
  | 'history.openChapter'
  | 'signIn'
  | 'openSettings'
  | 'configure'
  | 'openLink';

const SAVE_DELAY_MS = 150;

export class Actions {
  private saveTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly store: Store,
    private readonly bridge: HostBridge,
    private readonly view: ActionsView,
  ) {}

  generate(controls: StoryControls, modelId: string): void {
    if (!canGenerate(this.store.state)) return;
    void this.startStory({ method: 'generate', params: { controls, modelId } });
  }

  /** Continue or Regenerate the story on screen. */
  again(method: 'continue' | 'regenerate'): void {
    const shown = this.store.state.shown;
    if (shown) void this.startStory({ method, params: { storyId: shown.id } });
  }

  refine(instruction: string): void {
    const shown = this.store.state.shown;
    if (shown) void this.startStory({ method: 'refine', params: { storyId: shown.id, instruction } });
  }

  async startStory(action: StoryAction): Promise<void> {
    this.store.patch({ lastAction: action, error: undefined, busy: true });
    try {
      // The stream itself arrives as story.* events; the reply only acknowledges.
      if (action.method === 'generate') await this.bridge.request('generate', action.params);
      else if (action.method === 'refine') await this.bridge.request('refine', action.params);
      else await this.bridge.request(action.method, action.params);
    } catch (e) {
      const actions = usableActions(this.store.state, refusalActions(e));
      this.store.patch({ error: { message: errorMessage(e), actions } });
    } finally {
      this.store.patch({ busy: false });
    }
  }

  async stop(): Promise<void> {
    const s = this.store.state;
    if (s.shown && isStreaming(s)) await this.call('stop', { storyId: s.shown.id });
  }

  async exportStory(target: ExportTarget): Promise<void> {
    const shown = this.store.state.shown;
    if (!shown) return;
    this.say('');
    const r = await this.call('export', { id: shown.id, target });
    if (r?.exported) this.say(exportedStatus(target));
  }

  /** A story project's entry (#26): its chapter in an editor (the host finds it in the workspace, or says why not). */
  async openChapter(): Promise<void> {
    const shown = this.store.state.shown;
    if (!shown?.origin) return;
    this.store.patch({ status: '', error: undefined });
    if ((await this.call('history.openChapter', { id: shown.id })) === null)
      this.say(chapterOpenedStatus(shown.origin.chapter));
  }

  /** `quiet`: the story saved with the state or a closed panel's; if it is gone, nothing is said. */
  async openStory(id: string, announce: boolean, quiet = false): Promise<void> {
    if (announce) this.say('');
    const r = quiet
      ? await this.bridge.request('history.open', { id }).catch(() => undefined)
      : await this.call('history.open', { id });
    if (r) this.store.commit(storyShown(this.store.state, r.story, announce));
    else if (this.store.state.shown === undefined) this.save();
  }

  async deleteStory(item: HistoryItem): Promise<void> {
    this.store.patch({ status: '', error: undefined });
    const r = await this.call('history.delete', { id: item.id });
    if (!r?.deleted) return;
    if (this.store.state.shown?.id === item.id) {
      this.store.commit(storyCleared(this.store.state));
      this.save();
    }
    this.say(deletedStatus(item.title));
  }

  signIn(): void {
    void this.call('signIn', {});
  }

  openSettings(): void {
    void this.call('openSettings', {});
  }

  configure(): void {
    void this.call('configure', {});
  }

  openLink(url: string): void {
    void this.call('openLink', { url });
  }

  takePanelAction(action: PanelAction, storyId: string | undefined): void {
    const s = this.store.state;
    switch (action) {
      case 'retry':
        if (s.lastAction) void this.startStory(s.lastAction);
        return;
      case 'continue': {
        const id = storyId ?? s.shown?.id;
        if (id) void this.startStory({ method: 'continue', params: { storyId: id } });
        return;
      }
      case 'signIn':
        return this.signIn();
      case 'openSettings':
        return this.openSettings();
      case 'configure':
        return this.configure();
      case 'pickModel':
        return this.view.focusModel();
    }
  }

  /** Keeps the state now: setState, and the host's memory for the next panel. */
  save(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    const state = toWebviewState(this.store.state);
    this.bridge.setState(state);
    // The host keeps it too (in memory), for when this panel is closed and another opened.
    if (state.owner)
      this.bridge.emit('draft', { draft: state.draft, ...(state.storyId ? { storyId: state.storyId } : {}) });
  }

  /** While typing: one save after a pause. */
  saveSoon(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => this.save(), SAVE_DELAY_MS);
  }

  /** The status line belongs to the last action: each action replaces it. */
  private say(text: string): void {
    this.store.patch({ status: text });
  }

  /** A request whose failure is shown in the error box; undefined on failure. */
  private async call<M extends Call>(method: M, params: ParamsOf<M>): Promise<ResultOf<M> | undefined> {
    try {
      return await this.bridge.request(method, params);
    } catch (e) {
      this.store.patch({ error: { message: errorMessage(e), actions: [] } });
      return undefined;
    }
  }
}

/**
 * A refusal before any story exists carries the buttons that fix it (e.g. signIn), often none:
 * a story that is gone or busy is not fixed by asking again.
 */
function refusalActions(e: unknown): readonly PanelAction[] {
  return e instanceof HostError ? e.actions : [];
}

function errorMessage(e: unknown): string {
  return e instanceof HostError || e instanceof Error ? e.message : somethingWrong();
}
