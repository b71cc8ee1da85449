// What every auth command works with: each role's file (signUp, signIn, reset, mfa, signOut,
// clientSecret) is a set of functions over these parts, and Auth wires them once.
import type * as vscode from 'vscode';
import type { Session, SessionManager } from '../../core/auth/session';
import type { Log } from '../log';
import type { Settings } from '../settings';
import type { CognitoClients } from './clients';
import type { BrowserParts } from './browser/parts';
import type { AuthDialog } from './dialog';
import type { PendingPassword } from './pending';

/** The commands a flow may hand over to, e.g. from a failure's "Reset Password" button. */
export interface AuthCommands {
  signUp(): Promise<Session | undefined>;
  confirmSignUp(email?: string): Promise<Session | undefined>;
  resendCode(email?: string): Promise<void>;
  signIn(email?: string, password?: string, prompt?: string): Promise<Session | undefined>;
  signInWithBrowser(): Promise<Session | undefined>;
  forgotPassword(email?: string): Promise<Session | undefined>;
}

export interface AuthParts {
  readonly dialog: AuthDialog;
  readonly clients: CognitoClients;
  readonly sessions: SessionManager;
  readonly pending: PendingPassword;
  readonly settings: Settings;
  readonly secrets: vscode.SecretStorage;
  readonly log: Log;
  readonly commands: AuthCommands;
  readonly browser: BrowserParts;
}
