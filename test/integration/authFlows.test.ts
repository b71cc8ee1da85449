// Every auth flow, every fault and the bad inputs, through the real commands and the
// AuthenticationProvider inside VS Code, against the emulator, with and without a client secret.
import * as assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, connect } from 'node:net';
import type { Server, Socket } from 'node:net';
import { Secret, TOTP } from 'otpauth';
import * as vscode from 'vscode';
import type { TestingApi } from '../../src/vscode/testing';
import { clearFaults, cognito, counters, emulators, fault, forgetEmulator, latestCode, useEmulator } from './emulators';
import type { EmulatorInfo } from './emulators';
import { activate, eventually, script as run, ScriptedPrompter } from './prompter';
import type { Scripted } from './prompter';
import { ENTER_CODE_TITLE, PASSWORDS_DIFFER } from '../../src/vscode/messages';
import { PASSWORD, uniqueEmail } from '../support/accounts';

const NEW_PASSWORD = 'Battery-Staple-42';
const EXPIRED = 'Your session has expired. Sign in again.';
const CORRUPT = 'The stored session could not be read, so it was cleared. Sign in again.';
const accounts = async () => (await vscode.authentication.getAccounts('cognito')).map((a) => a.label);
const refreshes = async (emu: EmulatorInfo) => (await counters(emu))['InitiateAuth:REFRESH_TOKEN_AUTH'] ?? 0;

const totp = (secret: string) =>
  new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate();
/** The base32 key shown in an MFA setup prompt. */
const keyIn = (prompt: string) =>
  /key(?: to your authenticator app)?: ([A-Z2-7]+)/.exec(prompt)?.[1] ?? assert.fail(`no key in "${prompt}"`);

/** A TCP relay in front of the emulator that can be cut and restored: "Cognito is unreachable". */
class Relay {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;
  constructor(private readonly target: URL) {}

