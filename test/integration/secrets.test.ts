// Tokens, passwords and the client secret live only in memory and SecretStorage. This signs in,
// refreshes and signs out, then looks for any fragment of them everywhere else the extension can
// write: settings, globalState/workspaceState, the log and the extension's storage folders.
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { TestingApi } from '../../src/vscode/testing';
import { emulators, forgetEmulator, latestCode, useEmulator } from './emulators';
import type { EmulatorInfo } from './emulators';
import { activate, eventually, script } from './prompter';
import { uniqueEmail } from '../support/accounts';

// Its own passwords, not test/support's: strings found nowhere else, so a hit in the scan below is a leak.
const PASSWORD = 'Secret-Scan-Pass-77';
const NEW_PASSWORD = 'Another-Scan-Pass-88';

/** Overlapping 12-character windows of each secret; JWTs without their shared header. */
function fragments(secrets: string[]): string[] {
  const out = new Set<string>();
  for (const secret of secrets) {
    const parts = secret.split('.').length === 3 ? secret.split('.').slice(1) : [secret];
    for (const part of parts) for (let i = 0; i + 12 <= part.length; i += 6) out.add(part.slice(i, i + 12));
  }
  return [...out];
}

function filesUnder(dir: string | undefined): string[] {
  if (!dir || !existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .filter((f) => statSync(f).size < 50_000_000);
}

describe('Secrets stay in SecretStorage', function () {
  this.timeout(60_000);
  let testing: TestingApi;
  let emu: EmulatorInfo;

  before(async () => {
    ({ testing } = await activate());
    emu = emulators().secret;
    await useEmulator(emu);
  });

  after(async () => {
    await script(testing, [], 'storyteller.clearClientSecret');
    testing.usePrompter(undefined);
    await forgetEmulator();
  });

  it('no token, password or client secret fragment in settings, state, logs or storage', async () => {
    await script(testing, [emu.clientSecret!], 'storyteller.setClientSecret');
    const email = uniqueEmail('scan');
    await script(
      testing,
      [email, 'Scan Reader', PASSWORD, PASSWORD, () => latestCode(emu, email)],
      'storyteller.signUp',
    );
    const secrets = [PASSWORD, NEW_PASSWORD, ...(await testing.secrets())];
    await testing.expireSession();
    await testing.getSession();
    secrets.push(...(await testing.secrets()));
    // Reset the password too, so the new one passes through the prompts and the client.
    await vscode.commands.executeCommand('storyteller.signOut');
    await script(testing, [email, () => latestCode(emu, email, 'reset'), NEW_PASSWORD], 'storyteller.forgotPassword');
    secrets.push(...(await testing.secrets()));
    await vscode.commands.executeCommand('storyteller.signOut');
    assert.ok(secrets.includes(emu.clientSecret!), 'the client secret is among the secrets looked for');
    assert.ok(secrets.length >= 9, `${secrets.length} secrets`);
    const needles = fragments(secrets);

    const { globalStorage, workspaceStorage, logs } = testing.storage();
    // The log is written asynchronously; wait until it has the sign-out, so it is not empty.
    await eventually('the log has the sign-out', () =>
      filesUnder(logs).some((f) => readFileSync(f, 'utf8').includes('Signed out.')),
    );

    const userSettings = join(dirname(dirname(globalStorage)), 'settings.json');
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const workspaceSettings = folder ? join(folder, '.vscode', 'settings.json') : undefined;
    const section = vscode.workspace.getConfiguration('storyteller');
    const places: [string, string][] = [
      ['user settings.json', existsSync(userSettings) ? readFileSync(userSettings, 'utf8') : ''],
      [
        'workspace settings.json',
        workspaceSettings && existsSync(workspaceSettings) ? readFileSync(workspaceSettings, 'utf8') : '',
      ],
      ['effective settings', JSON.stringify(Object.keys(section).map((k) => section.inspect(k)))],
      ['globalState and workspaceState', JSON.stringify(testing.mementos())],
      ...[...filesUnder(logs), ...filesUnder(globalStorage), ...filesUnder(workspaceStorage)].map(
        (f): [string, string] => [f, readFileSync(f, 'latin1')],
      ),
    ];
    // The scan must see something real: the emulator's endpoint in settings, our sign-in in the log.
    assert.ok(
      places.some(([, text]) => text.includes(emu.userPoolId)),
      'settings were scanned',
    );
    assert.ok(
      places.some(([, text]) => text.includes(`Signed in as ${email}`)),
      'the log was scanned',
    );

    const leaks = places.flatMap(([where, text]) =>
      needles.filter((f) => text.includes(f)).map((f) => `${where}: …${f}…`),
    );
    assert.deepEqual(leaks, []);
  });
});
