// The box a command opens has the focus (#24): on the demo's first load the welcome README's
// preview opened after the Sign Up email box and took the focus, so the first keystrokes went
// nowhere. The real quick input here (no scripted prompter); the runner says what has the focus.
import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { PageFocus } from '../host/runInHost';
import { emulators, forgetEmulator, useEmulator } from './emulators';
import { activate, eventually } from './prompter';

async function focus(): Promise<PageFocus> {
  const probe = process.env.STORYTELLER_FOCUS_PROBE;
  assert.ok(probe, 'the host runner says where to ask what has the focus');
  return (await (await fetch(probe)).json()) as PageFocus;
}

const isPreview = (tab: vscode.Tab) =>
  tab.input instanceof vscode.TabInputWebview && /markdown\.preview/.test(tab.input.viewType);

describe('Focus: the box a command opens has it (#24)', function () {
  this.timeout(60_000);

  before(async () => {
    const { testing } = await activate();
    testing.usePrompter(undefined);
    await useEmulator(emulators().public);
    await vscode.commands.executeCommand('storyteller.signOut');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await forgetEmulator();
  });

  it('keeps the Sign Up email box focused when the welcome README preview opens after it', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    assert.ok(folder, 'the runner opens a workspace folder');
    const readme = join(folder, 'README.md');
    writeFileSync(readme, '# Welcome\n\nPress Ctrl+Shift+P and type *Sign Up*.\n');

    const signUp = vscode.commands.executeCommand('storyteller.signUp');
    await eventually('the email box has the focus', async () => (await focus()).inQuickInput);
    // As workbench.startupEditor "readme" opens it: a preview that takes the focus as it shows.
    await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.file(readme));
    await eventually('the preview is open', () => vscode.window.tabGroups.all.some((g) => g.tabs.some(isPreview)));
    let last: PageFocus | undefined;
    await eventually('the email box has the focus again', async () => (last = await focus()).inQuickInput, 5_000).catch(
      (e: Error) => assert.fail(`${e.message}; the focus is on ${last?.element}`),
    );

    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await signUp;
  });
});
