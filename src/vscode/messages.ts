// The adapters' sentences that several commands, hints and tests share, each spelled once.
// Sentences the core also says (not signed in, not configured) come from src/core/messages.ts.
import * as vscode from 'vscode';

/** The palette title of storyteller.confirmSignUp (package.json, package.nls.json), named in hints. */
export const ENTER_CODE_TITLE = vscode.l10n.t('Enter Confirmation Code…');
export const ENTER_CODE = vscode.l10n.t('Enter Confirmation Code');
/** Wrong codes or passwords in a row before a flow ends. */
export const MAX_ATTEMPTS = 4;
export const PASSWORDS_DIFFER = vscode.l10n.t(
  'The two passwords differ. Type the same password again, or press Back to change the first.',
);
export const CODE_TOO_MANY = vscode.l10n.t(
  'That code was wrong {0} times, so confirming stopped. Ask for a new code with Resend Code, then enter it with "Storyteller: {1}".',
  MAX_ATTEMPTS,
  ENTER_CODE_TITLE,
);
export const PASSWORD_TOO_MANY = vscode.l10n.t(
  'The password was wrong {0} times, so Sign In stopped. Reset it with Reset Password, or try again in a few minutes.',
  MAX_ATTEMPTS,
);
