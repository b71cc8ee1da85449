// Composition root: creates the parts and wires them together. Logic lives in src/core,
// VS Code glue in src/vscode. Nothing here loads the AWS SDK or calls the network.
import * as vscode from 'vscode';
import { useTranslations } from './core/messages';
import { notificationSafe } from './core/notificationText';
import { Auth } from './vscode/auth/auth';
import { watchContextKeys } from './vscode/auth/contextKeys';
import { QuickInputPrompter } from './vscode/auth/prompter';
import type { Prompter } from './vscode/auth/prompter';
import { CognitoAuthenticationProvider, PROVIDER_ID, PROVIDER_LABEL } from './vscode/auth/provider';
import { COMMANDS } from './vscode/commandIds';
import type { CommandId } from './vscode/commandIds';
import { loadConfigure } from './vscode/bundles';
import { SETUP_SCHEME, SetupDocument } from './vscode/commands/setupDocument';
import { Log } from './vscode/log';
import { Settings } from './vscode/settings';
import { threadCpuMs } from './vscode/cpuTime';
import { AccountStatusBar } from './vscode/statusBar';
import { StoryController } from './vscode/story/controller';
import { nativeDialogs } from './vscode/story/dialogs';
import { registerStorySerializer, StoryPanel } from './vscode/story/panel';
import { StoryProjects } from './vscode/project/projects';
import { TestingSeams } from './vscode/testing';
import type { TestingApi } from './vscode/testing';

/** What the extension exposes to other extensions and to its own tests. */
export interface StorytellerApi {
  /** Milliseconds spent inside activate(), wall clock, measured by the extension itself. */
  readonly activationMs: number;
  /**
   * CPU milliseconds the extension host's thread spent inside activate(). Unlike the wall clock
   * it leaves out the time the OS gave other processes, which on a busy 2-core machine was up to 40 ms.
   */
  readonly activationCpuMs: number;
  /** Hooks for the integration suites; undefined unless VS Code runs in test mode. */
  readonly testing: TestingApi | undefined;
}

// The composition root: one table of parts and commands, each a line; longer handlers are functions below.
export function activate(context: vscode.ExtensionContext): StorytellerApi {
  const started = performance.now();
  const startedCpu = threadCpuMs();
  useTranslations(vscode.l10n.bundle);
  const log = new Log();
  // Reads nothing yet: the first read and check run after activation.
  const settings = new Settings(log);
  // The integration suites' seams: only in a development build (never in the production bundle,
  // where __TESTING__ is false and esbuild drops the module) and only in test mode.
  const seams = __TESTING__ ? TestingSeams.forMode(context.extensionMode) : undefined;
  const quickInput = new QuickInputPrompter();
  const prompter = (): Prompter => seams?.prompter ?? quickInput;
  const auth = new Auth({ secrets: context.secrets, globalState: context.globalState, settings, log, prompter });
  const provider = new CognitoAuthenticationProvider(auth);
  const statusBar = new AccountStatusBar(auth, settings);
  const story = new StoryController(context, auth, log, settings, () => seams?.dialogs ?? nativeDialogs);
  const projects = new StoryProjects(story, settings, log);
  const setupDocument = new SetupDocument();

  // One handler per contributed command: the type makes a missing one a compile error.
  const commands: Record<CommandId, (...args: never[]) => unknown> = {
    [COMMANDS.newStory]: () => StoryPanel.createOrShow(context.extensionUri, story, log, seams?.panel),
    [COMMANDS.showLog]: () => log.show(),
    [COMMANDS.configureFromStack]: configureCommand(log, auth, prompter),
    ...authCommands(auth, log),
    ...projectCommands(projects),
    [COMMANDS.checkSetup]: () => loadConfigure().checkSetup({ auth, settings, story, log, document: setupDocument }),
  };

  context.subscriptions.push(
    log,
    settings,
    auth,
    provider,
    statusBar,
    watchContextKeys(auth, context.secrets),
    vscode.authentication.registerAuthenticationProvider(PROVIDER_ID, PROVIDER_LABEL, provider, {
      supportsMultipleAccounts: false,
    }),
    ...Object.entries(commands).map(([id, run]) => vscode.commands.registerCommand(id, run)),
    story,
    projects,
    setupDocument,
    vscode.workspace.registerTextDocumentContentProvider(SETUP_SCHEME, setupDocument),
    story.onDidChangeBudget((budget) => statusBar.showBudget(budget)),
    registerStorySerializer(context.extensionUri, () => story, log, seams?.panel),
  );

  const activationMs = performance.now() - started;
  const activationCpuMs = threadCpuMs() - startedCpu;
  log.info(
    `Activated in ${activationMs.toFixed(2)} ms (${activationCpuMs.toFixed(2)} ms CPU) in ${vscode.env.appName} ${vscode.version}.`,
  );
  return {
    activationMs,
    activationCpuMs,
    testing: seams?.api({
      context,
      auth,
      provider,
      log,
      statusBarText: () => statusBar.text,
      statusBarTooltip: () => statusBar.tooltip,
      settingsReads: () => settings.readCount,
    }),
  };
}

