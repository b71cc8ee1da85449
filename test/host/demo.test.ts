// `npm run demo` (scripts/demo.ts) as a person starts it: VS Code asks for a password that only
// the printed link carries, the link refuses other Hosts, and whatever kills the demo, code-server
// and the demo's files go with it.
import * as assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { claimDemoDir, DEMO_MARKER, DEMO_VSIX, isDemoDir, removeFromDemoDir } from '../../scripts/demoDir';
import { startDemo } from '../e2e/demo';
import type { Demo } from '../e2e/demo';
import { codeServerDirs, launchBrowser, SESSION_COOKIE } from './codeServer';
import { isRunning, processesUsing, send, waitFor, WORKBENCH } from './probe';

describe('npm run demo: who can reach its VS Code, and what a crash leaves', function () {
  this.timeout(240_000);
  let temp: string;
  beforeEach(() => {
    temp = mkdtempSync(join(tmpdir(), 'storyteller-demo-test-'));
  });
  afterEach(() => rmSync(temp, { recursive: true, force: true, maxRetries: 3 }));

  it('signs in with the printed link only; killed with SIGKILL, leaves no code-server and no files', async () => {
    const readyFile = join(temp, 'ready.json');
    const demo: Demo = await startDemo({ readyFile, timeoutMs: 200_000 });
    let browser: BrowserContext | undefined;
    try {
      const { ready } = demo;
      const link = new URL(ready.url);
      const password = decodeURIComponent(link.hash.slice(1));
      assert.ok(password.length >= 32, 'the link carries a long random password in its fragment');
      assert.ok(
        demo.lines.some((l) => l.includes(ready.url)),
        'the demo prints the link',
      );
      assert.equal(statSync(readyFile).mode & 0o777, 0o600, 'the ready file holds the password: this user only');

      // Without the password: the login page, for this machine's Host and a rebinding page's alike.
      for (const host of [new URL(ready.origin).host, `rebind.attacker.example:${new URL(ready.origin).port}`]) {
        const reply = await send(ready.workbenchUrl, { headers: { host } });
        assert.equal(reply.status, 302, host);
        assert.match(String(reply.headers.location), /login/);
        assert.doesNotMatch(reply.body, WORKBENCH);
      }
      // The link's page holds no secret, and answers only to this machine's names.
      const page = await send(`${link.origin}/`);
      assert.equal(page.status, 200);
      assert.ok(!page.body.includes(password));
      assert.match(
        String(page.headers['content-security-policy']),
        /default-src 'none'; script-src 'sha256-[^']+'; form-action http:\/\/127\.0\.0\.1:\d+;/,
      );
      assert.equal(
        (await send(`${link.origin}/`, { headers: { host: `rebind.attacker.example:${link.port}` } })).status,
        421,
      );

      // One click: the browser opens the link and lands in the workbench, signed in.
      browser = await launchBrowser(codeServerDirs(temp));
      const tab = browser.pages()[0] ?? (await browser.newPage());
      await tab.goto(ready.url);
      await tab.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
      const landed = new URL(tab.url());
      assert.equal(landed.origin + landed.pathname, `${ready.origin}/`);
      assert.equal(landed.searchParams.get('folder'), ready.workspace, 'the demo workspace is open');
      assert.ok((await browser.cookies(ready.origin)).some((c) => c.name === SESSION_COOKIE));
      await browser.close();
      browser = undefined;

      process.kill(demo.pid, 'SIGKILL');
      await demo.exited;
      await waitFor(
        'code-server ends',
        () => !isRunning(ready.serverPid) && processesUsing(ready.dir).length === 0,
        8_000,
      );
      await waitFor("the demo's files are removed", () => !existsSync(ready.dir), 5_000);
      assert.equal(isRunning(ready.watchdogPid), false);
    } finally {
      await browser?.close().catch(() => undefined);
      await demo.stop(10_000).catch(() => undefined);
    }
  });

  it('an uncaught exception in the demo leaves no code-server and no files', async () => {
    const demo = await startDemo({
      readyFile: join(temp, 'ready.json'),
      timeoutMs: 200_000,
      nodeArgs: ['--import', join(__dirname, 'fixtures', 'demo-crash', 'index.mjs')],
    });
    try {
      const exit = await demo.exited;
      assert.equal(exit.code, 1, demo.tail());
      assert.match(demo.tail(), /planted crash after the demo was ready/);
      await waitFor(
        'code-server ends',
        () => !isRunning(demo.ready.serverPid) && processesUsing(demo.ready.dir).length === 0,
        5_000,
      );
      await waitFor("the demo's files are removed", () => !existsSync(demo.ready.dir), 5_000);
    } finally {
      await demo.stop(10_000).catch(() => undefined);
    }
  });
});

