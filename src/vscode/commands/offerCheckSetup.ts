// After a story fails for a setup reason (access, settings, credentials, model), one offer to run
// Check Setup, once per window and reason: the panel shows the failure itself.
import * as vscode from 'vscode';
import { SETUP_FAILURE_CODES } from '../../core/setup/failureCodes';
import { COMMANDS } from '../commandIds';

const offered = new Set<string>();

export function offerCheckSetup(code: string | undefined): void {
  if (!code || !SETUP_FAILURE_CODES.has(code) || offered.has(code)) return;
  offered.add(code);
  const run = vscode.l10n.t('Check Setup');
  void vscode.window
    .showWarningMessage(
      vscode.l10n.t('The story failed for a setup reason. Check Setup tries each step and says what to change.'),
      run,
    )
    .then((picked) => (picked === run ? vscode.commands.executeCommand(COMMANDS.checkSetup) : undefined));
}
