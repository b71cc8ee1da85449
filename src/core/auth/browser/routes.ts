// Where the browser comes back after managed login, chosen the way VS Code's github-authentication
// chooses its flows (extensions/github-authentication/src/flows.ts): each route says where it can
// work, and getRoutes() keeps those that fit the host, best first. Cognito matches callback URLs
// exactly, port and scheme included, so every URL here must be one the template registers.
import * as l10n from '@vscode/l10n';
import { isLoopbackHost } from '../endpoints';

/** The extension's id: the authority of its `vscode://` URIs. */
export const EXTENSION_ID = 'bedrock-storyteller.bedrock-storyteller';
/** The editor schemes the template's CallbackURLs and LogoutURLs list. */
export const EDITOR_SCHEMES: readonly string[] = ['vscode', 'vscode-insiders'];
export const CALLBACK_PATH = '/callback';
export const EDITOR_CALLBACK_PATH = '/auth-callback';
export const SIGNED_OUT_PATH = '/signed-out';

export type RouteId = 'loopback' | 'uriHandler' | 'paste';

/** What the host can do, read from vscode.env by the adapter. */
export interface HostQuery {
  /** The extension host runs on another machine than the browser (Remote-SSH, WSL, containers, code-server). */
  readonly remote: boolean;
  /** The workbench runs in a browser (vscode.dev, code-server). */
  readonly web: boolean;
  /** `vscode.env.uriScheme`. */
  readonly uriScheme: string;
}

export interface CallbackRoute {
  readonly id: RouteId;
  /** For the log. */
  readonly label: string;
  /** A port opened by the extension host can be reached by the user's browser only when both run on one machine. */
  readonly needsLocalHost: boolean;
  /** The editor must own a scheme the app client lists (vscode, vscode-insiders). */
  readonly needsEditorScheme: boolean;
}

/** Best first: the last one works everywhere. */
export const ALL_ROUTES: readonly CallbackRoute[] = [
  { id: 'loopback', label: 'loopback listener on 127.0.0.1', needsLocalHost: true, needsEditorScheme: false },
  { id: 'uriHandler', label: "the editor's URI handler", needsLocalHost: false, needsEditorScheme: true },
  { id: 'paste', label: 'pasting the final URL', needsLocalHost: false, needsEditorScheme: false },
];

export function getRoutes(query: HostQuery): CallbackRoute[] {
  return ALL_ROUTES.filter(
    (r) =>
      (!r.needsLocalHost || (!query.remote && !query.web)) &&
      (!r.needsEditorScheme || (!query.web && EDITOR_SCHEMES.includes(query.uriScheme))),
  );
}

export function loopbackCallback(port: number): string {
  return `http://127.0.0.1:${port}${CALLBACK_PATH}`;
}

export function loopbackSignedOut(port: number): string {
  return `http://127.0.0.1:${port}${SIGNED_OUT_PATH}`;
}

export function editorCallback(scheme: string): string {
  return `${scheme}://${EXTENSION_ID}${EDITOR_CALLBACK_PATH}`;
}

export function editorSignedOut(scheme: string): string {
  return `${scheme}://${EXTENSION_ID}${SIGNED_OUT_PATH}`;
}

/**
 * Checks what the user pasted: the address the browser ended on, with `code` and `state` (or
 * `error`). One sentence when it is not; the state itself is checked by the flow.
 */
export function pastedCallbackProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return l10n.t("Paste the whole address from the browser's address bar; it starts with http://127.0.0.1.");
  }
  if (url.searchParams.has('error') || (url.searchParams.has('code') && url.searchParams.has('state')))
    return undefined;
  // Cut short on copying (the state comes last): say what is missing, not that there is no code (#24).
  if (url.searchParams.has('code'))
    return l10n.t(
      'This address has the sign-in code but not its state, so part of it is missing. Copy the whole address from the address bar, to its very end.',
    );
  return l10n.t(
    'This address has no sign-in code. Finish signing in in the browser, then copy the address it ends on.',
  );
}

/**
 * Cognito's own managed login domains (and the loopback emulator): the client secret and tokens
 * may go there without asking. A custom domain is asked about once, like any host outside AWS.
 */
export function isCognitoDomain(domain: string): boolean {
  const host = new URL(domain).hostname.toLowerCase();
  return host.endsWith('.amazoncognito.com') || isLoopbackHost(host);
}
