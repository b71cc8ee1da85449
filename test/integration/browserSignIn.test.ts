// Sign In with Browser in the real VS Code host against the emulator's managed login: the test
// plays the browser (fetch with cookies, posting the hosted page's form) and the OS (handing a
// vscode:// link to the URI handler); the extension does the rest, by each route: the loopback
// listener, the URI handler and the pasted URL. Then the failures: wrong state, cancel, time
// limit, port taken, a code already used.
import * as assert from 'node:assert/strict';
import { createServer } from 'node:net';
import * as vscode from 'vscode';
import { notificationLinks } from '../../src/core/notificationText';
import type { InputOptions, PickItem } from '../../src/vscode/auth/prompter';
import type { TestingApi } from '../../src/vscode/testing';
import { PASSWORD, uniqueEmail } from '../support/accounts';
import { emulators, forgetEmulator, latestCode, useEmulator } from './emulators';
import type { EmulatorInfo } from './emulators';
import { activate, ScriptedPrompter } from './prompter';
import type { Scripted } from './prompter';

const PORT = 53691; // test/host/cli.ts: LoopbackCallbackPort
const CALLBACK = `http://127.0.0.1:${PORT}/callback`;
const accounts = async () => (await vscode.authentication.getAccounts('cognito')).map((a) => a.label);

/** A browser without script: keeps cookies, follows redirects on one origin. */
class Browser {
  private readonly cookies = new Map<string, string>();
  private keep(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      if (/max-age=0/i.test(line)) this.cookies.delete(pair.slice(0, eq));
      else this.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
  }
  async request(url: string, form?: Record<string, string>): Promise<Response> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(url, {
      redirect: 'manual',
      ...(form ? { method: 'POST', body: new URLSearchParams(form) } : {}),
      headers: { ...(cookie ? { cookie } : {}) },
    });
    this.keep(res);
    return res;
  }
  /** Follows redirects within the origin; returns the page, or the redirect that leaves it. */
  async follow(origin: string, url: string, form?: Record<string, string>): Promise<Response> {
    let res = await this.request(url, form);
    while (res.status === 302 && new URL(res.headers.get('location')!, origin).origin === origin)
      res = await this.request(new URL(res.headers.get('location')!, origin).toString());
    return res;
  }
}

const unescape = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
function forms(origin: string, html: string): { action: string; hidden: Record<string, string> }[] {
  return [...html.matchAll(/<form method="post" action="([^"]*)">(.*?)<\/form>/gs)].map((m) => ({
    action: new URL(unescape(m[1]!), origin).toString(),
    hidden: Object.fromEntries(
      [...m[2]!.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)].map((h) => [h[1]!, unescape(h[2]!)]),
    ),
  }));
}

/** Signs in on the hosted page (or picks a social account); resolves with where the browser is sent back. */
async function playBrowser(
  emu: EmulatorInfo,
  url: string,
  who: { email: string } | { account: RegExp },
): Promise<string> {
  const origin = emu.hostedUiDomain!;
  const browser = new Browser();
  const page = await browser.follow(origin, url);
  assert.equal(page.status, 200);
  const all = forms(origin, await page.text());
  const back =
    'email' in who
      ? await browser.request(all[0]!.action, { ...all[0]!.hidden, username: who.email, password: PASSWORD })
      : await (async () => {
          const chosen = all.find((f) => who.account.test(f.hidden.account ?? '')) ?? assert.fail('no such account');
          return browser.follow(origin, chosen.action, chosen.hidden);
        })();
  assert.equal(back.status, 302);
  return back.headers.get('location')!;
}

/** A scripted prompter that also picks from lists, and can cancel the progress notification. */
class BrowserPrompter extends ScriptedPrompter {
  readonly picks: { title: string; items: readonly PickItem[] }[] = [];
  cancelAfterMs: number | undefined;
  constructor(
    answers: Scripted[],
    private readonly choice?: (items: readonly PickItem[]) => string | undefined,
  ) {
    super(answers);
  }
  async choose(title: string, items: readonly PickItem[]): Promise<string | undefined> {
    this.picks.push({ title, items });
    return this.choice?.(items);
  }
  override progress<T>(_title: string, task: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    if (this.cancelAfterMs !== undefined) setTimeout(() => controller.abort(), this.cancelAfterMs);
    return task(controller.signal);
  }
}

