// `npm run test:integration`: builds the extension and its integration suites, then runs them
// inside code-server (VS Code 1.139.1) on this machine, offline.
//   --install-only   only install the cached host
//   --tests PATH     another test module (default out/test/integration/index.js)
//   --timeout SEC    overall limit, a guard against a hung host, not a speed goal (default 1200:
//                    the suites take several minutes, and over twice as long on a loaded machine)
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startEmulator } from '../../emulator/src/emulator';
import type { RunningEmulator } from '../../emulator/src/emulator';
import { ensureHost } from './install';
import { runInHost } from './runInHost';
import { DIRECT_MODE_TEAM, NO_GUARDRAILS } from '../../emulator/src/presets';

const root = resolve(__dirname, '../..');
const MANAGED_LOGIN = { HostedUiDomainPrefix: 'storyteller-it', LoopbackCallbackPort: '53691' };
const LOGIN_WITH_AMAZON = {
  LoginWithAmazonClientId: 'amzn1.application-oa2-client.localtest',
  LoginWithAmazonClientSecret: 'lwa-local-secret',
};

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      'install-only': { type: 'boolean', default: false },
      tests: { type: 'string' },
      timeout: { type: 'string', default: '1200' },
    },
  });
  const host = ensureHost();
  if (values['install-only']) return 0;

  if (!values.tests) execFileSync(process.execPath, [resolve(root, 'esbuild.mjs')], { cwd: root, stdio: 'inherit' });
  const tests = resolve(values.tests ?? 'out/test/integration/index.js');
  if (!existsSync(tests)) {
    console.error(`No test module at ${tests}.`);
    return 2;
  }
  const resultsFile = process.env.STORYTELLER_RESULTS_FILE;
  if (resultsFile) rmSync(resultsFile, { force: true });

  // The suites talk to local AWS: one emulator with a public app client, one with a secret (both in
  // direct mode, for a team), and one in budget mode.
  const emulators: Record<string, RunningEmulator> = {
    // MFA is optional so the TOTP flows can run; without a set-up app, sign-in asks for none.
    // Managed login (and a local Login with Amazon) for Sign In with Browser, on its own callback port.
    public: await startEmulator({
      stackName: 'it-public',
      params: { ...DIRECT_MODE_TEAM, MfaConfiguration: 'OPTIONAL', ...MANAGED_LOGIN, ...LOGIN_WITH_AMAZON },
    }),
    secret: await startEmulator({
      stackName: 'it-secret',
      params: { ...DIRECT_MODE_TEAM, GenerateClientSecret: 'true', MfaConfiguration: 'OPTIONAL', ...MANAGED_LOGIN },
    }),
    // Budget mode (#16): stories through the story gateway, 2,000 tokens per user per day, no rate limit.
    budget: await startEmulator({
      stackName: 'it-budget',
      params: { ...NO_GUARDRAILS, DailyTokensPerUser: '2000', RequestsPerMinutePerUser: '0', RequestBurstPerUser: '0' },
    }),
    // Content safety (#27): direct mode whose IAM requires the stack's guardrails (policy Standard).
    safety: await startEmulator({
      stackName: 'it-safety',
      params: { ...DIRECT_MODE_TEAM, ContentSafety: 'Standard' },
    }),
  };
  const started = Date.now();
  const result = await runInHost({
    host,
    extensionDevelopmentPath: root,
    extensionTestsPath: tests,
    timeoutMs: Number(values.timeout) * 1000,
    env: {
      ...(resultsFile ? { STORYTELLER_RESULTS_FILE: resultsFile } : {}),
      STORYTELLER_EMULATORS: JSON.stringify(
        // With the stack's outputs, as Configure from Stack Outputs reads them.
        Object.fromEntries(Object.entries(emulators).map(([k, e]) => [k, { ...e.info(), outputs: e.outputs }])),
      ),
    },
  }).finally(() => Promise.all(Object.values(emulators).map((e) => e.stop())));
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`[host] ${result.outcome} in ${seconds} s: ${result.detail}`);
  if (result.outcome !== 'passed' && resultsFile && !existsSync(resultsFile)) {
    // No reporter output: the run died before mocha finished. Count it as one failure.
    console.log(`[host] no test results were reported`);
  } else if (resultsFile) {
    console.log(`[host] results: ${readFileSync(resultsFile, 'utf8')}`);
  }
  return result.exitCode;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(2);
  },
);
