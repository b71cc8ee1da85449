// The story panel's host side inside VS Code, against the emulator: the same messages the
// webview sends go through the panel's validation and handlers, and the events it would render
// are recorded.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TestingApi } from '../../src/vscode/testing';
import {
  clearFaults,
  counters,
  emulators,
  fault,
  forgetEmulator,
  latestCode,
  resetCounters,
  setStreamRate,
  useEmulator,
} from './emulators';
import type { EmulatorInfo } from './emulators';
import { ScriptedPrompter, activate, eventually, script } from './prompter';
import { CONTROLS, ok, panelEvents } from './storyPanel';
import { notificationLinks } from '../../src/core/notificationText';
import { PASSWORD, uniqueEmail } from '../support/accounts';

/** Makes the emulator's model tell exactly this story (null: its own stories again). */
async function tellStory(emu: EmulatorInfo, text: string | null): Promise<void> {
  const url = `${emu.endpoints.cognitoIdp}/_emulator/story`;
  const response =
    text === null
      ? await fetch(url, { method: 'DELETE' })
      : await fetch(url, { method: 'PUT', body: JSON.stringify({ text }) });
  if (!response.ok) throw new Error(`story override refused: ${await response.text()}`);
}

describe('Story panel in VS Code', function () {
  this.timeout(60_000);
  let testing: TestingApi;
  let emu: EmulatorInfo;

  const { events, ended, generate } = panelEvents(() => testing);
  const text = (storyId: string) =>
    events('story.delta', storyId)
      .map((d) => d.text)
      .join('');

  before(async () => {
    ({ testing } = await activate());
    emu = emulators().public;
    await useEmulator(emu);
    const email = uniqueEmail('story');
    await script(testing, [email, '', PASSWORD, PASSWORD, () => latestCode(emu, email)], 'storyteller.signUp');
    assert.equal(testing.sessionState().kind, 'signedIn');
    await testing.story.open();
    await testing.story.send({ kind: 'event', type: 'ready', data: { protocolVersion: 1 } });
  });

  afterEach(async () => {
    await clearFaults(emu);
    await setStreamRate(emu, 0);
    testing.story.clearEvents();
  });

  after(async () => {
    testing.story.close();
    await vscode.commands.executeCommand('storyteller.signOut');
    testing.usePrompter(undefined);
    await forgetEmulator();
  });

  it('opens one panel, and answers ready with the account, models, history and usage', async () => {
    await testing.story.send({ kind: 'event', type: 'ready', data: { protocolVersion: 1 } });
    await eventually('state arrives', () => events('state').length > 0 && events('history').length > 0);
    const [state] = events('state');
    assert.equal(state!.auth.kind, 'signedIn');
    assert.ok(
      state!.models.some((m) => m.id === 'amazon.nova-lite-v1:0'),
      JSON.stringify(state!.models),
    );
    await vscode.commands.executeCommand('storyteller.newStory');
    assert.ok(testing.story.isOpen(), 'still the one panel');
  });

  it('generates a story that streams in, with usage, cost and a history entry', async () => {
    const storyId = await generate();
    assert.deepEqual(
      events('story.started', storyId).map((s) => s.kind),
      ['new'],
    );
    const [done] = events('story.done', storyId);
    assert.ok(done, JSON.stringify(events('story.error', storyId)));
    assert.ok(text(storyId).length > 200, 'text streamed in');
    assert.ok(done.usage.outputTokens > 50);
    assert.equal(done.cost?.estimated, true);
    assert.ok(events('story.delta', storyId).length >= 1);
    await eventually('history lists it', () =>
      events('history').some((h) => h.items.some((i) => i.id === storyId && i.status === 'done')),
    );
    const opened = ok<{ story: { text: string } }>(await testing.story.request('history.open', { id: storyId }));
    assert.equal(opened.story.text, text(storyId));
  });

  it('a warm second story makes no Cognito call at all', async () => {
    await generate();
    await resetCounters(emu);
    await generate({ ...CONTROLS, premise: 'A cartographer maps a city that moves at night' });
    const c = await counters(emu);
    const cognito = Object.entries(c).filter(([op]) =>
      /^(GetId|GetCredentialsForIdentity|InitiateAuth|GetOpenIdToken)/.test(op),
    );
    assert.deepEqual(cognito, []);
    assert.equal(c.ConverseStream, 1);
  });

  it('stops mid-stream keeping the partial text, then continues the same story', async () => {
    await setStreamRate(emu, 100);
    const { storyId } = ok<{ storyId: string }>(
      await testing.story.request('generate', {
        controls: { ...CONTROLS, length: 'long' },
        modelId: 'amazon.nova-lite-v1:0',
      }),
    );
    await eventually('some text arrived', () => text(storyId).length > 20);
    const t0 = Date.now();
    ok(await testing.story.request('stop', { storyId }));
    await eventually('stopped', () => events('story.stopped', storyId).length > 0, 5_000);
    assert.ok(Date.now() - t0 < 1000, `stopped after ${Date.now() - t0} ms`);
    const partial = text(storyId);
    // Bedrock counts tokens only at the end of a stream: the stopped one gets an estimate (#13).
    const [stopped] = events('story.stopped', storyId);
    assert.equal(stopped?.usage?.estimated, true, JSON.stringify(stopped));
    assert.ok(stopped!.usage!.totalTokens > stopped!.usage!.outputTokens && stopped!.usage!.outputTokens > 0);
    await eventually("the day's total counts it", () =>
      events('usage.today').some((u) => u.inputTokens + u.outputTokens >= stopped!.usage!.totalTokens),
    );
    const saved = ok<{ story: { text: string; status: string } }>(
      await testing.story.request('history.open', { id: storyId }),
    );
    assert.equal(saved.story.status, 'stopped');
    assert.equal(saved.story.text, partial, 'the partial text is what was saved');

    await setStreamRate(emu, 0);
    testing.story.clearEvents();
    ok(await testing.story.request('continue', { storyId }));
    await eventually('continued', ended(storyId), 30_000);
    assert.deepEqual(
      events('story.started', storyId).map((s) => s.kind),
      ['continue'],
    );
    assert.ok(events('story.done', storyId).length === 1);
    const after = ok<{ story: { text: string; usage: unknown } }>(
      await testing.story.request('history.open', { id: storyId }),
    );
    assert.ok(after.story.text.startsWith(partial.trimEnd()), 'continue appends to the story');
    assert.ok(after.story.text.length > partial.length + 100);
    // One number for the story, the same in the panel and its history row: both turns, the
    // stopped one's estimate marked (#24).
    const [done] = events('story.done', storyId);
    assert.deepEqual(done?.usage, after.story.usage);
    assert.equal(done?.usage.estimated, true, 'part of it is an estimate');
    assert.ok(done!.usage.totalTokens > stopped!.usage!.totalTokens);
  });

  it('writes one story at a time per panel, and will not delete one while it is written', async () => {
    await setStreamRate(emu, 100);
    const first = ok<{ storyId: string }>(
      await testing.story.request('generate', {
        controls: { ...CONTROLS, length: 'long' },
        modelId: 'amazon.nova-lite-v1:0',
      }),
    ).storyId;
    const second = await testing.story.request('generate', { controls: CONTROLS, modelId: 'amazon.nova-lite-v1:0' });
    assert.deepEqual(second.ok ? second.result : second.error, {
      message: 'A story is already being written in this panel. Stop it first, or wait until it ends.',
      code: 'busy',
      actions: [],
    });
    const del = await testing.story.request('history.delete', { id: first });
    assert.deepEqual(del.ok ? del.result : del.error, {
      message: 'That story is still being written. Stop it first, or wait until it ends.',
      code: 'busy',
      actions: [],
    });
    ok(await testing.story.request('stop', { storyId: first }));
    await eventually('stopped', ended(first), 5_000);
    assert.equal(events('story.started').length, 1, 'only the first story started');
    await setStreamRate(emu, 0);
    const third = await generate();
    assert.ok(events('story.done', third).length === 1, 'the panel writes again once the first ended');
  });

  it('keeps the history when the panel is closed and opened again', async () => {
    const storyId = await generate();
    testing.story.close();
    assert.equal(testing.story.isOpen(), false);
    await testing.story.open();
    await testing.story.send({ kind: 'event', type: 'ready', data: { protocolVersion: 1 } });
    await eventually('history arrives', () => events('history').some((h) => h.items.some((i) => i.id === storyId)));
    const opened = ok<{ story: { id: string; status: string } }>(
      await testing.story.request('history.open', { id: storyId }),
    );
    assert.deepEqual([opened.story.id, opened.story.status], [storyId, 'done']);
  });

  it('reads, exports and deletes history without the story service: no endpoint question, even one declined (#25)', async () => {
    const storyId = await generate();
    const section = vscode.workspace.getConfiguration('storyteller');
    const target = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, `history-${Date.now()}.md`);
    // An endpoint outside AWS that the user declines: no story can be written, the history is still theirs.
    const prompter = new ScriptedPrompter([]);
    testing.usePrompter(prompter);
    testing.story.useDialogs({
      confirmDelete: async () => true,
      saveUri: async () => target,
      pickEditor: async () => undefined,
      notify: () => undefined,
    });
    const asked = () => prompter.warnings().filter((w) => w.startsWith('Send your sign-in')).length;
    await section.update(
      'endpoints.bedrockRuntime',
      'https://bedrock.example.invalid',
      vscode.ConfigurationTarget.Global,
    );
    try {
      // The panel's model list asks (and is told no) once the settings change: then nothing more may ask.
      await eventually('the model list asks about the new host', () => asked() >= 1);
      const before = asked();
      const page = ok<{ items: { id: string }[] }>(await testing.story.request('history.list', {}));
      assert.ok(
        page.items.some((i) => i.id === storyId),
        'listed',
      );
      const opened = ok<{ story: { status: string } }>(await testing.story.request('history.open', { id: storyId }));
      assert.equal(opened.story.status, 'done');
      assert.deepEqual(ok(await testing.story.request('export', { id: storyId, target: 'file' })), { exported: true });
      assert.ok(new TextDecoder().decode(await vscode.workspace.fs.readFile(target)).startsWith('# '));
      assert.deepEqual(ok(await testing.story.request('history.delete', { id: storyId })), { deleted: true });
      assert.equal(asked(), before, 'history requests asked nothing about endpoints');
    } finally {
      testing.story.useDialogs(undefined);
      await vscode.workspace.fs.delete(target).then(undefined, () => undefined);
      await section.update('endpoints.bedrockRuntime', emu.endpoints.bedrockRuntime, vscode.ConfigurationTarget.Global);
    }
  });

  it('hands a panel opened mid-story the form and the running story, with the text streamed while it was closed (#13)', async () => {
    await setStreamRate(emu, 60);
    const { storyId } = ok<{ storyId: string }>(
      await testing.story.request('generate', {
        controls: { ...CONTROLS, length: 'long' },
        modelId: 'amazon.nova-lite-v1:0',
      }),
    );
    const draft = {
      premise: CONTROLS.premise,
      genre: 'fantasy',
      audience: 'adult',
      tone: 'gentle',
      length: 'long',
      temperature: '0.7',
      characters: 'Mara',
      setting: 'An island',
      modelId: 'amazon.nova-lite-v1:0',
      refineInstruction: '',
    };
    await eventually('some text arrived', () => text(storyId).length > 20);
    const seen = text(storyId);
    // The form, as the webview sends it, then the panel closes at once: the real webview in the
    // panel saves its own form as the story streams, and one of its drafts could land after ours.
    await testing.story.send({ kind: 'event', type: 'draft', data: { draft, storyId } });
    testing.story.close();
    await new Promise((r) => setTimeout(r, 500));
    await testing.story.open();
    await testing.story.send({ kind: 'event', type: 'ready', data: { protocolVersion: 1 } });
    await eventually('the form comes back', () => events('restore').length > 0);
    assert.deepEqual(events('restore').at(-1), { draft, storyId });
    const live = ok<{ story: { text: string; status: string } }>(
      await testing.story.request('history.open', { id: storyId }),
    ).story;
    assert.equal(live.status, 'streaming');
    assert.ok(
      live.text.startsWith(seen) && live.text.length > seen.length,
      'the text written while the panel was closed is there',
    );
    const after = text(storyId).length;
    await eventually('it keeps streaming into the new panel', () => text(storyId).length > after);
    ok(await testing.story.request('stop', { storyId }));
    await eventually('stopped', ended(storyId), 5_000);
    const final = ok<{ story: { text: string } }>(await testing.story.request('history.open', { id: storyId })).story
      .text;
    assert.equal(
      final,
      live.text + text(storyId).slice(after),
      'what the new panel showed plus what streamed on: nothing lost or doubled',
    );
  });

  it('exports to a new Markdown editor, inserts at the cursor, and saves to a file', async () => {
    const storyId = await generate();
    const story = ok<{ story: { text: string; title: string } }>(
      await testing.story.request('history.open', { id: storyId }),
    ).story;

    ok(await testing.story.request('export', { id: storyId, target: 'editor' }));
    await eventually('a markdown editor opens', () =>
      vscode.window.visibleTextEditors.some(
        (e) => e.document.languageId === 'markdown' && e.document.getText().includes(story.text.trim().slice(0, 200)),
      ),
    );

    const target = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, `story-${Date.now()}.md`);
    const offered: string[][] = [];
    const doc = await vscode.workspace.openTextDocument({ content: 'before\n\nafter', language: 'plaintext' });
    testing.story.useDialogs({
      confirmDelete: async () => true,
      saveUri: async () => target,
      // The user picks the document they opened beside the panel.
      pickEditor: async (editors) => {
        offered.push(editors.map((e) => e.document.uri.toString()));
        return editors.find((e) => e.document === doc);
      },
      notify: () => undefined,
    });
    try {
      await testing.story.open(); // the panel has focus, as when the user clicks Insert
      const editor = await vscode.window.showTextDocument(doc, {
        viewColumn: vscode.ViewColumn.Beside,
        preserveFocus: true,
      });
      editor.selection = new vscode.Selection(1, 0, 1, 0);
      ok(await testing.story.request('export', { id: storyId, target: 'insert' }));
      assert.equal(doc.getText(), `before\n${story.text}\nafter`);
      assert.ok(
        offered.length === 1 && offered[0]!.includes(doc.uri.toString()),
        `asked which editor: ${JSON.stringify(offered)}`,
      );

      assert.deepEqual(ok(await testing.story.request('export', { id: storyId, target: 'file' })), { exported: true });
      const written = new TextDecoder().decode(await vscode.workspace.fs.readFile(target));
      assert.ok(written.startsWith(`# ${story.title}`) && written.includes(story.text.trim().slice(0, 200)));
      await vscode.workspace.fs.delete(target);
      // Delete asks first; confirmed, the story leaves the history.
      assert.deepEqual(ok(await testing.story.request('history.delete', { id: storyId })), { deleted: true });
      const r = await testing.story.request('history.open', { id: storyId });
      assert.deepEqual(r.ok ? 'opened' : r.error.message, 'That story is no longer in the history.');
    } finally {
      testing.story.useDialogs(undefined);
      await discardUntitled();
    }
  });

  it('inserts only where the user says: cancelled, hidden or closed editors get nothing and a clear sentence', async () => {
    const storyId = await generate();
    // One editor group: a new panel opens over the editor the user came from, which is then hidden.
    testing.story.close();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.action.editorLayoutSingle');
    // Files, not untitled documents: a new untitled document may get the name of an earlier test's
    // and come back with that one's backed-up text.
    const file = async (name: string, content: string) => {
      const uri = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, `insert-${name}-${Date.now()}.txt`);
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(content));
      return vscode.workspace.openTextDocument(uri);
    };
    const first = await file('first', 'first');
    await vscode.window.showTextDocument(first, { viewColumn: vscode.ViewColumn.One });
    await testing.story.open();
    await testing.story.send({ kind: 'event', type: 'ready', data: { protocolVersion: 1 } });
    // The editor list reaches the extension host a moment after the panel opens.
    await eventually(
      'the panel covers the first editor',
      () => !vscode.window.visibleTextEditors.some((e) => e.document === first),
      5_000,
    );
    const visible = await file('beside', 'beside');
    const beside = await vscode.window.showTextDocument(visible, {
      viewColumn: vscode.ViewColumn.Beside,
      preserveFocus: true,
    });
    let pick: (editors: readonly vscode.TextEditor[]) => Promise<vscode.TextEditor | undefined> = async () => undefined;
    const offered: string[][] = [];
    testing.story.useDialogs({
      confirmDelete: async () => false,
      saveUri: async () => undefined,
      pickEditor: (editors) => {
        offered.push(editors.map((e) => e.document.uri.toString()));
        return pick(editors);
      },
      notify: () => undefined,
    });
    try {
      // Cancelled: nothing written anywhere, and the hidden editor was not even offered.
      assert.deepEqual(ok(await testing.story.request('export', { id: storyId, target: 'insert' })), {
        exported: false,
      });
      assert.deepEqual([first.getText(), visible.getText()], ['first', 'beside']);
      assert.ok(
        offered[0]?.includes(visible.uri.toString()) && !offered[0].includes(first.uri.toString()),
        JSON.stringify(offered),
      );

      // The picked editor closes before the text goes in: one clear sentence, not "TextEditor#edit not possible".
      pick = async () => {
        await vscode.window.showTextDocument(visible, { viewColumn: beside.viewColumn ?? vscode.ViewColumn.Beside });
        await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
        return beside;
      };
      const r = await testing.story.request('export', { id: storyId, target: 'insert' });
      assert.ok(!r.ok);
      assert.deepEqual(r.error, {
        message: 'That editor was closed before the story could go in. Open the file again, then choose Insert.',
        code: 'noEditor',
        actions: [],
      });
      assert.equal(first.getText(), 'first');
    } finally {
      testing.story.useDialogs(undefined);
      for (const d of [first, visible]) await vscode.workspace.fs.delete(d.uri).then(undefined, () => undefined);
    }
  });

  it('a title that is a command link stays plain text in the "Saved" notification', async () => {
    const hostile = '[Click to continue](command:workbench.action.quit)';
    await tellStory(emu, `# ${hostile}\n\nOnce upon a time a lighthouse keeper befriended a storm.`);
    const notices: string[] = [];
    const target = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, `story-${Date.now()}.md`);
    testing.story.useDialogs({
      confirmDelete: async () => false,
      saveUri: async () => target,
      pickEditor: async () => undefined,
      notify: (m) => void notices.push(m),
    });
    try {
      const storyId = await generate();
      const story = ok<{ story: { title: string } }>(
        await testing.story.request('history.open', { id: storyId }),
      ).story;
      assert.equal(story.title, hostile, 'the model chose this title');
      assert.deepEqual(ok(await testing.story.request('export', { id: storyId, target: 'file' })), { exported: true });
      assert.equal(notices.length, 1);
      assert.match(
        notices[0]!.replace(/\u2060/g, ''),
        /^Saved “\[Click to continue\]\(command:workbench\.action\.quit\)” to story-\d+\.md\.$/,
      );
      assert.deepEqual(notificationLinks(notices[0]!), [], `VS Code would link: ${notices[0]}`);
      await vscode.workspace.fs.delete(target);
    } finally {
      testing.story.useDialogs(undefined);
      await tellStory(emu, null);
    }
  });

  it('explains a model the role may not use, with a way to pick another', async () => {
    const { storyId } = ok<{ storyId: string }>(
      await testing.story.request('generate', { controls: CONTROLS, modelId: 'amazon.nova-pro-v1:0' }),
    );
    await eventually('it fails', ended(storyId));
    const [error] = events('story.error', storyId);
    assert.ok(error, 'a story.error event');
    assert.equal(error.code, 'accessDenied');
    assert.ok(error.actions.includes('pickModel'), JSON.stringify(error));
    assert.match(error.message, /amazon\.nova-pro-v1:0/);
  });

  it('after throttling beyond the SDK retries, says so with a retry action', async () => {
    await fault(emu, { kind: 'error', operation: 'ConverseStream', error: 'ThrottlingException', count: 10 });
    const { storyId } = ok<{ storyId: string }>(
      await testing.story.request('generate', { controls: CONTROLS, modelId: 'amazon.nova-lite-v1:0' }),
    );
    await eventually('it fails', ended(storyId), 40_000);
    const [error] = events('story.error', storyId);
    assert.ok(error);
    assert.equal(error.code, 'throttled');
    assert.ok(error.actions.includes('retry'));
  });

  it('keeps the partial story when the stream is cut, and offers Continue', async () => {
    await fault(emu, { kind: 'cut', operation: 'ConverseStream', afterTokens: 40, mode: 'exception' });
    const storyId = await generate();
    const [error] = events('story.error', storyId);
    assert.ok(error, 'a story.error event');
    assert.equal(error.partialKept, true);
    assert.ok(error.actions.includes('continue'));
    const saved = ok<{ story: { text: string; status: string } }>(
      await testing.story.request('history.open', { id: storyId }),
    );
    assert.equal(saved.story.status, 'failed');
    assert.ok(saved.story.text.length > 0 && saved.story.text === text(storyId));
  });

  it('ignores malformed and unknown messages from the webview', async () => {
    const eventsBefore = testing.story.events().length;
    const hostile = [
      null,
      'generate',
      { kind: 'request', id: 1, method: 'rm -rf', params: {} },
      { kind: 'request', id: 2, method: 'generate', params: { controls: { premise: 42 } } },
      { kind: 'request', id: 3, method: 'openLink', params: { url: 'javascript:alert(1)' } },
      { kind: 'request', id: 4, method: 'history.open', params: { id: '../../settings' } },
      { kind: 'event', type: 'ready' },
    ];
    const stories = async () => ok<{ items: { id: string }[] }>(await testing.story.request('history.list', {}));
    const storiesBefore = await stories();
    for (const raw of hostile) await testing.story.send(raw);
    // Then a story asked for properly, through the same channel: the panel takes messages in
    // order, so once it has ended, whatever the messages before it had started would show too.
    const storyId = await generate();
    // The real webview may say `ready` at any time (state, history), so look at story events only.
    const caused = testing.story
      .events()
      .slice(eventsBefore)
      .filter((e) => e.type.startsWith('story.'));
    assert.ok(caused.length > 0, 'the story asked for properly was told');
    assert.deepEqual(
      caused.filter((e) => (e.data as { storyId?: string } | null)?.storyId !== storyId),
      [],
      'no story event was caused but by the proper request',
    );
    const storiesAfter = await stories();
    assert.equal(storiesAfter.items[0]?.id, storyId, 'the proper story is the newest');
    assert.deepEqual(
      storiesAfter.items.slice(1),
      storiesBefore.items.slice(0, storiesAfter.items.length - 1),
      'and no other story was created',
    );
  });

  it('asks a signed-out user to sign in instead of failing, and hands the next panel nothing of the previous user', async () => {
    await testing.story.send({
      kind: 'event',
      type: 'draft',
      data: {
        draft: {
          premise: 'Private',
          genre: '',
          audience: 'adult',
          tone: '',
          length: 'short',
          temperature: '0.7',
          characters: '',
          setting: '',
          modelId: '',
          refineInstruction: '',
        },
      },
    });
    await vscode.commands.executeCommand('storyteller.signOut');
    await eventually('state says signed out', () => events('state').some((s) => s.auth.kind === 'signedOut'));
    testing.story.close();
    // Only the next panel's events: the real webview in the first may have said `ready` again while
    // the user was still signed in, and been rightly handed their own form.
    testing.story.clearEvents();
    await testing.story.open();
    await testing.story.send({ kind: 'event', type: 'ready', data: { protocolVersion: 1 } });
    await eventually('history arrives', () => events('history').length > 0);
    assert.deepEqual(events('restore'), [], 'no draft of the previous user');
    const r = await testing.story.request('generate', { controls: CONTROLS, modelId: 'amazon.nova-lite-v1:0' });
    assert.deepEqual(r.ok ? r.result : r.error, {
      message: 'You are not signed in. Sign in to write stories.',
      code: 'notSignedIn',
      actions: ['signIn'],
    });
  });
});

/**
 * Reverts and closes the untitled documents a test made (the export's Markdown editor, the
 * insert target), so the next "close all editors" does not stop at a save-changes dialog.
 */
async function discardUntitled(): Promise<void> {
  for (const document of vscode.workspace.textDocuments.filter((d) => d.isUntitled && d.isDirty)) {
    await vscode.window.showTextDocument(document, { preview: false });
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }
}
