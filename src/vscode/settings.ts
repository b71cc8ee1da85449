import * as vscode from 'vscode';
import { CREDENTIAL_SETTINGS, readConfig, SECTION } from '../core/config';
import type { ConfigProblem, ConfigResult, SettingKey } from '../core/config';
import type { Log } from './log';

const USER_ONLY = new Set<string>(CREDENTIAL_SETTINGS);

/**
 * The settings, with those that decide where credentials go taken from user settings only.
 * They are application-scoped, so VS Code already ignores workspace and folder values; reading
 * only the user and default layers keeps that true whatever VS Code or a policy changes.
 */
export function readSettings(): ConfigResult {
  const section = vscode.workspace.getConfiguration(SECTION);
  return readConfig((key: SettingKey) => (USER_ONLY.has(key) ? userValue(section, key) : section.get(key)));
}

function userValue(section: vscode.WorkspaceConfiguration, key: string): unknown {
  const inspected = section.inspect(key);
  return inspected?.globalValue ?? inspected?.defaultValue;
}

/** Reports bad settings now and whenever `storyteller.*` changes, naming each setting. */
export function watchSettings(log: Log): vscode.Disposable {
  const check = () => {
    const result = readSettings();
    if (!result.ok) report(log, result.problems);
    const section = vscode.workspace.getConfiguration(SECTION);
    for (const key of CREDENTIAL_SETTINGS) {
      const inspected = section.inspect(key);
      if (inspected?.workspaceValue !== undefined || inspected?.workspaceFolderValue !== undefined) {
        log.warn(
          `Ignoring the workspace value of "${SECTION}.${key}": it decides where your sign-in goes, so only your user settings count.`,
        );
      }
    }
  };
  // After activation, not in it: the first inspect() builds VS Code's configuration model, which
  // took 5-40 ms on a busy 2-core machine, and a warning can wait one turn.
  const first = setTimeout(check, 0);
  const watcher = vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration(SECTION)) check();
  });
  return new vscode.Disposable(() => {
    clearTimeout(first);
    watcher.dispose();
  });
}

function report(log: Log, problems: readonly ConfigProblem[]): void {
  for (const problem of problems) log.warn(problem.message);
  const [first] = problems;
  if (!first) return;
  const more = problems.length > 1 ? ` (${problems.length - 1} more in the log)` : '';
  void vscode.window.showWarningMessage(`${first.message}${more}`, 'Open Setting', 'Show Log').then((action) => {
    if (action === 'Open Setting') void vscode.commands.executeCommand('workbench.action.openSettings', first.setting);
    if (action === 'Show Log') log.show();
  });
}
