// `npm run test:electron`: the same integration suites in desktop VS Code, downloaded by
// @vscode/test-electron. For CI where Microsoft's update server is reachable (on Linux, run
// under xvfb-run). This machine is offline, so `npm test` uses code-server instead (cli.ts).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runTests } from '@vscode/test-electron';

const root = resolve(__dirname, '../..');

async function main(): Promise<number> {
  execFileSync(process.execPath, [join(root, 'esbuild.mjs')], { cwd: root, stdio: 'inherit' });
  const workspace = mkdtempSync(join(tmpdir(), 'storyteller-electron-'));
  try {
    return await runTests({
      version: process.env.STORYTELLER_VSCODE_VERSION ?? '1.139.1',
      extensionDevelopmentPath: root,
      extensionTestsPath: join(root, 'out/test/integration/index.js'),
      launchArgs: [
        workspace,
        '--disable-extensions',
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
      ],
      extensionTestsEnv: process.env.STORYTELLER_RESULTS_FILE
        ? { STORYTELLER_RESULTS_FILE: process.env.STORYTELLER_RESULTS_FILE }
        : {},
    });
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`Desktop VS Code tests could not run: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
