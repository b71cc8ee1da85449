// The host side of the story panel: answers the webview's requests with the story service
// (loaded with the AWS SDK on first use), pushes story events, and keeps the panel's view of
// the account current. One story service per user and settings; sign-out drops it and its credentials.
import * as vscode from 'vscode';
import { SESSION_EXPIRED } from '../../core/auth/session';
import type { SessionState } from '../../core/auth/session';
import type { StorytellerConfig } from '../../core/config';
import { notConfigured, notSignedIn } from '../../core/messages';
import type { HistoryStore } from '../../core/story/history/history';
import { modelInfoFromId } from '../../core/story/generation/models';
import type { StoredStory } from '../../core/story/history/storyFile';
import { elsewhere, notInHistory, stillWriting } from '../../core/story/notices';
import { LIMITS } from '../../core/story/protocol/limits';
import { linkToOpen } from '../../core/story/protocol/links';
import { hostEvent } from '../../core/story/protocol/messages';
import type { HostEvent, RequestHandlers } from '../../core/story/protocol/messages';
import type { PanelMemory } from '../../core/story/protocol/webviewState';
import type {
  AuthState,
  PanelAction,
  HistoryPage,
  ModelInfo,
  StoryKind,
  TokenBudget,
} from '../../core/story/protocol/wire';
import type { GatewayUsage, StoryOutcome, StoryService, StreamHooks } from '../../core/story/service';
import type { Auth } from '../auth/auth';
import { loadAws, loadHistory } from '../bundles';
import type { Log } from '../log';
import { COMMANDS } from '../commandIds';
import { Disposable } from '../lifecycle';
import type { Settings } from '../settings';
import { nativeDialogs } from './dialogs';
import type { StoryDialogs } from './dialogs';
import { exportStory } from './export';
import type { PanelHost } from './panel';
import { PanelError } from './panelError';

const USAGE_KEY = 'storyteller.usage';
/** Stories in the first history page the panel gets; it asks for more as the user scrolls or searches. */
const HISTORY_PAGE = 50;

