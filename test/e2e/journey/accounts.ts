// Other accounts: another extension borrows the session, signing out, signing in with the browser
// (#15), and a second person who sees nothing of the first (#13).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { root, EMAIL, PASSWORD, BOB, storyText } from '../journey';
import type { Journey } from '../journey';
import { ACCOUNT_ITEM, until } from '../workbench';

// As in src/vscode/auth/auth.ts (which needs the vscode module, so it cannot be imported here).
const ENTER_CODE_TITLE = 'Enter Confirmation Code…';

export function otherAccounts(j: Journey): void {
  it("lets another extension have the session once the person allows it in VS Code's consent dialog", async function () {
    const { wb, temp } = j;
    this.timeout(120_000);
    // The fixture is packaged as any extension is, and installed the way a person would: from the .vsix.
    const vsix = join(temp, 'session-borrower.vsix');
    execFileSync(
      join(root, 'node_modules/.bin/vsce'),
      ['package', '--no-dependencies', '--skip-license', '--out', vsix],
      { cwd: join(__dirname, '../fixtures/session-borrower'), stdio: 'ignore' },
    );
    await wb.runCommand('Extensions: Install from VSIX...');
    await wb.answerPath(vsix, 'Install');
    await wb.waitForNotification('Completed installing extension.', 60_000);

    await wb.runCommand('Session Borrower: Get Cognito Session');
    const dialog = await wb.waitForDialog(/wants to sign in using Amazon Cognito/);
    assert.match(
      await dialog.innerText(),
      /The extension 'Session Borrower \(E2E fixture\)' wants to sign in using Amazon Cognito\./,
    );
    await wb.screenshot('consent-dialog');
    await wb.clickDialogButton('Allow');
    await wb.waitForNotification(`Session Borrower got the session of ${EMAIL} with a JWT access token.`);
  });
  it('signs out through the command palette', async () => {
    const { wb, signedInModels } = j;
    await wb.runCommand('Storyteller: Sign Out');
    assert.equal(await wb.waitForStatusBarText(ACCOUNT_ITEM, /^Sign in$/), 'Sign in');
    const frame = await wb.storyFrame();
    await until(
      'the panel to say signed out',
      async () => (await frame.locator('.auth-line').innerText()).trim() === 'Signed out',
    );
    const items = await wb.openAccountsMenu();
    assert.ok(
      !items.some((i) => i.label.includes(EMAIL)),
      `the account left the Accounts menu: ${JSON.stringify(items)}`,
    );
    await wb.closeMenus();
    // Nothing of the person who left stays on screen (#13).
    await until('the history to go', async () => (await frame.locator('#history-list li').count()) === 0);
    assert.equal(await storyText(frame), '', 'no story');
    assert.equal((await frame.locator('.usage-line').innerText()).trim(), '', 'no usage');
    assert.equal(await frame.locator('#premise').evaluate((el: { value?: string }) => el.value), '', 'no draft');
    assert.equal(await frame.locator('#story-error').isHidden(), true, 'no error notice');
    // The model picker names each model as it did signed in.
    const names = await frame
      .locator('#model vscode-option')
      .evaluateAll((els: { getAttribute(n: string): string | null; textContent: string | null }[]) =>
        els.map((el) => [el.getAttribute('value') ?? '', (el.textContent ?? '').trim()] as const),
      );
    for (const [id, name] of names)
      if (signedInModels.has(id)) assert.equal(name, signedInModels.get(id), `the same name signed out for ${id}`);
  });

  it('signs in with the browser through the local Login with Amazon, pasting the address it ends on (code-server), and is in the Accounts menu and the status bar (#15)', async () => {
    const { wb, browser } = j;
    await wb.runCommand('Storyteller: Sign In with Browser…');
    assert.deepEqual(await j.choices('Login with Amazon'), [
      'Email and password',
      'Login with Amazon',
      'Google',
      'Use Another Account…',
    ]);
    const opened = browser.waitForEvent('page');
    await wb.pickQuickItem('Login with Amazon');
    // code-server opens managed login in a new tab; the emulator's Login with Amazon asks which account.
    const tab = await opened;
    // The browser ends on the loopback callback, where nothing listens in a web host: its address is pasted.
    const ended = tab.waitForRequest((r) => r.url().startsWith('http://127.0.0.1:53682/callback?'));
    const account = tab.getByRole('button', { name: 'Ada Lovelace <ada@example.com>' });
    await account.waitFor({ timeout: 15_000 });
    await wb.screenshot('sign-in-browser-provider', 'sign-in-browser.png', tab);
    await account.click();
    const callback = (await ended).url();
    assert.match(callback, /[?&]code=[^&]+/);
    assert.match(callback, /[?&]state=[^&]+/);
    await tab.close();
    await wb.answerInput(/paste it here/, callback);
    await wb.waitForStatusBarText(ACCOUNT_ITEM, 'ada@example.com');
    const items = await wb.openAccountsMenu();
    assert.ok(
      items.some((i) => i.label === 'ada@example.com (Amazon Cognito)'),
      `the Accounts menu lists the Amazon account: ${JSON.stringify(items.map((i) => i.label))}`,
    );
    await wb.closeMenus();
    // Sign Out opens managed login's /logout by default, so the browser forgets the session too (#23 N9).
    const logoutTab = browser.waitForEvent('page', { timeout: 15_000 });
    const logout = browser.waitForEvent('request', {
      predicate: (r) => r.url().includes('/logout?'),
      timeout: 15_000,
    });
    await wb.runCommand('Storyteller: Sign Out');
    await wb.waitForStatusBarText(ACCOUNT_ITEM, /^Sign in$/);
    assert.match((await logout).url(), /[?&]client_id=/);
    await (await logoutTab).close();
  });

  it("a second person signs up, leaves the code for later, enters it from the notification, and sees none of the first person's stories (#13)", async () => {
    const { wb, demo } = j;
    await wb.runCommand('Storyteller: Sign Up…');
    await wb.answerInput('Your email address', BOB);
    await wb.answerInput('Your name (optional)', '');
    await wb.answerInput('Choose a password', PASSWORD);
    await wb.answerInput('Type the password again', PASSWORD);
    await wb.waitForInput('The 6-digit code from the email');
    await wb.closeQuickInput();
    const later = `Your account is created. Enter the code later with "Storyteller: ${ENTER_CODE_TITLE}".`;
    await wb.waitForNotification(later);
    await wb.clickNotificationButton(later, 'Enter Code');
    // The password is still in memory from the sign-up: the code signs in, nothing else is asked.
    await wb.answerInput('The 6-digit code from the email', await demo.code(BOB));
    await wb.waitForStatusBarText(ACCOUNT_ITEM, BOB);
    const frame = await wb.storyFrame();
    await until('the panel to know the new account', async () =>
      (await frame.locator('.auth-line').innerText()).includes(BOB),
    );
    await until('an empty history', async () =>
      (await frame.locator('.history').innerText()).includes('No stories yet.'),
    );
    assert.equal(await storyText(frame), '');
    assert.equal(await frame.locator('[data-action="retry"]').count(), 0, 'no Retry anywhere');
    await wb.runCommand('Storyteller: Sign Out');
    await wb.waitForStatusBarText(ACCOUNT_ITEM, /^Sign in$/);
  });
}
