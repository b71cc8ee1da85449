// USER_SRP_AUTH: the password never leaves this machine; Cognito gets a proof of it (srp.ts).
import * as l10n from '@vscode/l10n';
import { answerPasswordVerifier, startSrp } from '../srp';
import type { PasswordFlow } from './flow';

export const userSrpAuth: PasswordFlow = {
  id: 'srp',
  label: () => l10n.t('Sign In with Email and Password…'),
  options: { appClientFlow: 'USER_SRP_AUTH', needsManagedLogin: false, asksPassword: true, sendsPassword: false },
  async start(wire, { username, password }) {
    const srp = startSrp();
    const started = await wire.initiate('USER_SRP_AUTH', username, { USERNAME: username, SRP_A: srp.srpA });
    if (started.ChallengeName !== 'PASSWORD_VERIFIER') return wire.next(started, username);
    // Cognito answers with the internal user id (the sub); the proof and hash must use it.
    const userId = started.ChallengeParameters?.USER_ID_FOR_SRP ?? username;
    const claim = answerPasswordVerifier(srp, wire.userPoolId, password, {
      ...started.ChallengeParameters,
      USER_ID_FOR_SRP: userId,
    });
    const out = await wire.respond('PASSWORD_VERIFIER', userId, { ...claim }, started.Session);
    return wire.next(out, userId);
  },
};
