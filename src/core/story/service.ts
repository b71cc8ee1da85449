// The story service behind the panel: credentials, prompt, stream, batching, history and usage in
// one object, so the VS Code glue only wires messages to it. Loaded through dist/story.js
// (createStoryService); the glue imports these types with `import type` only.
//
// Failure rules: methods throw a StoryError only when no story was created (not signed in, not
// configured, invalid controls, unknown story); once a story exists they resolve with its
// outcome, 'failed' ones carrying the error and the text so far.
import * as l10n from '@vscode/l10n';
import { NOT_CONFIGURED } from '../actions';
import { notConfigured } from '../messages';
import { DeltaBatcher, FRAME_MS } from './batcher';
import { BedrockStories, USAGE_SHARED_MS } from './generation/bedrock';
import type { ModelList, StoryResult } from './generation/bedrock';
import { CognitoCredentials } from './generation/credentials';
import type { GatewayUsage } from './generation/gateway';
import { StoryError, isCredentialError, toStoryError } from './errors';
import { HistoryStore } from './history/history';
import { recordProject } from './history/projectStory';
import { modelInfoFromId } from './generation/models';
import type { StoredStory } from './history/storyFile';
import { PromptError, buildConverseRequest } from './prompt';
import type { ConverseRequest } from './prompt';
import type { PromptStep } from './protocol/controls';
import { titleFromPremise } from './protocol/titles';
import type { StoryControls } from './protocol/controls';
import type { ModelInfo, StoryKind } from './protocol/wire';
import { addCosts, addUsages, estimateCost, estimateUsage, formatUsage, requestText } from './usage/usage';
import type { DaySummary } from './usage/usage';
import { UsageTotals, formatOrigin } from './usage/totals';
import { blockedOutcome, joiner, turnOf } from './turns';
import { elsewhere, notInHistory, projectEntry, stillWriting } from './notices';
import { blockedError, guardrailFor } from './safety';
import { guardrailConfigOf } from '../../../infra/src/gateway/safety';
import type { RequestHooks, RequestOutcome, StoryOutcome, StoryServiceOptions, StreamHooks } from './storyApi';

export function createStoryService(options: StoryServiceOptions): StoryService {
  return new StoryService(options);
}

export class StoryService {
  readonly history: HistoryStore;
  private readonly credentials: CognitoCredentials;
  private readonly bedrock: BedrockStories;
  private readonly running = new Map<string, AbortController>();
  private requests = 0;
  private readonly totals: UsageTotals;
  private readonly log: (line: string) => void;

  constructor(private readonly options: StoryServiceOptions) {
    const { config } = options;
    this.log = options.log ?? (() => undefined);
    this.credentials = new CognitoCredentials({
      region: config.region,
      identityPoolId: config.identityPoolId,
      userPoolId: config.userPoolId,
      sessions: options.sessions,
      ...(config.endpoints.cognitoIdentity ? { endpoint: config.endpoints.cognitoIdentity } : {}),
    });
    this.bedrock = new BedrockStories({
      region: config.region,
      credentials: this.credentials.provider(),
      // Budget mode: through the stack's story gateway, with the user's ID token as the budget key.
      ...(config.storyGatewayUrl
        ? {
            gateway: {
              url: config.storyGatewayUrl,
              idToken: async () => (await options.sessions.getSession()).idToken,
            },
          }
        : {}),
      ...(config.endpoints.bedrockRuntime ? { runtimeEndpoint: config.endpoints.bedrockRuntime } : {}),
      ...(config.endpoints.bedrock ? { controlEndpoint: config.endpoints.bedrock } : {}),
      ...(options.requestHandler ? { requestHandler: options.requestHandler } : {}),
      ...(options.throttleRetry ? { throttleRetry: options.throttleRetry } : {}),
    });
    this.history =
      options.history ??
      new HistoryStore(
        options.historyDir,
        options.saveIntervalMs !== undefined ? { saveIntervalMs: options.saveIntervalMs } : {},
      );
    this.totals = new UsageTotals(options.usage, this.log);
  }

