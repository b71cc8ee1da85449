// The Cognito client for the current user settings, and the rules for using it: hosts outside
// AWS are approved once each before anything goes there, and a session is only ever sent to
// the origin it came from.
import * as vscode from 'vscode';
import type { CognitoAuth } from '../../core/auth/cognito';
import { EndpointConsent } from '../../core/auth/endpoints';
import { AuthError } from '../../core/auth/errors';
import { ORIGIN_CHANGED, originChangedMessage, originOf, sameOrigin, unboundMessage } from '../../core/auth/origin';
import type { SessionOrigin } from '../../core/auth/origin';
import type { Session } from '../../core/auth/session';
import type { StorytellerConfig } from '../../core/config';
import { NOT_CONFIGURED } from '../../core/actions';
import { notConfigured } from '../../core/messages';
import { loadAws } from '../bundles';
import { Disposable, toDisposable } from '../lifecycle';
import type { Log } from '../log';
import type { Settings } from '../settings';
import type { Prompter } from './prompter';
import { CLIENT_SECRET_KEY, readClientSecret } from './secretStore';
import { isFunctionUrl } from '../../core/story/generation/gatewayUrl';

/** globalState key: the hosts outside AWS the user agreed to send their sign-in to. */
export const APPROVED_HOSTS_KEY = 'storyteller.approvedHosts';

export interface CognitoClientsOptions {
  readonly secrets: vscode.SecretStorage;
  readonly globalState: vscode.Memento;
  readonly settings: Settings;
  readonly log: Log;
  readonly prompter: () => Prompter;
}

/** The settings sign-in needs, or the AuthError that says what to set. */
export function signInSettings(settings: Settings): StorytellerConfig {
  const current = settings.current;
  if (!current.ok) throw new AuthError(current.problems[0]!.message, 'BadSettings', 'user', 'configure');
  const config = settings.signInConfig;
  if (!config) throw new AuthError(notConfigured(), NOT_CONFIGURED.code, 'user', NOT_CONFIGURED.action);
  return config;
}

export class CognitoClients extends Disposable {
  private cached: { client: CognitoAuth; origin: SessionOrigin; key: string } | undefined;
  private readonly consent: EndpointConsent;

  constructor(private readonly options: CognitoClientsOptions) {
    super();
    const { globalState, secrets, settings } = options;
    this.consent = new EndpointConsent(
      {
        get: () => globalState.get<string[]>(APPROVED_HOSTS_KEY, []).filter((h) => typeof h === 'string'),
        set: async (hosts) => globalState.update(APPROVED_HOSTS_KEY, hosts),
      },
      (host) => this.askToSend(host),
    );
    // A new pool, client, flow, endpoint or secret means a new client; the old one is dropped.
    this._register(settings.onDidChange(() => this.reset()));
    this._register(
      secrets.onDidChange((e) => {
        if (e.key === CLIENT_SECRET_KEY) this.reset();
      }),
    );
    this._register(toDisposable(() => this.reset()));
  }

  /** Asks once per host outside AWS before anything is sent there (e.g. the story endpoints). */
  approve(endpoints: readonly (string | undefined)[]): Promise<void> {
    return this.consent.approve(endpoints);
  }

  /** Hosts the user chose another way (Configure from Stack Outputs): not asked about again. */
  grant(endpoints: readonly (string | undefined)[]): Promise<void> {
    return this.consent.grant(endpoints);
  }

  /**
   * The Cognito client for the current (user) settings, once the user has agreed to send their
   * sign-in to its host if that is outside AWS. The AWS SDK loads here, on first use.
   */
  async current(): Promise<{ client: CognitoAuth; origin: SessionOrigin }> {
    const config = signInSettings(this.options.settings);
    await this.consent.approve([config.endpoints.cognitoIdp]);
    const key = JSON.stringify([originOf(config), config.authFlow]);
    if (this.cached?.key === key) return this.cached;
    this.reset();
    const { CognitoAuth } = loadAws();
    const client = new CognitoAuth({
      region: config.region,
      userPoolId: config.userPoolId,
      clientId: config.clientId,
      authFlow: config.authFlow,
      ...(config.endpoints.cognitoIdp ? { endpoint: config.endpoints.cognitoIdp } : {}),
      clientSecret: () => readClientSecret(this.options.secrets, this.options.log),
    });
    this.cached = { client, origin: originOf(config), key };
    return this.cached;
  }

  /** A client for the origin the session came from; for any other, nothing is sent. */
  async forSession(session: Session): Promise<CognitoAuth> {
    if (!session.origin) throw new AuthError(unboundMessage(), ORIGIN_CHANGED, 'user', 'signIn');
    const { client, origin } = await this.current();
    if (!sameOrigin(session.origin, origin))
      throw new AuthError(originChangedMessage(session.origin, origin), ORIGIN_CHANGED, 'user', 'signIn');
    return client;
  }

  /** The origin the current settings give a new session, or undefined when sign-in cannot work. */
  origin(): SessionOrigin | undefined {
    const config = this.options.settings.signInConfig;
    return config ? originOf(config) : undefined;
  }

  private reset(): void {
    this.cached?.client.dispose();
    this.cached = undefined;
  }

  private async askToSend(host: string): Promise<boolean> {
    const { log } = this.options;
    const prompter = this.options.prompter();
    const message = vscode.l10n.t('Send your sign-in to {0}?', host);
    // Any AWS account can make a function URL: being on AWS says nothing about whose gateway it is.
    const detail = isFunctionUrl(`https://${host}`)
      ? vscode.l10n.t(
          "Your story gateway setting points at {0}, a Lambda function URL, which any AWS account can create. Your ID token will be sent there with every story. Choose Send only if it is your own stack's gateway; you are asked once per host.",
          host,
        )
      : vscode.l10n.t(
          'Your Storyteller endpoint settings point at {0}, which is not an AWS host. Your email, password, tokens and client secret may be sent there. Choose Send only if you set this endpoint yourself and trust it; you are asked once per host.',
          host,
        );
    const send = vscode.l10n.t('Send');
    log.warn(`Asking before the first request to ${host}, a host outside AWS.`);
    const yes = prompter.confirm
      ? await prompter.confirm(message, detail, send)
      : (await prompter.message('warning', `${message} ${detail}`, send)) === send;
    log.info(yes ? `${host} confirmed; remembered in user state.` : `${host} not confirmed; nothing was sent.`);
    return yes;
  }
}
