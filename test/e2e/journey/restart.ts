// Ctrl+C and a restart: the demo stops cleanly and finds everything again.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { titleFromPremise } from '../../../src/core/story/protocol/titles';
import type { DemoExit } from '../demo';
import { EMAIL, PASSWORD, MARA, MARA_FILE } from '../journey';
import type { Journey } from '../journey';
import { ACCOUNT_ITEM, until } from '../workbench';

export function ctrlCAndRestart(j: Journey): void {
  it("stops the demo with Ctrl+C: exit 0, the person's work kept, the run's password and temp files removed, no process left", async function () {
    const { demo, browser } = j;
    this.timeout(60_000);
    await browser.close();
    const exit: DemoExit = await demo.stop(45_000);
    assert.deepEqual(exit, { code: 0, signal: null }, `the demo exits 0 on SIGINT\n${demo.tail()}`);
    assert.equal(demo.ready.fresh, false);
    assert.equal(existsSync(join(demo.ready.dir, 'code-server.yaml')), false, 'the password file is removed');
    assert.equal(existsSync(demo.ready.vsix), false, 'the package is removed');
    assert.equal(existsSync(join(demo.ready.workspace, MARA_FILE)), true, 'the saved story is kept');
    assert.match(demo.tail(3), /Your workspace, stories and accounts are kept in /);
    const left = await until(
      'no process to mention the demo dir',
      () => {
        const lines = processesUsing(demo.ready.dir);
        return lines.length === 0 ? lines : undefined;
      },
      10_000,
    ).catch(() => processesUsing(demo.ready.dir));
    assert.deepEqual(left, []);
  });

  it('finds the workspace, the account and the stories again after a restart (#13)', async function () {
    this.timeout(240_000);
    await j.startDemo('ready-again.json');
    await j.openWorkbench();
    const { wb, demo, browser } = j;
    assert.equal(existsSync(join(demo.ready.workspace, MARA_FILE)), true, 'the saved story is still in the workspace');
    // The accounts are still there: the terminal says to sign in, not to sign up (#24).
    const printed = demo.lines.join('\n');
    assert.match(printed, /"Storyteller: Sign In…" with an account you made before/);
    assert.doesNotMatch(printed, /Sign Up signs you in/);
    // A restarted demo shows the welcome README again and activates the extension first (slow on a busy machine).
    await wb.waitForStatusBarText(ACCOUNT_ITEM, /^Sign in$/, 60_000);
    const password = 'Sign In with Email and Password…';
    await wb.runCommandUntil('Storyteller: Sign In…', `the choices with "${password}"`, j.choicesProbe(password));
    await wb.pickQuickItem(password);
    await wb.waitForInput('Your email address', 60_000);
    await wb.answerInput('Your email address', EMAIL);
    await wb.answerInput('Your password', PASSWORD);
    await wb.waitForStatusBarText(ACCOUNT_ITEM, EMAIL);
    // New Story opens the panel; its first load after the restart is slow on a busy machine.
    await wb.runCommand('Storyteller: New Story');
    const frame = await wb.storyFrame(90_000);
    const titles = await until('the stories written before the restart', async () => {
      const t = (await frame.locator('#history-list .history-open').allInnerTexts()).map((x) => x.trim());
      return t.length >= 3 ? t : undefined;
    });
    assert.ok(titles.includes(titleFromPremise(MARA)), JSON.stringify(titles));
    await browser.close();
    assert.deepEqual(await demo.stop(45_000), { code: 0, signal: null });
  });
}

function processesUsing(dir: string): string[] {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return out.split('\n').filter((line) => line.includes(dir));
}
