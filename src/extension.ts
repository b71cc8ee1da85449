// Composition root: creates the parts and wires them together. Logic lives in src/core,
// VS Code glue in src/vscode. Nothing here loads the AWS SDK or calls the network.
import * as vscode from 'vscode';
import { notificationSafe } from './core/notificationText';
import { Auth } from './vscode/auth/auth';
import { watchContextKeys } from './vscode/auth/contextKeys';
import { QuickInputPrompter } from './vscode/auth/prompter';
import { CognitoAuthenticationProvider, PROVIDER_ID, PROVIDER_LABEL } from './vscode/auth/provider';
import { configureFromStack, toConfigureArgs } from './vscode/commands/configureFromStack';
import { Log } from './vscode/log';
import { watchSettings } from './vscode/settings';
import { AccountStatusBar } from './vscode/statusBar';
import { StoryController } from './vscode/story/controller';
import { registerStorySerializer, StoryPanel } from './vscode/story/panel';
import { testingApi } from './vscode/testing';
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

export function activate(context: vscode.ExtensionContext): StorytellerApi {
  const started = performance.now();
  const startedCpu = threadCpuMs();
  const log = new Log();
  const quickInput = new QuickInputPrompter();
  const auth = new Auth(context.secrets, log, quickInput, context.globalState);
  const provider = new CognitoAuthenticationProvider(auth);
  const statusBar = new AccountStatusBar(auth);
  const story = new StoryController(context, auth, log);

  const command = (id: string, run: () => Promise<unknown>) =>
    vscode.commands.registerCommand(id, async () => {
      try {
        await run();
      } catch (e) {
        // Every expected failure is shown by the flow itself; this is the last resort.
        log.error(`${id} failed`, e);
        void vscode.window.showErrorMessage(notificationSafe(e instanceof Error ? e.message : String(e)));
      }
    });

  context.subscriptions.push(
    log,
    auth,
    provider,
    statusBar,
    watchContextKeys(auth, context.secrets),
    vscode.authentication.registerAuthenticationProvider(PROVIDER_ID, PROVIDER_LABEL, provider, {
      supportsMultipleAccounts: false,
    }),
    vscode.commands.registerCommand('storyteller.showLog', () => log.show()),
    // Arguments skip the JSON prompts, never the user's confirmation (asked through the prompter,
    // so the integration suites can answer it).
    vscode.commands.registerCommand('storyteller.configureFromStack', (args?: unknown) =>
      configureFromStack(log, toConfigureArgs(args), async (message, detail, action) =>
        auth.prompter.confirm
          ? auth.prompter.confirm(message, detail, action)
          : (await auth.prompter.message('warning', `${message} ${detail}`, action)) === action,
      ),
    ),
    command('storyteller.signUp', () => auth.signUp()),
    command('storyteller.confirmSignUp', () => auth.confirmSignUp()),
    command('storyteller.resendCode', () => auth.resendCode()),
    command('storyteller.signIn', () => auth.signIn()),
    command('storyteller.signOut', () => auth.signOut()),
    command('storyteller.signOutEverywhere', () => auth.signOutEverywhere()),
    command('storyteller.forgotPassword', () => auth.forgotPassword()),
    command('storyteller.setUpMfa', () => auth.setUpMfa()),
    command('storyteller.setClientSecret', () => auth.setClientSecret()),
    command('storyteller.clearClientSecret', () => auth.clearClientSecret()),
    command('storyteller.accountActions', async () => {
      const actions = [
        { label: '$(sign-out) Sign Out', id: 'storyteller.signOut' },
        { label: '$(globe) Sign Out Everywhere', id: 'storyteller.signOutEverywhere' },
        { label: '$(shield) Set Up Authenticator App…', id: 'storyteller.setUpMfa' },
        { label: '$(output) Show Log', id: 'storyteller.showLog' },
      ];
      const picked = await vscode.window.showQuickPick(actions, { title: 'Bedrock Storyteller Account' });
      if (picked) await vscode.commands.executeCommand(picked.id);
    }),
    watchSettings(log),
    story,
    vscode.commands.registerCommand('storyteller.newStory', () =>
      StoryPanel.createOrShow(context.extensionUri, story, log),
    ),
    registerStorySerializer(context.extensionUri, () => story, log),
  );

  const activationMs = performance.now() - started;
  const activationCpuMs = threadCpuMs() - startedCpu;
  log.info(
    `Activated in ${activationMs.toFixed(2)} ms (${activationCpuMs.toFixed(2)} ms CPU) in ${vscode.env.appName} ${vscode.version}.`,
  );
  return {
    activationMs,
    activationCpuMs,
    testing: testingApi({
      context,
      auth,
      provider,
      usePrompter: (prompter) => {
        auth.prompter = prompter ?? quickInput;
      },
      statusBarText: () => statusBar.text,
      story,
    }),
  };
}

/** This thread's CPU time; the whole process's on a Node older than 23.9. */
function threadCpuMs(): number {
  // Typed by hand: @types/node follows the oldest Node that VS Code's engine range allows.
  const { threadCpuUsage } = process as { threadCpuUsage?: () => NodeJS.CpuUsage };
  const usage = threadCpuUsage ? threadCpuUsage.call(process) : process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
