// Every command the extension contributes, by one name. test/unit/commandIds.test.ts checks this
// against package.json's contributes.commands both ways, so a typo is a test failure, not a no-op.

export const COMMANDS = {
  newStory: 'storyteller.newStory',
  configureFromStack: 'storyteller.configureFromStack',
  showLog: 'storyteller.showLog',
  signUp: 'storyteller.signUp',
  confirmSignUp: 'storyteller.confirmSignUp',
  resendCode: 'storyteller.resendCode',
  signIn: 'storyteller.signIn',
  signInWithBrowser: 'storyteller.signInWithBrowser',
  signOut: 'storyteller.signOut',
  signOutEverywhere: 'storyteller.signOutEverywhere',
  forgotPassword: 'storyteller.forgotPassword',
  setUpMfa: 'storyteller.setUpMfa',
  setClientSecret: 'storyteller.setClientSecret',
  clearClientSecret: 'storyteller.clearClientSecret',
  accountActions: 'storyteller.accountActions',
  newStoryProject: 'storyteller.newStoryProject',
  newCodexEntry: 'storyteller.newCodexEntry',
  continueWriting: 'storyteller.continueWriting',
  stopWriting: 'storyteller.stopWriting',
  showContext: 'storyteller.showContext',
  importLorebook: 'storyteller.importLorebook',
  exportCodexAsLorebook: 'storyteller.exportCodexAsLorebook',
  writeScene: 'storyteller.writeScene',
  summarizeChapter: 'storyteller.summarizeChapter',
  checkSetup: 'storyteller.checkSetup',
} as const;

export type CommandId = (typeof COMMANDS)[keyof typeof COMMANDS];
