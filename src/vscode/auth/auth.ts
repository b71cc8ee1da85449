// The auth commands: thin sequences of prompts around the core Cognito client and session
// manager. Each network call runs under progress; each failure shows the core's sentence.
import * as vscode from 'vscode';
import type { CognitoAuth, SignInStep } from '../../core/auth/cognito';
import { EndpointConsent } from '../../core/auth/endpoints';
import { AuthError, toAuthError } from '../../core/auth/errors';
import { ORIGIN_CHANGED, originChangedMessage, originOf, sameOrigin, UNBOUND_MESSAGE } from '../../core/auth/origin';
import type { SessionOrigin } from '../../core/auth/origin';
import { clockSkewMessage, SESSION_EXPIRED, SessionManager } from '../../core/auth/session';
import type { Refresher, Session, SessionState } from '../../core/auth/session';
import {
  checkCode,
  checkEmail,
  checkExistingPassword,
  checkPassword,
  DEFAULT_PASSWORD_POLICY,
} from '../../core/auth/validation';
import { isConfigured } from '../../core/config';
import type { StorytellerConfig } from '../../core/config';
import { notificationSafe } from '../../core/notificationText';
import { loadAws } from '../aws';
import type { Log } from '../log';
import { readSettings } from '../settings';
import { BACK } from './prompter';
import type { InputButton, InputOptions, Prompter } from './prompter';
import { CLIENT_SECRET_KEY, SecretSessionStore } from './secretStore';

/** globalState key: the hosts outside AWS the user agreed to send their sign-in to. */
export const APPROVED_HOSTS_KEY = 'storyteller.approvedHosts';

