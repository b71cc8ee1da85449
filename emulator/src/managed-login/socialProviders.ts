// Local stand-ins for Login with Amazon and Google: their own sign-in pages (an account chooser
// with a few local accounts), their own codes, and the server-to-server code exchange Cognito
// makes, checked against the client id and secret the template gives the identity provider.
import { randomUUID } from 'node:crypto';
import type { EmuRequest } from '../http';
import { csrfOk, csrfToken, errorPage, escapeHtml, form, hidden, page, postForm, redirect } from './html';
import type { PageReply } from './html';
import type { IdentityProviderConfig } from './managedLoginConfig';

export interface LocalAccount {
  /** The provider's user id (Amazon's user_id, Google's sub). */
  id: string;
  /** The provider's attribute names, as its user-profile API returns them. */
  attributes: Record<string, string>;
}

/** A few accounts per provider; mallory's domain is one a pool's domain rule would refuse. */
export const LOCAL_ACCOUNTS: Record<string, LocalAccount[]> = {
  LoginWithAmazon: [
    {
      id: 'amzn1.account.AFLOCALADA0000000000000000',
      attributes: {
        user_id: 'amzn1.account.AFLOCALADA0000000000000000',
        name: 'Ada Lovelace',
        email: 'ada@example.com',
      },
    },
    {
      id: 'amzn1.account.AFLOCALMALLORY000000000000',
      attributes: {
        user_id: 'amzn1.account.AFLOCALMALLORY000000000000',
        name: 'Mallory',
        email: 'mallory@elsewhere.test',
      },
    },
  ],
  Google: [
    {
      id: '104000000000000000001',
      attributes: {
        sub: '104000000000000000001',
        name: 'Grace Hopper',
        given_name: 'Grace',
        family_name: 'Hopper',
        email: 'grace@example.com',
        email_verified: 'true',
      },
    },
    {
      id: '104000000000000000002',
      attributes: {
        sub: '104000000000000000002',
        name: 'Mallory',
        email: 'mallory@elsewhere.test',
        email_verified: 'true',
      },
    },
  ],
};

const TITLES: Record<string, string> = {
  LoginWithAmazon: 'Login with Amazon (local stand-in)',
  Google: 'Sign in with Google (local stand-in)',
};

export const LOCAL_IDP_PREFIX = '/local-idp/';

interface ProviderCode {
  type: string;
  clientId: string;
  redirectUri: string;
  account: LocalAccount;
  expires: number;
  used: boolean;
}

/** What the providers need of managed login (ManagedLogin, which holds them). */
export interface ProvidersHost {
  /** The hosted domain's origin, read at each request: it is set once the port is known. */
  readonly base: string;
  readonly config: { readonly providers: IdentityProviderConfig[] };
  now(): number;
}

export class LocalProviders {
  private readonly codes = new Map<string, ProviderCode>();

  constructor(private readonly ml: ProvidersHost) {}

  /** Where Cognito sends the browser for this provider. */
  authorizeUrl(provider: IdentityProviderConfig, state: string): string {
    const q = new URLSearchParams({
      client_id: provider.clientId,
      redirect_uri: `${this.ml.base}/oauth2/idpresponse`,
      response_type: 'code',
      scope: provider.authorizeScopes.join(' '),
      state,
    });
    return `${this.ml.base}${LOCAL_IDP_PREFIX}${encodeURIComponent(provider.type)}/authorize?${q.toString()}`;
  }

  private check(type: string, q: URLSearchParams): IdentityProviderConfig | PageReply {
    const provider = this.ml.config.providers.find((p) => p.type === type);
    if (!provider || !LOCAL_ACCOUNTS[type]) return errorPage(`No local ${type} provider is configured.`, 404);
    if (q.get('client_id') !== provider.clientId) return errorPage('The client_id is not a registered application.');
    if (q.get('redirect_uri') !== `${this.ml.base}/oauth2/idpresponse`)
      return errorPage('The redirect_uri is not registered for this application.');
    if (q.get('response_type') !== 'code') return errorPage('Only response_type=code is supported.');
    return provider;
  }

  show(req: EmuRequest, type: string): PageReply {
    const provider = this.check(type, req.query);
    if ('status' in provider) return provider;
    const csrf = csrfToken(req);
    const action = `${LOCAL_IDP_PREFIX}${encodeURIComponent(type)}/authorize?${req.query.toString()}`;
    const choices = (LOCAL_ACCOUNTS[type] ?? [])
      .map((a) =>
        postForm(
          action,
          csrf.token,
          hidden('account', a.id),
          `${a.attributes.name ?? a.id} <${a.attributes.email ?? ''}>`,
        ),
      )
      .join('');
    const content =
      `<p>Choose an account to continue to ${escapeHtml(this.ml.base)}.</p>${choices}` +
      postForm(action, csrf.token, hidden('cancel', '1'), 'Cancel');
    return page(TITLES[type] ?? type, content, 200, csrf.setCookie);
  }

  choose(req: EmuRequest, type: string): PageReply {
    const provider = this.check(type, req.query);
    if ('status' in provider) return provider;
    const fields = form(req);
    if (!csrfOk(req, fields)) return errorPage('Your session expired. Please try again.', 403);
    const back = new URL(req.query.get('redirect_uri') as string);
    const state = req.query.get('state');
    if (state !== null) back.searchParams.set('state', state);
    if (fields.get('cancel')) {
      back.searchParams.set('error', 'access_denied');
      back.searchParams.set('error_description', 'The user cancelled the sign-in.');
      return redirect(back.toString());
    }
    const account = (LOCAL_ACCOUNTS[type] ?? []).find((a) => a.id === fields.get('account'));
    if (!account) return errorPage('Unknown account.');
    const code = randomUUID();
    this.codes.set(code, {
      type,
      clientId: provider.clientId,
      redirectUri: back.origin + back.pathname,
      account,
      expires: this.ml.now() + 5 * 60 * 1000,
      used: false,
    });
    back.searchParams.set('code', code);
    return redirect(back.toString());
  }

  /** Cognito's server-side exchange: the account behind a code, or why not. */
  exchange(provider: IdentityProviderConfig, code: string): LocalAccount | string {
    const c = this.codes.get(code);
    if (!c || c.used || c.expires < this.ml.now() || c.type !== provider.type) return 'invalid_grant';
    c.used = true;
    if (c.clientId !== provider.clientId || !provider.clientSecret) return 'invalid_client';
    if (c.redirectUri !== `${this.ml.base}/oauth2/idpresponse`) return 'invalid_grant';
    return c.account;
  }
}