  /** Writes a new story. */
  async generate(
    controls: StoryControls,
    modelId: string = this.options.config.modelId,
    hooks: StreamHooks = {},
  ): Promise<StoryOutcome> {
    const request = this.build(modelId, controls, { kind: 'new' });
    await this.ensureCredentials();
    const story = this.newStory(controls, modelId, 'new');
    return this.stream(story, 'new', request, '', hooks);
  }

  /** Appends to a story, sending it so far as the model's own turn. */
  async continue(storyId: string, hooks: StreamHooks = {}): Promise<StoryOutcome> {
    const story = await this.existing(storyId);
    const request = this.build(story.modelId, story.controls, { kind: 'continue', story: story.text });
    await this.ensureCredentials();
    return this.stream(story, 'continue', request, joiner(story.text), hooks);
  }

  /** Writes the story again from the same controls and model, as a new story. */
  async regenerate(storyId: string, hooks: StreamHooks = {}): Promise<StoryOutcome> {
    const original = await this.existing(storyId);
    const request = this.build(original.modelId, original.controls, { kind: 'regenerate' });
    await this.ensureCredentials();
    return this.stream(
      this.newStory(original.controls, original.modelId, 'regenerate', original.id),
      'regenerate',
      request,
      '',
      hooks,
    );
  }

  /** Rewrites the story following the instruction, as a new story; the original stays. */
  async refine(storyId: string, instruction: string, hooks: StreamHooks = {}): Promise<StoryOutcome> {
    const original = await this.existing(storyId);
    const request = this.build(original.modelId, original.controls, {
      kind: 'refine',
      story: original.text,
      instruction,
    });
    await this.ensureCredentials();
    const story = this.newStory(original.controls, original.modelId, 'refine', original.id);
    return this.stream(story, 'refine', request, '', hooks, instruction.trim());
  }

  /** The configured model (`storyteller.modelId`), for requests that name none of their own. */
  get defaultModelId(): string {
    return this.options.config.modelId;
  }

  /**
   * Streams a request built elsewhere (a story project's Continue Writing), direct or through the
   * gateway as configured, and records its usage and (with an origin) its history entry.
   * Throws a StoryError only before anything is sent (not configured, not signed in).
   */
  async streamRequest(
    unguarded: ConverseRequest,
    audience: StoryControls['audience'],
    hooks: RequestHooks = {},
  ): Promise<RequestOutcome> {
    const { config } = this.options;
    if (!config.userPoolId || !config.identityPoolId)
      throw new StoryError(notConfigured(), NOT_CONFIGURED.code, [NOT_CONFIGURED.action]);
    // Direct mode: the stack's guardrail for the audience, as every story has it (#27); the gateway applies its own.
    const guardrailConfig = this.budgetMode
      ? undefined
      : guardrailConfigOf(guardrailFor(config.contentSafety, { audience }));
    const request: ConverseRequest = { ...unguarded, ...(guardrailConfig ? { guardrailConfig } : {}) };
    await this.ensureCredentials();
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    if (hooks.signal?.aborted) controller.abort();
    hooks.signal?.addEventListener('abort', onAbort, { once: true });
    // Among the running streams, so sign-out and dispose stop it too.
    const key = `request-${++this.requests}`;
    this.running.set(key, controller);
    try {
      const result = await this.streamWithCredentialRetry(
        request,
        controller.signal,
        (d) => hooks.onDelta?.(d),
        audience,
      );
      const usage =
        result.usage ?? (result.text.trim() !== '' ? estimateUsage(requestText(request), result.text) : undefined);
      const cost = usage ? estimateCost(usage, request.modelId, config.modelPrices) : null;
      if (usage) await this.totals.record(usage, cost, hooks.origin);
      this.log(
        `Project request${formatOrigin(hooks.origin)}: ${result.status}${usage ? `, ${formatUsage(usage, cost)}` : ''}`,
      );
      const error =
        result.status === 'blocked'
          ? blockedError(result.blocked ?? { part: 'premise', message: result.text })
          : result.error;
      const step = { request, audience, result, usage, cost, error };
      return {
        ...(await recordProject(this.history, hooks.origin, step, this.log)),
        status: result.status,
        text: result.text,
        ...(result.blocked ? { blockedMessage: result.blocked.message } : {}),
        ...(usage ? { usage, usageLabel: formatUsage(usage, cost) } : {}),
        cost,
        ...(result.stopReason ? { stopReason: result.stopReason } : {}),
        ...(error ? { error: error.info() } : {}),
      };
    } finally {
      hooks.signal?.removeEventListener('abort', onAbort);
      this.running.delete(key);
    }
  }