export class Auth implements vscode.Disposable {
  readonly sessions: SessionManager;
  private cognito: { client: CognitoAuth; origin: SessionOrigin; key: string } | undefined;
  private readonly consent: EndpointConsent;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<SessionState>();
  private lastState: SessionState = { kind: 'signed-out' };
  private syncTimer: NodeJS.Timeout | undefined;
  /** A sign-up (or unconfirmed sign-in) waiting for its code: its password, in memory only. */
  private pending: { email: string; password: string; timer: NodeJS.Timeout } | undefined;
  /** Refreshes tokens, only with a client for the origin the session came from. */
  readonly refresher: Refresher = async (session) => (await this.clientFor(session)).refresh(session);
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly log: Log,
    public prompter: Prompter,
    globalState: vscode.Memento,
  ) {
    this.consent = new EndpointConsent(
      {
        get: () => globalState.get<string[]>(APPROVED_HOSTS_KEY, []).filter((h) => typeof h === 'string'),
        set: async (hosts) => globalState.update(APPROVED_HOSTS_KEY, hosts),
      },
      (host) => this.askToSend(host),
    );
    this.sessions = new SessionManager({
      store: new SecretSessionStore(secrets),
      refresh: this.refresher,
      origin: () => currentOrigin(),
      log: (message) => log.info(message),
    });
    this.disposables.push(
      this.changed,
      { dispose: () => this.sessions.dispose() },
      this.sessions.onDidChange((state) => {
        const wasSignedIn = this.lastState.kind !== 'signed-out';
        this.lastState = state;
        this.changed.fire(state);
        // Say why the account vanished, once, with the way back in. A session that expired while
        // signed out already was told; a corrupt one found at start-up was not.
        if (state.kind === 'signed-out' && state.reason && (wasSignedIn || state.reason !== SESSION_EXPIRED))
          void this.offerSignIn(state.reason);
      }),
      // A new pool, client, flow or endpoint means a new client; the old one is dropped, and the
      // session is checked against the new settings (after a pause: Configure writes several).
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration('storyteller')) return;
        this.resetClient();
        clearTimeout(this.syncTimer);
        this.syncTimer = setTimeout(() => void this.sessions.sync().catch(() => undefined), 300);
      }),
      secrets.onDidChange((e) => {
        if (e.key === CLIENT_SECRET_KEY) this.resetClient();
      }),
    );
  }

  dispose(): void {
    this.forget();
    clearTimeout(this.syncTimer);
    this.resetClient();
    this.disposables.forEach((d) => d.dispose());
  }

  /** Asks once per host outside AWS before anything is sent there (e.g. the story endpoints). */
  approveEndpoints(endpoints: readonly (string | undefined)[]): Promise<void> {
    return this.consent.approve(endpoints);
  }

  /** Signs up, then goes straight on to the code, then to sign-in. */
  async signUp(): Promise<Session | undefined> {
    const asked = await this.ask('Sign Up', [
      { key: 'email', prompt: 'Your email address', placeholder: 'name@example.com', validate: checkEmail },
      { key: 'name', prompt: 'Your name (optional)', placeholder: 'Ann Reader' },
      this.newPassword('Choose a password'),
      // A different second password keeps the box open: type it again, or go Back to the first.
      {
        key: 'confirm',
        prompt: 'Type the password again',
        password: true,
        validate: (v, a) => (v === a.password ? undefined : PASSWORDS_DIFFER),
      },
    ]);
    const answers = asked?.answers;
    if (!answers) return undefined;
    const email = answers.email!;
    const [result] =
      (await this.run('Signing up…', async () =>
        (await this.client()).client.signUp(email, answers.password!, answers.name),
      )) ?? [];
    if (!result) return undefined;
    if (!result.confirmed) {
      // Kept in memory only, so that a code entered later from a notification still signs in.
      this.remember(email, answers.password!);
      const outcome = await this.enterCode(email, result.destination);
      if (outcome === 'escaped') {
        void this.prompter
          .message(
            'info',
            `Your account is created. Enter the code later with "Storyteller: ${ENTER_CODE_TITLE}".`,
            'Enter Code',
            'Resend Code',
          )
          .then(async (picked) => {
            if (picked === 'Enter Code') await this.confirmSignUp(email);
            else if (picked === 'Resend Code') await this.resendCode(email);
          });
      }
      if (outcome !== 'confirmed') return undefined;
    }
    return this.welcome(await this.signIn(email, answers.password));
  }

  /**
   * "Enter Confirmation Code…": the code for an account made earlier, then sign-in: at once with
   * the password still in memory from that sign-up or sign-in, else asking only for the password.
   */
  async confirmSignUp(email?: string): Promise<Session | undefined> {
    const address =
      email ??
      (
        await this.ask(ENTER_CODE, [
          {
            key: 'email',
            prompt: 'Your email address',
            placeholder: 'name@example.com',
            ...this.pendingEmail(),
            validate: checkEmail,
          },
        ])
      )?.answers.email;
    if (!address) return undefined;
    if ((await this.enterCode(address, undefined)) !== 'confirmed') return undefined;
    const password = this.pending?.email === address ? this.pending.password : undefined;
    return this.welcome(await this.signIn(address, password, 'Your account is confirmed. Your password, to sign in'));
  }

  async resendCode(email?: string): Promise<void> {
    const address =
      email ??
      (
        await this.ask('Resend Code', [
          { key: 'email', prompt: 'Your email address', ...this.pendingEmail(), validate: checkEmail },
        ])
      )?.answers.email;
    if (!address) return;
    const sent = await this.run(
      'Sending a new code…',
      async () => (await this.client()).client.resendCode(address),
      address,
    );
    if (sent)
      await this.prompter.message(
        'info',
        `A new code is on its way to ${notificationSafe(sent[0] ?? address)}. Enter it with "Storyteller: ${ENTER_CODE_TITLE}".`,
      );
  }

  /**
   * Signs in, answering any challenge Cognito asks. A wrong password keeps the box open with
   * Cognito's answer (Forgot Password is a button there); the fourth ends the flow.
   */
  async signIn(email?: string, password?: string, prompt = 'Your password'): Promise<Session | undefined> {
    let origin: SessionOrigin | undefined;
    const attempt = async (address: string, secret: string) => {
      const cognito = await this.client();
      origin = cognito.origin;
      try {
        return await cognito.client.signIn(address, secret);
      } catch (e) {
        // Confirming the account next should not ask for this password again.
        if (toAuthError(e).code === 'UserNotConfirmedException') this.remember(address, secret);
        throw e;
      }
    };
    let address = email;
    let step: SignInStep | undefined;
    if (address && password) {
      step = (await this.run('Signing in…', () => attempt(address!, password), address))?.[0];
    } else {
      const tries = new Attempts<SignInStep>(
        this.log,
        'Signing in',
        isWrongPassword,
        PASSWORD_TOO_MANY,
        'forgot-password',
      );
      const asked = await this.ask('Sign In', [
        ...(address
          ? []
          : [{ key: 'email', prompt: 'Your email address', placeholder: 'name@example.com', validate: checkEmail }]),
        {
          key: 'password',
          prompt,
          password: true,
          validate: checkExistingPassword,
          buttons: [{ id: 'forgot', icon: 'key', tooltip: 'Forgot Password' }],
          accept: tries.accept((secret, a) => attempt(address ?? a.email!, secret)),
        },
      ]);
      address ??= asked?.answers.email;
      if (tries.failure) {
        await this.fail(tries.failure, address);
        return undefined;
      }
      if (asked?.button === 'forgot') return this.forgotPassword(address);
      step = tries.result?.[0];
    }
    while (step && step.kind !== 'done') step = await this.answer(step);
    if (!step || !origin) return undefined;
    // The session remembers where it came from: it is never used with other settings.
    const session: Session = { ...step.session, origin };
    await this.sessions.signIn(session);
    this.forget();
    this.log.info(`Signed in as ${session.email}.`);
    const skew = clockSkewMessage(Date.now() - session.issuedAt);
    if (skew) {
      this.log.warn(skew);
      await this.prompter.message('warning', skew);
    }
    return session;
  }

  /** Revokes the refresh token (best effort), then always clears the local session. */
  async signOut(): Promise<void> {
    // peek() hands out only a session of the current settings' origin; another one is cleared
    // here without sending its tokens anywhere.
    const session = await this.sessions.peek().catch(() => undefined);
    if (session) {
      try {
        await (await this.clientFor(session)).revoke(session);
      } catch (e) {
        this.log.warn(`Could not revoke the session (${toAuthError(e).code}); it is cleared here anyway.`);
      }
    }
    await this.sessions.signOut();
    this.log.info('Signed out.');
  }

  async signOutEverywhere(): Promise<void> {
    const session = await this.sessions.getSession().catch(() => undefined);
    if (!session) {
      await this.prompter.message('info', 'You are not signed in.');
      return;
    }
    if (
      !(await this.run('Signing out everywhere…', async () => (await this.clientFor(session)).globalSignOut(session)))
    )
      return;
    await this.sessions.signOut();
    await this.prompter.message('info', 'Signed out on every device.');
  }

  async forgotPassword(email?: string): Promise<Session | undefined> {
    const address =
      email ??
      (await this.ask('Forgot Password', [{ key: 'email', prompt: 'Your email address', validate: checkEmail }]))
        ?.answers.email;
    if (!address) return undefined;
    const sent = await this.run(
      'Sending a reset code…',
      async () => (await this.client()).client.forgotPassword(address),
      address,
    );
    if (!sent) return undefined;
    const answers = (
      await this.ask('Reset Password', [
        { key: 'code', prompt: `The 6-digit code sent to ${sent[0] ?? address}`, validate: checkCode },
        this.newPassword('Choose a new password'),
      ])
    )?.answers;
    if (!answers) return undefined;
    if (
      !(await this.run(
        'Resetting…',
        async () => (await this.client()).client.confirmForgotPassword(address, answers.code!, answers.password!),
        address,
      ))
    )
      return undefined;
    await this.prompter.message('info', 'Your password is reset.');
    return this.signIn(address, answers.password);
  }

  async setUpMfa(): Promise<void> {
    const session = await this.sessions.getSession().catch(async (e: unknown) => {
      await this.prompter.message('error', toAuthError(e).message);
      return undefined;
    });
    if (!session) return;
    const [setup] =
      (await this.run('Starting authenticator setup…', async () =>
        (await this.clientFor(session)).setUpTotp(session),
      )) ?? [];
    if (!setup) return;
    const answers = (
      await this.ask('Set Up Authenticator App', [
        {
          key: 'code',
          prompt: `Add this key to your authenticator app: ${setup.secret} (or open ${setup.otpauthUri}), then enter the 6-digit code it shows`,
          validate: checkCode,
        },
      ])
    )?.answers;
    if (!answers) return;
    if (await this.run('Verifying…', () => setup.verify(answers.code!)))
      await this.prompter.message('info', 'Your authenticator app is set up. Sign-ins will ask for its code.');
  }

  async setClientSecret(): Promise<void> {
    const answers = (
      await this.ask('Set Client Secret', [
        {
          key: 'secret',
          prompt: 'The app client secret (kept in VS Code secret storage, never in settings)',
          password: true,
          validate: (v) => (v.trim() ? undefined : 'Paste the secret.'),
        },
      ])
    )?.answers;
    if (!answers) return;
    await this.secrets.store(CLIENT_SECRET_KEY, answers.secret!.trim());
    await this.prompter.message(
      'info',
      clientSecretFromEnv()
        ? `The client secret is stored, but ${CLIENT_SECRET_ENV} in VS Code's environment takes precedence while it is set.`
        : 'The client secret is stored.',
    );
  }

  async clearClientSecret(): Promise<void> {
    await this.secrets.delete(CLIENT_SECRET_KEY);
    await this.prompter.message('info', 'The client secret is removed.');
  }

  private async offerSignIn(reason: string): Promise<void> {
    this.log.warn(reason);
    if ((await this.prompter.message('warning', reason, 'Sign In')) === 'Sign In') await this.signIn();
  }

  /**
   * A new-password question checked against `storyteller.passwordPolicy` (read once per flow, not
   * per keystroke); a bad setting falls back to the template's policy.
   */
  private newPassword(prompt: string): Question {
    const settings = readSettings();
    const policy = settings.ok ? settings.config.passwordPolicy : DEFAULT_PASSWORD_POLICY;
    return {
      key: 'password',
      prompt,
      password: true,
      hintWhileTyping: true,
      validate: (v) => checkPassword(v, policy),
    };
  }

  /**
   * The code step: Cognito checks the code with the box open, a wrong one is said there (Resend
   * Code is a button there), and only the fourth, or Cognito's limit, ends it.
   */
  private async enterCode(
    address: string,
    destination: string | undefined,
  ): Promise<'confirmed' | 'escaped' | 'ended'> {
    const tries = new Attempts<void>(this.log, 'Confirming', isWrongCode, CODE_TOO_MANY, 'confirm-sign-up');
    const resend: InputButton = {
      id: 'resend',
      icon: 'mail',
      tooltip: 'Resend Code',
      run: async () => {
        try {
          const sent = await (await this.client()).client.resendCode(address);
          tries.reset();
          return { message: `A new code is on its way to ${sent ?? address}. Type it here.` };
        } catch (e) {
          this.log.warn(`Resending the code failed: ${toAuthError(e).code}`);
          return { message: toAuthError(e).message, error: true };
        }
      },
    };
    await this.ask(ENTER_CODE, [
      {
        key: 'code',
        prompt: `The 6-digit code from the email${destination ? ` sent to ${destination}` : ` sent to ${address}`}`,
        placeholder: '123456',
        validate: checkCode,
        buttons: [resend],
        accept: tries.accept(async (code) => (await this.client()).client.confirmSignUp(address, code)),
      },
    ]);
    if (tries.result) return 'confirmed';
    if (tries.failure) {
      await this.fail(tries.failure, address);
      return 'ended';
    }
    return 'escaped';
  }

  /** After a sign-up: one notification that says what to do first. */
  private welcome(session: Session | undefined): Session | undefined {
    if (session) {
      void this.prompter
        .message(
          'info',
          `Welcome! You are signed in as ${notificationSafe(session.email)}. Write your first story with "Storyteller: New Story".`,
          'New Story',
        )
        .then((picked) =>
          picked === 'New Story' ? vscode.commands.executeCommand('storyteller.newStory') : undefined,
        );
    }
    return session;
  }

  /** The password of a sign-up (or sign-in) waiting for its code, in memory for a while. */
  private remember(email: string, password: string): void {
    this.forget();
    this.pending = { email, password, timer: setTimeout(() => this.forget(), PENDING_MS) };
  }

  /** Fills in the email of a sign-up waiting for its code. */
  private pendingEmail(): { value?: string } {
    return this.pending ? { value: this.pending.email } : {};
  }

  private forget(): void {
    clearTimeout(this.pending?.timer);
    this.pending = undefined;
  }

  /**
   * The Cognito client for the current (user) settings, once the user has agreed to send their
   * sign-in to its host if that is outside AWS. The AWS SDK loads here, on first use.
   */
  private async client(): Promise<{ client: CognitoAuth; origin: SessionOrigin }> {
    const config = configured();
    await this.consent.approve([config.endpoints.cognitoIdp]);
    const key = JSON.stringify([originOf(config), config.authFlow]);
    if (this.cognito?.key === key) return this.cognito;
    this.resetClient();
    const { CognitoAuth } = loadAws();
    const client = new CognitoAuth({
      region: config.region,
      userPoolId: config.userPoolId,
      clientId: config.clientId,
      authFlow: config.authFlow,
      ...(config.endpoints.cognitoIdp ? { endpoint: config.endpoints.cognitoIdp } : {}),
      clientSecret: async () => {
        const secret = clientSecretFromEnv() ?? (await this.secrets.get(CLIENT_SECRET_KEY));
        if (secret) this.log.addSecret(secret);
        return secret;
      },
    });
    this.cognito = { client, origin: originOf(config), key };
    return this.cognito;
  }

  /** A client for the origin the session came from; for any other, nothing is sent. */
  private async clientFor(session: Session): Promise<CognitoAuth> {
    if (!session.origin) throw new AuthError(UNBOUND_MESSAGE, ORIGIN_CHANGED, 'user', 'sign-in');
    const { client, origin } = await this.client();
    if (!sameOrigin(session.origin, origin))
      throw new AuthError(originChangedMessage(session.origin, origin), ORIGIN_CHANGED, 'user', 'sign-in');
    return client;
  }

  private resetClient(): void {
    this.cognito?.client.dispose();
    this.cognito = undefined;
  }

  private async askToSend(host: string): Promise<boolean> {
    const message = `Send your sign-in to ${host}?`;
    const detail = `Your Storyteller endpoint settings point at ${host}, which is not an AWS host. Your email, password, tokens and client secret may be sent there. Choose Send only if you set this endpoint yourself and trust it; you are asked once per host.`;
    this.log.warn(`Asking before the first request to ${host}, a host outside AWS.`);
    const yes = this.prompter.confirm
      ? await this.prompter.confirm(message, detail, 'Send')
      : (await this.prompter.message('warning', `${message} ${detail}`, 'Send')) === 'Send';
    this.log.info(yes ? `${host} confirmed; remembered in user state.` : `${host} not confirmed; nothing was sent.`);
    return yes;
  }

  private async answer(step: Exclude<SignInStep, { kind: 'done' }>): Promise<SignInStep | undefined> {
    switch (step.kind) {
      case 'new-password': {
        const a = (
          await this.ask('Choose a New Password', [this.newPassword('Your administrator requires a new password')])
        )?.answers;
        return a ? (await this.run('Setting the password…', () => step.respond(a.password!)))?.[0] : undefined;
      }
      case 'mfa-code': {
        const a = (
          await this.ask('Authenticator Code', [
            { key: 'code', prompt: 'The 6-digit code from your authenticator app', validate: checkCode },
          ])
        )?.answers;
        return a ? (await this.run('Verifying…', () => step.respond(a.code!)))?.[0] : undefined;
      }
      case 'mfa-setup': {
        const a = (
          await this.ask('Set Up Authenticator App', [
            {
              key: 'code',
              prompt: `Your account needs an authenticator app. Add this key: ${step.secret} (or open ${step.otpauthUri}), then enter the code`,
              validate: checkCode,
            },
          ])
        )?.answers;
        return a ? (await this.run('Verifying…', () => step.respond(a.code!)))?.[0] : undefined;
      }
    }
  }

  /**
   * Asks several questions in a row, with a step counter and Back. A button without its own
   * action ends the questions: `button` says which, with the answers so far.
   */
  private async ask(
    title: string,
    questions: Question[],
  ): Promise<{ answers: Record<string, string>; button?: string } | undefined> {
    const answers: Record<string, string> = {};
    for (let i = 0; i < questions.length;) {
      const { key, validate, accept, ...options } = questions[i]!;
      const value = await this.prompter.input({
        title,
        ...options,
        ...(validate ? { validate: (v: string) => validate(v, answers) } : {}),
        ...(accept ? { accept: (v: string) => accept(options.password ? v : v.trim(), answers) } : {}),
        ...(answers[key] !== undefined && !options.password ? { value: answers[key] } : {}),
        ...(questions.length > 1 ? { step: i + 1, totalSteps: questions.length } : {}),
      });
      if (value === undefined) return undefined;
      if (value === BACK) {
        i = Math.max(0, i - 1);
        continue;
      }
      if (typeof value === 'object') return { answers, button: value.button };
      // Passwords are taken exactly as typed; anything else loses stray spaces.
      answers[key] = options.password ? value : value.trim();
      i++;
    }
    return { answers };
  }

  /** Shows a flow-ending failure once, with the follow-ups it suggests. */
  private async fail(error: AuthError, email?: string): Promise<void> {
    const actions = followUps(error);
    const picked = await this.prompter.message('error', error.message, ...actions.map((a) => a.label));
    const action = actions.find((a) => a.label === picked);
    if (action) await action.run(this, email);
  }

  /**
   * Runs one network call under progress. Returns the result in a one-element tuple (so that a
   * void success is not mistaken for failure); on failure it shows the core's sentence, with
   * the follow-up it suggests, and returns undefined.
   */
  private async run<T>(title: string, task: () => Promise<T>, email?: string): Promise<[T] | undefined> {
    try {
      return [await this.prompter.progress(title, () => task())];
    } catch (e) {
      const error = toAuthError(e);
      if (error.code === 'AbortError') return undefined;
      this.log.warn(`${title} failed: ${error.code}`);
      await this.fail(error, email);
      return undefined;
    }
  }
}

