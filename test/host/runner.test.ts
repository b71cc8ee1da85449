// Proves the host runner's failure paths, with real code-server runs.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureHost } from './install';
import { runInHost } from './runInHost';
import type { RunOptions } from './runInHost';

const root = resolve(__dirname, '../..');
const fixture = (name: string) => join(__dirname, 'fixtures', name, 'index.js');

/** Processes whose command line mentions the run's temp dir: there must be none left. */
function processesUsing(dir: string): string[] {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return out.split('\n').filter((line) => line.includes(dir));
}

/** Entries in the system temp dir that code-server, Chromium, Playwright or VS Code would make. */
function tempDirs(): Set<string> {
  return new Set(
    readdirSync(tmpdir()).filter((n) => /^(storyteller-host-|playwright|\.org\.chromium|vscode|code-server)/.test(n)),
  );
}

describe('the VS Code host runner', function () {
  this.timeout(120_000);
  const host = ensureHost();
  const base: Omit<RunOptions, 'extensionTestsPath'> = { host, extensionDevelopmentPath: root, onLog: () => undefined };

  it('reports a failing suite as a failure, and cleans up after itself', async () => {
    const before = tempDirs();
    const logs: string[] = [];
    const result = await runInHost({ ...base, extensionTestsPath: fixture('failing'), onLog: (l) => logs.push(l) });
    assert.equal(result.outcome, 'failed', result.detail);
    assert.notEqual(result.exitCode, 0);
    assert.ok(
      logs.some((l) => l.includes('fails on purpose')),
      'mocha output from the extension host reaches the runner',
    );
    assert.equal(existsSync(result.tempDir), false, 'the temp dir is removed');
    assert.deepEqual(processesUsing(result.tempDir), []);
    assert.deepEqual(
      [...tempDirs()].filter((d) => !before.has(d)),
      [],
    );
  });

  it('times out on a suite that hangs, and ends the server', async () => {
    const started = Date.now();
    const result = await runInHost({ ...base, extensionTestsPath: fixture('hanging'), timeoutMs: 8_000 });
    assert.equal(result.outcome, 'timeout', result.detail);
    assert.equal(result.exitCode, 124);
    assert.ok(Date.now() - started < 60_000);
    assert.deepEqual(processesUsing(result.tempDir), []);
  });

  it('reports a server that dies mid-run', async () => {
    const result = await runInHost({
      ...base,
      extensionTestsPath: fixture('hanging'),
      timeoutMs: 60_000,
      onServer: (pid) => setTimeout(() => process.kill(pid, 'SIGKILL'), 1500),
    });
    assert.equal(result.outcome, 'server-died', result.detail);
    assert.notEqual(result.exitCode, 0);
    assert.deepEqual(processesUsing(result.tempDir), []);
  });

  it('reports a missing test module as a failure', async () => {
    const result = await runInHost({
      ...base,
      extensionTestsPath: join(root, 'test/host/fixtures/does-not-exist.js'),
      timeoutMs: 60_000,
    });
    assert.equal(result.outcome, 'failed', result.detail);
  });
});
