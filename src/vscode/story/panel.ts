// The story panel: one webview panel at a time, restored after a reload by its serializer. It
// only moves messages: every incoming one is validated, requests go to the handlers, and
// anything malformed is logged and dropped.
import * as vscode from 'vscode';
import { errorResponse, parseWebviewMessage } from '../../core/story/protocol/messages';
import type { HostEvent, HostMessage, RequestHandlers, WebviewMessage } from '../../core/story/protocol/messages';
import type { PanelMemory } from '../../core/story/protocol/webviewState';
import { makeNonce, storyHtml } from '../../core/story/webviewHtml';
import { Disposable } from '../lifecycle';
import type { Log } from '../log';

export const STORY_VIEW_TYPE = 'storyteller.story';

/** The host side the panel talks to. */
export interface PanelHost {
  readonly handlers: RequestHandlers;
  /** The webview loaded (or reloaded) and listens. */
  onReady(post: (event: HostEvent) => unknown): void;
  /** The webview saved its form and shown story: kept for a panel opened later. */
  onDraft(memory: PanelMemory): void;
  /** The panel went away; stop pushing to it. */
  onClosed(): void;
}

/** A second ear on the panel (the integration suites' story driver, src/vscode/testing.ts). */
export interface PanelTap {
  /** Every message the host sends, whether the webview listens yet or not. */
  sent(message: HostMessage): void;
  /** A panel opened: what goes to `receive` is handled as if its webview had sent it. */
  opened(receive: (raw: unknown) => Promise<void>): vscode.Disposable;
}

export class StoryPanel extends Disposable {
  private static current: StoryPanel | undefined;
  private ready = false;

  /** Reveals the open panel, or opens one. */
  static createOrShow(extensionUri: vscode.Uri, host: PanelHost, log: Log, tap?: PanelTap): StoryPanel {
    if (StoryPanel.current) {
      StoryPanel.current.panel.reveal(StoryPanel.current.panel.viewColumn);
      return StoryPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(
      STORY_VIEW_TYPE,
      vscode.l10n.t('Storyteller'),
      vscode.ViewColumn.Active,
      StoryPanel.options(extensionUri),
    );
    return new StoryPanel(panel, extensionUri, host, log, tap);
  }

  /** After a window reload: VS Code hands back the panel, and the webview its own saved state. */
  static revive(
    panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    host: PanelHost,
    log: Log,
    tap?: PanelTap,
  ): StoryPanel {
    StoryPanel.current?.dispose();
    // A restored panel comes back without our options; a created one got them at creation.
    panel.webview.options = StoryPanel.options(extensionUri);
    return new StoryPanel(panel, extensionUri, host, log, tap);
  }

  static get open(): StoryPanel | undefined {
    return StoryPanel.current;
  }

  static options(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      // Only the bundled UI may load; nothing from the workspace or the model's text.
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview')],
      retainContextWhenHidden: false,
      enableFindWidget: true,
    };
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly host: PanelHost,
    private readonly log: Log,
    private readonly tap?: PanelTap,
  ) {
    super();
    StoryPanel.current = this;
    const webview = panel.webview;
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.png');
    const asset = (name: string) =>
      webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', name)).toString();
    webview.html = storyHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: asset('story.js'),
      styleUri: asset('story.css'),
      title: vscode.l10n.t('Storyteller'),
      translations: vscode.l10n.bundle,
    });
    this._register(webview.onDidReceiveMessage((raw: unknown) => void this.receive(raw)));
    this._register(panel.onDidDispose(() => this.dispose()));
    if (tap) this._register(tap.opened((raw) => this.receive(raw)));
  }

  /**
   * Sends to the webview once it listens; events before `ready` are dropped (it asks again).
   * Returns the delivery (settles once the workbench handed it on), or undefined when dropped.
   */
  post(message: HostMessage): Thenable<boolean> | undefined {
    this.tap?.sent(message);
    return this.ready ? this.panel.webview.postMessage(message) : undefined;
  }

  override dispose(): void {
    if (this.isDisposed) return;
    if (StoryPanel.current === this) StoryPanel.current = undefined;
    this.ready = false;
    this.host.onClosed();
    super.dispose();
    this.panel.dispose();
  }

  private async receive(raw: unknown): Promise<void> {
    const message: WebviewMessage | undefined = parseWebviewMessage(raw);
    if (!message) {
      this.log.warn(`Story panel: ignored a malformed message (${describe(raw)}).`);
      return;
    }
    if (message.kind === 'event') {
      if (message.type === 'ready') {
        this.ready = true;
        this.host.onReady((event) => this.post(event));
      } else if (message.type === 'draft') {
        this.host.onDraft(message.data);
      } else {
        this.log.warn(`Story panel ${message.data.level}: ${message.data.message}`);
      }
      return;
    }
    const handler = this.host.handlers[message.method] as (params: unknown) => Promise<unknown>;
    try {
      const result = await handler(message.params);
      this.post({ kind: 'response', id: message.id, ok: true, result });
    } catch (e) {
      const error = e as { message?: string; code?: string; actions?: readonly string[] };
      this.post(errorResponse(message.id, error.message ?? String(e), error));
    }
  }
}

/** Enough to recognise a bad message in the log, without echoing its content. */
function describe(raw: unknown): string {
  if (typeof raw !== 'object' || raw === null) return typeof raw;
  const r = raw as Record<string, unknown>;
  return `kind=${String(r.kind).slice(0, 20)}, method/type=${String(r.method ?? r.type).slice(0, 40)}`;
}

/** Brings the panel back after a reload. */
export function registerStorySerializer(
  extensionUri: vscode.Uri,
  host: () => PanelHost,
  log: Log,
  tap?: PanelTap,
): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(STORY_VIEW_TYPE, {
    async deserializeWebviewPanel(panel) {
      StoryPanel.revive(panel, extensionUri, host(), log, tap);
    },
  });
}