interface FollowUp {
  readonly label: string;
  readonly run: (auth: Auth, email?: string) => Promise<unknown>;
}

function followUps(error: AuthError): FollowUp[] {
  switch (error.action) {
    case 'confirm-sign-up':
      return [
        { label: 'Enter Code', run: (a, email) => a.confirmSignUp(email) },
        { label: 'Resend Code', run: (a, email) => a.resendCode(email) },
      ];
    case 'resend-code':
      return [{ label: 'Resend Code', run: (a, email) => a.resendCode(email) }];
    case 'forgot-password':
      return [{ label: 'Reset Password', run: (a, email) => a.forgotPassword(email) }];
    case 'sign-in':
      return [{ label: 'Sign In', run: (a, email) => a.signIn(email) }];
    case 'sign-up':
      return [{ label: 'Sign Up', run: (a) => a.signUp() }];
    case 'configure':
      return [
        {
          label: 'Configure',
          run: () => Promise.resolve(vscode.commands.executeCommand('storyteller.configureFromStack')),
        },
      ];
    default:
      return [];
  }
}

/** The palette title of storyteller.confirmSignUp (package.json), named in hints. */
export const ENTER_CODE_TITLE = 'Enter Confirmation Code…';
const ENTER_CODE = 'Enter Confirmation Code';
/** Wrong codes or passwords in a row before a flow ends. */
export const MAX_ATTEMPTS = 4;
const PENDING_MS = 30 * 60_000;
export const PASSWORDS_DIFFER =
  'The two passwords differ. Type the same password again, or press Back to change the first.';