  /** Stops one streaming story, or all of them. The partial text is kept. */
  stop(storyId?: string): void {
    for (const [id, controller] of this.running) if (storyId === undefined || id === storyId) controller.abort();
  }

  isStreaming(storyId: string): boolean {
    return this.running.has(storyId);
  }

  /** Models for the picker, from Bedrock or (when the role may not list them) the settings. */
  async listModels(): Promise<ModelList & { readonly defaultModelId: string }> {
    const list = await this.bedrock.listModels(this.options.config.models);
    if (list.source === 'settings' && list.reason) this.log(`Model list from settings: ${list.reason}`);
    // Named from the id, as when signed out: the same short name either way (the emulator, for
    // one, names every model "Local story engine …").
    const models: ModelInfo[] = list.models.map((m) => modelInfoFromId(m.id));
    const defaultModelId = this.options.config.modelId;
    // The configured default is always offered, even when Bedrock's list does not name it.
    if (!models.some((m) => m.id === defaultModelId)) models.unshift(modelInfoFromId(defaultModelId));
    return { ...list, models, defaultModelId };
  }

  /** True when stories go through the story gateway, which keeps a daily token budget per user. */
  get budgetMode(): boolean {
    return this.options.config.storyGatewayUrl !== '';
  }

  /**
   * Budget mode: this user's tokens left today, from the gateway (GET /usage); null in direct mode
   * or when the gateway could not say (logged: the panel then keeps what it showed). `reuse`: a
   * reading made moments ago (the model list's, on a panel's load) is answer enough.
   */
  async budget(reuse = false): Promise<GatewayUsage | null> {
    if (!this.budgetMode) return null;
    try {
      await this.ensureCredentials();
      return await this.bedrock.usage(reuse ? USAGE_SHARED_MS : 0);
    } catch (e) {
      this.log(`Could not read the token budget: ${toStoryError(e).code} (${(e as Error).name})`);
      return null;
    }
  }

  usageToday(at: Date = new Date()): DaySummary {
    return this.totals.today(at);
  }

  /** Re-reads the shared totals (other windows add to them too). */
  refreshUsage(): Promise<void> {
    return this.totals.refresh();
  }

  /** Check Setup: the signed-in user's credentials, as before a story (one refresh if refused). */
  checkCredentials(): Promise<void> {
    return this.ensureCredentials();
  }

  /** Check Setup: a one-token request to the model (the gateway's in budget mode); its failure, if any. */
  async probe(modelId: string): Promise<{ readonly code: string; readonly message: string } | undefined> {
    const result = await this.bedrock.generate({
      modelId,
      system: [{ text: 'Answer in one word.' }],
      messages: [{ role: 'user', content: [{ text: 'Say OK.' }] }],
      inferenceConfig: { maxTokens: 1, temperature: 0 },
    });
    return result.status === 'failed' && result.error
      ? { code: result.error.code, message: result.error.message }
      : undefined;
  }

  /** Sign-out or user change: stop every stream and forget the credentials. */
  onSignOut(): void {
    this.stop();
    this.credentials.clear();
  }

  dispose(): void {
    this.stop();
    this.credentials.dispose();
    this.bedrock.destroy();
  }

  private build(modelId: string, controls: StoryControls, step: PromptStep) {
    const { config } = this.options;
    if (!config.userPoolId || !config.identityPoolId) {
      throw new StoryError(notConfigured(), NOT_CONFIGURED.code, [NOT_CONFIGURED.action]);
    }
    // Direct mode: the stack's guardrail for the audience, which IAM requires (#27); the gateway applies its own.
    const guardrail = this.budgetMode ? undefined : guardrailFor(config.contentSafety, controls);
    try {
      return buildConverseRequest(modelId, controls, step, guardrail);
    } catch (e) {
      if (e instanceof PromptError) throw new StoryError(e.message, 'invalidControls', []);
      throw e;
    }
  }

