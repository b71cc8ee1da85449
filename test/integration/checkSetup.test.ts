// Storyteller: Check Setup in the real VS Code host against the direct-mode emulator: every step
// passes with a good configuration, and a broken one (a model without access, then a
// signed-out user) gets its failing line and the fix's button, in a read-only Markdown document.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { SetupResult } from '../../src/core/setup/setupChecks';
import type { TestingApi } from '../../src/vscode/testing';
import { clearFaults, emulators, fault, forgetEmulator, latestCode, useEmulator } from './emulators';
import type { EmulatorInfo } from './emulators';
import { activate, script } from './prompter';
import { PASSWORD, uniqueEmail } from '../support/accounts';

describe('Check Setup', function () {
  this.timeout(90_000);
  let testing: TestingApi;
  let emu: EmulatorInfo;

  const run = async (): Promise<SetupResult[]> => {
    const results = await vscode.commands.executeCommand<SetupResult[]>('storyteller.checkSetup');
    assert.ok(Array.isArray(results), 'the command answers with its results');
    return results;
  };
  const byId = (results: readonly SetupResult[], id: string): SetupResult => {
    const r = results.find((x) => x.id === id);
    assert.ok(r, `no check ${id} in ${results.map((x) => x.id).join(', ')}`);
    return r;
  };
  const reportText = (): string => {
    const doc = vscode.window.activeTextEditor?.document;
    assert.equal(doc?.uri.scheme, 'storyteller-setup', 'the report is the active editor');
    assert.equal(doc.languageId, 'markdown');
    return doc.getText();
  };

  before(async () => {
    ({ testing } = await activate());
    emu = emulators().public;
    await useEmulator(emu);
    const email = uniqueEmail('setup');
    await script(testing, [email, '', PASSWORD, PASSWORD, () => latestCode(emu, email)], 'storyteller.signUp');
    assert.equal(testing.sessionState().kind, 'signedIn');
  });

  after(async () => {
    // The last test signs out; a second Sign Out would wait on a question nobody answers.
    if (testing.sessionState().kind !== 'signedOut') await vscode.commands.executeCommand('storyteller.signOut');
    testing.usePrompter(undefined);
    await forgetEmulator();
  });

  it('a good configuration: settings, endpoints, session, credentials and the model all pass', async () => {
    const results = await run();
    assert.deepEqual(
      results.filter((r) => r.status !== 'pass').map((r) => `${r.id}: ${r.detail}`),
      [],
    );
    for (const id of ['settings', 'session', 'credentials', 'model'])
      assert.equal(byId(results, id).status, 'pass', id);
    assert.ok(results.some((r) => r.id.startsWith('endpoint:')));
    const text = reportText();
    assert.match(text, /Every step works\./);
    assert.match(text, /- ✓ \*\*Model amazon\.nova-lite-v1:0 answers\*\*/);
  });

  it('a broken configuration: a model without access gets its line and Pick Another Model', async () => {
    await fault(emu, {
      kind: 'error',
      operation: 'ConverseStream',
      error: 'AccessDeniedException',
      message: "You don't have access to the model with the specified model ID.",
    });
    try {
      const model = byId(await run(), 'model');
      assert.equal(model.status, 'fail');
      assert.equal(model.fix, 'pickModel');
      assert.match(reportText(), /- ✗ \*\*Model amazon\.nova-lite-v1:0 answers\*\*/);
    } finally {
      await clearFaults(emu);
    }
  });

  it('a broken configuration: signed out gets its line and Sign In, and nothing past it is tried', async () => {
    await vscode.commands.executeCommand('storyteller.signOut');
    const results = await run();
    const session = byId(results, 'session');
    assert.deepEqual([session.status, session.fix], ['fail', 'signIn']);
    assert.equal(
      results.find((r) => r.id === 'model'),
      undefined,
      'nothing past the session is tried',
    );
    assert.match(reportText(), /- ✗ \*\*Sign-in session\*\*/);
  });
});
