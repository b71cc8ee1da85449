// The auth commands' sentences that tests and hints share, in one place.

/** The palette title of storyteller.confirmSignUp (package.json), named in hints. */
export const ENTER_CODE_TITLE = 'Enter Confirmation Code…';
export const ENTER_CODE = 'Enter Confirmation Code';
/** Wrong codes or passwords in a row before a flow ends. */
export const MAX_ATTEMPTS = 4;
export const PASSWORDS_DIFFER =
  'The two passwords differ. Type the same password again, or press Back to change the first.';
export const CODE_TOO_MANY = `That code was wrong ${MAX_ATTEMPTS} times, so confirming stopped. Ask for a new code with Resend Code, then enter it with "Storyteller: ${ENTER_CODE_TITLE}".`;
export const PASSWORD_TOO_MANY = `The password was wrong ${MAX_ATTEMPTS} times, so Sign In stopped. Reset it with Reset Password, or try again in a few minutes.`;
export const NOT_CONFIGURED =
  'Storyteller is not configured yet. Run "Storyteller: Configure from Stack Outputs…" first.';
