import * as v from 'valibot';
import * as vscode from 'vscode';
import { SECTION } from '../../core/config';
import { notificationSafe } from '../../core/notificationText';
import { parseStackOutputs } from '../../core/stackOutputs';
import type { StackSettings } from '../../core/stackOutputs';
import type { Log } from '../log';
import { COMMANDS } from '../commandIds';

/**
 * Arguments that skip the JSON prompts: for scripts, keybindings and tests. Whoever passes them
 * (another extension, a command link), the user still confirms before anything is written.
 * The settings decide where the sign-in goes, so they are written to user settings only.
 */
const ConfigureFromStackArgsSchema = v.strictObject({
  json: v.optional(v.string()),
  file: v.optional(v.string()),
  target: v.optional(v.literal('user')),
});

export type ConfigureFromStackArgs = Readonly<v.InferOutput<typeof ConfigureFromStackArgsSchema>>;

/** A blocking yes/no question; true only when `action` was chosen. */
export type Confirm = (message: string, detail: string, action: string) => Promise<boolean>;

/** Commands can be invoked with anything (keybindings, other extensions, menus): accept only our shape. */
export function toConfigureArgs(value: unknown): ConfigureFromStackArgs {
  const result = v.safeParse(ConfigureFromStackArgsSchema, value);
  return result.success ? result.output : {};
}

export interface ConfigureFromStackResult {
  readonly ok: boolean;
  readonly message: string;
}

const MAX_BYTES = 1024 * 1024;

export async function configureFromStack(
  log: Log,
  args: ConfigureFromStackArgs = {},
  confirm: Confirm = modalConfirm,
  /** Records the user's yes for the hosts these settings send to (the gateway, a custom domain). */
  grant: (endpoints: readonly (string | undefined)[]) => Promise<void> = async () => undefined,
): Promise<ConfigureFromStackResult | undefined> {
  const fromArgs = args.json !== undefined || args.file !== undefined;
  const text = args.json ?? (args.file ? await readFile(vscode.Uri.file(args.file)) : await promptForJson());
  if (text === undefined) return undefined;

  const parsed = parseStackOutputs(text);
  if (!parsed.ok) {
    log.warn(`Configure from stack outputs: ${parsed.message}`);
    void vscode.window.showErrorMessage(parsed.message);
    return { ok: false, message: parsed.message };
  }

  // Text the user did not paste or pick themselves is shown to them before it is used.
  if (fromArgs) {
    const { region, userPoolId, clientId, identityPoolId } = parsed.settings;
    const yes = await confirm(
      vscode.l10n.t('Use these Storyteller settings from stack outputs?'),
      [
        vscode.l10n.t(
          'Your user settings will use region {0}, user pool {1}, app client {2} and identity pool {3}. Your sign-in will go to this user pool.',
          region,
          userPoolId,
          clientId,
          identityPoolId,
        ),
        ...destinations(parsed.settings),
        vscode.l10n.t('Choose Use Settings only if you expected this.'),
      ].join(' '),
      vscode.l10n.t('Use Settings'),
    );
    if (!yes) {
      log.info('Configure from stack outputs: not confirmed; nothing was changed.');
      return undefined;
    }
  }
  const target = vscode.ConfigurationTarget.Global;

  try {
    await writeAll(parsed.settings, target);
    // Pasted by the user, or confirmed above with these hosts named: that is the one yes asked for.
    await grant([parsed.settings.storyGatewayUrl, parsed.settings['hostedUi.domain']]);
  } catch (e) {
    const message = vscode.l10n.t(
      'Could not save the settings, so nothing was changed: {0}',
      e instanceof Error ? e.message : String(e),
    );
    log.error('Configure from stack outputs failed', e);
    void vscode.window.showErrorMessage(message);
    return { ok: false, message };
  }

  const { userPoolId, region } = parsed.settings;
  const message = parsed.stackName
    ? vscode.l10n.t(
        'Storyteller now uses user pool {0} in {1} from stack "{2}" (User settings).',
        userPoolId,
        region,
        notificationSafe(parsed.stackName),
      )
    : vscode.l10n.t('Storyteller now uses user pool {0} in {1} (User settings).', userPoolId, region);
  log.info(message);
  // Then prove it: Check Setup tries each step with the new settings (after sign-in, all of them).
  const check = vscode.l10n.t('Check Setup');
  void vscode.window
    .showInformationMessage(message, check)
    .then((picked) => (picked === check ? vscode.commands.executeCommand(COMMANDS.checkSetup) : undefined));
  return { ok: true, message };
}

