// The end of every sign-in, by password or in the browser: the session is kept and the log says how.
import { accountLabel } from '../../core/auth/account';
import { clockSkewMessage } from '../../core/auth/session';
import type { Session } from '../../core/auth/session';
import type { AuthParts } from './parts';

/** Stores the session, forgets the pending password, and warns about a skewed clock. */
export async function keepSession({ sessions, pending, log, dialog }: AuthParts, session: Session): Promise<Session> {
  await sessions.signIn(session);
  pending.forget();
  log.info(
    `Signed in as ${accountLabel(session)}${session.method === 'browser' ? ` in the browser (${session.provider ?? 'COGNITO'})` : ''}.`,
  );
  const skew = clockSkewMessage(Date.now() - session.issuedAt);
  if (skew) {
    log.warn(skew);
    await dialog.prompter.message('warning', skew);
  }
  return session;
}
