// Composition root: creates the parts and wires them together. Logic lives in src/core,
// VS Code glue in src/vscode.
import * as vscode from 'vscode';
import { Log } from './vscode/log';
import { readSettings } from './vscode/settings';
import { configureFromStack } from './vscode/commands/configureFromStack';
import type { ConfigureFromStackArgs } from './vscode/commands/configureFromStack';

const loadedAt = performance.now();

/** What the extension exposes to other extensions and to its own tests. */
export interface StorytellerApi {
  /** Milliseconds spent inside activate(), measured by the extension itself. */
  readonly activationMs: number;
}

export function activate(context: vscode.ExtensionContext): StorytellerApi {
  const started = performance.now();
  const log = new Log();
  context.subscriptions.push(
    log,
    vscode.commands.registerCommand('storyteller.showLog', () => log.show()),
    vscode.commands.registerCommand('storyteller.configureFromStack', (args?: ConfigureFromStackArgs) =>
      configureFromStack(log, isArgs(args) ? args : {}),
    ),
  );

  const settings = readSettings();
  if (!settings.ok) {
    for (const problem of settings.problems) log.warn(problem.message);
  }

  const activationMs = performance.now() - started;
  log.info(
    `Activated in ${activationMs.toFixed(2)} ms (module evaluated ${(started - loadedAt).toFixed(2)} ms earlier), VS Code ${vscode.version}.`,
  );
  return { activationMs };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}

/** Commands can be invoked with anything (keybindings, other extensions): accept only our shape. */
function isArgs(value: unknown): value is ConfigureFromStackArgs {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    (v.json === undefined || typeof v.json === 'string') &&
    (v.file === undefined || typeof v.file === 'string') &&
    (v.target === undefined || v.target === 'user' || v.target === 'workspace')
  );
}
