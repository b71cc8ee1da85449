// Managed login's route table: method and exact path to the page or endpoint that answers.
// Served on the emulator's port, the hosted domain being the emulator's origin.
import type { EmuRequest, Reply } from '../http';
import { authorize, errorRoute } from './authorize';
import { mfa, newPassword } from './challengePages';
import { idpResponse } from './federation';
import { showForgot, showReset, submitForgot, submitReset } from './forgotPasswordPage';
import type { PageReply } from './html';
import { logoutEndpoint } from './logoutEndpoint';
import type { ManagedLogin } from './managedLogin';
import { revokeEndpoint } from './revokeEndpoint';
import { showSignIn, signIn } from './signInPage';
import { showConfirm, showSignUp, submitConfirm, submitSignUp } from './signUpPage';
import { LOCAL_IDP_PREFIX } from './socialProviders';
import { tokenEndpoint } from './tokenEndpoint';
import { userInfoEndpoint } from './userInfoEndpoint';

type Page = (req: EmuRequest, ml: ManagedLogin) => PageReply | Promise<PageReply>;

const ROUTES: { method: 'GET' | 'POST'; path: string; handle: Page }[] = [
  { method: 'GET', path: '/oauth2/authorize', handle: authorize },
  { method: 'GET', path: '/error', handle: errorRoute },
  { method: 'GET', path: '/login', handle: showSignIn },
  { method: 'POST', path: '/login', handle: signIn },
  { method: 'POST', path: '/newPassword', handle: newPassword },
  { method: 'POST', path: '/mfa', handle: mfa },
  { method: 'GET', path: '/signup', handle: showSignUp },
  { method: 'POST', path: '/signup', handle: submitSignUp },
  { method: 'GET', path: '/confirmUser', handle: showConfirm },
  { method: 'POST', path: '/confirmUser', handle: submitConfirm },
  { method: 'GET', path: '/forgotPassword', handle: showForgot },
  { method: 'POST', path: '/forgotPassword', handle: submitForgot },
  { method: 'GET', path: '/confirmForgotPassword', handle: showReset },
  { method: 'POST', path: '/confirmForgotPassword', handle: submitReset },
  { method: 'GET', path: '/oauth2/idpresponse', handle: idpResponse },
  { method: 'POST', path: '/oauth2/token', handle: tokenEndpoint },
  { method: 'POST', path: '/oauth2/revoke', handle: revokeEndpoint },
  { method: 'GET', path: '/oauth2/userInfo', handle: userInfoEndpoint },
  { method: 'POST', path: '/oauth2/userInfo', handle: userInfoEndpoint },
  { method: 'GET', path: '/logout', handle: logoutEndpoint },
];

const LOCAL_IDP = new RegExp(`^${LOCAL_IDP_PREFIX}([A-Za-z]+)/authorize$`);

/** Answers managed login's paths; false for any other, which the router handles. */
export function managedLoginPages(ml: ManagedLogin): (req: EmuRequest, reply: Reply) => Promise<boolean> {
  return async (req, reply) => {
    const route = ROUTES.find((r) => r.path === req.path);
    const idp = LOCAL_IDP.exec(req.path);
    if (!route && !idp) return false;
    let out: PageReply;
    const method = ROUTES.find((r) => r.path === req.path && r.method === req.method);
    if (idp && (req.method === 'GET' || req.method === 'POST')) {
      const type = idp[1] as string;
      out = req.method === 'GET' ? ml.localProviders.show(req, type) : ml.localProviders.choose(req, type);
    } else if (method) out = await method.handle(req, ml);
    else
      out = {
        status: 405,
        headers: {
          'content-type': 'text/plain; charset=utf-8',
          allow:
            ROUTES.filter((r) => r.path === req.path)
              .map((r) => r.method)
              .join(', ') || 'GET, POST',
        },
        body: 'Method not allowed',
      };
    reply.send(out.status, out.headers, out.body);
    return true;
  };
}
