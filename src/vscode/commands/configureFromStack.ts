import * as vscode from 'vscode';
import { SECTION } from '../../core/config';
import { notificationSafe } from '../../core/notificationText';
import { parseStackOutputs } from '../../core/stackOutputs';
import type { StackSettings } from '../../core/stackOutputs';
import type { Log } from '../log';

/** Arguments that skip the prompts: for scripts, keybindings and tests. */
export interface ConfigureFromStackArgs {
  readonly json?: string;
  readonly file?: string;
  readonly target?: 'user' | 'workspace';
}

/** Commands can be invoked with anything (keybindings, other extensions, menus): accept only our shape. */
export function toConfigureArgs(value: unknown): ConfigureFromStackArgs {
  if (typeof value !== 'object' || value === null) return {};
  const v = value as Record<string, unknown>;
  const ok =
    (v.json === undefined || typeof v.json === 'string') &&
    (v.file === undefined || typeof v.file === 'string') &&
    (v.target === undefined || v.target === 'user' || v.target === 'workspace');
  return ok ? (v as ConfigureFromStackArgs) : {};
}

export interface ConfigureFromStackResult {
  readonly ok: boolean;
  readonly message: string;
}

const MAX_BYTES = 1024 * 1024;

export async function configureFromStack(log: Log, args: ConfigureFromStackArgs = {}): Promise<ConfigureFromStackResult | undefined> {
  const text = args.json ?? (args.file ? await readFile(vscode.Uri.file(args.file)) : await promptForJson());
  if (text === undefined) return undefined;

  const parsed = parseStackOutputs(text);
  if (!parsed.ok) {
    log.warn(`Configure from stack outputs: ${parsed.message}`);
    void vscode.window.showErrorMessage(parsed.message);
    return { ok: false, message: parsed.message };
  }

  const target = args.target ? toTarget(args.target) : await promptForTarget();
  if (target === undefined) return undefined;

  try {
    await writeAll(parsed.settings, target);
  } catch (e) {
    const message = `Could not save the settings, so nothing was changed: ${e instanceof Error ? e.message : String(e)}`;
    log.error('Configure from stack outputs failed', e);
    void vscode.window.showErrorMessage(message);
    return { ok: false, message };
  }

  const scope = target === vscode.ConfigurationTarget.Global ? 'User' : 'Workspace';
  const from = parsed.stackName ? ` from stack "${notificationSafe(parsed.stackName)}"` : '';
  const message = `Storyteller now uses user pool ${parsed.settings.userPoolId} in ${parsed.settings.region}${from} (${scope} settings).`;
  log.info(message);
  void vscode.window.showInformationMessage(message);
  return { ok: true, message };
}

/** Writes every setting, or, if one write fails, restores the ones already written. */
async function writeAll(settings: StackSettings, target: vscode.ConfigurationTarget): Promise<void> {
  const section = vscode.workspace.getConfiguration(SECTION);
  const written: [string, unknown][] = [];
  try {
    for (const [key, value] of Object.entries(settings)) {
      const inspected = section.inspect(key);
      const previous = target === vscode.ConfigurationTarget.Global ? inspected?.globalValue : inspected?.workspaceValue;
      await section.update(key, value, target);
      written.push([key, previous]);
    }
  } catch (e) {
    for (const [key, previous] of written.reverse()) {
      await section.update(key, previous, target).then(undefined, () => undefined);
    }
    throw e;
  }
}

async function readFile(uri: vscode.Uri): Promise<string> {
  const stat = await vscode.workspace.fs.stat(uri);
  if (stat.size > MAX_BYTES) return `<${uri.fsPath} is ${stat.size} bytes: too large for stack outputs>`;
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
}

async function promptForJson(): Promise<string | undefined> {
  type Source = vscode.QuickPickItem & { source: 'file' | 'paste' | 'editor' };
  const items: Source[] = [
    { label: '$(json) Paste JSON…', detail: 'Paste the text that the AWS or SAM CLI printed.', source: 'paste' },
    { label: '$(file) Pick a JSON File…', detail: 'A file saved from describe-stacks or sam list stack-outputs.', source: 'file' },
  ];
  const editor = vscode.window.activeTextEditor;
  if (editor && editor.document.getText().trimStart().match(/^[[{]/)) {
    items.push({ label: '$(go-to-file) Use the Active Editor', detail: editor.document.uri.path.split('/').pop() ?? '', source: 'editor' });
  }
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Configure from Stack Outputs',
    placeHolder: 'Where is the output of `aws cloudformation describe-stacks` or `sam list stack-outputs --output json`?',
    ignoreFocusOut: true,
  });
  if (!picked) return undefined;

  if (picked.source === 'editor' && editor) return editor.document.getText();
  if (picked.source === 'file') {
    const [uri] =
      (await vscode.window.showOpenDialog({
        title: 'Stack Outputs JSON',
        canSelectMany: false,
        filters: { JSON: ['json'], 'All files': ['*'] },
      })) ?? [];
    return uri ? readFile(uri) : undefined;
  }
  return vscode.window.showInputBox({
    title: 'Configure from Stack Outputs',
    prompt: 'Paste the JSON output (it may span several lines).',
    placeHolder: '{"Stacks": [{"Outputs": [...]}]}',
    ignoreFocusOut: true,
    // Validates as the user pastes, so a wrong paste is fixed in place.
    validateInput: (value) => {
      if (value.trim() === '') return undefined;
      const result = parseStackOutputs(value);
      return result.ok ? undefined : result.message;
    },
  });
}

async function promptForTarget(): Promise<vscode.ConfigurationTarget | undefined> {
  if (!vscode.workspace.workspaceFolders?.length) return vscode.ConfigurationTarget.Global;
  const picked = await vscode.window.showQuickPick(
    [
      { label: 'User Settings', description: 'every workspace', target: vscode.ConfigurationTarget.Global },
      { label: 'Workspace Settings', description: 'only this workspace', target: vscode.ConfigurationTarget.Workspace },
    ],
    { title: 'Save the settings where?', ignoreFocusOut: true },
  );
  return picked?.target;
}

function toTarget(target: 'user' | 'workspace'): vscode.ConfigurationTarget {
  return target === 'user' ? vscode.ConfigurationTarget.Global : vscode.ConfigurationTarget.Workspace;
}