/** The other places the stack sends sign-ins and stories to, one sentence each. */
function destinations(settings: StackSettings): string[] {
  const sentences: string[] = [];
  if (settings['hostedUi.domain'])
    sentences.push(vscode.l10n.t('Sign In with Browser will open {0}.', settings['hostedUi.domain']));
  if (settings.storyGatewayUrl)
    sentences.push(vscode.l10n.t('Stories will go through the story gateway at {0}.', settings.storyGatewayUrl));
  if (settings['contentSafety.policy'] !== 'Off')
    sentences.push(
      vscode.l10n.t(
        "Every story will be checked by the stack's content policy ({0}); children's stories always by its strict guardrail.",
        settings['contentSafety.policy'],
      ),
    );
  return sentences;
}

/** Writes every setting, or, if one write fails, restores the ones already written. */
async function writeAll(settings: StackSettings, target: vscode.ConfigurationTarget): Promise<void> {
  const section = vscode.workspace.getConfiguration(SECTION);
  const written: [string, unknown][] = [];
  try {
    for (const [key, value] of Object.entries(settings)) {
      const inspected = section.inspect(key);
      const previous = inspected?.globalValue;
      // A value equal to the default is removed rather than written, so settings.json stays short.
      const same = JSON.stringify(value) === JSON.stringify(inspected?.defaultValue);
      await section.update(key, same ? undefined : value, target);
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
    {
      label: `$(json) ${vscode.l10n.t('Paste JSON…')}`,
      detail: vscode.l10n.t('Paste the text that the AWS or SAM CLI printed.'),
      source: 'paste',
    },
    {
      label: `$(file) ${vscode.l10n.t('Pick a JSON File…')}`,
      detail: vscode.l10n.t('A file saved from describe-stacks or sam list stack-outputs.'),
      source: 'file',
    },
  ];
  const editor = vscode.window.activeTextEditor;
  if (editor && editor.document.getText().trimStart().match(/^[[{]/)) {
    items.push({
      label: `$(go-to-file) ${vscode.l10n.t('Use the Active Editor')}`,
      detail: editor.document.uri.path.split('/').pop() ?? '',
      source: 'editor',
    });
  }
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Configure from Stack Outputs'),
    placeHolder: vscode.l10n.t(
      'Where is the output of `aws cloudformation describe-stacks` or `sam list stack-outputs --output json`?',
    ),
    ignoreFocusOut: true,
  });
  if (!picked) return undefined;

  if (picked.source === 'editor' && editor) return editor.document.getText();
  if (picked.source === 'file') {
    const [uri] =
      (await vscode.window.showOpenDialog({
        title: vscode.l10n.t('Stack Outputs JSON'),
        canSelectMany: false,
        filters: { JSON: ['json'], 'All files': ['*'] },
      })) ?? [];
    return uri ? readFile(uri) : undefined;
  }
  return vscode.window.showInputBox({
    title: vscode.l10n.t('Configure from Stack Outputs'),
    prompt: vscode.l10n.t('Paste the JSON output (it may span several lines).'),
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

async function modalConfirm(message: string, detail: string, action: string): Promise<boolean> {
  return (await vscode.window.showWarningMessage(message, { modal: true, detail }, action)) === action;
}