async function portIsFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

for (const kind of ['public', 'secret'] as const) {
  describe(`Sign In with Browser in VS Code against managed login (${kind} app client)`, function () {
    this.timeout(30_000);
    let testing: TestingApi;
    let emu: EmulatorInfo;
    let email: string;
    const section = () => vscode.workspace.getConfiguration('storyteller');

    async function command(prompter: ScriptedPrompter, id = 'storyteller.signInWithBrowser'): Promise<void> {
      testing.usePrompter(prompter);
      await vscode.commands.executeCommand(id);
    }

    before(async () => {
      ({ testing } = await activate());
      emu = emulators()[kind];
      assert.ok(emu.hostedUiDomain, 'the host runner starts the emulators with managed login');
      await useEmulator(emu);
      if (emu.clientSecret) await command(new ScriptedPrompter([emu.clientSecret]), 'storyteller.setClientSecret');
      // A user with a password, made through the extension's own Sign Up.
      email = uniqueEmail('browser');
      await command(
        new ScriptedPrompter([email, 'Bea Browser', PASSWORD, PASSWORD, () => latestCode(emu, email)]),
        'storyteller.signUp',
      );
      await vscode.commands.executeCommand('storyteller.signOut');
      await section().update('hostedUi.domain', emu.hostedUiDomain, vscode.ConfigurationTarget.Global);
      await section().update('hostedUi.callbackPort', PORT, vscode.ConfigurationTarget.Global);
      // Sign Out opens /logout by default (#23 N9): off here, on where a test says so.
      await section().update('hostedUi.signOutOfBrowser', false, vscode.ConfigurationTarget.Global);
    });

    afterEach(async () => {
      testing.useBrowser(undefined);
      await vscode.commands.executeCommand('storyteller.signOut');
    });

    after(async () => {
      for (const key of [
        'hostedUi.domain',
        'hostedUi.callbackPort',
        'hostedUi.identityProviders',
        'hostedUi.signOutOfBrowser',
      ])
        await section().update(key, undefined, vscode.ConfigurationTarget.Global);
      await command(new ScriptedPrompter([]), 'storyteller.clearClientSecret');
      testing.usePrompter(undefined);
      await forgetEmulator();
    });

    it('loopback: the browser comes back to 127.0.0.1, the tab says so without a token, and the user is signed in', async () => {
      let page = '';
      let opened = '';
      testing.useBrowser({
        route: 'loopback',
        open: async (url) => {
          opened = url;
          // The browser runs on its own, as a real one would.
          void (async () => {
            const back = await playBrowser(emu, url, { email });
            assert.ok(back.startsWith(`${CALLBACK}?`), back);
            const res = await fetch(back);
            page = await res.text();
            assert.equal(res.status, 200);
            assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
          })();
          return true;
        },
      });
      const prompter = new BrowserPrompter([]);
      await command(prompter);
      assert.deepEqual(prompter.errors(), []);
      const authorize = new URL(opened);
      assert.equal(authorize.searchParams.get('redirect_uri'), CALLBACK);
      assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
      assert.deepEqual(testing.sessionState(), {
        ...testing.sessionState(),
        kind: 'signedIn',
        email,
        method: 'browser',
        provider: 'COGNITO',
      });
      assert.match(page, /Signed in to Bedrock Storyteller/);
      assert.match(page, /close this tab/);
      for (const secret of await testing.secrets()) assert.ok(!page.includes(secret), 'no token on the page');
      assert.deepEqual(await accounts(), [email]);
      assert.equal(testing.statusBarText(), `$(account) ${email}`);
      // The listener closed: the port is free again.
      assert.ok(await portIsFree(PORT));
      // Refreshed the same way as a password session.
      await testing.expireSession();
      assert.equal((await testing.getSession()).email, email);
      assert.equal(testing.sessionState().method, 'browser');
    });

    it('URI handler: the vscode:// link the OS hands over finishes the sign-in; Sign Out opens /logout by default', async () => {
      await section().update('hostedUi.signOutOfBrowser', undefined, vscode.ConfigurationTarget.Global);
      const opened: string[] = [];
      testing.useBrowser({
        route: 'uriHandler',
        open: async (url) => {
          opened.push(url);
          if (url.includes('/oauth2/authorize'))
            void playBrowser(emu, url, { email }).then((back) => testing.handleUri(back));
          return true;
        },
      });
      const prompter = new BrowserPrompter([]);
      await command(prompter);
      assert.deepEqual(prompter.errors(), []);
      assert.equal(
        new URL(opened[0]!).searchParams.get('redirect_uri'),
        'vscode://bedrock-storyteller.bedrock-storyteller/auth-callback',
      );
      assert.equal(testing.sessionState().kind, 'signedIn');
      await vscode.commands.executeCommand('storyteller.signOut');
      await section().update('hostedUi.signOutOfBrowser', false, vscode.ConfigurationTarget.Global);
      const logout = new URL(opened[1] ?? assert.fail('no /logout opened'));
      assert.equal(logout.origin + logout.pathname, `${emu.hostedUiDomain}/logout`);
      assert.equal(logout.searchParams.get('client_id'), emu.clientId);
      assert.equal(
        logout.searchParams.get('logout_uri'),
        'vscode://bedrock-storyteller.bedrock-storyteller/signed-out',
      );
      assert.equal(testing.sessionState().kind, 'signedOut');
    });

    it('paste: the URL the browser ended on, pasted into the box, signs in; Sign In… offers the browser first', async () => {
      let back: Promise<string> | undefined;
      testing.useBrowser({
        route: 'paste',
        open: async (url) => {
          back = playBrowser(emu, url, { email });
          return true;
        },
      });
      const prompter = new BrowserPrompter([() => back!], (items) => items[0]!.id);
      await command(prompter, 'storyteller.signIn');
      assert.deepEqual(prompter.errors(), []);
      assert.deepEqual(
        prompter.picks[0]?.items.map((i) => i.id),
        ['browser', 'password', 'signUp'],
        'and Create an Account (#24)',
      );
      assert.match(prompter.asked[0]!.prompt, /that is expected\. Copy the whole address .* paste it here/);
      assert.equal(testing.sessionState().kind, 'signedIn');
    });

    it('offers Create an Account only when the pool allows self sign-up (storyteller.selfSignUp, the stack output SelfSignUpAllowed) (#24)', async () => {
      await vscode.commands.executeCommand('storyteller.signOut');
      await section().update('selfSignUp', false, vscode.ConfigurationTarget.Global);
      try {
        const prompter = new BrowserPrompter([email, PASSWORD], (items) => items.find((i) => i.id === 'password')?.id);
        await command(prompter, 'storyteller.signIn');
        assert.deepEqual(prompter.errors(), []);
        assert.deepEqual(
          prompter.picks[0]?.items.map((i) => i.id),
          ['browser', 'password'],
        );
        assert.deepEqual(prompter.asked[0]?.buttons ?? [], [], 'the email box has no Create an Account');
        assert.deepEqual(
          prompter.asked[1]?.buttons?.map((b) => b.id),
          ['forgot'],
        );
        assert.equal(testing.sessionState().kind, 'signedIn');
      } finally {
        await section().update('selfSignUp', undefined, vscode.ConfigurationTarget.Global);
      }
    });

    it('foreign answers (error= with a command link and no state, another state) are ignored by the loopback listener and the URI handler; the real answer still signs in (#23 N1, N2)', async () => {
      const link = encodeURIComponent('Open [this](command:workbench.action.quit)');
      const foreign = [`?error=server_error&error_description=${link}`, '?code=planted&state=another-attempt'];
      const statuses: number[] = [];
      const pages: string[] = [];
      testing.useBrowser({
        route: 'loopback',
        open: async (url) => {
          void (async () => {
            for (const query of foreign) {
              const res = await fetch(`${CALLBACK}${query}`);
              statuses.push(res.status);
              pages.push(await res.text());
            }
            statuses.push((await fetch(await playBrowser(emu, url, { email }))).status);
          })();
          return true;
        },
      });
      const viaLoopback = new BrowserPrompter([]);
      await command(viaLoopback);
      assert.deepEqual(viaLoopback.errors(), [], 'nothing from a foreign answer reaches a notification');
      assert.deepEqual(statuses, [400, 400, 200]);
      assert.match(pages[0]!, /does not belong to the sign-in VS Code is waiting for/);
      assert.equal(testing.sessionState().kind, 'signedIn');
      // Sign Out opens /logout by default, and the signed-out page's listener takes the port (#23 N9).
      await section().update('hostedUi.signOutOfBrowser', undefined, vscode.ConfigurationTarget.Global);
      const opened: string[] = [];
      testing.useBrowser({ route: 'loopback', open: async (url) => (opened.push(url), true) });
      await vscode.commands.executeCommand('storyteller.signOut');
      await section().update('hostedUi.signOutOfBrowser', false, vscode.ConfigurationTarget.Global);
      assert.match(opened[0] ?? '', /\/logout\?/);
      assert.equal(await portIsFree(PORT), false, 'the signed-out page waits for the browser');

      const editor = 'vscode://bedrock-storyteller.bedrock-storyteller/auth-callback';
      testing.useBrowser({
        route: 'uriHandler',
        open: async (url) => {
          if (url.includes('/oauth2/authorize'))
            void playBrowser(emu, url, { email }).then((back) => {
              for (const query of foreign) testing.handleUri(`${editor}${query}`);
              testing.handleUri(back);
            });
          return true;
        },
      });
      const viaUri = new BrowserPrompter([]);
      await command(viaUri);
      assert.deepEqual(viaUri.errors(), []);
      assert.equal(testing.sessionState().kind, 'signedIn');
      await vscode.commands.executeCommand('storyteller.signOut');

      // Signing in again by loopback takes the port back from the signed-out page.
      testing.useBrowser({
        route: 'loopback',
        open: async (url) => (void playBrowser(emu, url, { email }).then((back) => fetch(back)), true),
      });
      const again = new BrowserPrompter([]);
      await command(again);
      assert.deepEqual(again.errors(), []);
      assert.equal(testing.sessionState().kind, 'signedIn');
      assert.ok(await portIsFree(PORT), 'no listener left');
    });

    it('an error= answer of this sign-in shows its words with no command link (#23 N1)', async () => {
      let back: Promise<string> | undefined;
      testing.useBrowser({
        route: 'paste',
        open: async (url) => {
          const state = new URL(url).searchParams.get('state');
          const link = encodeURIComponent('[Click here](command:workbench.action.quit)');
          back = Promise.resolve(`${CALLBACK}?error=server_error&error_description=${link}&state=${state}`);
          return true;
        },
      });
      const prompter = new BrowserPrompter([() => back!]);
      await command(prompter);
      assert.equal(prompter.errors().length, 1);
      assert.match(prompter.errors()[0]!, /^The sign-in page answered "server_error: \[Click here\]/);
      assert.deepEqual(notificationLinks(prompter.errors()[0]!), []);
      assert.equal(testing.sessionState().kind, 'signedOut');
    });

    it('wrong state: an answer from another attempt is refused with one sentence, and nobody is signed in', async () => {
      let back: Promise<string> | undefined;
      testing.useBrowser({ route: 'paste', open: async (url) => ((back = playBrowser(emu, url, { email })), true) });
      const tampered = async (_: InputOptions) => {
        const url = new URL(await back!);
        url.searchParams.set('state', 'not-the-state-that-was-sent');
        return url.toString();
      };
      const prompter = new BrowserPrompter([tampered]);
      await command(prompter);
      assert.equal(prompter.errors().length, 1);
      assert.match(prompter.errors()[0]!, /another sign-in attempt.*Start Sign In with Browser again/);
      assert.equal(testing.sessionState().kind, 'signedOut');
    });

    it('cancelled at the provider (error=access_denied): one sentence, signed out', async () => {
      let back: Promise<string> | undefined;
      testing.useBrowser({
        route: 'paste',
        open: async (url) => {
          back = (async () => {
            const cancelled = new URL(url);
            return `${CALLBACK}?error=access_denied&state=${cancelled.searchParams.get('state')}`;
          })();
          return true;
        },
      });
      const prompter = new BrowserPrompter([() => back!]);
      await command(prompter);
      assert.deepEqual(prompter.errors(), [
        'The sign-in was cancelled in the browser. Choose Sign In with Browser again when you are ready.',
      ]);
      assert.equal(testing.sessionState().kind, 'signedOut');
    });

    it('cancel from the progress notification: no message, and the listener is closed', async () => {
      testing.useBrowser({ route: 'loopback', open: async () => true });
      const prompter = new BrowserPrompter([]);
      prompter.cancelAfterMs = 200;
      await command(prompter);
      assert.deepEqual(prompter.errors(), []);
      assert.equal(testing.sessionState().kind, 'signedOut');
      assert.ok(await portIsFree(PORT), 'the port is closed after cancel');
    });

    it('time limit: the listener closes and says how to try again', async () => {
      testing.useBrowser({ route: 'loopback', open: async () => true, timeoutMs: 300 });
      const prompter = new BrowserPrompter([]);
      await command(prompter);
      assert.equal(prompter.errors().length, 1);
      assert.match(prompter.errors()[0]!, /did not come back within 1 minutes?.*Sign In with Browser again/);
      assert.ok(await portIsFree(PORT));
    });

    it('port taken: one sentence naming the port, and the browser is not opened', async () => {
      const blocker = createServer();
      await new Promise<void>((resolve) => blocker.listen(PORT, '127.0.0.1', resolve));
      let opened = false;
      try {
        testing.useBrowser({ route: 'loopback', open: async () => (opened = true) });
        const prompter = new BrowserPrompter([]);
        await command(prompter);
        assert.equal(prompter.errors().length, 1);
        assert.match(prompter.errors()[0]!, new RegExp(`Port ${PORT} on 127\\.0\\.0\\.1.*in use.*try again`));
        assert.equal(opened, false);
      } finally {
        await new Promise((resolve) => blocker.close(resolve));
      }
    });

    if (kind === 'public')
      it('Login with Amazon, chosen from the providers: the session and the account label say so', async () => {
        await section().update(
          'hostedUi.identityProviders',
          ['COGNITO', 'LoginWithAmazon'],
          vscode.ConfigurationTarget.Global,
        );
        let back: Promise<string> | undefined;
        testing.useBrowser({
          route: 'paste',
          open: async (url) => {
            assert.equal(new URL(url).searchParams.get('identity_provider'), 'LoginWithAmazon');
            back = playBrowser(emu, url, { account: /ADA/ });
            return true;
          },
        });
        const prompter = new BrowserPrompter(
          [() => back!],
          (items) => items.find((i) => i.id === 'LoginWithAmazon')?.id,
        );
        await command(prompter);
        await section().update('hostedUi.identityProviders', undefined, vscode.ConfigurationTarget.Global);
        assert.deepEqual(prompter.errors(), []);
        assert.deepEqual(
          prompter.picks[0]?.items.map((i) => i.label),
          ['Email and password', 'Login with Amazon', 'Use Another Account…'],
        );
        assert.equal(testing.sessionState().provider, 'LoginWithAmazon');
        assert.deepEqual(await accounts(), ['ada@example.com']);
      });

    if (kind === 'public')
      it('Use Another Account: the managed login page asks again (prompt=login), even with a browser session (#24)', async () => {
        await vscode.commands.executeCommand('storyteller.signOut');
        await section().update(
          'hostedUi.identityProviders',
          ['COGNITO', 'LoginWithAmazon'],
          vscode.ConfigurationTarget.Global,
        );
        let back: Promise<string> | undefined;
        let asked: URL | undefined;
        testing.useBrowser({
          route: 'paste',
          open: async (url) => {
            asked = new URL(url);
            back = playBrowser(emu, url, { email });
            return true;
          },
        });
        const prompter = new BrowserPrompter([() => back!], () => 'anotherAccount');
        await command(prompter);
        await section().update('hostedUi.identityProviders', undefined, vscode.ConfigurationTarget.Global);
        assert.deepEqual(prompter.errors(), []);
        assert.equal(asked?.searchParams.get('prompt'), 'login');
        assert.equal(asked?.searchParams.get('identity_provider'), null, 'the page, not one provider');
        assert.deepEqual(await accounts(), [email]);
      });
  });
}