const CODE_TOO_MANY = `That code was wrong ${MAX_ATTEMPTS} times, so confirming stopped. Ask for a new code with Resend Code, then enter it with "Storyteller: ${ENTER_CODE_TITLE}".`;
const PASSWORD_TOO_MANY = `The password was wrong ${MAX_ATTEMPTS} times, so Sign In stopped. Reset it with Reset Password, or try again in a few minutes.`;

/** A question of a flow: validate and accept also see the answers so far. */
interface Question extends Omit<InputOptions, 'title' | 'validate' | 'accept' | 'step' | 'totalSteps'> {
  readonly key: string;
  readonly validate?: (value: string, answers: Readonly<Record<string, string>>) => string | undefined;
  readonly accept?: (value: string, answers: Readonly<Record<string, string>>) => Promise<string | undefined>;
}

const isWrongCode = (e: AuthError): boolean => e.code === 'CodeMismatchException' || e.code === 'ExpiredCodeException';
const isWrongPassword = (e: AuthError): boolean =>
  (e.code === 'NotAuthorizedException' && /^Incorrect email or password/.test(e.message)) ||
  e.code === 'UserNotFoundException';

/**
 * Counts wrong answers to one question that Cognito checks: each of the first few comes back as
 * the box's message, with the tries left; the last one, or any other failure, ends the flow.
 */
