// Hooks for the integration suites. They exist only in a development build (the production
// build leaves this module out: see __TESTING__ in esbuild.mjs) and only when VS Code runs the
// extension in test mode: a hook that can read tokens or script prompts must never reach other
// extensions, nor ship.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as vscode from 'vscode';
import type { RouteId } from '../core/auth/browser/routes';
import { SessionManager } from '../core/auth/session';
import { BROWSER_TIMEOUT_MS, BrowserParts } from './auth/browser/parts';
import type { Log } from './log';
import type { Auth } from './auth/auth';
import { COMMANDS } from './commandIds';
import type { Prompter } from './auth/prompter';
import { CLIENT_SECRET_KEY, SecretSessionStore, SESSION_KEY } from './auth/secretStore';
import type { CognitoAuthenticationProvider } from './auth/provider';
import type { HostEvent, HostMessage, HostResponse } from '../core/story/protocol/messages';
import type { StoryDialogs } from './story/dialogs';
import { StoryPanel } from './story/panel';
import type { PanelTap } from './story/panel';
import { bundleLoads, compileCache, loadSignIn, loadStory } from './bundles';
import type { BundleLoad } from './bundles';

export interface TestingApi {
  usePrompter(prompter: Prompter | undefined): void;
  statusBarText(): string;
  /** The account item's tooltip (budget mode adds the tokens left today). */
  statusBarTooltip(): string;
  /** How many times the settings were read and checked since activation. */
  settingsReads(): number;
  /** Resolves when the session was next checked against changed settings (after a change's pause). */
  settingsChecked(): Promise<void>;
  /** The session state without its tokens. */
  sessionState(): {
    kind: 'signedIn' | 'offline' | 'signedOut';
    email?: string;
    /** Why nobody is signed in (a code), and the sentence the user was shown. */
    cause?: string;
    reason?: string;
    expiresAt?: number;
    method?: string;
    provider?: string;
  };
  /** Plays the browser for Sign In with Browser: how URLs are opened, the route, the time limit. */
  useBrowser(
    options: { open: (url: string) => Promise<boolean>; route?: RouteId; timeoutMs?: number } | undefined,
  ): void;
  /** Hands a URI to the extension's URI handler, as VS Code does when the OS opens a vscode:// link. */
  handleUri(uri: string): void;
  /** The live secrets, so the secrets scan knows what to look for. */
  secrets(): Promise<string[]>;
  /** Rewrites the stored session as expired, and waits until the manager has seen it. */
  expireSession(): Promise<void>;
  /** Stores raw text as the session, as a broken or foreign writer would. */
  writeRawSession(raw: string): Promise<void>;
  /** Through the manager: a valid session (refreshed if needed), without tokens. */
  getSession(): Promise<{ email: string; expiresAt: number }>;
  /** Through the AuthenticationProvider, as VS Code calls it for other extensions. */
  providerSessions(): Promise<string[]>;
  /** The `token_use` claim of each token the provider hands out (never the token itself). */
  providerTokenUse(): Promise<string[]>;
  /** A second session manager on the same SecretStorage, like a second window. */
  secondWindow(): { getSession(): Promise<{ email: string; expiresAt: number }>; kind(): string; dispose(): void };
  storage(): { globalStorage: string; workspaceStorage: string | undefined; logs: string };
  mementos(): { global: Record<string, unknown>; workspace: Record<string, unknown> };
  readonly story: StoryTesting;
  /** The lazily loaded AWS bundles (for the benchmark): load one now, and what each load cost. */
  readonly bundles: {
    load(bundle: 'signin' | 'story'): void;
    loads(): BundleLoad[];
    compileCache(): string | undefined;
  };
  /** The extension host's heap after a full garbage collection (for the leak benchmark). */
  heapAfterGc(): number;
}

