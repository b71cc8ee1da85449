import * as vscode from 'vscode';
import { readConfig, SECTION } from '../core/config';
import type { ConfigProblem, ConfigResult, SettingKey } from '../core/config';
import type { Log } from './log';

export function readSettings(): ConfigResult {
  const section = vscode.workspace.getConfiguration(SECTION);
  return readConfig((key: SettingKey) => section.get(key));
}

/** Reports bad settings now and whenever `storyteller.*` changes, naming each setting. */
export function watchSettings(log: Log): vscode.Disposable {
  const check = () => {
    const result = readSettings();
    if (!result.ok) report(log, result.problems);
  };
  check();
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration(SECTION)) check();
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
