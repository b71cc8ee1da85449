// code-server as the test host and the demo start it (test/host/codeServer.ts): no workbench
// without the password, whatever the Host header says; and no server left behind when the
// process that started it dies, by SIGKILL or by an uncaught exception.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { SESSION_COOKIE, startCodeServer } from './codeServer';
import type { CodeServer } from './codeServer';
import { ensureHost } from './install';
import { isRunning, processesUsing, send, waitFor, WORKBENCH } from './probe';

describe('code-server as the test host starts it', function () {
  this.timeout(120_000);
  const host = ensureHost();

  describe('password auth', () => {
    let dir: string;
    let server: CodeServer;
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'storyteller-host-'));
      server = await startCodeServer({ host, dir, idleTimeoutSeconds: 0 });
    });
    after(async () => {
      await server?.stop();
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    });

    it('answers the workbench URL with the login page, not VS Code, without the password', async () => {
      const reply = await send(server.url(server.dirs.workspace));
      assert.equal(reply.status, 302);
      assert.match(String(reply.headers.location), /^\.\/login\?/);
      const login = await send(`${server.origin}/login`);
      assert.equal(login.status, 200);
      assert.match(login.body, /type="password"/);
      assert.doesNotMatch(reply.body + login.body, WORKBENCH);
    });

    it('gives a DNS-rebinding page (its own Host, no cookie) no workbench, no file and no extension host connection', async () => {
      const foreign = { host: `attacker.example:${server.port}`, origin: `http://attacker.example:${server.port}` };
      const page = await send(`${server.origin}/?folder=/`, { headers: foreign });
      assert.equal(page.status, 302);
      assert.match(String(page.headers.location), /login/);
      const file = await send(`${server.origin}/vscode-remote-resource?path=/etc/passwd`, { headers: foreign });
      assert.notEqual(file.status, 200);
      assert.doesNotMatch(file.body, /root:/);
      // The websocket the workbench uses to reach the extension host (and its terminals).
      const socket = await send(`${server.origin}/?reconnectionToken=x&reconnection=false&skipWebSocketFrames=false`, {
        headers: {
          ...foreign,
          connection: 'Upgrade',
          upgrade: 'websocket',
          'sec-websocket-version': '13',
          'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
        },
      }).catch((e: Error) => ({ status: 0, headers: {}, body: e.message }));
      assert.notEqual(socket.status, 101);
    });

    it('refuses a wrong password: no session cookie', async () => {
      const reply = await send(`${server.origin}/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'password=not-the-password',
      });
      assert.equal(reply.headers['set-cookie'], undefined);
      assert.match(reply.body, /Incorrect password/i);
    });

    it('opens the workbench to a browser that logged in with the password', async () => {
      const login = await send(`${server.origin}/login?folder=${encodeURIComponent(server.dirs.workspace)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `password=${encodeURIComponent(server.password)}`,
      });
      assert.equal(login.status, 302);
      assert.equal(login.headers.location, `./?folder=${server.dirs.workspace}`, 'back to the folder it was asked for');
      const cookie = [login.headers['set-cookie'] ?? []].flat().find((c) => c.startsWith(`${SESSION_COOKIE}=`));
      assert.ok(cookie, 'a session cookie');
      const page = await send(server.url(server.dirs.workspace), { headers: { cookie: cookie.split(';')[0]! } });
      assert.equal(page.status, 200);
      assert.match(page.body, WORKBENCH);
    });

    it('keeps the password off the command line, in a config file only this user can read', () => {
      assert.ok(server.password.length >= 32, 'a long random password');
      assert.deepEqual(processesUsing(server.password), []);
      assert.equal(statSync(join(dir, 'code-server.yaml')).mode & 0o777, 0o600);
    });

    it('gives every start its own password', async () => {
      const other = mkdtempSync(join(tmpdir(), 'storyteller-host-'));
      const second = await startCodeServer({ host, dir: other, idleTimeoutSeconds: 0 });
      try {
        assert.notEqual(second.password, server.password);
      } finally {
        await second.stop();
        rmSync(other, { recursive: true, force: true, maxRetries: 3 });
      }
    });
  });

  describe('when the process that started it dies', () => {
    /** Runs fixtures/owner, which starts code-server in `dir` and then waits or throws. */
    async function owner(dir: string, mode: 'wait' | 'throw') {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', join(__dirname, 'fixtures', 'owner', 'index.ts'), dir, mode],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout! }).once('line', resolve);
        void exited.then((code) =>
          reject(new Error(`the owner exited (${code}) before code-server was up: ${stderr}`)),
        );
      });
      return { child, exited, pids: JSON.parse(line) as { pid: number; watchdogPid: number }, stderr: () => stderr };
    }

    for (const mode of ['wait', 'throw'] as const) {
      it(
        mode === 'wait'
          ? 'SIGKILL: the watchdog ends code-server within seconds'
          : 'an uncaught exception: code-server ends within seconds',
        async () => {
          const dir = mkdtempSync(join(tmpdir(), 'storyteller-host-'));
          try {
            const run = await owner(dir, mode);
            assert.ok(isRunning(run.pids.pid), 'code-server is up');
            if (mode === 'wait') run.child.kill('SIGKILL');
            const code = await run.exited;
            if (mode === 'throw') {
              assert.equal(code, 1);
              assert.match(run.stderr(), /planted crash/);
            }
            const ms = await waitFor(
              'code-server and its children end',
              () => !isRunning(run.pids.pid) && processesUsing(dir).length === 0,
              8_000,
            );
            assert.ok(ms < 8_000);
            await waitFor('the watchdog exits', () => !isRunning(run.pids.watchdogPid), 3_000);
          } finally {
            rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
          }
        },
      );
    }

    it('a normal stop() ends the watchdog too, and leaves nothing running', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'storyteller-host-'));
      try {
        const server = await startCodeServer({ host, dir, idleTimeoutSeconds: 0 });
        await server.stop();
        await waitFor('the watchdog exits', () => !isRunning(server.watchdogPid), 3_000);
        assert.deepEqual(processesUsing(dir), []);
      } finally {
        rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
      }
    });
  });
});