/** Drives the story panel's host side exactly as the webview would. */
export interface StoryTesting {
  /** Opens (or reveals) the panel and starts recording what the host sends it. */
  open(): Promise<void>;
  isOpen(): boolean;
  close(): void;
  /** A request as the webview sends it; resolves with the host's response. */
  request(method: string, params: unknown): Promise<HostResponse>;
  /** Any raw message, as a hostile or broken webview could send. */
  send(raw: unknown): Promise<void>;
  /** Events the host sent since the panel opened (or since the last clear). */
  events(): HostEvent[];
  clearEvents(): void;
  useDialogs(dialogs: StoryDialogs | undefined): void;
}

/** The parts the hooks reach, from the composition root. */
export interface TestingParts {
  readonly context: vscode.ExtensionContext;
  readonly auth: Auth;
  readonly provider: CognitoAuthenticationProvider;
  readonly log: Log;
  readonly statusBarText: () => string;
  readonly statusBarTooltip: () => string;
  readonly settingsReads: () => number;
}

/**
 * What the composition root hands the parts in test mode instead of the real ones: a prompter and
 * story dialogs the suites can script (each undefined until they do), and an ear on the story panel.
 */
export class TestingSeams {
  prompter: Prompter | undefined;
  dialogs: StoryDialogs | undefined;
  readonly panel = new PanelRecorder();

  /** The seams in a development build in test mode, else none. */
  static forMode(mode: vscode.ExtensionMode): TestingSeams | undefined {
    return mode === vscode.ExtensionMode.Test ? new TestingSeams() : undefined;
  }

  api(parts: TestingParts): TestingApi {
    return testingApi(parts, this);
  }
}

/** Records what the host sends the story panel, and speaks as its webview. */
class PanelRecorder implements PanelTap {
  readonly events: HostEvent[] = [];
  private readonly waiting = new Map<number, (r: HostResponse) => void>();
  private receive: ((raw: unknown) => Promise<void>) | undefined;
  private nextId = 1_000_000;

  sent(message: HostMessage): void {
    if (message.kind === 'event') this.events.push(message);
    else this.waiting.get(message.id)?.(message);
  }

  opened(receive: (raw: unknown) => Promise<void>): vscode.Disposable {
    this.receive = receive;
    return new vscode.Disposable(() => {
      if (this.receive === receive) this.receive = undefined;
    });
  }

  send(raw: unknown): Promise<void> {
    if (!this.receive) throw new Error('The story panel is not open.');
    return this.receive(raw);
  }

  request(method: string, params: unknown): Promise<HostResponse> {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.waiting.set(id, (r) => {
        this.waiting.delete(id);
        resolve(r);
      });
      this.send({ kind: 'request', id, method, params }).catch(reject);
    });
  }
}

const withoutTokens = (s: { email: string; expiresAt: number }) => ({ email: s.email, expiresAt: s.expiresAt });

type SessionHooks =
  | 'sessionState'
  | 'secrets'
  | 'expireSession'
  | 'writeRawSession'
  | 'getSession'
  | 'providerSessions'
  | 'providerTokenUse'
  | 'secondWindow';

