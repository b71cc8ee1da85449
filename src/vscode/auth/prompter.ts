// Every question the auth commands ask goes through a Prompter, so integration tests can script
// the answers; the real one is VS Code's quick input.
import * as vscode from 'vscode';

/** A note shown in the open box: information, or (error) what went wrong. */
export interface InputNote {
  readonly message: string;
  readonly error?: boolean;
}

/** A button in the box's title bar. */
export interface InputButton {
  readonly id: string;
  /** A codicon name, e.g. `mail`. */
  readonly icon: string;
  readonly tooltip: string;
  /** Runs with the box left open and shows its note there; without it, the button ends the question. */
  readonly onPress?: () => Promise<InputNote | undefined>;
}

export interface InputOptions {
  readonly title: string;
  readonly prompt: string;
  readonly placeholder?: string;
  readonly value?: string;
  readonly password?: boolean;
  /**
   * Inline validation: a message, or undefined when the value is fine. Checked on Enter, then as
   * the value changes until it is fixed: nothing turns red while it is still being typed.
   */
  readonly validate?: (value: string) => string | undefined;
  /** Shows validate's message as a hint (not an error) while typing, e.g. the password policy. */
  readonly hintWhileTyping?: boolean;
  /**
   * Runs on Enter with the box still open (busy): a message keeps it open, shows the message and
   * keeps what was typed; undefined lets it close with the value.
   */
  readonly accept?: (value: string) => Promise<string | undefined>;
  readonly buttons?: readonly InputButton[];
  readonly step?: number;
  readonly totalSteps?: number;
}

/** Returned by `input` when the user pressed the Back button. */
export const BACK = Symbol('back');

/** Returned by `input` when the user pressed a button that has no `onPress`. */
export interface Pressed {
  readonly button: string;
}

export type InputResult = string | typeof BACK | Pressed | undefined;

export interface Prompter {
  input(options: InputOptions): Promise<InputResult>;
  /** Shows a notification; with actions, resolves with the one clicked, else at once. */
  message(kind: 'info' | 'warning' | 'error', message: string, ...actions: string[]): Promise<string | undefined>;
  /** Runs a network call under a cancellable progress notification. */
  progress<T>(title: string, task: (signal: AbortSignal) => Promise<T>): Promise<T>;
  /** A yes/no question that blocks (a modal dialog); true only when `action` was chosen. */
  confirm?(message: string, detail: string, action: string): Promise<boolean>;
  /** One choice from a short list; resolves with the chosen id, or undefined when dismissed. */
  choose?(title: string, items: readonly PickItem[]): Promise<string | undefined>;
}

export interface PickItem {
  readonly id: string;
  readonly label: string;
  readonly detail?: string;
}

/** The box as the options describe it, not shown yet; its buttons mapped back to ours. */
function createBox(options: InputOptions): {
  box: vscode.InputBox;
  buttons: Map<vscode.QuickInputButton, InputButton>;
} {
  const box = vscode.window.createInputBox();
  box.title = options.title;
  box.prompt = options.prompt;
  box.placeholder = options.placeholder ?? '';
  box.value = options.value ?? '';
  box.password = options.password ?? false;
  box.ignoreFocusOut = true;
  if (options.step !== undefined) box.step = options.step;
  if (options.totalSteps !== undefined) box.totalSteps = options.totalSteps;
  const buttons = new Map<vscode.QuickInputButton, InputButton>(
    (options.buttons ?? []).map((b) => [{ iconPath: new vscode.ThemeIcon(b.icon), tooltip: b.tooltip }, b]),
  );
  box.buttons = [...((options.step ?? 1) > 1 ? [vscode.QuickInputButtons.Back] : []), ...buttons.keys()];
  return { box, buttons };
}

/**
 * An editor that opens while a box is up (the welcome README's preview, late on a first load)
 * takes the focus as it shows, and the next keystrokes would go nowhere (#24): the box takes it
 * back. Shown again, since focusing the open box (workbench.action.focusQuickOpen) does not move
 * the focus out of a webview in VS Code 1.139; what was typed stays.
 */