/**
 * Configure from Stack Outputs. Arguments skip the JSON prompts, never the user's confirmation
 * (asked through the prompter, so the integration suites can answer it).
 */
function configureCommand(log: Log, auth: Auth, prompter: () => Prompter) {
  return (args?: unknown) => {
    const { configureFromStack, toConfigureArgs } = loadConfigure();
    return configureFromStack(
      log,
      toConfigureArgs(args),
      async (message, detail, action) => {
        const ask = prompter();
        return ask.confirm
          ? ask.confirm(message, detail, action)
          : (await ask.message('warning', `${message} ${detail}`, action)) === action;
      },
      (endpoints) => auth.grantEndpoints(endpoints),
    );
  };
}

/** Story projects (#26): each command answers what it did, for the integration suites. */
function projectCommands(projects: StoryProjects) {
  return {
    [COMMANDS.newStoryProject]: (args?: unknown) => projects.newStoryProject(args),
    [COMMANDS.newCodexEntry]: (args?: unknown) => projects.newCodexEntry(args),
    [COMMANDS.continueWriting]: () => projects.continueWriting(),
    [COMMANDS.stopWriting]: () => projects.stopWriting(),
    [COMMANDS.showContext]: () => projects.showContext(),
    [COMMANDS.importLorebook]: (args?: unknown) => projects.importLorebook(args),
    [COMMANDS.exportCodexAsLorebook]: (args?: unknown) => projects.exportCodexAsLorebook(args),
    [COMMANDS.writeScene]: () => projects.writeScene(),
    [COMMANDS.summarizeChapter]: (uri?: unknown) => projects.summarizeChapter(uri),
  } satisfies Partial<Record<CommandId, (...args: never[]) => unknown>>;
}

/** The auth commands, each guarded. */
function authCommands(auth: Auth, log: Log) {
  /** For the auth commands: every expected failure is shown by the flow itself; this is the last resort. */
  const guarded = (id: CommandId, handler: () => Promise<unknown>) => async () => {
    try {
      await handler();
    } catch (e) {
      log.error(`${id} failed`, e);
      void vscode.window.showErrorMessage(notificationSafe(e instanceof Error ? e.message : String(e)));
    }
  };
  return {
    [COMMANDS.signUp]: guarded(COMMANDS.signUp, () => auth.signUp()),
    [COMMANDS.confirmSignUp]: guarded(COMMANDS.confirmSignUp, () => auth.confirmSignUp()),
    [COMMANDS.resendCode]: guarded(COMMANDS.resendCode, () => auth.resendCode()),
    [COMMANDS.signIn]: guarded(COMMANDS.signIn, () => auth.signIn()),
    [COMMANDS.signInWithBrowser]: guarded(COMMANDS.signInWithBrowser, () => auth.signInWithBrowser()),
    [COMMANDS.signOut]: guarded(COMMANDS.signOut, () => auth.signOut()),
    [COMMANDS.signOutEverywhere]: guarded(COMMANDS.signOutEverywhere, () => auth.signOutEverywhere()),
    [COMMANDS.forgotPassword]: guarded(COMMANDS.forgotPassword, () => auth.forgotPassword()),
    [COMMANDS.setUpMfa]: guarded(COMMANDS.setUpMfa, () => auth.setUpMfa()),
    [COMMANDS.setClientSecret]: guarded(COMMANDS.setClientSecret, () => auth.setClientSecret()),
    [COMMANDS.clearClientSecret]: guarded(COMMANDS.clearClientSecret, () => auth.clearClientSecret()),
    [COMMANDS.accountActions]: guarded(COMMANDS.accountActions, () => accountActions()),
  };
}

/** The account's quick pick (the status bar item opens it). */
async function accountActions(): Promise<void> {
  const actions: { label: string; id: CommandId }[] = [
    { label: `$(sign-out) ${vscode.l10n.t('Sign Out')}`, id: COMMANDS.signOut },
    { label: `$(globe) ${vscode.l10n.t('Sign Out Everywhere')}`, id: COMMANDS.signOutEverywhere },
    { label: `$(shield) ${vscode.l10n.t('Set Up Authenticator App…')}`, id: COMMANDS.setUpMfa },
    { label: `$(output) ${vscode.l10n.t('Show Log')}`, id: COMMANDS.showLog },
  ];
  const picked = await vscode.window.showQuickPick(actions, { title: vscode.l10n.t('Bedrock Storyteller Account') });
  if (picked) await vscode.commands.executeCommand(picked.id);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