/** The session as the suites see and change it: state, stored secrets, expiry, a second window. */
function sessionHooks(parts: TestingParts): Pick<TestingApi, SessionHooks> {
  const { context, auth, provider } = parts;
  return {
    sessionState: () => {
      const state = auth.sessions.current;
      if (state.kind === 'signedOut')
        return { kind: state.kind, cause: state.cause, ...(state.message ? { reason: state.message } : {}) };
      const { email, expiresAt, method, provider } = state.session;
      return { kind: state.kind, email, expiresAt, ...(method ? { method } : {}), ...(provider ? { provider } : {}) };
    },
    secrets: async () => {
      const raw = await context.secrets.get(SESSION_KEY);
      const session = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      const client = await context.secrets.get(CLIENT_SECRET_KEY);
      return [session.idToken, session.accessToken, session.refreshToken, client].filter(
        (v): v is string => typeof v === 'string',
      );
    },
    expireSession: async () => {
      const raw = await context.secrets.get(SESSION_KEY);
      if (!raw) throw new Error('No stored session to expire.');
      const now = Date.now();
      await context.secrets.store(
        SESSION_KEY,
        JSON.stringify({
          ...JSON.parse(raw),
          issuedAt: now - 3_600_000,
          expiresAt: now - 1000,
          receivedAt: now - 3_600_000,
        }),
      );
      await auth.sessions.sync();
    },
    writeRawSession: async (raw) => {
      await context.secrets.store(SESSION_KEY, raw);
      await auth.sessions.sync();
    },
    getSession: async () => withoutTokens(await auth.sessions.getSession()),
    providerSessions: async () => (await provider.getSessions()).map((s) => s.account.label),
    providerTokenUse: async () =>
      (await provider.getSessions()).map((s) =>
        String(
          (
            JSON.parse(Buffer.from(s.accessToken.split('.')[1] ?? '', 'base64url').toString()) as {
              token_use?: unknown;
            }
          ).token_use,
        ),
      ),
    secondWindow: () => {
      const manager = new SessionManager({ store: new SecretSessionStore(context.secrets), refresh: auth.refresher });
      return {
        getSession: async () => withoutTokens(await manager.getSession()),
        kind: () => manager.current.kind,
        dispose: () => manager.dispose(),
      };
    },
  };
}

/** One object of small hooks, each a line or two; the session's are in sessionHooks. */
function testingApi(parts: TestingParts, seams: TestingSeams): TestingApi {
  const { context, auth } = parts;
  const dump = (memento: vscode.Memento) => Object.fromEntries(memento.keys().map((k) => [k, memento.get(k)]));

  return {
    usePrompter: (prompter) => {
      seams.prompter = prompter;
    },
    statusBarText: parts.statusBarText,
    statusBarTooltip: parts.statusBarTooltip,
    settingsReads: parts.settingsReads,
    settingsChecked: () =>
      new Promise((resolve) => {
        const listener = auth.onDidCheckSettings(() => {
          listener.dispose();
          resolve();
        });
      }),
    ...sessionHooks(parts),
    useBrowser: (options) => {
      const fresh = new BrowserParts(parts.log);
      auth.browser.open = options?.open ?? fresh.open;
      auth.browser.route = options?.route;
      auth.browser.timeoutMs = options?.timeoutMs ?? BROWSER_TIMEOUT_MS;
    },
    handleUri: (uri) => {
      auth.browser.uriHandler.handleUri(vscode.Uri.parse(uri, true));
    },
    storage: () => ({
      globalStorage: context.globalStorageUri.fsPath,
      workspaceStorage: context.storageUri?.fsPath,
      logs: context.logUri.fsPath,
    }),
    mementos: () => ({ global: dump(context.globalState), workspace: dump(context.workspaceState) }),
    story: storyTesting(seams),
    bundles: {
      load: (bundle) => void (bundle === 'signin' ? loadSignIn() : loadStory()),
      loads: () => [...bundleLoads],
      compileCache: () => compileCache,
    },
    heapAfterGc: () => {
      const gc = exposedGc();
      for (let i = 0; i < 3; i++) gc();
      return process.memoryUsage().heapUsed;
    },
  };
}

/** V8's gc(), which the host does not expose: the flag is set at run time, and a new context sees it. */
function exposedGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

function storyTesting(seams: TestingSeams): StoryTesting {
  const { panel } = seams;
  return {
    open: async () => {
      await vscode.commands.executeCommand(COMMANDS.newStory);
      if (!StoryPanel.open) throw new Error('The story panel did not open.');
    },
    isOpen: () => StoryPanel.open !== undefined,
    close: () => StoryPanel.open?.dispose(),
    request: (method, params) => panel.request(method, params),
    send: (raw) => panel.send(raw),
    events: () => [...panel.events],
    clearEvents: () => void panel.events.splice(0),
    useDialogs: (dialogs) => {
      seams.dialogs = dialogs;
    },
  };
}
