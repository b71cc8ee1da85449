import * as vscode from 'vscode';
import { CREDENTIAL_SETTINGS, readConfig, SECTION } from '../core/config';
import type { ConfigProblem, ConfigResult, SettingKey, StorytellerConfig } from '../core/config';
import { canSignIn, canWriteStories, signInConfig, storyConfig } from '../core/readiness';
import { Disposable, toDisposable } from './lifecycle';
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

/**
 * The one reader of `storyteller.*`: reads and checks on first use and once per change, fires
 * onDidChange with the result, and reports bad settings and ignored workspace values.
 */
export class Settings extends Disposable {
  private cached: ConfigResult | undefined;
  private reads = 0;
  private readonly changed = this._register(new vscode.EventEmitter<ConfigResult>());
  /** After any change to `storyteller.*`, with the settings read and checked once. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly log: Log) {
    super();
    // After activation, not in it: the first inspect() builds VS Code's configuration model, which
    // took 5-40 ms on a busy 2-core machine, and a warning can wait one turn.
    const first = setTimeout(() => this.report(this.current), 0);
    this._register(toDisposable(() => clearTimeout(first)));
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration(SECTION)) return;
        this.cached = this.read();
        this.report(this.cached);
        this.changed.fire(this.cached);
      }),
    );
  }

  /** The settings now, read on first use (never during activation) and after each change. */
  get current(): ConfigResult {
    this.cached ??= this.read();
    return this.cached;
  }

  /** How many times the settings were read and checked (the host tests hold this to one per change). */
  get readCount(): number {
    return this.reads;
  }

  get canSignIn(): boolean {
    return canSignIn(this.current);
  }

  get canWriteStories(): boolean {
    return canWriteStories(this.current);
  }

  /** The config when sign-in can work. */
  get signInConfig(): StorytellerConfig | undefined {
    return signInConfig(this.current);
  }

  /** The config when stories can be written. */
  get storyConfig(): StorytellerConfig | undefined {
    return storyConfig(this.current);
  }

  private read(): ConfigResult {
    this.reads++;
    return readSettings();
  }

  /** Names each bad setting, and each workspace value that is ignored because it decides where credentials go. */
  private report(result: ConfigResult): void {
    if (!result.ok) warn(this.log, result.problems);
    const section = vscode.workspace.getConfiguration(SECTION);
    for (const key of CREDENTIAL_SETTINGS) {
      const inspected = section.inspect(key);
      if (inspected?.workspaceValue !== undefined || inspected?.workspaceFolderValue !== undefined) {
        this.log.warn(
          `Ignoring the workspace value of "${SECTION}.${key}": it decides where your sign-in goes, so only your user settings count.`,
        );
      }
    }
  }
}

function warn(log: Log, problems: readonly ConfigProblem[]): void {
  for (const problem of problems) log.warn(problem.message);
  const [first] = problems;
  if (!first) return;
  const more = problems.length > 1 ? vscode.l10n.t(' ({0} more in the log)', problems.length - 1) : '';
  const openSetting = vscode.l10n.t('Open Setting');
  const showLog = vscode.l10n.t('Show Log');
  void vscode.window.showWarningMessage(`${first.message}${more}`, openSetting, showLog).then((action) => {
    if (action === openSetting) void vscode.commands.executeCommand('workbench.action.openSettings', first.setting);
    if (action === showLog) log.show();
  });
}
