// The story failures Check Setup can explain; alone in a file so activation loads only this list.

/** The failure codes of a story (src/core/story/errors.ts) that Check Setup can explain. */
export const SETUP_FAILURE_CODES: ReadonlySet<string> = new Set([
  'accessDenied',
  'badSettings',
  'credentialsRefused',
  'modelNotAllowed',
  'modelNotFound',
  'validation',
]);
