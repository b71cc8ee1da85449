// code-server as the test host and the demo start it (test/host/codeServer.ts): no workbench
// without the password, whatever the Host header says; and no server left behind when the
// process that started it dies, by SIGKILL or by an uncaught exception.
import * as assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { SESSION_COOKIE, startCodeServer } from './codeServer';
import type { CodeServer } from './codeServer';
import { ensureHost } from './install';

export interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** A raw HTTP request, so that Host (and anything else) is exactly what a browser could send. */
export function send(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers ?? {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** What only the workbench page has (the login page has none of it). */
export const WORKBENCH = /workbench\.(js|html|css)|vscode-workbench|monaco/i;

/** Live (not zombie) processes whose command line mentions `text`. */
export function processesUsing(text: string): string[] {
  const out = execFileSync('ps', ['-eo', 'pid=,stat=,args='], { encoding: 'utf8' });
  return out.split('\n').filter((line) => line.includes(text) && !/^\s*\d+\s+Z/.test(line));
}

export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie has exited; it only waits for its parent to read its status.
  try {
    return !/\)\s+Z\s/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

export async function waitFor(what: string, probe: () => boolean, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!probe()) {
    if (Date.now() - started > timeoutMs) throw new Error(`Not within ${timeoutMs / 1000} s: ${what}.`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return Date.now() - started;
}

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
        headers: { ...foreign, connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' },
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
      const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'fixtures', 'owner', 'index.ts'), dir, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout! }).once('line', resolve);
        void exited.then((code) => reject(new Error(`the owner exited (${code}) before code-server was up: ${stderr}`)));
      });
      return { child, exited, pids: JSON.parse(line) as { pid: number; watchdogPid: number }, stderr: () => stderr };
    }

    for (const mode of ['wait', 'throw'] as const) {
      it(mode === 'wait' ? 'SIGKILL: the watchdog ends code-server within seconds' : 'an uncaught exception: code-server ends within seconds', async () => {
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
          const ms = await waitFor('code-server and its children end', () => !isRunning(run.pids.pid) && processesUsing(dir).length === 0, 8_000);
          assert.ok(ms < 8_000);
          await waitFor('the watchdog exits', () => !isRunning(run.pids.watchdogPid), 3_000);
        } finally {
          rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
        }
      });
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
