// Storyteller: Check Setup. Runs the user-side checks (src/core/setup/setupChecks.ts) with the
// user's settings and session, shows them in a read-only Markdown document, and offers one button
// per fix. The buttons run our own commands; no text from outside becomes a link. Loaded with
// dist/configure.js on first use, not at activation.
import * as vscode from 'vscode';
import { openFresh } from '../freshDocument';
import { CREDENTIAL_SETTINGS, SECTION } from '../../core/config';
import { fixesOf, runSetupChecks, setupReport } from '../../core/setup/setupChecks';
import type { SetupFix, SetupResult, SetupService } from '../../core/setup/setupChecks';
import type { Auth } from '../auth/auth';
import { COMMANDS } from '../commandIds';
import type { Log } from '../log';
import type { Settings } from '../settings';
import type { StoryController } from '../story/controller';
import { SETUP_URI } from './setupDocument';
import type { SetupDocument } from './setupDocument';

export interface CheckSetupParts {
  readonly auth: Auth;
  readonly settings: Settings;
  readonly story: StoryController;
  readonly log: Log;
  readonly document: SetupDocument;
}

/** Credential settings with a workspace or folder value (ignored: they are read from User settings only). */
function workspaceValues(): string[] {
  const section = vscode.workspace.getConfiguration(SECTION);
  return CREDENTIAL_SETTINGS.filter((key) => {
    const i = section.inspect(key);
    return i?.workspaceValue !== undefined || i?.workspaceFolderValue !== undefined;
  }).map((key) => `${SECTION}.${key}`);
}

/** Any HTTP answer means reachable; a network error or 10 s of silence does not. */
async function reach(url: string): Promise<void> {
  const response = await fetch(url, { method: 'GET', redirect: 'manual', signal: AbortSignal.timeout(10_000) });
  await response.body?.cancel();
}

async function service(story: StoryController): Promise<SetupService> {
  const s = await story.setupService();
  return {
    budgetMode: s.budgetMode,
    credentials: () => s.checkCredentials(),
    probe: (modelId) => s.probe(modelId),
    budget: () => s.budget(),
  };
}

export async function checkSetup(parts: CheckSetupParts): Promise<SetupResult[]> {
  const { auth, settings, story, log, document } = parts;
  const results = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Checking the Storyteller setup…') },
    () =>
      runSetupChecks({
        settings: settings.current,
        workspaceValues: workspaceValues(),
        reach,
        session: async () => {
          if (!(await auth.sessions.peek())) return undefined;
          return (await auth.sessions.getSession()).email;
        },
        service: () => service(story),
      }),
  );
  for (const r of results) log.info(`Check Setup: ${r.status} ${r.id}`);
  const report = setupReport(results);
  const doc = await openFresh(SETUP_URI, report, () => document.show(report));
  await vscode.languages.setTextDocumentLanguage(doc, 'markdown');
  await vscode.window.showTextDocument(doc, { preview: true });
  void offerFixes(fixesOf(results));
  return results;
}

const FIXES: Record<SetupFix, { label: () => string; run: () => Thenable<unknown> }> = {
  openSettings: {
    label: () => vscode.l10n.t('Open Settings'),
    run: () =>
      vscode.commands.executeCommand('workbench.action.openSettings', `@ext:bedrock-storyteller.bedrock-storyteller`),
  },
  signIn: { label: () => vscode.l10n.t('Sign In'), run: () => vscode.commands.executeCommand(COMMANDS.signIn) },
  pickModel: {
    label: () => vscode.l10n.t('Pick Another Model'),
    run: () => vscode.commands.executeCommand('workbench.action.openSettings', 'storyteller.modelId'),
  },
  configure: {
    label: () => vscode.l10n.t('Configure from Stack Outputs'),
    run: () => vscode.commands.executeCommand(COMMANDS.configureFromStack),
  },
};

async function offerFixes(fixes: readonly SetupFix[]): Promise<void> {
  if (fixes.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Check Setup: every step works.'));
    return;
  }
  const labels = fixes.map((f) => FIXES[f].label());
  const picked = await vscode.window.showWarningMessage(
    vscode.l10n.t('Check Setup found something to change; the document says what.'),
    ...labels,
  );
  const index = picked === undefined ? -1 : labels.indexOf(picked);
  if (index >= 0) await FIXES[fixes[index]!].run();
}
