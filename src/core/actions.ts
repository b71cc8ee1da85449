// What the UI can offer next to a failure: one vocabulary (camelCase, as on the story panel's
// wire) for the auth commands' follow-ups and the story panel's buttons.

export type Action =
  /** Try the same thing again. */
  | 'retry'
  /** Story panel: carry on from the text kept before a failure. */
  | 'continue'
  | 'signIn'
  | 'signUp'
  | 'confirmSignUp'
  | 'resendCode'
  | 'forgotPassword'
  | 'setClientSecret'
  /** Run "Configure from Stack Outputs…". */
  | 'configure'
  /** Open the storyteller.* settings. */
  | 'openSettings'
  /** Story panel: move focus to the model picker. */
  | 'pickModel';

/**
 * Before the settings name a stack, the auth commands and the story panel report this one code,
 * with the one action that fixes it.
 */
export const NOT_CONFIGURED = { code: 'notConfigured', action: 'configure' } as const satisfies {
  readonly code: string;
  readonly action: Action;
};
