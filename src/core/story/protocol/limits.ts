// Every size and range the story panel's protocol enforces, on both sides. The form shows the same limits.

export const LIMITS = {
  premiseMax: 4000,
  genreMax: 100,
  toneMax: 100,
  charactersMax: 2000,
  settingMax: 2000,
  temperatureMin: 0,
  temperatureMax: 1,
  refineInstructionMax: 2000,
  idMax: 200,
  modelIdMax: 256,
  nameMax: 200,
  titleMax: 300,
  emailMax: 320,
  urlMax: 2048,
  messageMax: 4000,
  codeMax: 64,
  deltaMax: 262_144,
  storyTextMax: 4_194_304,
  modelsMax: 500,
  historyMax: 10_000,
  /** Items per `history.list` answer. */
  historyPageMax: 200,
  searchMax: 200,
  /** A story project's chapter, as a workspace-relative path (#26). */
  chapterPathMax: 1024,
} as const;
