// One signed-in user's story state: their history on disk, their story service (made on the first
// story, with the AWS SDK), the model list it found, the story being streamed and the closed
// panel's form. Made for one user and disposed when they sign out or another signs in, so nothing
// of one user can reach the next: there is no field to forget to clear.
import * as vscode from 'vscode';
import type { StorytellerConfig } from '../../core/config';
import type { HistoryStore } from '../../core/story/history/history';
import type { PanelMemory } from '../../core/story/protocol/webviewState';
import type { ModelInfo } from '../../core/story/protocol/wire';
import type { StoryService } from '../../core/story/service';
import type { Auth } from '../auth/auth';
import { loadHistory, loadStory } from '../bundles';
import type { Log } from '../log';

const USAGE_KEY = 'storyteller.usage';

export interface ModelChoice {
  readonly models: readonly ModelInfo[];
  readonly defaultModelId: string;
}

export class StorySession implements vscode.Disposable {
  /** This user's stories; reading them loads dist/history.js only, never the AWS SDK. */
  readonly history: HistoryStore;
  /** The form and shown story of the closed panel, in memory only. */
  memory: PanelMemory | undefined;
  /** The running story's text as sent to the panel, so a panel opened meanwhile shows it exactly. */
  live: { readonly storyId: string; text: string } | undefined;
  private loaded: { key: string; service: StoryService; models?: Promise<ModelChoice> } | undefined;

  constructor(
    readonly sub: string,
    private readonly context: vscode.ExtensionContext,
    private readonly auth: Auth,
    private readonly log: Log,
  ) {
    this.history = new (loadHistory().HistoryStore)(this.historyDir);
  }

  private get historyDir(): string {
    return vscode.Uri.joinPath(this.context.globalStorageUri, 'stories', this.sub).fsPath;
  }

  /** The story service when one was made for the current settings; undefined before the first story. */
  get service(): StoryService | undefined {
    return this.loaded?.service;
  }

  /** The story service for these settings; the AWS SDK loads here, on first use. */
  storyService(config: StorytellerConfig): StoryService {
    const key = JSON.stringify(config);
    if (this.loaded?.key === key) return this.loaded.service;
    this.dropService();
    const service = loadStory().createStoryService({
      config,
      sessions: this.auth.sessions,
      historyDir: this.historyDir,
      history: this.history,
      usage: {
        // One file every window adds to (globalState would keep whichever window saved last);
        // the totals an older version kept in globalState seed it.
        file: vscode.Uri.joinPath(this.context.globalStorageUri, 'usage', `${this.sub}.json`).fsPath,
        initial: this.context.globalState.get(`${USAGE_KEY}.${this.sub}`),
      },
      log: (line) => this.log.info(line),
    });
    this.loaded = { key, service };
    return service;
  }

  /** The model list of this service, asked once; forgotten when asking failed, so the next panel asks again. */
  models(service: StoryService): Promise<ModelChoice> {
    const loaded = this.loaded;
    if (!loaded || loaded.service !== service) return service.listModels();
    loaded.models ??= service.listModels().then(
      ({ models, defaultModelId }) => ({ models, defaultModelId }),
      (e: unknown) => {
        if (this.loaded === loaded) delete loaded.models;
        throw e;
      },
    );
    return loaded.models;
  }

  /** The settings changed: the next story makes a new service; the history and the form stay. */
  dropService(): void {
    if (!this.loaded) return;
    this.loaded.service.onSignOut();
    this.loaded.service.dispose();
    this.loaded = undefined;
  }

  dispose(): void {
    this.dropService();
    this.memory = undefined;
    this.live = undefined;
  }
}