function keepFocus(box: vscode.InputBox, reshown: { count: number }): vscode.Disposable {
  return vscode.window.tabGroups.onDidChangeTabs(({ opened, changed }) => {
    if (opened.length === 0 && !changed.some((tab) => tab.isActive)) return;
    reshown.count++;
    box.hide();
    box.show();
  });
}

export class QuickInputPrompter implements Prompter {
  // One input box's life (validation, Cognito's answer, buttons, hide) shares its closure: the
  // handlers below read and settle the same box and promise.
  input(options: InputOptions): Promise<InputResult> {
    const { box, buttons } = createBox(options);
    return new Promise((resolve, reject) => {
      const subscriptions: vscode.Disposable[] = [];
      let done = false;
      let busy = false;
      /** Refused by `validate` on Enter: from then on it is checked as the value changes. */
      let refused = false;
      /** Hides that keepFocus caused, not the person: the box is shown again at once. */
      const reshown = { count: 0 };
      const finish = (result: InputResult, error?: unknown) => {
        if (done) return;
        done = true;
        subscriptions.forEach((d) => d.dispose());
        box.dispose();
        if (error === undefined) resolve(result);
        else reject(error instanceof Error ? error : new Error(String(error)));
      };
      const setBusy = (on: boolean) => {
        busy = on;
        box.busy = on;
        box.enabled = !on;
      };
      const note = (n: InputNote | undefined) => {
        box.validationMessage = n
          ? {
              message: n.message,
              severity: n.error ? vscode.InputBoxValidationSeverity.Error : vscode.InputBoxValidationSeverity.Info,
            }
          : undefined;
      };
      subscriptions.push(
        box.onDidChangeValue((value) => {
          if (busy) return;
          const problem = value === '' ? undefined : options.validate?.(value);
          if (refused) box.validationMessage = problem;
          else note(options.hintWhileTyping && problem ? { message: problem } : undefined);
        }),
        box.onDidAccept(async () => {
          if (busy) return;
          const value = box.value;
          const problem = options.validate?.(value);
          if (problem) {
            refused = true;
            box.validationMessage = problem;
            return;
          }
          if (!options.accept) return finish(value);
          setBusy(true);
          try {
            const answer = await options.accept(value);
            if (done) return;
            setBusy(false);
            if (answer === undefined) finish(value);
            else box.validationMessage = answer;
          } catch (e) {
            finish(undefined, e);
          }
        }),
        box.onDidTriggerButton(async (button) => {
          if (button === vscode.QuickInputButtons.Back) return finish(BACK);
          const ours = buttons.get(button);
          if (!ours || busy) return;
          if (!ours.onPress) return finish({ button: ours.id });
          setBusy(true);
          try {
            const pressed = await ours.onPress();
            if (done) return;
            setBusy(false);
            note(pressed);
          } catch (e) {
            finish(undefined, e);
          }
        }),
        box.onDidHide(() => (reshown.count > 0 ? void reshown.count-- : finish(undefined))),
        keepFocus(box, reshown),
      );
      box.show();
    });
  }

  async message(
    kind: 'info' | 'warning' | 'error',
    message: string,
    ...actions: string[]
  ): Promise<string | undefined> {
    const show =
      kind === 'error'
        ? vscode.window.showErrorMessage
        : kind === 'warning'
          ? vscode.window.showWarningMessage
          : vscode.window.showInformationMessage;
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

  async choose(title: string, items: readonly PickItem[]): Promise<string | undefined> {
    const picked = await vscode.window.showQuickPick(
      items.map((i) => ({ label: i.label, ...(i.detail ? { detail: i.detail } : {}), id: i.id })),
      { title, ignoreFocusOut: true },
    );
    return picked?.id;
  }

  progress<T>(title: string, task: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return Promise.resolve(
      vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title, cancellable: true },
        (_progress, token) => {
          const controller = new AbortController();
          // Cancel returns at once; the request's late answer, if any, is ignored.
          const cancelled = new Promise<never>((_, reject) =>
            token.onCancellationRequested(() => {
              controller.abort();
              reject(Object.assign(new Error('Cancelled.'), { name: 'AbortError' }));
            }),
          );
          return Promise.race([task(controller.signal), cancelled]);
        },
      ),
    );
  }
}
