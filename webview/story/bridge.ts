// Typed wrapper around acquireVsCodeApi(): requests with ids and timeouts, validated replies and
// events, and the persisted state.
import * as l10n from '@vscode/l10n';
import { parseHostMessage, parseResult, request, webviewEvent } from '../../src/core/story/protocol/messages';
import { parseWebviewState } from '../../src/core/story/protocol/webviewState';
import type {
  HostEvent,
  ParamsOf,
  ResultOf,
  WebviewEvents,
  WebviewEventType,
  WebviewMethod,
} from '../../src/core/story/protocol/messages';
import type { WebviewState } from '../../src/core/story/protocol/webviewState';
import type { PanelAction } from '../../src/core/story/protocol/wire';

/** The part of VS Code's webview API we use. */
export interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare global {
  function acquireVsCodeApi(): VsCodeApi;
}

/** A request the host refused (ok:false), or did not answer in time. `actions`: the buttons that fix it. */
export class HostError extends Error {
  constructor(
    message: string,
    readonly code?: string,
    readonly actions: readonly PanelAction[] = [],
  ) {
    super(message);
    this.name = 'HostError';
  }
}

/** Requests that wait on the user (dialogs, sign-in) get long; the rest must be acknowledged quickly. */
const SLOW_METHODS: ReadonlySet<WebviewMethod> = new Set<WebviewMethod>([
  'signIn',
  'export',
  'history.delete',
  'openSettings',
  'configure',
  'openLink',
]);
export const DEFAULT_TIMEOUT_MS = 30_000;
export const SLOW_TIMEOUT_MS = 600_000;

interface Pending {
  readonly method: WebviewMethod;
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

export interface HostBridgeOptions {
  readonly onEvent: (event: HostEvent) => void;
  /** Where host messages arrive; `window` in the webview. */
  readonly target?: Pick<Window, 'addEventListener' | 'removeEventListener'>;
  readonly timeoutMs?: number;
}

export class HostBridge {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly target: Pick<Window, 'addEventListener' | 'removeEventListener'>;
  private readonly listener = (e: MessageEvent): void => this.receive(e.data);

  constructor(
    private readonly api: VsCodeApi,
    private readonly options: HostBridgeOptions,
  ) {
    this.target = options.target ?? window;
    this.target.addEventListener('message', this.listener as EventListener);
  }

  request<M extends WebviewMethod>(method: M, params: ParamsOf<M>, timeoutMs?: number): Promise<ResultOf<M>> {
    const id = this.nextId++;
    const ms = timeoutMs ?? this.options.timeoutMs ?? (SLOW_METHODS.has(method) ? SLOW_TIMEOUT_MS : DEFAULT_TIMEOUT_MS);
    return new Promise<ResultOf<M>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          new HostError(l10n.t('The extension did not answer in time. Try again, or reload the panel.'), 'timeout'),
        );
      }, ms);
      this.pending.set(id, { method, resolve: resolve as (r: unknown) => void, reject, timer });
      this.api.postMessage(request(id, method, params));
    });
  }

  emit<T extends WebviewEventType>(type: T, data: WebviewEvents[T]): void {
    this.api.postMessage(webviewEvent(type, data));
  }

  getState(): WebviewState | undefined {
    return parseWebviewState(this.api.getState());
  }

  setState(state: WebviewState): void {
    this.api.setState(state);
  }

  dispose(): void {
    this.target.removeEventListener('message', this.listener as EventListener);
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new HostError(l10n.t('The panel was closed.'), 'disposed'));
    }
    this.pending.clear();
  }

  private receive(data: unknown): void {
    const message = parseHostMessage(data);
    if (!message) {
      console.warn('Storyteller: ignored a malformed message from the extension', describe(data));
      return;
    }
    if (message.kind === 'event') {
      this.options.onEvent(message);
      return;
    }
    const p = this.pending.get(message.id);
    if (!p) {
      console.warn(`Storyteller: ignored a reply to unknown request ${message.id}`);
      return;
    }
    this.pending.delete(message.id);
    clearTimeout(p.timer);
    if (!message.ok) {
      p.reject(new HostError(message.error.message, message.error.code, message.error.actions));
      return;
    }
    const result = parseResult(p.method, message.result);
    if (result === undefined) {
      console.warn(`Storyteller: ignored a malformed reply to ${p.method}`, describe(message.result));
      p.reject(new HostError(l10n.t('The extension sent a reply the panel does not understand.'), 'malformed'));
      return;
    }
    p.resolve(result);
  }
}

/** A short shape description for warnings; never the text itself (it may be story content). */
function describe(x: unknown): string {
  if (typeof x !== 'object' || x === null) return typeof x;
  const o = x as Record<string, unknown>;
  return `{kind: ${String(o.kind).slice(0, 20)}, type/method: ${String(o.type ?? o.method).slice(0, 40)}, keys: ${Object.keys(o).slice(0, 8).join(',')}}`;
}
