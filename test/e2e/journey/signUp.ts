// Sign up and sign in: the welcome README, the palette, signing up through the open box, signing
// out and in again, and the account in the Accounts menu.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EMAIL, NAME, PASSWORD } from '../journey';
import type { Journey } from '../journey';
import { ACCOUNT_ITEM, until } from '../workbench';

const NOT_RIGHT = 'That code is not right. Check the latest email and type the 6 digits again.';
const PASSWORDS_DIFFER = 'The two passwords differ. Type the same password again, or press Back to change the first.';

export function signUpAndSignIn(j: Journey): void {
  /** Notifications the person had to close before the flow went on (see the test after next). */
  const blockedBy: string[] = [];

  /**
   * Waits for the flow's next step; if it does not come while `toast` is shown, the flow is
   * waiting for the notification to be closed: close it (as a person would, eventually) and note it.
   */
  async function proceedPast(toast: string, next: () => Promise<unknown>): Promise<void> {
    try {
      await next();
      return;
    } catch {
      // Not there yet: see whether the notification holds it up.
    }
    blockedBy.push(toast);
    if (await j.wb.notification(toast).isVisible()) await j.wb.closeNotification(toast);
    else await j.wb.runCommand('Notifications: Clear All Notifications');
    await next();
  }

  /** The code the demo prints for `email` after line `after` (a resent one, not the first). */
  const codeAfter = (email: string, after: number): Promise<string> =>
    until(`a new code for ${email}`, () => {
      for (const line of j.demo.lines.slice(after)) {
        const m = new RegExp(`code for ${email.replace(/[.]/g, '\\.')}: (\\d{6})`, 'i').exec(line);
        if (m) return m[1];
      }
      return undefined;
    });

  it('opens the welcome README, which says what to do first; the terminal says Sign Up signs you in (#13)', async () => {
    const { wb, demo } = j;
    const tab = await until('the README to open on start', async () =>
      (await wb.editorTabs()).find((t) => /README\.md/.test(t.label)),
    );
    assert.ok(tab, 'README.md is open');
    const readme = readFileSync(join(demo.ready.workspace, 'README.md'), 'utf8');
    assert.match(readme, /## Start here\n\n1\. \*\*Sign up\*\*/);
    assert.match(readme, /typing it signs you in/);
    const printed = demo.lines.join('\n');
    assert.match(printed, /Sign Up signs you in/);
    assert.doesNotMatch(printed, /Then "Storyteller: Sign In…"/, 'no Sign In step after Sign Up');
  });

  it('ranks Sign Up… first for "sign up", and hides the commands that cannot work while signed out (#13)', async () => {
    const { wb } = j;
    const rows = await wb.paletteRows('sign up');
    assert.equal(rows[0], 'Storyteller: Sign Up…', `the first row for "sign up": ${JSON.stringify(rows)}`);
    const full = await wb.paletteRows('Storyteller: Sign Up');
    assert.equal(full[0], 'Storyteller: Sign Up…', `the first row for "Storyteller: Sign Up": ${JSON.stringify(full)}`);
    assert.equal(
      (await wb.paletteRows('Storyteller: Enter Confirmation Code'))[0],
      'Storyteller: Enter Confirmation Code…',
    );
    for (const hidden of [
      'Storyteller: Sign Out',
      'Storyteller: Sign Out Everywhere',
      'Storyteller: Clear Client Secret',
      'Storyteller: Set Up Authenticator App (MFA)…',
    ]) {
      const rows = await wb.paletteRows(hidden);
      assert.ok(!rows.includes(hidden), `${hidden} is hidden while it cannot work: ${JSON.stringify(rows)}`);
    }
    await wb.closeQuickInput();
  });

  it('signs up through the command palette, fixing each mistake in the open box, and is signed in', async () => {
    const { wb, demo } = j;
    assert.match(await wb.statusBarText(ACCOUNT_ITEM), /^Sign in$/, 'signed out at first');
    await wb.runCommand('Storyteller: Sign Up…');
    await wb.waitForInput('Your email address');
    // Typing an address is no mistake yet: nothing turns red until Enter.
    await wb.typeInput(EMAIL.slice(0, 9), 40);
    assert.equal((await wb.quickInputState()).invalid, false, 'the email box is not red while it is being typed');
    const early = await wb.refusedInput('Your email address', EMAIL.slice(0, 9));
    assert.equal(early.message, 'Enter an email address like name@example.com.');
    const email = await wb.answerInput('Enter an email address like name@example.com.', EMAIL);
    assert.match(email.title, /^Sign Up \(1\/4\)$/);
    await wb.answerInput('Your name (optional)', NAME);
    const password = await wb.answerInput('Choose a password', PASSWORD);
    assert.equal(password.password, true, 'the password box masks what is typed');
    const differ = await wb.refusedInput('Type the password again', 'Lighthouse-Keeper-24');
    assert.equal(differ.message, PASSWORDS_DIFFER, 'a different second password keeps the box open');
    await wb.answerInput(PASSWORDS_DIFFER, PASSWORD);

    const code = await demo.code(EMAIL);
    assert.match(code, /^\d{6}$/, 'the demo printed a 6-digit confirmation code');
    await proceedPast('We sent a 6-digit code to', () => wb.waitForInput('The 6-digit code from the email', 5_000));
    // A wrong code: Cognito's answer in the box, which stays open.
    const wrong = await wb.refusedInput('The 6-digit code from the email', code === '000000' ? '111111' : '000000');
    assert.equal(wrong.message, `${NOT_RIGHT} (3 tries left.)`);
    await wb.screenshot('sign-up-wrong-code');
    // Resend Code is right there; the new code goes into the same box.
    const lines = demo.lines.length;
    await wb.inputButton('Resend Code').click();
    const resent = await wb.waitForInput(/^A new code is on its way to .+\. Type it here\.$/);
    assert.equal(resent.invalid, false);
    await wb.answerInput(/A new code is on its way/, await codeAfter(EMAIL, lines));

    await proceedPast('Welcome!', () => wb.waitForStatusBarText(ACCOUNT_ITEM, EMAIL, 10_000));
    assert.equal(await wb.statusBarText(ACCOUNT_ITEM), EMAIL);
    await wb.waitForNotification(
      `Welcome! You are signed in as ${EMAIL}. Write your first story with "Storyteller: New Story".`,
    );
    const toasts = await wb.notificationMessages();
    assert.ok(
      !toasts.some((t) => /not right|differ/.test(t)),
      `no stale mistake beside the welcome: ${JSON.stringify(toasts)}`,
    );
    await wb.closeNotification('Welcome!');
  });

  it('goes from sign-up straight on to the code and to sign-in, without the person closing notifications first', () => {
    // README: "Email, optional name and password …, then straight on to the 6-digit code and
    // sign-in." An information message the flow awaits holds it until it is closed.
    assert.deepEqual(blockedBy, [], `the flow waited until these notifications were closed: ${blockedBy.join(' | ')}`);
  });

  it('signs out and back in through "Storyteller: Sign In…", a wrong password fixed in the open box', async () => {
    const { wb } = j;
    assert.ok(
      (await wb.paletteRows('Storyteller: Sign Out Everywhere')).includes('Storyteller: Sign Out Everywhere'),
      'Sign Out is offered while signed in',
    );
    await wb.runCommand('Storyteller: Sign Out');
    await wb.waitForStatusBarText(ACCOUNT_ITEM, /^Sign in$/);
    assert.ok(
      !(await wb.paletteRows('Storyteller: Sign Out')).includes('Storyteller: Sign Out'),
      'and hidden once signed out',
    );
    await wb.runCommand('Storyteller: Sign In…');
    // The demo has a hosted domain: Sign In… offers the browser first (#15), then the password, and
    // a new account for who has none (#24).
    assert.deepEqual(await j.choices('Sign In with Browser…'), [
      'Sign In with Browser…',
      'Sign In with Email and Password…',
      'Create an Account…',
    ]);
    await wb.pickQuickItem('Sign In with Email and Password…');
    const asked = await wb.answerInput('Your email address', EMAIL);
    assert.match(asked.title, /^Sign In \(1\/2\)$/);
    const refused = await wb.refusedInput('Your password', 'Lighthouse-Keeper-00');
    assert.equal(refused.message, 'Incorrect email or password. Try again, or use "Forgot Password". (3 tries left.)');
    assert.equal(await wb.inputButton('Forgot Password').isVisible(), true, 'Forgot Password is a button of the box');
    await wb.answerInput(/Incorrect email or password/, PASSWORD, {
      beforeAccept: () => wb.screenshot('sign-in', 'sign-in.png').then(() => undefined),
    });
    await wb.waitForStatusBarText(ACCOUNT_ITEM, EMAIL);
  });
  it('shows the account under Amazon Cognito in the Accounts menu', async () => {
    const { wb } = j;
    await wb.notification('Signing in…').waitFor({ state: 'hidden' });
    const items = await wb.openAccountsMenu();
    const account = items.find((i) => i.label.includes(EMAIL));
    assert.ok(account, `the Accounts menu lists ${EMAIL}: ${JSON.stringify(items.map((i) => i.label))}`);
    assert.equal(account.label, `${EMAIL} (Amazon Cognito)`);
    const actions = await wb.openSubmenu(account.label);
    assert.ok(
      actions.some((a) => a.label === 'Sign Out'),
      `the account offers Sign Out: ${JSON.stringify(actions)}`,
    );
    await wb.screenshot('accounts-menu');
    await wb.closeMenus();
  });
}
