// Composition root: creates the parts and wires them together. Logic lives in src/core,
// VS Code glue in src/vscode.
import * as vscode from 'vscode';
import { Log } from './vscode/log';
import { watchSettings } from './vscode/settings';
import { configureFromStack, toConfigureArgs } from './vscode/commands/configureFromStack';

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
    vscode.commands.registerCommand('storyteller.configureFromStack', (args?: unknown) => configureFromStack(log, toConfigureArgs(args))),
    watchSettings(log),
  );

  const activationMs = performance.now() - started;
  log.info(`Activated in ${activationMs.toFixed(2)} ms in ${vscode.env.appName} ${vscode.version}.`);
  return { activationMs };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
