// The old name, kept only for test/aws/auth/browser.test.ts until it imports managedLogin.ts (#25).
export { ManagedLogin as HostedUi } from './managedLogin';
export type { PendingBrowserSignIn } from './managedLogin';
