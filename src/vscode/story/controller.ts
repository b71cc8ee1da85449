// The host side of the story panel: answers the webview's requests, runs one story at a time and
// streams its events, and keeps the panel's view of the account current. The user's stories, story
// service and form live in a StorySession (one per user); the budget in a BudgetWatcher; the
// history requests in historyRequests.ts.
import * as vscode from 'vscode';
import type { SessionState } from '../../core/auth/session';
import type { StorytellerConfig } from '../../core/config';
import { NOT_CONFIGURED } from '../../core/actions';
import { notConfigured, notSignedIn } from '../../core/messages';
import { modelInfoFromId } from '../../core/story/generation/models';
import { linkToOpen } from '../../core/story/protocol/links';
import { hostEvent } from '../../core/story/protocol/messages';
import type { HostEvent, HostEvents, RequestHandlers } from '../../core/story/protocol/messages';
import type { PanelMemory } from '../../core/story/protocol/webviewState';
import type { AuthState, PanelAction, StoryKind, TokenBudget } from '../../core/story/protocol/wire';
import type { StoryService } from '../../core/story/service';
import type { StoryOutcome, StreamHooks } from '../../core/story/storyApi';
import type { DaySummary } from '../../core/story/usage/usage';
import type { Auth } from '../auth/auth';
import { loadHistory } from '../bundles';
import type { Log } from '../log';
import { COMMANDS } from '../commandIds';
import { Disposable } from '../lifecycle';
import type { Settings } from '../settings';
import { offerCheckSetup } from '../commands/offerCheckSetup';
import { BudgetWatcher } from './budgetWatcher';
import type { BudgetTarget } from './budgetWatcher';
import type { StoryDialogs } from './dialogs';
import { historyPage, historyRequests } from './historyRequests';
import type { HistoryContext } from './historyRequests';
import type { PanelHost } from './panel';
import { PanelError } from './panelError';
import { StorySession } from './session';
import type { ModelChoice } from './session';

