// Sign-up, confirmation, sign-in and sign-out through the real commands, the Accounts API and
// the status bar, against the emulator, with and without a client secret.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activate, script as run } from './prompter';
import type { Answer } from './prompter';
import type { TestingApi } from '../../src/vscode/testing';
import { counters, emulators, forgetEmulator, latestCode, useEmulator } from './emulators';
import type { EmulatorInfo } from './emulators';
import { PASSWORD, uniqueEmail } from '../support/accounts';

function accounts() {
  return Promise.resolve(vscode.authentication.getAccounts('cognito'));
}

/** No session is handed out silently, signed in or not, until the user grants access. */
async function silentSession() {
  return vscode.authentication.getSession('cognito', [], { silent: true });
}

for (const kind of ['public', 'secret'] as const) {
  describe(`Auth in VS Code against the emulator (${kind} app client)`, function () {
    this.timeout(30_000);
    let testing: TestingApi;
    let emu: EmulatorInfo;
    const script = (answers: Answer[], command: string) => run(testing, answers, command);

    before(async () => {
      ({ testing } = await activate());
      emu = emulators()[kind];
      await useEmulator(emu);
      if (emu.clientSecret) await script([emu.clientSecret], 'storyteller.setClientSecret');
    });

    after(async () => {
      await vscode.commands.executeCommand('storyteller.signOut');
      await script([], 'storyteller.clearClientSecret');
      testing.usePrompter(undefined);
      await forgetEmulator();
    });

    it('signs up, confirms with the emailed code, and is signed in, in the Accounts API and the status bar', async () => {
      const email = uniqueEmail('it');
      const prompter = await script(
        [email, 'Ann Reader', PASSWORD, PASSWORD, () => latestCode(emu, email)],
        'storyteller.signUp',
      );
      assert.deepEqual(prompter.errors(), []);
      assert.deepEqual(
        prompter.asked.map((a) => [a.title, a.step, a.totalSteps, a.password ?? false]),
        [
          ['Sign Up', 1, 4, false],
          ['Sign Up', 2, 4, false],
          ['Sign Up', 3, 4, true],
          ['Sign Up', 4, 4, true],
          ['Enter Confirmation Code', undefined, undefined, false],
        ],
      );
      assert.match(testing.statusBarText(), new RegExp(email.replace(/\./g, '\\.')));
      assert.deepEqual(
        (await accounts()).map((a) => a.label),
        [email],
        'the account is in the Accounts menu',
      );
    });

    // vscode.authentication.getSession from another extension needs VS Code's consent dialog,
    // which the test host refuses to show; the end-to-end suite clicks it instead.

    it('signs out, revoking the refresh token on Cognito', async () => {
      const email = uniqueEmail('it');
      await script([email, '', PASSWORD, PASSWORD, () => latestCode(emu, email)], 'storyteller.signUp');
      assert.equal((await accounts()).length, 1);
      const before = (await counters(emu)).RevokeToken ?? 0;
      await vscode.commands.executeCommand('storyteller.signOut');
      assert.deepEqual(await accounts(), []);
      assert.equal(await silentSession(), undefined);
      assert.equal((await counters(emu)).RevokeToken, before + 1);
      assert.equal(testing.statusBarText(), '$(sign-in) Sign in');
    });

    it('explains a wrong password in the open password box, and stays signed out', async () => {
      const email = uniqueEmail('it');
      await script([email, '', PASSWORD, PASSWORD, () => latestCode(emu, email)], 'storyteller.signUp');
      await vscode.commands.executeCommand('storyteller.signOut');
      const prompter = await script([email, 'Wrong-Horse-99'], 'storyteller.signIn');
      assert.deepEqual(
        prompter.refused.map(([, , message]) => message),
        ['Incorrect email or password. Try again, or use "Forgot Password". (3 tries left.)'],
      );
      assert.deepEqual(await accounts(), []);
    });

    it('offers the code when an unconfirmed user signs in', async () => {
      const email = uniqueEmail('it');
      // Sign up, but cancel at the code prompt.
      await script([email, '', PASSWORD, PASSWORD], 'storyteller.signUp');
      const prompter = await script([email, PASSWORD], 'storyteller.signIn');
      assert.deepEqual(prompter.errors(), [
        'Your account is not confirmed yet. Enter the 6-digit code from the confirmation email.',
      ]);
    });
  });
}
