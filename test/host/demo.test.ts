// `npm run demo` (scripts/demo.ts) as a person starts it: VS Code asks for a password that only
// the printed link carries, the link refuses other Hosts, and whatever kills the demo, code-server
// and the demo's files go with it.
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
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