export class StoryController extends Disposable implements PanelHost {
  /** The story service for `key` (the settings and the user), made on first use. */
  private loaded:
    | {
        key: string;
        sub: string;
        service: StoryService;
        models?: Promise<{ models: readonly ModelInfo[]; defaultModelId: string }>;
      }
    | undefined;
  /** This user's history, listed without the story service (so without the AWS SDK); the service writes through it. */
  private history: { dir: string; store: HistoryStore } | undefined;
  private post: ((event: HostEvent) => unknown) | undefined;
  private lastEditor: vscode.TextEditor | undefined = vscode.window.activeTextEditor;
  /** The panel's one stream at a time (the webview allows one; the host makes sure). */
  private streaming = false;
  /** The running story's text as sent to the panel, so a panel opened meanwhile shows it exactly. */
  private live: { storyId: string; text: string } | undefined;
  /** The form and shown story of the closed panel, for this user only, in memory only. */
  private memory: { sub: string; value: PanelMemory } | undefined;
  /** Re-sends the history while another window writes a story, so its end shows here. */
  private leaseTimer: ReturnType<typeof setTimeout> | undefined;
  /** Asks the gateway again while a stopped story's reservation is still being settled. */
  private budgetTimer: ReturnType<typeof setTimeout> | undefined;
  dialogs: StoryDialogs = nativeDialogs;
  /** Budget mode: the user's token budget as the gateway last told it; undefined in direct mode or before. */
  private budgetNow: TokenBudget | undefined;
  private readonly budgetChanged = this._register(new vscode.EventEmitter<TokenBudget | undefined>());
  /** The budget changed (the status bar's tooltip shows it). */
  readonly onDidChangeBudget = this.budgetChanged.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly auth: Auth,
    private readonly log: Log,
    private readonly settings: Settings,
  ) {
    super();
    this._register(auth.onDidChange((state) => this.onAuthChange(state)));
    this._register(
      settings.onDidChange(() => {
        this.dropStoryService();
        if (!this.config()?.storyGatewayUrl) this.setBudget(undefined);
        void this.pushState().then(() => this.pushUsage());
      }),
    );
    // The panel has focus when the user clicks "Insert", so remember the editor they came from.
    this._register(
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        if (editor) this.lastEditor = editor;
      }),
    );
  }

  readonly handlers: RequestHandlers = {
    generate: ({ controls, modelId }) =>
      this.start('new', (service, hooks) => service.generate(controls, modelId, hooks)),
    continue: ({ storyId }) => this.start('continue', (service, hooks) => service.continue(storyId, hooks)),
    regenerate: ({ storyId }) => this.start('regenerate', (service, hooks) => service.regenerate(storyId, hooks)),
    refine: ({ storyId, instruction }) =>
      this.start('refine', (service, hooks) => service.refine(storyId, instruction, hooks)),
    stop: async ({ storyId }) => {
      this.loaded?.service.stop(storyId);
      return null;
    },
    listModels: () => this.models(),
    'history.list': (query) => this.historyPage(query),
    'history.open': async ({ id }) => {
      const story = await this.story(id);
      const record = loadHistory().toRecord(story, (await this.storyService()).history.writtenElsewhere(story));
      // Still being written here: the text as streamed so far (the file lags), and deltas follow.
      return {
        story: this.live?.storyId === id ? { ...record, text: this.live.text, status: 'streaming' as const } : record,
      };
    },
    'history.delete': async ({ id }) => {
      const story = await this.story(id);
      const service = await this.storyService();
      if (service.isStreaming(id)) throw new PanelError(stillWriting(), 'busy');
      if (service.history.writtenElsewhere(story)) throw new PanelError(elsewhere(), 'busy');
      if (!(await this.dialogs.confirmDelete(story))) return { deleted: false };
      const deleted = await (await this.storyService()).history.delete(id);
      void this.pushHistory();
      return { deleted };
    },
    export: async ({ id, target }) => ({
      exported: await exportStory(await this.story(id), target, {
        dialogs: this.dialogs,
        log: this.log,
        lastEditor: () => this.lastEditor,
      }),
    }),
    signIn: async () => {
      await vscode.commands.executeCommand(COMMANDS.signIn);
      return null;
    },
    openSettings: async () => {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'storyteller');
      return null;
    },
    openLink: async ({ url }) => {
      // A mailto link keeps only its address, subject and body (no ?attach=, cc or other headers).
      const target = linkToOpen(url);
      if (!target)
        throw new PanelError(vscode.l10n.t('Only http, https and mailto links can be opened.'), 'invalidLink');
      await vscode.env.openExternal(vscode.Uri.parse(target, true));
      return null;
    },
  };

  onReady(post: (event: HostEvent) => unknown): void {
    this.post = post;
    void this.pushAll(true);
  }

  onDraft(memory: PanelMemory): void {
    const state = this.auth.sessions.current;
    this.memory = state.kind === 'signedOut' ? undefined : { sub: state.session.sub, value: memory };
  }

  onClosed(): void {
    this.post = undefined;
    clearTimeout(this.leaseTimer);
    clearTimeout(this.budgetTimer);
  }

  override dispose(): void {
    clearTimeout(this.leaseTimer);
    clearTimeout(this.budgetTimer);
    this.dropStoryService();
    super.dispose();
  }

  /** Runs a story; answers the request as soon as the story exists, and streams the rest as events. */
  private async start(
    kind: StoryKind,
    call: (service: StoryService, hooks: StreamHooks) => Promise<StoryOutcome>,
  ): Promise<{ storyId: string }> {
    if (this.streaming)
      throw new PanelError(
        vscode.l10n.t('A story is already being written in this panel. Stop it first, or wait until it ends.'),
        'busy',
      );
    this.streaming = true;
    let service: StoryService;
    try {
      service = await this.storyService();
    } catch (e) {
      this.streaming = false;
      throw e;
    }
    return new Promise((resolve, reject) => {
      let storyId: string | undefined;
      const hooks: StreamHooks = {
        onStart: (start) => {
          storyId = start.storyId;
          this.live = { storyId, text: start.text };
          this.emit(
            hostEvent('story.started', {
              storyId: start.storyId,
              modelId: start.modelId,
              controls: start.controls,
              kind: start.kind,
            }),
          );
          resolve({ storyId });
        },
        onDelta: (text) => {
          if (!storyId) return;
          if (this.live?.storyId === storyId) this.live.text += text;
          // The delivery: the batcher sends the next delta once this one reached the panel.
          return this.emit(hostEvent('story.delta', { storyId, text }));
        },
      };
      call(service, hooks).then(
        (outcome) => {
          this.streaming = false;
          this.live = undefined;
          this.finish(outcome);
          resolve({ storyId: outcome.storyId });
        },
        (e: unknown) => {
          this.streaming = false;
          this.live = undefined;
          // No story was created: say why, with the button that fixes it.
          const error = e as { message?: string; code?: string; actions?: readonly PanelAction[] };
          this.log.warn(`Story (${kind}) refused: ${error.code ?? 'error'}`);
          // An unexpected error (no code, no actions) may pass: offer Retry.
          const actions = error.actions ?? (error.code === undefined ? ['retry' as const] : []);
          reject(new PanelError(error.message ?? String(e), error.code ?? 'unknown', actions));
        },
      );
    });
  }

  private finish(outcome: StoryOutcome): void {
    const { storyId } = outcome;
    // The story's totals (all its turns), so the panel shows the number its history row shows (#24).
    const usage = outcome.storyUsage ?? outcome.usage;
    const cost = outcome.storyUsage ? (outcome.storyCost ?? null) : outcome.cost;
    if (outcome.status === 'done') {
      this.emit(
        hostEvent('story.done', {
          storyId,
          usage: usage ?? { inputTokens: 0, outputTokens: 0, totalTokens: 0 },
          cost,
          stopReason: outcome.stopReason ?? 'end_turn',
        }),
      );
    } else if (outcome.status === 'stopped') {
      this.emit(hostEvent('story.stopped', { storyId, ...(usage ? { usage, cost } : {}) }));
    } else if (outcome.error) {
      const { code, message, actions, partialKept, retryAt } = outcome.error;
      this.log.warn(`Story ${storyId} failed: ${code}`);
      this.emit(
        hostEvent('story.error', {
          storyId,
          code,
          message,
          actions,
          partialKept,
          ...(retryAt !== undefined ? { retryAt } : {}),
        }),
      );
    }
    void this.pushHistory();
    void this.pushUsage();
  }

  private emit(event: HostEvent): unknown {
    return this.post?.(event);
  }

  /** The story service for the current settings and user; the AWS SDK loads here, on first use. */
  private async storyService(): Promise<StoryService> {
    const config = this.config();
    if (!config) throw new PanelError(notConfigured(), 'notConfigured', ['openSettings']);
    const session = await this.auth.sessions.peek();
    if (!session) throw new PanelError(notSignedIn(), 'notSignedIn', ['signIn']);
    // Hosts outside AWS are confirmed once each before the ID token or credentials go there (#12).
    await this.auth.approveEndpoints([
      config.endpoints.cognitoIdentity,
      config.endpoints.bedrockRuntime,
      config.endpoints.bedrock,
      // Budget mode: the ID token goes to the gateway too. A function URL is asked about like any
      // host (any AWS account can make one), unless Configure from Stack Outputs set it.
      config.storyGatewayUrl || undefined,
    ]);
    const key = JSON.stringify([config, session.sub]);
    if (this.loaded?.key === key) return this.loaded.service;
    this.dropStoryService();
    const service = loadAws().createStoryService({
      config,
      sessions: this.auth.sessions,
      // Per user, so one person never sees another's stories on a shared machine.
      historyDir: this.historyStore(session.sub).dir,
      history: this.historyStore(session.sub),
      usage: {
        // One file every window adds to (globalState would keep whichever window saved last);
        // the totals an older version kept in globalState seed it.
        file: vscode.Uri.joinPath(this.context.globalStorageUri, 'usage', `${session.sub}.json`).fsPath,
        initial: this.context.globalState.get(`${USAGE_KEY}.${session.sub}`),
      },
      log: (line) => this.log.info(line),
    });
    this.loaded = { key, sub: session.sub, service };
    return service;
  }

  private dropStoryService(): void {
    if (!this.loaded) return;
    this.loaded.service.onSignOut();
    this.loaded.service.dispose();
    this.loaded = undefined;
  }

  private config(): StorytellerConfig | undefined {
    return this.settings.storyConfig;
  }

  private authState(): AuthState {
    if (!this.config()) return { kind: 'unconfigured' };
    const state = this.auth.sessions.current;
    switch (state.kind) {
      case 'signedIn':
        return { kind: 'signedIn', email: state.session.email };
      case 'offline':
        return { kind: 'offline', email: state.session.email };
      case 'signedOut':
        return state.reason === SESSION_EXPIRED ? { kind: 'sessionExpired' } : { kind: 'signedOut' };
    }
  }

  private onAuthChange(state: SessionState): void {
    const sub = state.kind === 'signedOut' ? undefined : state.session.sub;
    if (this.loaded && this.loaded.sub !== sub) {
      this.dropStoryService();
      // One user's budget is never shown to the next.
      this.setBudget(undefined);
    }
    // What the previous user typed is never handed to the next one.
    if (this.memory && this.memory.sub !== sub) this.memory = undefined;
    void this.pushAll(false);
  }

  /**
   * What the webview needs after `ready` or an account change, in the protocol's order; after
   * `ready`, also the form and story of this user's panel from before it was closed.
   */
  private async pushAll(ready: boolean): Promise<void> {
    await this.pushState();
    const state = this.auth.sessions.current;
    if (ready && this.memory && state.kind !== 'signedOut' && state.session.sub === this.memory.sub)
      this.emit(hostEvent('restore', this.memory.value));
    await this.pushHistory();
    await this.pushUsage();
  }

  /** Bedrock's list when the role may read it, else the settings'; the settings' while signed out. */
  private async models(): Promise<{ models: readonly ModelInfo[]; defaultModelId: string }> {
    const config = this.settings.current;
    const fallback = config.ok
      ? { models: config.config.models.map(modelInfoFromId), defaultModelId: config.config.modelId }
      : { models: [], defaultModelId: 'amazon.nova-lite-v1:0' };
    if (this.authState().kind !== 'signedIn') return fallback;
    try {
      const service = await this.storyService();
      const loaded = this.loaded!;
      loaded.models ??= service.listModels().then(({ models, defaultModelId }) => ({ models, defaultModelId }));
      return await loaded.models;
    } catch (e) {
      if (this.loaded) delete this.loaded.models;
      this.log.warn(`Could not list models (${(e as { code?: string }).code ?? 'error'}); using storyteller.models.`);
      return fallback;
    }
  }

  private async pushState(): Promise<void> {
    if (!this.post) return;
    const { models, defaultModelId } = await this.models();
    this.emit(hostEvent('state', { auth: this.authState(), models, defaultModelId }));
  }

  /** One page of the history (the newest by default, or a search), with how many stories there are in all. */
  private async historyPage(
    query: { readonly offset?: number; readonly limit?: number; readonly query?: string } = {},
  ): Promise<HistoryPage> {
    const session = this.config() ? await this.auth.sessions.peek() : undefined;
    if (!session) return { items: [] };
    const search = query.query?.trim() ?? '';
    const list = await this.historyStore(session.sub).page({
      offset: query.offset ?? 0,
      limit: query.limit ?? HISTORY_PAGE,
      query: search,
    });
    for (const problem of list.problems) this.log.warn(`Story history: skipped ${problem.file}: ${problem.message}`);
    return {
      ...loadHistory().toHistoryPage(list.items, LIMITS.historyPageMax),
      total: list.total,
      offset: list.offset,
      ...(search ? { query: search } : {}),
    };
  }

  /** Per user, so one person never sees another's stories on a shared machine. */
  private historyStore(sub: string): HistoryStore {
    const dir = vscode.Uri.joinPath(this.context.globalStorageUri, 'stories', sub).fsPath;
    if (this.history?.dir !== dir) this.history = { dir, store: new (loadHistory().HistoryStore)(dir) };
    return this.history.store;
  }

  private async pushHistory(): Promise<void> {
    if (!this.post) return;
    const page = await this.historyPage().catch(() => ({ items: [] }) as HistoryPage);
    this.emit(hostEvent('history', page));
    clearTimeout(this.leaseTimer);
    if (page.items.some((i) => i.elsewhere))
      this.leaseTimer = setTimeout(() => void this.pushHistory(), loadHistory().LEASE_MS / 3);
  }

  private async pushUsage(): Promise<void> {
    if (!this.post || !this.loaded) return;
    await this.loaded.service.refreshUsage();
    if (!this.post || !this.loaded) return;
    const today = this.loaded.service.usageToday();
    this.emit(
      hostEvent('usage.today', { inputTokens: today.inputTokens, outputTokens: today.outputTokens, cost: today.cost }),
    );
    await this.pushBudget(this.loaded.service);
  }

  /** Budget mode: what the gateway says is left today (GET /usage), for the panel and the status bar. */
  private async pushBudget(service: StoryService, again = 3): Promise<void> {
    clearTimeout(this.budgetTimer);
    if (!service.budgetMode) {
      this.setBudget(undefined);
      this.emit(hostEvent('usage.budget', null));
      return;
    }
    const usage = await service.budget();
    // Unknown (the gateway could not say): the panel keeps what it showed.
    if (!usage || this.loaded?.service !== service) return;
    const budget = toTokenBudget(usage);
    this.setBudget(budget);
    this.emit(hostEvent('usage.budget', budget));
    // A stopped story settles a moment after the stop: until then its whole reservation counts.
    if (usage.tokensReserved > 0 && !this.streaming && again > 0)
      this.budgetTimer = setTimeout(() => void this.pushBudget(service, again - 1), 1500);
  }

  private setBudget(budget: TokenBudget | undefined): void {
    if (budget === this.budgetNow) return;
    this.budgetNow = budget;
    this.budgetChanged.fire(budget);
  }

  /** The budget as last known (tests and the status bar read it). */
  get budget(): TokenBudget | undefined {
    return this.budgetNow;
  }

  private async story(id: string): Promise<StoredStory> {
    const story = await (await this.storyService()).history.get(id);
    if (!story) throw new PanelError(notInHistory(), 'notFound');
    return story;
  }
}

function toTokenBudget(u: GatewayUsage): TokenBudget {
  return {
    dailyTokens: u.dailyTokens,
    tokensLeft: Math.min(u.tokensLeft, u.dailyTokens),
    resetsAt: Date.parse(u.resetsAt),
  };
}