class Attempts<T> {
  private wrong = 0;
  result: [T] | undefined;
  failure: AuthError | undefined;

  constructor(
    private readonly log: Log,
    private readonly what: string,
    private readonly isWrong: (e: AuthError) => boolean,
    private readonly tooMany: string,
    private readonly tooManyAction: AuthError['action'],
  ) {}

  reset(): void {
    this.wrong = 0;
  }

  accept(
    check: (value: string, answers: Readonly<Record<string, string>>) => Promise<T>,
  ): (value: string, answers: Readonly<Record<string, string>>) => Promise<string | undefined> {
    return async (value, answers) => {
      try {
        this.result = [await check(value, answers)];
        return undefined;
      } catch (e) {
        const error = toAuthError(e);
        this.log.warn(`${this.what} failed: ${error.code}`);
        if (this.isWrong(error)) {
          this.wrong++;
          const left = MAX_ATTEMPTS - this.wrong;
          if (left > 0) return `${error.message} (${left} ${left === 1 ? 'try' : 'tries'} left.)`;
          this.failure = new AuthError(this.tooMany, error.code, 'user', this.tooManyAction);
        } else {
          this.failure = error;
        }
        return undefined;
      }
    };
  }
}

/**
 * A client secret from the environment of VS Code's (remote) extension host, for hosts whose
 * secret storage cannot be seeded from outside: `npm run demo`, dev containers, CI. Like AWS_*
 * variables, it wins over what is stored, and it stays in memory.
 */
export const CLIENT_SECRET_ENV = 'STORYTELLER_CLIENT_SECRET';

function clientSecretFromEnv(): string | undefined {
  return process.env[CLIENT_SECRET_ENV]?.trim() || undefined;
}

/** The settings, or the AuthError that says what to set. */
function configured(): StorytellerConfig {
  const settings = readSettings();
  if (!settings.ok) throw new AuthError(settings.problems[0]!.message, 'BadSettings', 'user', 'configure');
  if (!isConfigured(settings.config)) {
    throw new AuthError(
      'Storyteller is not configured yet. Run "Storyteller: Configure from Stack Outputs…" first.',
      'NotConfigured',
      'user',
      'configure',
    );
  }
  return settings.config;
}

/** The origin the current settings give a new session, or undefined when not configured. */
function currentOrigin(): SessionOrigin | undefined {
  const settings = readSettings();
  return settings.ok && isConfigured(settings.config) ? originOf(settings.config) : undefined;
}
