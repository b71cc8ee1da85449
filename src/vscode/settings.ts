import * as vscode from 'vscode';
import { readConfig, SECTION } from '../core/config';
import type { ConfigResult, SettingKey } from '../core/config';

export function readSettings(): ConfigResult {
  const section = vscode.workspace.getConfiguration(SECTION);
  return readConfig((key: SettingKey) => section.get(key));
}

export function onDidChangeSettings(listener: () => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration(SECTION)) listener();
  });
}