  private async existing(storyId: string): Promise<StoredStory> {
    if (this.running.has(storyId)) throw new StoryError(stillWriting(), 'busy', []);
    let story: StoredStory | undefined;
    try {
      story = await this.history.get(storyId);
    } catch (e) {
      throw new StoryError(
        l10n.t('That story could not be read from the history: {0}', (e as Error).message),
        'historyCorrupt',
        [],
      );
    }
    if (!story) throw new StoryError(notInHistory(), 'notFound', []);
    if (story.origin) throw new StoryError(projectEntry(), 'projectEntry', []);
    if (this.history.writtenElsewhere(story)) throw new StoryError(elsewhere(), 'busy', []);
    return story;
  }

  /** Credentials before a story is created, with one refresh if the identity pool refuses the ID token. */
  private async ensureCredentials(): Promise<void> {
    const endpoint = this.options.config.endpoints.cognitoIdentity;
    const ctx = endpoint ? { endpoint } : {};
    try {
      await this.credentials.get();
    } catch (e) {
      if (!isCredentialError(e)) throw toStoryError(e, ctx);
      this.log('The identity pool refused the ID token; refreshing the session once.');
      try {
        await this.options.sessions.refresh?.();
        await this.credentials.refresh();
      } catch (again) {
        throw toStoryError(again, { ...ctx, afterCredentialRefresh: true });
      }
    }
  }

  private newStory(controls: StoryControls, modelId: string, kind: StoryKind, parentId?: string): StoredStory {
    const now = Date.now();
    const base = titleFromPremise(controls.premise);
    return {
      version: 1,
      id: this.history.newId(),
      title: kind === 'refine' ? `${base} (refined)` : base,
      modelId,
      controls,
      text: '',
      turns: [],
      status: 'streaming',
      usage: null,
      cost: null,
      ...(parentId ? { parentId } : {}),
      createdAt: now,
      updatedAt: now,
    };
  }

  private async stream(
    story: StoredStory,
    kind: StoryKind,
    request: ReturnType<StoryService['build']>,
    prefix: string,
    hooks: StreamHooks,
    instruction?: string,
  ): Promise<StoryOutcome> {
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    if (hooks.signal?.aborted) controller.abort();
    hooks.signal?.addEventListener('abort', onAbort, { once: true });
    this.running.set(story.id, controller);

    const baseText = story.text;
    const { error: _previousError, ...rest } = story;
    const writer = this.history.track({ ...rest, status: 'streaming' }, (e) =>
      this.log(`Could not save story ${story.id}: ${(e as Error).message}`),
    );
    let added = '';
    const batcher = new DeltaBatcher((text) => hooks.onDelta?.(text), this.options.batchIntervalMs ?? FRAME_MS);
    try {
      await writer.start().catch((e: unknown) => this.log(`Could not save story ${story.id}: ${(e as Error).message}`));
      hooks.onStart?.({ storyId: story.id, kind, modelId: story.modelId, controls: story.controls, text: baseText });
      let first = true;
      const onDelta = (delta: string) => {
        const piece = first ? prefix + delta : delta;
        first = false;
        added += piece;
        batcher.push(piece);
        writer.update({ text: baseText + added });
      };
      const result = await this.streamWithCredentialRetry(request, controller.signal, onDelta, story.controls.audience);
      batcher.close();
      if (result.status === 'blocked')
        return await blockedOutcome(
          this.totals,
          this.options.config.modelPrices,
          this.log,
          story,
          kind,
          writer,
          result,
          instruction,
        );
      // Nothing was written: no history row "0 total tokens · failed" for a refusal (#24).
      if (result.status === 'failed' && added === '' && result.error)
        return await this.refused(story, kind, writer, result.error);

      return await this.settle(story, kind, writer, { request, result, baseText, added, instruction });
    } finally {
      batcher.close();
      hooks.signal?.removeEventListener('abort', onAbort);
      this.running.delete(story.id);
    }
  }

