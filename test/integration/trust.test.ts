// A workspace cannot redirect the user's sign-in. Its .vscode/settings.json points every
// credential setting at a loopback listener that records requests; sign-up, sign-in, refresh,
// the Accounts API, a story and sign-out then run, and the listener receives nothing. Also: a
// session is not used with settings it did not come from, and a host outside AWS is asked about.
import * as assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { StoryControls } from '../../src/core/story/protocol/controls';
import type { HostResponse } from '../../src/core/story/protocol/messages';
import { CREDENTIAL_SETTINGS } from '../../src/core/config';
import { readSettings } from '../../src/vscode/settings';
import type { TestingApi } from '../../src/vscode/testing';
import { counters, emulators, forgetEmulator, latestCode, useEmulator } from './emulators';
import type { EmulatorInfo } from './emulators';
import { activate, eventually, script, ScriptedPrompter } from './prompter';
import { PASSWORD, uniqueEmail } from '../support/accounts';

const CONTROLS: StoryControls = {
  premise: 'A map that redraws itself',
  genre: 'fantasy',
  audience: 'adult',
  tone: 'gentle',
  length: 'short',
  temperature: 0.7,
};
type CredentialSetting = (typeof CREDENTIAL_SETTINGS)[number];

describe('Trust: where credentials may go', function () {
  this.timeout(90_000);
  let testing: TestingApi;
  let emu: EmulatorInfo;
  const received: string[] = [];
  const listener = createServer((req, res) => {
    received.push(`${req.method} ${req.url} ${req.headers['x-amz-target'] ?? ''}`);
    res.writeHead(500).end();
  });
  let hostile: string;
  let settingsFile: string;
  /** A stranger's value for every credential setting: a new one does not compile until it has one. */
  let HOSTILE: Record<CredentialSetting, unknown>;

  before(async () => {
    ({ testing } = await activate());
    emu = emulators().public;
    await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
    hostile = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;

    // The workspace a stranger's repository would bring.
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    assert.ok(folder, 'the runner opens a workspace folder');
    mkdirSync(join(folder, '.vscode'), { recursive: true });
    settingsFile = join(folder, '.vscode', 'settings.json');
    HOSTILE = {
      region: 'eu-west-3',
      userPoolId: 'eu-west-3_Attacker1',
      clientId: 'attackerclient',
      identityPoolId: 'eu-west-3:66666666-6666-6666-6666-666666666666',
      authFlow: 'USER_PASSWORD_AUTH',
      'endpoints.cognitoIdp': hostile,
      'endpoints.cognitoIdentity': hostile,
      'endpoints.bedrockRuntime': hostile,
      'endpoints.bedrock': hostile,
      'hostedUi.domain': hostile,
      'hostedUi.identityProviders': ['Attacker'],
      'hostedUi.callbackPort': 61_234,
      'hostedUi.signOutOfBrowser': false,
      storyGatewayUrl: hostile,
      // A workspace that would change the stack's content policy (the user's here is the default, Off)
      // or swap in a guardrail of its own.
      'contentSafety.policy': 'Strict',
      'contentSafety.standardGuardrailId': 'attackerguardrail',
      'contentSafety.standardGuardrailVersion': '9',
      'contentSafety.strictGuardrailId': 'attackerguardrail',
      'contentSafety.strictGuardrailVersion': '9',
      // A workspace that would offer sign-up the pool refuses.
      selfSignUp: false,
    };
    assert.deepEqual(Object.keys(HOSTILE).sort(), [...CREDENTIAL_SETTINGS].sort());
    // A window-scoped canary tells when VS Code has read the file.
    const entries = Object.entries(HOSTILE).map(([k, v]) => [`storyteller.${k}`, v]);
    writeFileSync(settingsFile, JSON.stringify({ ...Object.fromEntries(entries), 'editor.tabSize': 7 }, null, 2));
    await eventually(
      'VS Code reads the workspace settings',
      () => vscode.workspace.getConfiguration('editor').get('tabSize') === 7,
    );
    await useEmulator(emu);
  });

  after(async () => {
    await vscode.commands.executeCommand('storyteller.signOut');
    testing.story.close();
    testing.usePrompter(undefined);
    rmSync(settingsFile, { force: true });
    await eventually(
      'VS Code drops the workspace settings',
      () => vscode.workspace.getConfiguration('editor').get('tabSize') !== 7,
    );
    await forgetEmulator();
    await vscode.workspace
      .getConfiguration('storyteller')
      .update('endpoints.cognitoIdp', undefined, vscode.ConfigurationTarget.Global);
    await new Promise<void>((r) => listener.close(() => r()));
  });

  it('ignores the workspace values of every credential setting, in VS Code and in the extension', () => {
    const section = vscode.workspace.getConfiguration('storyteller');
    assert.equal(section.get('endpoints.cognitoIdp'), emu.endpoints.cognitoIdp);
    const settings = readSettings();
    assert.ok(settings.ok, JSON.stringify(settings));
    assert.equal(settings.config.userPoolId, emu.userPoolId);
    assert.equal(settings.config.authFlow, 'USER_SRP_AUTH');
    assert.deepEqual(settings.config.endpoints, emu.endpoints);
    assert.notEqual(settings.config.storyGatewayUrl, hostile);
    assert.notEqual(settings.config.hostedUi.domain, hostile);
    assert.equal(settings.config.contentSafety.policy, 'Off');
    assert.notEqual(settings.config.contentSafety.strict.id, 'attackerguardrail');
    assert.notEqual(settings.config.contentSafety.standard.version, '9');
    assert.notDeepEqual(settings.config.hostedUi.identityProviders, HOSTILE['hostedUi.identityProviders']);
    assert.notEqual(settings.config.hostedUi.callbackPort, HOSTILE['hostedUi.callbackPort']);
    assert.equal(settings.config.hostedUi.signOutOfBrowser, true);
    assert.equal(settings.config.selfSignUp, true);
    for (const key of CREDENTIAL_SETTINGS)
      assert.notDeepEqual(section.get(key), HOSTILE[key], `VS Code used the workspace value of ${key}`);
  });

  it('signs up, signs in, refreshes, hands out, writes a story and signs out: the listener receives nothing', async () => {
    const before = await counters(emu);
    const email = uniqueEmail('trust');
    const up = await script(
      testing,
      [email, '', PASSWORD, PASSWORD, () => latestCode(emu, email)],
      'storyteller.signUp',
    );
    assert.deepEqual(up.errors(), []);
    assert.equal(testing.sessionState().kind, 'signedIn');

    await testing.expireSession();
    await testing.getSession();
    assert.deepEqual(await testing.providerSessions(), [email]);
    assert.deepEqual(
      await testing.providerTokenUse(),
      ['id'],
      'other extensions get the ID token, not the admin-scoped access token',
    );

    await testing.story.open();
    await testing.story.send({ kind: 'event', type: 'ready', data: { protocolVersion: 1 } });
    const response: HostResponse = await testing.story.request('generate', {
      controls: CONTROLS,
      modelId: 'amazon.nova-lite-v1:0',
    });
    assert.ok(response.ok, JSON.stringify(response));
    const { storyId } = response.result as { storyId: string };
    await eventually(
      'the story ends',
      () =>
        testing.story
          .events()
          .some(
            (e) =>
              (e.type === 'story.done' || e.type === 'story.error') &&
              (e.data as { storyId: string }).storyId === storyId,
          ),
      30_000,
    );
    assert.ok(
      testing.story.events().some((e) => e.type === 'story.done'),
      'the story was written by the emulator',
    );

    await vscode.commands.executeCommand('storyteller.signOut');
    await script(testing, [email, PASSWORD], 'storyteller.signIn');
    await vscode.commands.executeCommand('storyteller.signOutEverywhere');

    const after = await counters(emu);
    const grew = (k: string) => (after[k] ?? 0) > (before[k] ?? 0);
    assert.ok(
      ['SignUp', 'InitiateAuth:REFRESH_TOKEN_AUTH', 'RevokeToken', 'GlobalSignOut'].every(grew),
      `the emulator served every path: ${JSON.stringify(after)}`,
    );
    assert.deepEqual(received, [], 'the workspace endpoint received nothing');
  });

  it('never uses a session with another user pool: says what changed, sends nothing, and works again when the settings return', async () => {
    const email = uniqueEmail('bound');
    await script(testing, [email, '', PASSWORD, PASSWORD, () => latestCode(emu, email)], 'storyteller.signUp');
    assert.equal(testing.sessionState().kind, 'signedIn');
    const section = vscode.workspace.getConfiguration('storyteller');
    const other = `${emu.region}_OtherPool9`;
    const before = await counters(emu);
    const prompter = new ScriptedPrompter([]);
    testing.usePrompter(prompter);
    await section.update('userPoolId', other, vscode.ConfigurationTarget.Global);
    try {
      await eventually('the session is set aside', () => testing.sessionState().kind === 'signedOut');
      const reason = testing.sessionState().reason ?? '';
      assert.match(reason, new RegExp(`the user pool \\(${emu.userPoolId} → ${other}\\)`));
      await eventually('the user is told and offered sign-in', () => prompter.warnings().includes(reason));
      assert.deepEqual(prompter.messages.find((m) => m.message === reason)?.actions, ['Sign In']);
      await assert.rejects(testing.getSession(), { message: reason });
      assert.deepEqual(await testing.providerSessions(), [], 'other extensions get nothing');
      await testing.expireSession();
      await assert.rejects(testing.getSession());
      await vscode.commands.executeCommand('storyteller.signOut');
      const after = await counters(emu);
      assert.equal(
        after['InitiateAuth:REFRESH_TOKEN_AUTH'] ?? 0,
        before['InitiateAuth:REFRESH_TOKEN_AUTH'] ?? 0,
        'no refresh was sent',
      );
      assert.equal(after.RevokeToken ?? 0, before.RevokeToken ?? 0, 'sign-out sent nothing');
    } finally {
      await section.update('userPoolId', emu.userPoolId, vscode.ConfigurationTarget.Global);
    }
  });

  it('asks before the ID token goes to a story gateway at a Lambda function URL, which any AWS account can make (#23 N8)', async () => {
    const section = vscode.workspace.getConfiguration('storyteller');
    const email = uniqueEmail('gateway');
    const up = await script(
      testing,
      [email, '', PASSWORD, PASSWORD, () => latestCode(emu, email)],
      'storyteller.signUp',
    );
    assert.deepEqual(up.errors(), []);
    const host = 'n8gatewaytest0000.lambda-url.us-east-1.on.aws';
    await section.update('storyGatewayUrl', `https://${host}`, vscode.ConfigurationTarget.Global);
    try {
      // Declines every question.
      const prompter = new ScriptedPrompter([]);
      testing.usePrompter(prompter);
      await testing.story.open();
      await testing.story.send({ kind: 'event', type: 'ready', data: { protocolVersion: 1 } });
      const response: HostResponse = await testing.story.request('generate', {
        controls: CONTROLS,
        modelId: 'amazon.nova-lite-v1:0',
      });
      const told = JSON.stringify([response, testing.story.events()]);
      assert.match(told, /Nothing was sent to n8gatewaytest0000\.lambda-url\.us-east-1\.on\.aws/);
      const asked = prompter.warnings().filter((w) => w.startsWith('Send your sign-in'));
      assert.ok(asked.length >= 1, 'asked before sending');
      for (const question of asked) assert.match(question, /a Lambda function URL, which any AWS account can create/);
      const approved = (testing.mementos().global['storyteller.approvedHosts'] ?? []) as string[];
      assert.ok(!approved.includes(host), 'a no is not remembered as a yes');
    } finally {
      testing.story.close();
      await section.update('storyGatewayUrl', undefined, vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('storyteller.signOut');
    }
  });

  it('asks once before sending a sign-in to a host outside AWS, and sends nothing without a yes', async () => {
    const section = vscode.workspace.getConfiguration('storyteller');
    await section.update('endpoints.cognitoIdp', 'https://cognito.example.invalid', vscode.ConfigurationTarget.Global);
    try {
      const refused = await script(testing, ['ann@example.com', PASSWORD], 'storyteller.signIn');
      assert.deepEqual(refused.warnings().filter((w) => w.startsWith('Send your sign-in')).length, 1);
      assert.match(refused.warnings()[0]!, /^Send your sign-in to cognito\.example\.invalid\? /);
      assert.deepEqual(refused.errors(), [
        'Nothing was sent to cognito.example.invalid, because you did not confirm it. If you trust it, try again and choose "Send"; otherwise fix the endpoint in your user settings.',
      ]);
      // Other suites may have approved other hosts (Configure from Stack Outputs): only this one matters.
      const approved = () => (testing.mementos().global['storyteller.approvedHosts'] ?? []) as string[];
      assert.equal(approved().includes('cognito.example.invalid'), false, 'a no is not remembered');

      const agreed = await script(testing, ['ann@example.com', PASSWORD], 'storyteller.signIn', (message, actions) =>
        message.startsWith('Send your sign-in') ? actions[0] : undefined,
      );
      assert.equal(agreed.warnings().filter((w) => w.startsWith('Send your sign-in')).length, 1);
      assert.equal(approved().filter((h) => h === 'cognito.example.invalid').length, 1, 'the yes is remembered once');
      const again = await script(testing, ['ann@example.com', PASSWORD], 'storyteller.signIn');
      assert.equal(
        again.warnings().filter((w) => w.startsWith('Send your sign-in')).length,
        0,
        'remembered: asked once per host',
      );
    } finally {
      await section.update('endpoints.cognitoIdp', emu.endpoints.cognitoIdp, vscode.ConfigurationTarget.Global);
    }
  });
});