  async open(): Promise<string> {
    const server = createServer((client) => {
      const upstream = connect(Number(this.target.port), this.target.hostname);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as { port: number }).port;
    this.server = server;
    return `http://127.0.0.1:${this.port}`;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
}

for (const kind of ['public', 'secret'] as const) {
  describe(`Auth flows in VS Code (${kind} app client)`, function () {
    this.timeout(40_000);
    let testing: TestingApi;
    let emu: EmulatorInfo;
    const script = (answers: Scripted[], command: string, pick?: ConstructorParameters<typeof ScriptedPrompter>[1]) =>
      run(testing, answers, command, pick);
    const code =
      (to: string, what = 'confirmation') =>
      () =>
        latestCode(emu, to, what);

    /** Signs a new user up and in; returns the email. */
    async function newUser(password = PASSWORD): Promise<string> {
      const email = uniqueEmail('flow');
      const p = await script([email, '', password, password, code(email)], 'storyteller.signUp');
      assert.deepEqual(p.errors(), []);
      assert.deepEqual(await accounts(), [email]);
      return email;
    }

    /** REFRESH_TOKEN_AUTH straight to the emulator, as a thief holding the token would. */
    async function refreshWith(tokens: string[]): Promise<string> {
      const [idToken, , refreshToken] = tokens;
      const payload = JSON.parse(Buffer.from(idToken!.split('.')[1]!, 'base64url').toString()) as Record<
        string,
        string
      >;
      const params: Record<string, string> = { REFRESH_TOKEN: refreshToken! };
      if (emu.clientSecret) {
        params.SECRET_HASH = createHmac('sha256', emu.clientSecret)
          .update(`${payload['cognito:username']}${emu.clientId}`)
          .digest('base64');
      }
      const r = await cognito(emu, 'InitiateAuth', {
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        ClientId: emu.clientId,
        AuthParameters: params,
      });
      return r.status === 200 ? 'ok' : String(r.body.__type);
    }

    before(async () => {
      ({ testing } = await activate());
      emu = emulators()[kind];
      await useEmulator(emu);
      if (emu.clientSecret) await script([emu.clientSecret], 'storyteller.setClientSecret');
    });

    afterEach(async () => {
      await clearFaults(emu);
      await vscode.commands.executeCommand('storyteller.signOut');
    });

    after(async () => {
      await script([], 'storyteller.clearClientSecret');
      testing.usePrompter(undefined);
      await forgetEmulator();
    });

    it('refreshes an expired session with the refresh token', async () => {
      const email = await newUser();
      await testing.expireSession();
      const before = await refreshes(emu);
      const session = await testing.getSession();
      assert.equal(session.email, email);
      assert.ok(session.expiresAt > Date.now() + 30 * 60_000, 'the new tokens are valid for a while');
      assert.equal(await refreshes(emu), before + 1);
    });

    it('signs out: the refresh token is revoked, so refreshing with it fails on Cognito', async () => {
      await newUser();
      const tokens = await testing.secrets();
      assert.equal(await refreshWith(tokens), 'ok', 'the token works before sign-out');
      await vscode.commands.executeCommand('storyteller.signOut');
      assert.deepEqual(await accounts(), []);
      assert.equal(await refreshWith(tokens), 'NotAuthorizedException');
    });

    it('signs out everywhere: GlobalSignOut ends every session of the user', async () => {
      await newUser();
      const tokens = await testing.secrets();
      const before = (await counters(emu)).GlobalSignOut ?? 0;
      const p = await script([], 'storyteller.signOutEverywhere');
      assert.deepEqual(
        p.messages.map((m) => m.message),
        ['Signed out on every device.'],
      );
      assert.equal((await counters(emu)).GlobalSignOut, before + 1);
      assert.deepEqual(await accounts(), []);
      assert.equal(await refreshWith(tokens), 'NotAuthorizedException');
    });

    it('lets an administrator-created user choose a new password at first sign-in', async () => {
      const email = uniqueEmail('flow');
      const created = await cognito(emu, 'AdminCreateUser', { UserPoolId: emu.userPoolId, Username: email });
      assert.equal(created.status, 200, JSON.stringify(created.body));
      const temporary = await latestCode(emu, email, 'invitation');
      const p = await script(
        [
          email,
          temporary,
          {
            rejects: [
              [
                'weak',
                'The password needs at least 10 characters, an uppercase letter, a number and a symbol such as ! or #.',
              ],
            ],
            then: NEW_PASSWORD,
          },
        ],
        'storyteller.signIn',
      );
      p.assertValidation();
      assert.deepEqual(p.errors(), []);
      assert.deepEqual(
        p.asked.map((a) => a.title),
        ['Sign In', 'Sign In', 'Choose a New Password'],
      );
      assert.deepEqual(await accounts(), [email]);
      // The new password is the password from now on.
      await vscode.commands.executeCommand('storyteller.signOut');
      assert.deepEqual((await script([email, NEW_PASSWORD], 'storyteller.signIn')).errors(), []);
      assert.deepEqual(await accounts(), [email]);
    });

    it('sets up an authenticator app, then signs in with a TOTP code', async () => {
      const email = await newUser();
      let key = '';
      const wrong = await script([async () => '000000'], 'storyteller.setUpMfa');
      const setup = await script(
        [
          async (o) => {
            key = keyIn(o.prompt);
            return totp(key);
          },
        ],
        'storyteller.setUpMfa',
      );
      assert.deepEqual(setup.errors(), []);
      assert.match(setup.asked[0]!.prompt, /otpauth:\/\/totp\//);
      assert.deepEqual(
        setup.messages.map((m) => m.message),
        ['Your authenticator app is set up. Sign-ins will ask for its code.'],
      );
      assert.deepEqual(wrong.errors(), ['That authenticator code is not right. Wait for the next code and try again.']);

      await vscode.commands.executeCommand('storyteller.signOut');
      const p = await script([email, PASSWORD, async () => totp(key)], 'storyteller.signIn');
      assert.deepEqual(p.errors(), []);
      assert.deepEqual(
        p.asked.map((a) => a.title),
        ['Sign In', 'Sign In', 'Authenticator Code'],
      );
      assert.deepEqual(await accounts(), [email]);
    });

    it('resets a forgotten password with the emailed code, then signs in with it', async () => {
      const email = await newUser();
      await vscode.commands.executeCommand('storyteller.signOut');
      const p = await script([email, code(email, 'reset'), NEW_PASSWORD], 'storyteller.forgotPassword');
      assert.deepEqual(p.errors(), []);
      assert.ok(p.messages.some((m) => m.message === 'Your password is reset.'));
      assert.deepEqual(await accounts(), [email], 'signed in with the new password');
      await vscode.commands.executeCommand('storyteller.signOut');
      const old = await script([email, PASSWORD], 'storyteller.signIn');
      assert.deepEqual(
        old.refused.map(([, , message]) => message),
        ['Incorrect email or password. Try again, or use "Forgot Password". (3 tries left.)'],
      );
    });

    it('30 concurrent getSessions calls on an expired token cause exactly one refresh', async () => {
      const email = await newUser();
      await testing.expireSession();
      const before = await refreshes(emu);
      const results = await Promise.all(Array.from({ length: 30 }, () => testing.providerSessions()));
      assert.deepEqual(new Set(results.map((r) => r.join())), new Set([email]));
      assert.equal(await refreshes(emu), before + 1);
    });

    it('stays signed in and offline while Cognito is unreachable, then recovers by itself', async () => {
      const relay = new Relay(new URL(emu.endpoints.cognitoIdp));
      const section = vscode.workspace.getConfiguration('storyteller');
      await section.update('endpoints.cognitoIdp', await relay.open(), vscode.ConfigurationTarget.Global);
      try {
        const email = await newUser();
        await relay.cut();
        await testing.expireSession();
        await assert.rejects(testing.getSession(), {
          message: 'Cannot reach Amazon Cognito. Check your network connection or proxy, then try again.',
        });
        assert.equal(testing.sessionState().kind, 'offline');
        assert.deepEqual(await accounts(), [email], 'still in the Accounts menu');
        assert.deepEqual(await testing.providerSessions(), [email], 'other extensions still get the session');
        assert.match(testing.statusBarText(), /^\$\(cloud-offline\) /);
        const before = await refreshes(emu);
        await relay.open();
        await eventually('the session recovers by itself', () => testing.sessionState().kind === 'signedIn', 15_000);
        assert.ok(testing.sessionState().expiresAt! > Date.now());
        assert.equal(await refreshes(emu), before + 1);
        assert.match(testing.statusBarText(), /^\$\(account\) /);
      } finally {
        await relay.cut();
        await section.update('endpoints.cognitoIdp', emu.endpoints.cognitoIdp, vscode.ConfigurationTarget.Global);
      }
    });

    it('stays signed in through Cognito 5xx errors during refresh, then recovers by itself', async () => {
      const email = await newUser();
      await fault(emu, {
        kind: 'error',
        operation: 'InitiateAuth',
        error: 'InternalErrorException',
        status: 500,
        count: 3,
      });
      await testing.expireSession();
      await assert.rejects(testing.getSession(), { message: 'Cognito had an internal error. Try again in a moment.' });
      assert.equal(testing.sessionState().kind, 'offline');
      assert.deepEqual(await accounts(), [email]);
      await eventually('the session recovers by itself', () => testing.sessionState().kind === 'signedIn', 15_000);
    });

    it('signs out with a message when the refresh token was revoked', async () => {
      await newUser();
      const p = new ScriptedPrompter([]);
      testing.usePrompter(p);
      await fault(emu, { kind: 'revokeRefreshTokens' });
      await testing.expireSession();
      await assert.rejects(testing.getSession(), { message: EXPIRED });
      assert.deepEqual(testing.sessionState(), { kind: 'signedOut', cause: 'expired', reason: EXPIRED });
      assert.deepEqual(await accounts(), []);
      await eventually('the user is told', () => p.warnings().includes(EXPIRED));
      assert.deepEqual(p.messages.find((m) => m.message === EXPIRED)?.actions, ['Sign In']);
      assert.equal(testing.statusBarText(), '$(warning) Session expired — sign in again');
    });

    it('two session managers on one SecretStorage refresh at once and neither loses the session', async () => {
      const email = await newUser();
      const second = testing.secondWindow();
      try {
        await testing.expireSession();
        const before = await refreshes(emu);
        const [a, b] = await Promise.all([testing.getSession(), second.getSession()]);
        assert.equal(a.email, email);
        assert.equal(b.email, email);
        assert.ok(a.expiresAt > Date.now() && b.expiresAt > Date.now());
        const used = (await refreshes(emu)) - before;
        assert.ok(used >= 1 && used <= 2, `${used} refreshes`);
        assert.equal(testing.sessionState().kind, 'signedIn');
        assert.equal(second.kind(), 'signedIn');
        assert.deepEqual(await accounts(), [email]);
        // The stored session is good: the next call needs no refresh at all.
        await testing.getSession();
        await second.getSession();
        assert.equal((await refreshes(emu)) - before, used);
      } finally {
        second.dispose();
      }
    });

    it('clears a corrupt stored session with a message', async () => {
      await newUser();
      const p = new ScriptedPrompter([]);
      testing.usePrompter(p);
      await testing.writeRawSession('{"idToken": "truncated…');
      await eventually('the user is told', () => p.warnings().includes(CORRUPT));
      assert.deepEqual(testing.sessionState(), { kind: 'signedOut', cause: 'corrupt', reason: CORRUPT });
      assert.deepEqual(await accounts(), []);
      assert.equal(testing.statusBarText(), '$(sign-in) Sign in');
    });

    it('refuses bad input inline, each with its exact message, before any call', async () => {
      const email = uniqueEmail('flow');
      const before = (await counters(emu)).SignUp ?? 0;
      const p = await script(
        [
          {
            rejects: [
              ['', 'Enter your email address.'],
              ['ann', 'Enter an email address like name@example.com.'],
              ['ann@@example.com', 'Enter an email address like name@example.com.'],
              ['ann smith@example.com', 'An email address cannot contain spaces.'],
              ['ann@example', '"example" is not a valid email domain. Enter an address like name@example.com.'],
              [
                'ann@-example.com',
                '"-example.com" is not a valid email domain. Enter an address like name@example.com.',
              ],
            ],
            then: email,
          },
          '',
          {
            rejects: [
              ['', 'Enter a password.'],
              [
                'short',
                'The password needs at least 10 characters, an uppercase letter, a number and a symbol such as ! or #.',
              ],
              ['all-lowercase-42', 'The password needs an uppercase letter.'],
              ['No-Digits-Here', 'The password needs a number.'],
              ['NoSymbols12345', 'The password needs a symbol such as ! or #.'],
              [' Leading-Space-9', 'A password cannot start or end with a space.'],
            ],
            then: PASSWORD,
          },
          PASSWORD,
          {
            rejects: [
              ['', 'Enter the 6-digit code.'],
              ['12345', 'The code is 6 digits, like 123456.'],
              ['abcdef', 'The code is 6 digits, like 123456.'],
              ['1234567', 'The code is 6 digits, like 123456.'],
            ],
            then: code(email),
          },
        ],
        'storyteller.signUp',
      );
      p.assertValidation();
      assert.equal(p.validated.length, 16);
      assert.equal((await counters(emu)).SignUp, before + 1, 'only the good input reached Cognito');
      assert.deepEqual(await accounts(), [email]);
    });

    it('explains every refusal from Cognito in one sentence', async () => {
      const confirmed = await newUser();
      await vscode.commands.executeCommand('storyteller.signOut');
      const email = uniqueEmail('flow');
      const cases: [string, () => Promise<ScriptedPrompter>, string][] = [
        // A wrong code, a wrong password and differing passwords keep the box open: see the tests below.
        [
          'email already registered',
          async () => {
            await script([email, '', PASSWORD, PASSWORD], 'storyteller.signUp');
            return script([email, '', PASSWORD, PASSWORD], 'storyteller.signUp');
          },
          'An account with this email already exists. Sign in, or reset the password if you forgot it.',
        ],
        [
          'unconfirmed user',
          () => script([email, PASSWORD], 'storyteller.signIn'),
          'Your account is not confirmed yet. Enter the 6-digit code from the confirmation email.',
        ],
        [
          'wrong reset code',
          () => script([confirmed, '000000', NEW_PASSWORD], 'storyteller.forgotPassword'),
          'That code is not right. Check the latest email and type the 6 digits again.',
        ],
        [
          'throttled',
          async () => {
            // The SDK retries LimitExceeded as throttling (3 attempts in all), so it takes three.
            await fault(emu, { kind: 'error', operation: 'SignUp', error: 'LimitExceededException', count: 3 });
            return script([uniqueEmail('flow'), '', PASSWORD, PASSWORD], 'storyteller.signUp');
          },
          'Too many attempts. Wait a few minutes, then try again.',
        ],
        [
          'weaker local policy than the pool',
          async () => {
            await vscode.workspace
              .getConfiguration('storyteller')
              .update('passwordPolicy', { minimumLength: 6 }, vscode.ConfigurationTarget.Workspace);
            return script([uniqueEmail('flow'), '', 'Ab1!xyz', 'Ab1!xyz'], 'storyteller.signUp').finally(() =>
              vscode.workspace
                .getConfiguration('storyteller')
                .update('passwordPolicy', undefined, vscode.ConfigurationTarget.Workspace),
            );
          },
          'The password does not meet the policy: Password not long enough.',
        ],
        [
          'Cognito unreachable',
          async () => {
            const section = vscode.workspace.getConfiguration('storyteller');
            await section.update('endpoints.cognitoIdp', 'http://127.0.0.1:9', vscode.ConfigurationTarget.Global);
            return script([confirmed, PASSWORD], 'storyteller.signIn').finally(() =>
              section.update('endpoints.cognitoIdp', emu.endpoints.cognitoIdp, vscode.ConfigurationTarget.Global),
            );
          },
          'Cannot reach Amazon Cognito. Check your network connection or proxy, then try again.',
        ],
        [
          'not configured',
          async () => {
            await forgetEmulator();
            return script([email, PASSWORD], 'storyteller.signIn').finally(() => useEmulator(emu));
          },
          'Storyteller is not configured yet. Run "Storyteller: Configure from Stack Outputs…" first.',
        ],
      ];
      if (emu.clientSecret) {
        cases.push([
          'client secret missing',
          async () => {
            await script([], 'storyteller.clearClientSecret');
            return script([email, PASSWORD], 'storyteller.signIn').finally(() =>
              script([emu.clientSecret!], 'storyteller.setClientSecret'),
            );
          },
          'The app client needs a client secret that matches. Run "Storyteller: Set Client Secret…" with the secret from the app client.',
        ]);
      }
      const seen: [string, string[]][] = [];
      for (const [name, act] of cases) seen.push([name, (await act()).errors()]);
      assert.deepEqual(
        seen,
        cases.map(([name, , message]) => [name, [message]]),
      );
      assert.deepEqual(await accounts(), []);
    });

    // ───────────── Mistakes are fixed in place (#13) ─────────────

    const wrong = (email: string) => async () => ((await latestCode(emu, email)) === '000000' ? '111111' : '000000');
    const NOT_RIGHT = 'That code is not right. Check the latest email and type the 6 digits again.';
    const WRONG_PASSWORD = 'Incorrect email or password. Try again, or use "Forgot Password".';

    it("keeps the code box open after wrong codes, with Cognito's answer and the tries left, then signs in with the right one", async () => {
      const email = uniqueEmail('flow');
      const p = await script(
        [email, '', PASSWORD, PASSWORD, wrong(email), wrong(email), wrong(email), code(email)],
        'storyteller.signUp',
      );
      assert.deepEqual(p.errors(), [], 'no error notification');
      const prompt = p.asked.at(-1)!.prompt;
      assert.match(prompt, /^The 6-digit code from the email sent to /);
      assert.deepEqual(
        p.refused.map(([, , message]) => message),
        [`${NOT_RIGHT} (3 tries left.)`, `${NOT_RIGHT} (2 tries left.)`, `${NOT_RIGHT} (1 try left.)`],
      );
      assert.equal(p.asked.filter((a) => a.prompt === prompt).length, 1, 'one box, never closed between tries');
      assert.deepEqual(await accounts(), [email]);
      assert.deepEqual(
        p.messages.map((m) => m.message),
        [`Welcome! You are signed in as ${email}. Write your first story with "Storyteller: New Story".`],
      );
    });

    it('ends at the fourth wrong code, with the reason and the way on', async () => {
      const email = uniqueEmail('flow');
      const p = await script(
        [email, '', PASSWORD, PASSWORD, wrong(email), wrong(email), wrong(email), wrong(email), code(email)],
        'storyteller.signUp',
      );
      assert.equal(p.refused.length, 3);
      assert.deepEqual(p.errors(), [
        `That code was wrong 4 times, so confirming stopped. Ask for a new code with Resend Code, then enter it with "Storyteller: ${ENTER_CODE_TITLE}".`,
      ]);
      assert.deepEqual(p.messages.at(-1)?.actions, ['Enter Code', 'Resend Code']);
      assert.deepEqual(await accounts(), []);
    });

    it("ends at once on Cognito's LimitExceededException, with its sentence", async () => {
      const email = uniqueEmail('flow');
      await fault(emu, { kind: 'error', operation: 'ConfirmSignUp', error: 'LimitExceededException', count: 3 });
      const p = await script([email, '', PASSWORD, PASSWORD, code(email)], 'storyteller.signUp');
      assert.deepEqual(p.refused, []);
      assert.deepEqual(p.errors(), ['Too many attempts. Wait a few minutes, then try again.']);
      assert.deepEqual(await accounts(), []);
    });

    it('sends a new code from the code box (Resend Code) and takes it there', async () => {
      const email = uniqueEmail('flow');
      let first = '';
      const p = await script(
        [
          email,
          '',
          PASSWORD,
          PASSWORD,
          async () => {
            first = await latestCode(emu, email);
            return first === '000000' ? '111111' : '000000';
          },
          { press: 'resend' },
          code(email),
        ],
        'storyteller.signUp',
      );
      assert.deepEqual(p.errors(), []);
      assert.equal(p.notes.length, 1);
      assert.match(p.notes[0]![2] ?? '', /^A new code is on its way to .+\. Type it here\.$/);
      assert.ok(first !== '', 'a first code was sent');
      assert.deepEqual(await accounts(), [email]);
    });

    it('keeps the second password box open while the passwords differ', async () => {
      const email = uniqueEmail('flow');
      const p = await script(
        [email, '', PASSWORD, { rejects: [['Other-Horse-99', PASSWORDS_DIFFER]], then: PASSWORD }, code(email)],
        'storyteller.signUp',
      );
      p.assertValidation();
      assert.deepEqual(p.errors(), []);
      assert.deepEqual(await accounts(), [email]);
    });

    it('after Escape at the code, says how to come back; the code entered later signs in with the password from that sign-up', async () => {
      const email = uniqueEmail('flow');
      const escaped = await script([email, '', PASSWORD, PASSWORD], 'storyteller.signUp');
      assert.deepEqual(
        escaped.messages.map((m) => [m.message, m.actions]),
        [
          [
            `Your account is created. Enter the code later with "Storyteller: ${ENTER_CODE_TITLE}".`,
            ['Enter Code', 'Resend Code'],
          ],
        ],
      );
      // From the palette: only the email (filled in) and the code are asked; no password.
      const later = await script(
        [(o) => Promise.resolve(o.value ?? ''), wrong(email), code(email)],
        'storyteller.confirmSignUp',
      );
      assert.equal(later.asked[0]!.value, email, 'the email is filled in');
      assert.deepEqual(
        later.asked.map((a) => a.title),
        ['Enter Confirmation Code', 'Enter Confirmation Code'],
      );
      assert.deepEqual(
        later.refused.map(([, , m]) => m),
        [`${NOT_RIGHT} (3 tries left.)`],
      );
      assert.deepEqual(later.errors(), []);
      assert.deepEqual(await accounts(), [email], 'signed in without asking the password again');
    });

    it('after the code from an Enter Code button of an unconfirmed sign-in, signs in with that password', async () => {
      const email = uniqueEmail('flow');
      await script([email, '', PASSWORD, PASSWORD], 'storyteller.signUp');
      const p = await script([email, PASSWORD, code(email)], 'storyteller.signIn', (_m, actions) =>
        actions.includes('Enter Code') ? 'Enter Code' : undefined,
      );
      assert.deepEqual(p.errors(), [
        'Your account is not confirmed yet. Enter the 6-digit code from the confirmation email.',
      ]);
      assert.deepEqual(
        p.asked.map((a) => a.title),
        ['Sign In', 'Sign In', 'Enter Confirmation Code'],
      );
      assert.deepEqual(await accounts(), [email]);
    });

    it('without a password in memory, goes from the code straight to Sign In with the email filled in', async () => {
      const email = uniqueEmail('flow');
      await script([email, '', PASSWORD, PASSWORD], 'storyteller.signUp');
      // Another sign-up forgets the first one's password.
      await script([uniqueEmail('flow'), '', PASSWORD, PASSWORD], 'storyteller.signUp');
      const p = await script([email, code(email), PASSWORD], 'storyteller.confirmSignUp');
      assert.deepEqual(
        p.asked.map((a) => [a.title, a.prompt]),
        [
          ['Enter Confirmation Code', 'Your email address'],
          ['Enter Confirmation Code', `The 6-digit code from the email sent to ${email}`],
          ['Sign In', 'Your account is confirmed. Your password, to sign in'],
        ],
      );
      assert.deepEqual(p.errors(), []);
      assert.deepEqual(await accounts(), [email]);
    });

    it('keeps the password box open after a wrong password, and ends at the fourth', async () => {
      const email = await newUser();
      await vscode.commands.executeCommand('storyteller.signOut');
      const fixed = await script([email, 'Wrong-Horse-1', PASSWORD], 'storyteller.signIn');
      assert.deepEqual(
        fixed.refused.map(([prompt, , m]) => [prompt, m]),
        [['Your password', `${WRONG_PASSWORD} (3 tries left.)`]],
      );
      assert.deepEqual(fixed.errors(), []);
      assert.deepEqual(await accounts(), [email]);
      await vscode.commands.executeCommand('storyteller.signOut');
      const ended = await script(
        [email, 'Wrong-Horse-1', 'Wrong-Horse-2', 'Wrong-Horse-3', 'Wrong-Horse-4', PASSWORD],
        'storyteller.signIn',
      );
      assert.equal(ended.refused.length, 3);
      assert.deepEqual(ended.errors(), [
        'The password was wrong 4 times, so Sign In stopped. Reset it with Reset Password, or try again in a few minutes.',
      ]);
      assert.deepEqual(ended.messages.at(-1)?.actions, ['Reset Password']);
      assert.deepEqual(await accounts(), []);
    });

    it('offers Create an Account in the sign-in boxes, for a person who has none yet (#24)', async () => {
      await vscode.commands.executeCommand('storyteller.signOut');
      const email = uniqueEmail('newcomer');
      const fromEmailBox = await script(
        [{ press: 'signUp' }, email, '', PASSWORD, PASSWORD, code(email)],
        'storyteller.signIn',
      );
      assert.equal(fromEmailBox.asked[0]?.title, 'Sign In');
      assert.deepEqual(
        fromEmailBox.asked[0]?.buttons?.map((b) => [b.id, b.tooltip]),
        [['signUp', 'Create an Account…']],
      );
      assert.equal(fromEmailBox.asked[1]?.title, 'Sign Up');
      assert.deepEqual(fromEmailBox.errors(), []);
      assert.deepEqual(await accounts(), [email], 'signed up and in');
      await vscode.commands.executeCommand('storyteller.signOut');
      // From the password box too, next to Forgot Password.
      const other = uniqueEmail('newcomer');
      const fromPasswordBox = await script(
        ['someone@example.com', { press: 'signUp' }, other, '', PASSWORD, PASSWORD, code(other)],
        'storyteller.signIn',
      );
      assert.deepEqual(
        fromPasswordBox.asked[1]?.buttons?.map((b) => b.id),
        ['forgot', 'signUp'],
      );
      assert.deepEqual(fromPasswordBox.errors(), []);
      assert.deepEqual(await accounts(), [other]);
    });

    it('asks before Sign Up signs another account in, when one is signed in (#24)', async () => {
      const first = await newUser();
      /** Picks `id` in Sign Up's question, and types the script into the boxes after it. */
      class Choosing extends ScriptedPrompter {
        readonly choices: (readonly string[])[] = [];
        constructor(
          answers: Scripted[],
          private readonly id: string,
        ) {
          super(answers);
        }
        async choose(_title: string, items: readonly { id: string; detail?: string }[]): Promise<string> {
          this.choices.push(items.map((i) => i.id));
          assert.equal(items[0]?.detail, `You are signed in as ${first}. The new account is signed in instead.`);
          return this.id;
        }
      }
      const stay = new Choosing([], 'stay');
      testing.usePrompter(stay);
      await vscode.commands.executeCommand('storyteller.signUp');
      assert.deepEqual(stay.choices, [['create', 'stay']]);
      assert.equal(stay.asked.length, 0, 'nothing else asked');
      assert.deepEqual(await accounts(), [first], 'still signed in as before');
      const second = uniqueEmail('second');
      const create = new Choosing([second, '', PASSWORD, PASSWORD, code(second)], 'create');
      testing.usePrompter(create);
      await vscode.commands.executeCommand('storyteller.signUp');
      assert.deepEqual(create.errors(), []);
      assert.deepEqual(await accounts(), [second]);
      // Signed out, nothing is asked first.
      await vscode.commands.executeCommand('storyteller.signOut');
      const third = uniqueEmail('third');
      const signedOut = new Choosing([third, '', PASSWORD, PASSWORD, code(third)], 'stay');
      testing.usePrompter(signedOut);
      await vscode.commands.executeCommand('storyteller.signUp');
      assert.deepEqual(signedOut.choices, []);
      assert.deepEqual(await accounts(), [third]);
    });

    it('offers Forgot Password in the password box, with the email kept', async () => {
      const email = await newUser();
      await vscode.commands.executeCommand('storyteller.signOut');
      const p = await script(
        [email, 'Wrong-Horse-1', { press: 'forgot' }, code(email, 'reset'), NEW_PASSWORD],
        'storyteller.signIn',
      );
      assert.deepEqual(
        p.asked.map((a) => a.title),
        ['Sign In', 'Sign In', 'Reset Password', 'Reset Password'],
      );
      assert.deepEqual(p.errors(), []);
      assert.deepEqual(await accounts(), [email], 'signed in with the new password');
    });
  });
}