  /** A step that wrote, stopped or failed after writing: its usage, cost, turn and history record. */
  private async settle(
    story: StoredStory,
    kind: StoryKind,
    writer: ReturnType<HistoryStore['track']>,
    step: {
      request: ReturnType<StoryService['build']>;
      result: StoryResult;
      baseText: string;
      added: string;
      instruction: string | undefined;
    },
  ): Promise<StoryOutcome> {
    const { request, result, baseText, added, instruction } = step;
    // Stopped or cut: Bedrock never reported the usage, but the tokens were spent.
    const usage = result.usage ?? (added.trim() !== '' ? estimateUsage(requestText(request), added) : undefined);
    const cost = usage ? estimateCost(usage, story.modelId, this.options.config.modelPrices) : null;
    if (usage) await this.totals.record(usage, cost);
    const turn = turnOf(kind, instruction, added, result.status, usage);
    const totalUsage = usage ? (story.usage ? addUsages(story.usage, usage) : usage) : story.usage;
    const saved = await writer.finish({
      text: baseText + added,
      turns: [...story.turns, turn],
      status: result.status,
      usage: totalUsage,
      cost: usage ? addCosts(story.cost, cost) : story.cost,
      ...(result.stopReason ? { stopReason: result.stopReason } : {}),
      ...(result.error ? { error: result.error.toJSON() } : {}),
    });
    this.log(
      `Story ${story.id} ${kind}: ${result.status}${usage ? `, ${formatUsage(usage, cost)}` : ''}${result.error ? ` (${result.error.code}: ${result.error.cause_ ?? ''})` : ''}`,
    );
    return {
      storyId: story.id,
      kind,
      status: result.status,
      text: saved.text,
      added,
      ...(usage ? { usage, usageLabel: formatUsage(usage, cost) } : {}),
      cost,
      ...(result.stopReason ? { stopReason: result.stopReason } : {}),
      ...(result.error ? { error: result.error.info() } : {}),
      ...(saved.usage ? { storyUsage: saved.usage, storyCost: saved.cost } : {}),
    };
  }

  /**
   * The request failed before anything was written (a spent budget, throttling, a refused model,
   * the network): history stays as it was. A new story (Generate, Regenerate, Refine) is removed,
   * a continued one gets its record back.
   */
  private async refused(
    story: StoredStory,
    kind: StoryKind,
    writer: ReturnType<HistoryStore['track']>,
    error: StoryError,
  ): Promise<StoryOutcome> {
    await writer.restore(story);
    if (story.turns.length === 0 && story.text === '') await this.history.delete(story.id);
    this.log(`Story ${story.id} ${kind}: failed before any text (${error.code}); history unchanged`);
    return { storyId: story.id, kind, status: 'failed', text: story.text, added: '', cost: null, error: error.info() };
  }

  /** Bedrock refusing the credentials (expired, unknown key) gets one fresh set and one retry. */
  private async streamWithCredentialRetry(
    request: ReturnType<StoryService['build']>,
    signal: AbortSignal,
    onDelta: (text: string) => void,
    audience: string,
  ): Promise<StoryResult> {
    // Budget mode: the audience goes as a header, for the gateway to choose the guardrail (#27).
    const options = { signal, onDelta, ...(this.budgetMode ? { audience } : {}) };
    const first = await this.bedrock.generate(request, options);
    if (first.status !== 'failed' || first.text !== '' || !isCredentialError(first.cause)) return first;
    this.log(
      `Bedrock refused the credentials (${first.error?.cause_ ?? 'unknown'}); getting fresh ones and retrying once.`,
    );
    try {
      if (first.error?.cause_ === 'CredentialsError') await this.options.sessions.refresh?.();
      await this.credentials.refresh();
    } catch (e) {
      return { text: '', status: 'failed', error: toStoryError(e, { afterCredentialRefresh: true }), cause: e };
    }
    const second = await this.bedrock.generate(request, options);
    if (second.status === 'failed' && second.text === '' && isCredentialError(second.cause)) {
      return {
        ...second,
        error: toStoryError(second.cause, { modelId: request.modelId, afterCredentialRefresh: true }),
      };
    }
    return second;
  }
}
