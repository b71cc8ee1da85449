// GET /logout: ends the hosted session cookie and returns to the app, only to one of the
// client's LogoutURLs.
import type { EmuRequest } from '../http';
import { cookies, errorPage, redirect } from './html';
import type { PageReply } from './html';
import { SESSION_COOKIE } from './managedLogin';
import type { ManagedLogin } from './managedLogin';

export function logoutEndpoint(req: EmuRequest, ml: ManagedLogin): PageReply {
  const oauth = ml.oauthClient(req.query.get('client_id'));
  if (!oauth) return errorPage('The client_id is missing or is not an app client of this pool.');
  const target = req.query.get('logout_uri');
  if (!target || !oauth.logoutUrls.includes(target))
    return errorPage("The logout_uri is not one of the app client's sign-out URLs.");
  ml.endSession(cookies(req).get(SESSION_COOKIE));
  return redirect(target, `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`);
}
