// Every question the auth commands ask goes through a Prompter, so integration tests can script
// the answers; the real one is VS Code's quick input.
import * as vscode from 'vscode';

export interface InputOptions {
  readonly title: string;
  readonly prompt: string;
  readonly placeholder?: string;
  readonly value?: string;
  readonly password?: boolean;
  /** Inline validation: a message, or undefined when the value is fine. */
  readonly validate?: (value: string) => string | undefined;
  readonly step?: number;
  readonly totalSteps?: number;
}

/** Returned by `input` when the user pressed the Back button. */
export const BACK = Symbol('back');

export interface Prompter {
  input(options: InputOptions): Promise<string | typeof BACK | undefined>;
  /** Shows a notification; with actions, resolves with the one clicked, else at once. */
  message(kind: 'info' | 'warning' | 'error', message: string, ...actions: string[]): Promise<string | undefined>;
  /** Runs a network call under a cancellable progress notification. */
  progress<T>(title: string, task: (signal: AbortSignal) => Promise<T>): Promise<T>;
  /** A yes/no question that blocks (a modal dialog); true only when `action` was chosen. */
  confirm?(message: string, detail: string, action: string): Promise<boolean>;
}

export class QuickInputPrompter implements Prompter {
  input(options: InputOptions): Promise<string | typeof BACK | undefined> {
    const box = vscode.window.createInputBox();
    box.title = options.title;
    box.prompt = options.prompt;
    box.placeholder = options.placeholder ?? '';
    box.value = options.value ?? '';
    box.password = options.password ?? false;
    box.ignoreFocusOut = true;
    if (options.step !== undefined) box.step = options.step;
    if (options.totalSteps !== undefined) box.totalSteps = options.totalSteps;
    if ((options.step ?? 1) > 1) box.buttons = [vscode.QuickInputButtons.Back];
    return new Promise((resolve) => {
      const subscriptions: vscode.Disposable[] = [];
      const finish = (result: string | typeof BACK | undefined) => {
        subscriptions.forEach((d) => d.dispose());
        box.dispose();
        resolve(result);
      };
      subscriptions.push(
        box.onDidChangeValue((value) => {
          // Say nothing while the field is still empty: an error before typing is noise.
          box.validationMessage = value === '' ? undefined : options.validate?.(value);
        }),
        box.onDidAccept(() => {
          const problem = options.validate?.(box.value);
          if (problem) box.validationMessage = problem;
          else finish(box.value);
        }),
        box.onDidTriggerButton((button) => {
          if (button === vscode.QuickInputButtons.Back) finish(BACK);
        }),
        box.onDidHide(() => finish(undefined)),
      );
      box.show();
    });
  }

  async message(kind: 'info' | 'warning' | 'error', message: string, ...actions: string[]): Promise<string | undefined> {
    const show =
      kind === 'error' ? vscode.window.showErrorMessage : kind === 'warning' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    // VS Code settles a notification's promise only when it is closed: a flow that awaited a
    // plain "code sent" message would stall until the person dismissed it.
    if (actions.length === 0) {
      void show(message);
      return undefined;
    }
    return show(message, ...actions);
  }

  async confirm(message: string, detail: string, action: string): Promise<boolean> {
    return (await vscode.window.showWarningMessage(message, { modal: true, detail }, action)) === action;
  }

  progress<T>(title: string, task: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return Promise.resolve(
      vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (_progress, token) => {
        const controller = new AbortController();
        // Cancel returns at once; the request's late answer, if any, is ignored.
        const cancelled = new Promise<never>((_, reject) =>
          token.onCancellationRequested(() => {
            controller.abort();
            reject(Object.assign(new Error('Cancelled.'), { name: 'AbortError' }));
          }),
        );
        return Promise.race([task(controller.signal), cancelled]);
      }),
    );
  }
}
