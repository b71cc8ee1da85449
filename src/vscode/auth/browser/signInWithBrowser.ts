// Sign In with Browser: managed login in the user's browser, and back by the best route the host
// allows (core/auth/browser/routes.ts): the loopback listener, the URI handler, or a pasted URL.
// The protocol is in core (managedLogin.ts, loaded with the sign-in bundle); this file opens the
// browser, waits (cancellable, 5 minutes at most) and keeps the session.
import * as vscode from 'vscode';
import { providerName } from '../../../core/auth/account';
import type { PendingBrowserSignIn } from '../../../core/auth/browser/managedLogin';
import {
  ALL_ROUTES,
  CALLBACK_PATH,
  EDITOR_SCHEMES,
  editorCallback,
  getRoutes,
  isCognitoDomain,
  loopbackCallback,
  pastedCallbackProblem,
} from '../../../core/auth/browser/routes';
import type { CallbackRoute } from '../../../core/auth/browser/routes';
import { AuthError, toAuthError } from '../../../core/auth/errors';
import { managedLoginFlow } from '../../../core/auth/flows/managedLoginFlow';
import type { Session } from '../../../core/auth/session';
import type { StorytellerConfig } from '../../../core/config';
import { signInSettings } from '../clients';
import type { AuthParts } from '../parts';
import { keepSession } from '../keepSession';
import { managedLoginFor } from './managedLogin';
import { BrowserParts } from './parts';
import { LoopbackListener } from './loopback';

export async function signInWithBrowser(parts: AuthParts): Promise<Session | undefined> {
  const { dialog, log } = parts;
  try {
    const config = configured(parts);
    const picked = await chooseProvider(parts, config.hostedUi.identityProviders);
    if (picked === null) return undefined;
    // Another account: the managed login form, even if the browser still holds the last one's session (#24).
    const another = picked === ANOTHER_ACCOUNT;
    const provider = another ? undefined : picked;
    // The sign-in goes to the settings' pool and client: the session remembers them.
    const { origin } = await parts.clients.current();
    if (!isCognitoDomain(config.hostedUi.domain)) await parts.clients.approve([config.hostedUi.domain]);
    const route = await chooseRoute(parts);
    log.info(`Signing in with the browser, back through ${route.label}.`);
    const login = await managedLoginFor(parts, config);
    const request = (redirectUri: string) =>
      managedLoginFlow.start(login, {
        redirectUri,
        ...(provider ? { identityProvider: provider } : {}),
        ...(another ? { prompt: 'login' as const } : {}),
      });
    const port = config.hostedUi.callbackPort;
    let session: Session | undefined;
    switch (route.id) {
      case 'loopback':
        session = await viaLoopback(parts, port, request);
        break;
      case 'uriHandler':
        session = await viaUriHandler(parts, request);
        break;
      case 'paste':
        session = await viaPaste(parts, await request(loopbackCallback(port)));
        break;
    }
    if (!session) return undefined;
    return await keepSession(parts, { ...session, origin });
  } catch (e) {
    const error = toAuthError(e);
    if (error.code === 'AbortError') {
      log.info('Browser sign-in cancelled.');
      return undefined;
    }
    log.warn(`Browser sign-in failed: ${error.code}`);
    await dialog.fail(error);
    return undefined;
  }
}

function configured({ settings }: AuthParts): StorytellerConfig {
  const config = signInSettings(settings);
  if (!config.hostedUi.domain)
    throw new AuthError(
      vscode.l10n.t(
        'Browser sign-in is not set up: "storyteller.hostedUi.domain" is empty. Run "Storyteller: Configure from Stack Outputs…" for a stack with a managed login domain, or sign in with your password.',
      ),
      'NoManagedLoginDomain',
      'user',
      'configure',
    );
  return config;
}

/** The choice that signs in with another account than the one the browser may still be signed in with. */
const ANOTHER_ACCOUNT = 'anotherAccount';

/**
 * The identity provider to go straight to; undefined shows the managed login page; null is
 * cancel; ANOTHER_ACCOUNT, the managed login page asking again.
 */
async function chooseProvider({ dialog }: AuthParts, providers: readonly string[]): Promise<string | undefined | null> {
  if (providers.length <= 1) return providers[0];
  const { choose } = dialog.prompter;
  // A prompter that cannot pick lets the managed login page offer them all.
  if (!choose) return undefined;
  const picked = await choose.call(dialog.prompter, vscode.l10n.t('Sign In with Browser'), [
    ...providers.map((p) => ({
      id: p,
      label: p === 'COGNITO' ? vscode.l10n.t('Email and password') : providerName(p),
    })),
    {
      // The sign-in page asks again, even if the browser is still signed in.
      id: ANOTHER_ACCOUNT,
      label: vscode.l10n.t('Use Another Account…'),
    },
  ]);
  return picked ?? null;
}

/** The host's best route; the URI handler only when asExternalUri keeps the registered URI as it is. */
async function chooseRoute({ browser, log }: AuthParts): Promise<CallbackRoute> {
  if (browser.route) return ALL_ROUTES.find((r) => r.id === browser.route)!;
  const routes = getRoutes(BrowserParts.host());
  for (const route of routes) {
    if (route.id !== 'uriHandler') return route;
    const registered = editorCallback(vscode.env.uriScheme);
    const external = await vscode.env.asExternalUri(vscode.Uri.parse(registered));
    if (external.toString(true) === registered) return route;
    log.info(
      `The editor's callback becomes ${external.scheme}://${external.authority}, which the app client does not list.`,
    );
  }
  return ALL_ROUTES.find((r) => r.id === 'paste')!;
}