describe('npm run demo -- --dir: it deletes only inside a folder it made (#23)', function () {
  this.timeout(240_000);
  let temp: string;
  beforeEach(() => {
    temp = mkdtempSync(join(tmpdir(), 'storyteller-demo-dir-'));
  });
  afterEach(() => rmSync(temp, { recursive: true, force: true, maxRetries: 3 }));

  it("refuses a folder of the user's, and their files and tmp/ survive its start and Ctrl-C untouched", async () => {
    const mine = join(temp, 'mine');
    mkdirSync(join(mine, 'tmp'), { recursive: true });
    writeFileSync(join(mine, 'notes.txt'), 'my notes\n');
    writeFileSync(join(mine, 'tmp', 'draft.txt'), 'my draft\n');
    const before = listing(mine);
    let demo: Demo | undefined;
    const refused = await startDemo({ readyFile: join(temp, 'ready.json'), timeoutMs: 200_000, args: ['--dir', mine] })
      .then((started) => void (demo = started))
      .catch((e: unknown) => e as Error);
    // A demo that started anyway gets the Ctrl-C a person would give it.
    if (demo) await demo.stop(30_000);

    assert.ok(existsSync(join(mine, 'tmp', 'draft.txt')), "the user's tmp/draft.txt is still there");
    assert.equal(readFileSync(join(mine, 'tmp', 'draft.txt'), 'utf8'), 'my draft\n');
    assert.equal(readFileSync(join(mine, 'notes.txt'), 'utf8'), 'my notes\n');
    assert.deepEqual(listing(mine), before, "the user's folder is exactly as it was: nothing added either");
    assert.ok(refused instanceof Error, 'the demo refuses the folder instead of starting in it');
    assert.match(refused.message, /The demo exited \(1\) before it was ready/);
    assert.match(refused.message, /holds files the demo did not make/);
    assert.ok(refused.message.includes(`--dir ${join(mine, 'storyteller-demo')}`), 'it names the next step');
  });

  it('uses a new folder as its own: Ctrl-C removes only what each start makes again', async () => {
    const dir = join(temp, 'demo');
    const demo = await startDemo({ readyFile: join(temp, 'ready.json'), timeoutMs: 200_000, args: ['--dir', dir] });
    // The person's own file, where they keep their work.
    writeFileSync(join(demo.ready.workspace, 'story.md'), 'Once upon a time\n');
    assert.ok(existsSync(join(dir, 'tmp')) && existsSync(join(dir, DEMO_VSIX)), 'a start makes tmp/ and the .vsix');
    const exit = await demo.stop(30_000);
    assert.equal(exit.code, 0, demo.tail());
    assert.ok(isDemoDir(dir), "the folder stays marked as the demo's, for the next start");
    assert.equal(readFileSync(join(dir, 'workspace', 'story.md'), 'utf8'), 'Once upon a time\n');
    assert.ok(existsSync(join(dir, 'emulator')), 'the accounts are kept');
    for (const transient of ['tmp', 'code-server.yaml', DEMO_VSIX])
      assert.equal(existsSync(join(dir, transient)), false, `${transient} is made again each start`);
  });

  describe('claimDemoDir', () => {
    it('makes a missing folder and marks it; a marked folder is used again', () => {
      const dir = join(temp, 'a', 'demo');
      claimDemoDir(dir);
      assert.deepEqual(readdirSync(dir), [DEMO_MARKER]);
      writeFileSync(join(dir, 'code-server.yaml'), '');
      claimDemoDir(dir);
      assert.ok(isDemoDir(dir));
    });

    it('takes an empty folder', () => {
      claimDemoDir(temp);
      assert.ok(isDemoDir(temp));
    });

    it("refuses a folder holding anything of the user's, even a name the demo uses, and writes nothing there", () => {
      for (const entry of ['notes.txt', 'tmp']) {
        const dir = join(temp, entry);
        mkdirSync(dir);
        writeFileSync(join(dir, entry), '');
        assert.throws(() => claimDemoDir(dir), {
          message: `${dir} holds files the demo did not make (${entry}), and the demo writes and deletes files in its folder, so it will not use this one. Give --dir a new or empty folder, for example --dir ${join(dir, 'storyteller-demo')}.`,
        });
        assert.deepEqual(readdirSync(dir), [entry]);
      }
    });

    it('refuses a file given as the folder', () => {
      const file = join(temp, 'file');
      writeFileSync(file, 'mine');
      assert.throws(() => claimDemoDir(file), /is a file, not a folder\. Give --dir a new or empty folder instead\./);
      assert.equal(readFileSync(file, 'utf8'), 'mine');
    });

    it("adopts an earlier demo's unmarked .demo/ only when it holds nothing but the demo's own files", () => {
      for (const entry of ['workspace', 'emulator', 'tmp', 'code-server.yaml', DEMO_VSIX])
        mkdirSync(join(temp, entry), { recursive: true });
      assert.throws(() => claimDemoDir(temp), /holds files the demo did not make/, 'not without adoptUnmarked');
      claimDemoDir(temp, { adoptUnmarked: true });
      assert.ok(isDemoDir(temp));

      const other = join(temp, 'other');
      mkdirSync(join(other, 'workspace'), { recursive: true });
      writeFileSync(join(other, 'notes.txt'), '');
      assert.throws(() => claimDemoDir(other, { adoptUnmarked: true }), /\(notes\.txt\)/);
      assert.equal(isDemoDir(other), false);
    });

    it('removes only inside a folder that is still marked', () => {
      const dir = join(temp, 'demo');
      claimDemoDir(dir);
      mkdirSync(join(dir, 'tmp'));
      removeFromDemoDir(dir, ['tmp']);
      assert.deepEqual(readdirSync(dir), [DEMO_MARKER]);

      mkdirSync(join(temp, 'tmp'));
      removeFromDemoDir(temp, ['tmp']);
      removeFromDemoDir(temp);
      assert.ok(existsSync(join(temp, 'tmp')), 'an unmarked folder is left alone');
    });
  });
});

/** Every path under `dir`, with each file's size: what a person would notice missing or changed. */
function listing(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .map((e) => {
      const path = join(e.parentPath, e.name);
      return e.isFile() ? `${path} ${statSync(path).size}` : `${path}/`;
    })
    .sort();
}
