// What every auth command works with: each role's file (signUp, signIn, reset, mfa, signOut,
// clientSecret) is a set of functions over these parts, and Auth wires them once.
import type * as vscode from 'vscode';
import type { SessionManager } from '../../core/auth/session';
import type { Log } from '../log';
import type { Settings } from '../settings';
import type { CognitoClients } from './clients';
import type { BrowserParts } from './browser/parts';
import type { AuthCommands, AuthDialog } from './dialog';
import type { PendingPassword } from './pending';

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