/** Rejects after the time limit with one sentence, or with AbortError when cancelled. */
function limits(parts: AuthParts, signal: AbortSignal): { stopped: Promise<never>; dispose(): void } {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stopped = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new AuthError(
            vscode.l10n.t(
              'The browser did not come back within {0} minutes, so the sign-in was stopped. Choose Sign In with Browser again and finish in the tab it opens.',
              Math.max(1, Math.round(parts.browser.timeoutMs / 60_000)),
            ),
            'BrowserTimeout',
            'user',
            'signIn',
          ),
        ),
      parts.browser.timeoutMs,
    );
    onAbort = () => reject(Object.assign(new Error('Cancelled.'), { name: 'AbortError' }));
    signal.addEventListener('abort', onAbort);
  });
  stopped.catch(() => undefined);
  return {
    stopped,
    dispose: () => {
      clearTimeout(timer);
      if (onAbort) signal.removeEventListener('abort', onAbort);
    },
  };
}

const WAITING = () => vscode.l10n.t('Signing in with the browser… Finish signing in in the browser tab that opened.');

async function openBrowser(parts: AuthParts, pending: PendingBrowserSignIn): Promise<void> {
  if (!(await parts.browser.open(pending.authorizeUrl)))
    throw new AuthError(
      vscode.l10n.t('The browser could not be opened. Open a browser, then choose Sign In with Browser again.'),
      'BrowserNotOpened',
      'user',
      'signIn',
    );
}

async function viaLoopback(
  parts: AuthParts,
  port: number,
  request: (redirectUri: string) => Promise<PendingBrowserSignIn>,
): Promise<Session> {
  let pending: PendingBrowserSignIn | undefined;
  let settle!: { resolve: (s: Session) => void; reject: (e: unknown) => void };
  const finished = new Promise<Session>((resolve, reject) => (settle = { resolve, reject }));
  finished.catch(() => undefined);
  // Listen first: a port taken is known before the browser opens. A signed-out page still
  // waiting for the browser (Sign Out a moment ago) gives the port back.
  parts.browser.releasePort();
  const listener = await LoopbackListener.listen(port, CALLBACK_PATH, {
    belongs: (url) => pending?.answers(url) ?? false,
    ignored: () => parts.log.warn('Ignored a call to the sign-in listener that is not this sign-in’s answer.'),
    answer: async (url) => {
      try {
        const session = await pending!.complete(url);
        settle.resolve(session);
        return {
          title: vscode.l10n.t('Signed in to Bedrock Storyteller'),
          message: vscode.l10n.t('You can close this tab and go back to VS Code.'),
        };
      } catch (e) {
        const error = toAuthError(e);
        settle.reject(error);
        return { title: vscode.l10n.t('Sign-in did not finish'), message: error.message };
      }
    },
  });
  try {
    pending = await request(loopbackCallback(port));
    await openBrowser(parts, pending);
    return await parts.dialog.prompter.progress(WAITING(), async (signal) => {
      const limit = limits(parts, signal);
      try {
        return await Promise.race([finished, limit.stopped]);
      } finally {
        limit.dispose();
      }
    });
  } finally {
    listener.dispose();
  }
}

async function viaUriHandler(
  parts: AuthParts,
  request: (redirectUri: string) => Promise<PendingBrowserSignIn>,
): Promise<Session> {
  const scheme = EDITOR_SCHEMES.includes(vscode.env.uriScheme) ? vscode.env.uriScheme : EDITOR_SCHEMES[0]!;
  const redirectUri = editorCallback(scheme);
  const pending = await request(redirectUri);
  const waiter = parts.browser.uriHandler.next((uri) => pending.answers(`${redirectUri}?${uri.query}`));
  try {
    await openBrowser(parts, pending);
    return await parts.dialog.prompter.progress(WAITING(), async (signal) => {
      const limit = limits(parts, signal);
      try {
        const uri = await Promise.race([waiter.uri, limit.stopped]);
        return await pending.complete(`${redirectUri}?${uri.query}`);
      } finally {
        limit.dispose();
      }
    });
  } finally {
    waiter.dispose();
  }
}

async function viaPaste(parts: AuthParts, pending: PendingBrowserSignIn): Promise<Session | undefined> {
  await openBrowser(parts, pending);
  const asked = await parts.dialog.ask(vscode.l10n.t('Sign In with Browser'), [
    {
      key: 'url',
      prompt: vscode.l10n.t(
        'After you sign in, the browser shows that the page cannot be reached (“This site can’t be reached”): that is expected. Copy the whole address from its address bar, starting with http://127.0.0.1, and paste it here.',
      ),
      placeholder: `${pending.redirectUri}?code=…&state=…`,
      validate: (v) => pastedCallbackProblem(v),
    },
  ]);
  const pasted = asked?.answers.url;
  if (!pasted) return undefined;
  return parts.dialog.prompter.progress(vscode.l10n.t('Signing in…'), () => pending.complete(pasted.trim()));
}