export class StoryController extends Disposable implements PanelHost {
  /** The signed-in user's stories and story service; replaced when another user signs in. */
  private current: StorySession | undefined;
  private post: ((event: HostEvent) => unknown) | undefined;
  private lastEditor: vscode.TextEditor | undefined = vscode.window.activeTextEditor;
  /** The panel's one stream at a time (the webview allows one; the host makes sure). */
  private streaming = false;
  /** Re-sends the history while another window writes a story, so its end shows here. */
  private leaseTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly budgetWatcher = this._register(new BudgetWatcher());
  /** The budget changed (the status bar's tooltip shows it). */
  readonly onDidChangeBudget = this.budgetWatcher.onDidChange;
  private readonly history: HistoryContext = {
    session: async () => (this.config() && (await this.auth.sessions.peek()) ? this.session() : undefined),
    dialogs: () => this.dialogs(),
    log: () => this.log,
    lastEditor: () => this.lastEditor,
    changed: () => void this.pushHistory(),
  };

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly auth: Auth,
    private readonly log: Log,
    private readonly settings: Settings,
    /** Asked each time: the integration suites' build can swap them. */
    private readonly dialogs: () => StoryDialogs,
  ) {
    super();
    this._register(auth.onDidChange((state) => this.onAuthChange(state)));
    this._register(
      settings.onDidChange(() => {
        this.current?.dropService();
        if (!this.config()?.storyGatewayUrl) this.budgetWatcher.clear();
        // The model list just asked the gateway: its reading is the budget's too.
        void this.pushState().then(() => this.pushUsage(true));
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
      this.current?.service?.stop(storyId);
      return null;
    },
    listModels: () => this.models(),
    ...historyRequests(this.history),
    signIn: async () => {
      await vscode.commands.executeCommand(COMMANDS.signIn);
      return null;
    },
    openSettings: async () => {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'storyteller');
      return null;
    },
    configure: async () => {
      await vscode.commands.executeCommand(COMMANDS.configureFromStack);
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
    const session = this.session();
    if (session) session.memory = memory;
  }

  onClosed(): void {
    this.post = undefined;
    clearTimeout(this.leaseTimer);
    this.budgetWatcher.stop();
  }

  override dispose(): void {
    clearTimeout(this.leaseTimer);
    this.current?.dispose();
    this.current = undefined;
    super.dispose();
  }

  /** The budget as last known (tests and the status bar read it). */
  get budget(): TokenBudget | undefined {
    return this.budgetWatcher.budget;
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
    let session: StorySession;
    try {
      ({ service, session } = await this.storyService());
    } catch (e) {
      this.streaming = false;
      throw e;
    }
    return new Promise((resolve, reject) => {
      const ended = () => {
        this.streaming = false;
        session.live = undefined;
      };
      call(service, this.streamHooks(session, resolve)).then(
        (outcome) => {
          ended();
          this.finish(outcome);
          resolve({ storyId: outcome.storyId });
        },
        (e: unknown) => {
          ended();
          // No story was created: say why, with the button that fixes it.
          const error = e as { message?: string; code?: string; actions?: readonly PanelAction[] };
          this.log.warn(`Story (${kind}) refused: ${error.code ?? 'error'}`);
          offerCheckSetup(error.code);
          // An unexpected error (no code, no actions) may pass: offer Retry.
          const actions = error.actions ?? (error.code === undefined ? ['retry' as const] : []);
          reject(new PanelError(error.message ?? String(e), error.code ?? 'unknown', actions));
        },
      );
    });
  }

  /** Sends story.started (and answers the request) once the story exists, then its deltas as they come. */
  private streamHooks(session: StorySession, started: (value: { storyId: string }) => void): StreamHooks {
    let storyId: string | undefined;
    return {
      onStart: (start) => {
        storyId = start.storyId;
        session.live = { storyId, text: start.text };
        this.emit(
          hostEvent('story.started', {
            storyId: start.storyId,
            modelId: start.modelId,
            controls: start.controls,
            kind: start.kind,
          }),
        );
        started({ storyId });
      },
      onDelta: (text) => {
        if (!storyId) return;
        if (session.live?.storyId === storyId) session.live.text += text;
        // The delivery: the batcher sends the next delta once this one reached the panel.
        return this.emit(hostEvent('story.delta', { storyId, text }));
      },
    };
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
      offerCheckSetup(code);
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

  /** The session of the user signed in now, made on first use; undefined while signed out. */
  private session(): StorySession | undefined {
    const state = this.auth.sessions.current;
    if (state.kind === 'signedOut') return undefined;
    if (this.current?.sub !== state.session.sub) {
      this.current?.dispose();
      this.current = new StorySession(state.session.sub, this.context, this.auth, this.log);
    }
    return this.current;
  }

  /** A story project's command wrote a history entry (#26): the panel lists it. */
  historyChanged(): void {
    void this.pushHistory();
  }

  /** Check Setup: the signed-in user's story service, or a PanelError saying why not (not configured, signed out). */
  async setupService(): Promise<StoryService> {
    return (await this.storyService()).service;
  }

  /**
   * The story service for the current settings and user; the AWS SDK loads here, on first use.
   * Story projects' Continue Writing uses it too. Throws a PanelError (not configured, not signed in).
   */
  async storyService(): Promise<{ service: StoryService; session: StorySession }> {
    const config = this.config();
    if (!config) throw new PanelError(notConfigured(), NOT_CONFIGURED.code, [NOT_CONFIGURED.action]);
    const signedIn = await this.auth.sessions.peek();
    const session = signedIn && this.session();
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
    return { service: session.storyService(config), session };
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
        return state.cause === 'expired' ? { kind: 'sessionExpired' } : { kind: 'signedOut' };
    }
  }

  private onAuthChange(state: SessionState): void {
    const sub = state.kind === 'signedOut' ? undefined : state.session.sub;
    if (this.current && this.current.sub !== sub) {
      // Everything of this user goes with their session: service, form, live text; and their budget.
      this.current.dispose();
      this.current = undefined;
      this.budgetWatcher.clear();
    }
    void this.pushAll(false);
  }

  /**
   * What the webview needs after `ready` or an account change, in the protocol's order; after
   * `ready`, also the form and story of this user's panel from before it was closed.
   */
  private async pushAll(ready: boolean): Promise<void> {
    await this.pushState();
    const memory = this.session()?.memory;
    if (ready && memory && this.auth.sessions.current.kind !== 'signedOut') this.emit(hostEvent('restore', memory));
    await this.pushHistory();
    // The model list just asked the gateway: its reading is the budget's too.
    await this.pushUsage(true);
  }

  /** Bedrock's list when the role may read it, else the settings'; the settings' while signed out. */
  private async models(): Promise<ModelChoice> {
    const config = this.settings.current;
    const fallback = config.ok
      ? { models: config.config.models.map(modelInfoFromId), defaultModelId: config.config.modelId }
      : { models: [], defaultModelId: 'amazon.nova-lite-v1:0' };
    if (this.authState().kind !== 'signedIn') return fallback;
    try {
      const { service, session } = await this.storyService();
      return await session.models(service);
    } catch (e) {
      this.log.warn(`Could not list models (${(e as { code?: string }).code ?? 'error'}); using storyteller.models.`);
      return fallback;
    }
  }

  private async pushState(): Promise<void> {
    if (!this.post) return;
    const { models, defaultModelId } = await this.models();
    this.emit(hostEvent('state', { auth: this.authState(), models, defaultModelId }));
    const config = this.settings.current;
    // Budget mode: the gateway applies its own policy, so the panel shows the one it reported.
    const reported = this.budgetWatcher.policy;
    this.emit(
      hostEvent(
        'contentPolicy',
        reported
          ? { policy: reported, source: 'gateway' }
          : { policy: config.ok ? config.config.contentSafety.policy : 'Off', source: 'settings' },
      ),
    );
  }

  private async pushHistory(): Promise<void> {
    if (!this.post) return;
    const page = await historyPage(this.history).catch(() => ({ items: [] }));
    this.emit(hostEvent('history', page));
    clearTimeout(this.leaseTimer);
    if (page.items.some((i) => i.elsewhere))
      this.leaseTimer = setTimeout(() => void this.pushHistory(), loadHistory().LEASE_MS / 3);
  }

  /** Today's usage in this window and, in budget mode, the gateway's budget; `reuse` as in BudgetWatcher.refresh. */
  private async pushUsage(reuse = false): Promise<void> {
    const service = this.current?.service;
    if (!this.post || !service) return;
    await service.refreshUsage();
    if (!this.post || this.current?.service !== service) return;
    const today = service.usageToday();
    this.emit(
      hostEvent('usage.today', {
        inputTokens: today.inputTokens,
        outputTokens: today.outputTokens,
        cost: today.cost,
        cacheReadInputTokens: today.cacheReadInputTokens,
        cacheWriteInputTokens: today.cacheWriteInputTokens,
        ...projectsOf(today),
      }),
    );
    await this.budgetWatcher.refresh(service, this.budgetTarget, reuse);
  }

  private readonly budgetTarget: BudgetTarget = {
    show: (budget) => this.emit(hostEvent('usage.budget', budget)),
    wants: (service) => this.post !== undefined && this.current?.service === service,
    busy: () => this.streaming,
    policy: (policy) => this.emit(hostEvent('contentPolicy', { policy, source: 'gateway' })),
  };
}

/** Today's story projects for the panel's header (#26), or nothing; plain data, so no usage code loads here. */
function projectsOf(today: DaySummary): Pick<HostEvents['usage.today'], 'projects'> {
  const projects = today.byProject.map(({ project, requests, totalTokens, cost }) => ({
    project,
    requests,
    totalTokens,
    cost,
  }));
  return projects.length > 0 ? { projects } : {};
}
