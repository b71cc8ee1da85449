// A story: streamed, stopped, continued and exported; the history; the panel that remembers the
// form and the running story (#13); typing that loses nothing; the model picker's names.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { titleFromPremise } from '../../../src/core/story/protocol/titles';
import {
  EMAIL,
  DEMO_STREAM_RATE,
  ROBOT,
  MARA,
  MARA_FILE,
  CLOCKMAKER,
  storyText,
  storyStatus,
  fillForm,
  generateStory,
} from '../journey';
import type { Journey } from '../journey';
import { until } from '../workbench';

export function aStory(j: Journey): void {
  it('streams a story in the panel, stops it, continues it and opens it in an editor', async () => {
    const { wb, demo } = j;
    await wb.runCommand('Storyteller: New Story');
    const frame = await wb.storyFrame();
    await until('the panel to know the account', async () =>
      (await frame.locator('.auth-line').innerText()).includes(EMAIL),
    );
    // Before the first story, nothing but the placeholder under "Story": no empty lines.
    assert.equal(await frame.locator('#story-meta').isHidden(), true, 'no empty meta line');
    assert.equal(await frame.locator('#story-status').isHidden(), true, 'no empty status line');
    await fillForm(frame, MARA, 'short');
    // The demo's stack has the template's default content policy (Standard, #27), and says so.
    await until('the content policy line', async () =>
      /^Content policy: (standard|strict \(children\))$/.test((await frame.locator('#policy-line').innerText()).trim()),
    );
    await until(
      'Generate to be enabled',
      async () => !(await frame.locator('#generate').evaluate((b: { disabled?: boolean }) => b.disabled === true)),
    );

    await j.streamRate(20); // slow enough to click Stop mid-story
    try {
      await frame.locator('#generate').click();
      await until(
        'the story to start streaming',
        async () => (await storyStatus(frame)) === 'streaming' && (await storyText(frame)).length > 0,
      );
      // The text grows across reads while it streams.
      const reads: number[] = [];
      for (let i = 0; i < 4; i++) {
        const previous = reads.at(-1) ?? 0;
        reads.push(
          await until('more text', async () => {
            const n = (await storyText(frame)).length;
            return n > previous ? n : undefined;
          }),
        );
      }
      assert.ok(
        reads.every((n, i) => i === 0 || n > reads[i - 1]!),
        `the text grows: ${reads.join(' < ')}`,
      );
      // A few lines on show for the picture.
      await until('a few lines of story', async () => (await storyText(frame)).length > 300);
      await wb.screenshot('story-streaming', 'story-streaming.png');

      await frame.locator('#stop').click();
      await until('the stopped state', async () => (await storyStatus(frame)) === 'stopped');
      assert.equal((await frame.locator('#story-status').innerText()).trim(), 'Stopped. The text so far is kept.');
      const partial = await storyText(frame);
      assert.ok(partial.length >= reads.at(-1)!, 'the partial text is kept');
      assert.equal(
        await frame.locator('#stop').evaluate((b: { disabled?: boolean }) => b.disabled),
        true,
        'Stop is disabled once stopped',
      );
      // Bedrock never counted this stream: an estimate, marked, and in the day's total.
      const meta = await until(
        'the estimate',
        async () =>
          /≈ ([\d,]+) total tokens \(estimate\)/.exec(await frame.locator('#story-meta').innerText()) ?? undefined,
      );
      const estimate = Number(meta[1]!.replace(/,/g, ''));
      assert.ok(
        estimate > partial.length / 8,
        `about a token per 4 characters: ${estimate} for ${partial.length} characters`,
      );
      const today = await until(
        "the day's total",
        async () => /Today: ([\d,]+) total tokens/.exec(await frame.locator('.usage-line').innerText()) ?? undefined,
      );
      assert.ok(Number(today[1]!.replace(/,/g, '')) >= estimate, `the day's total counts it: ${today[0]}`);
      await wb.screenshot('story-stopped');

      await j.streamRate(150);
      await frame.locator('#continue').click();
      await until('the continuation to stream', async () => (await storyText(frame)).length > partial.length, 15_000);
      await until('the story to finish', async () => (await storyStatus(frame)) === 'done', 60_000);
      const full = await storyText(frame);
      assert.ok(full.startsWith(partial.slice(0, 200)), 'Continue keeps the text so far');
      assert.ok(full.length > partial.length, 'Continue adds text');
      assert.match((await frame.locator('#story-status').innerText()).trim(), /^Story finished\./);
    } finally {
      await j.streamRate(DEMO_STREAM_RATE);
    }

    // Open in editor: a new untitled Markdown editor with the story.
    const title = (await frame.locator('#story-title').innerText()).trim();
    const firstParagraph = normalize(await frame.locator('#story p').first().innerText());
    await frame.locator('#export-editor').click();
    const tab = await until('an untitled editor', async () =>
      (await wb.editorTabs()).find((t) => /^Untitled-\d+$/.test(t.description) && t.active),
    );
    assert.ok(tab.label.startsWith('# '), `the editor is named after the story's heading: ${tab.label}`);
    const editorText = await until('the story in the editor', async () => {
      const text = normalize(await wb.activeEditorText());
      return text.includes(firstParagraph.slice(0, 60)) ? text : undefined;
    });
    assert.ok(title.endsWith('…'), `the panel shortens the title: ${title}`);
    assert.ok(
      editorText.startsWith(`# ${MARA} `),
      `the export's heading is the whole first sentence, without "…": ${editorText.slice(0, 100)}`,
    );
    assert.equal(
      await wb.page.locator('.statusbar-item[id="status.editor.mode"]').innerText(),
      'Markdown',
      'the editor is Markdown',
    );
    await until('the panel to confirm the export', async () =>
      (await frame.locator('#story-status').innerText()).includes('Opened in a new editor.'),
    );
    await wb.screenshot('story-exported');
    await wb.runCommand('View: Revert and Close Editor');
    await until(
      'the exported editor to close',
      async () => !(await wb.editorTabs()).some((t) => /^Untitled-\d+$/.test(t.description)),
    );

    // Save…: into the demo's workspace, named after the whole title, cut at a word.
    await frame.locator('#export-file').click();
    await wb.quickInput.waitFor({ state: 'visible' });
    const suggested = await until('the suggested file name', async () => {
      const v = await wb.inputValue();
      return v.endsWith('.md') ? v : undefined;
    });
    assert.ok(suggested.endsWith(`/${MARA_FILE}`), `suggested ${suggested}`);
    await wb.page.keyboard.press('Enter');
    await until('the story to be saved', () => existsSync(join(demo.ready.workspace, MARA_FILE)));
    await until(
      'the panel to say so',
      async () => (await frame.locator('#story-status').innerText()).trim() === 'Saved.',
    );
  });
  it('lists the stories in the history', async () => {
    const { wb } = j;
    const frame = await wb.storyFrame();
    await j.streamRate(0);
    try {
      await generateStory(frame, ROBOT);
    } finally {
      await j.streamRate(DEMO_STREAM_RATE);
    }
    const titles = await until('two stories in the history', async () => {
      const t = (await frame.locator('#history-list .history-open').allInnerTexts()).map((s) => s.trim());
      return t.length === 2 ? t : undefined;
    });
    assert.ok(
      titles.every((t) => t.length > 0),
      `titles: ${JSON.stringify(titles)}`,
    );
    // The story on show is the current one in the list.
    assert.equal(await frame.locator('#history-list li.current').count(), 1);
    await wb.screenshot('history', 'history.png');
  });
  it('brings back the form and the running story, streaming with Stop, when the panel is closed and opened again', async () => {
    const { wb } = j;
    const frame = await wb.storyFrame();
    await fillForm(frame, CLOCKMAKER, 'short');
    await frame.locator('details.more summary').click();
    await frame.locator('#characters textarea').fill('Ida, the clockmaker');
    await frame.locator('#setting textarea').fill('A rainy harbour town');
    await j.streamRate(10);
    try {
      await frame.locator('#generate').click();
      await until(
        'the story to stream',
        async () => (await storyStatus(frame)) === 'streaming' && (await storyText(frame)).length > 20,
      );
      await wb.runCommand('View: Close Editor');
      await until('the panel to close', async () => !(await wb.editorTabs()).some((t) => t.label === 'Storyteller'));
      await wb.runCommand('Storyteller: New Story');
      const again = await wb.storyFrame();
      const value = (id: string) => again.locator(`#${id}`).evaluate((el: { value?: string }) => el.value);
      await until('the form as it was', async () => (await value('premise')) === CLOCKMAKER);
      assert.equal(await value('characters'), 'Ida, the clockmaker');
      assert.equal(await value('setting'), 'A rainy harbour town');
      await until(
        'the running story, streaming',
        async () =>
          (await storyStatus(again)) === 'streaming' &&
          (await again.locator('#story-title').innerText()).trim() === titleFromPremise(CLOCKMAKER),
      );
      const before = (await storyText(again)).length;
      await until('more text as it streams', async () => (await storyText(again)).length > before);
      assert.equal(
        await again.locator('#stop').evaluate((b: { disabled?: boolean }) => b.disabled),
        false,
        'Stop works',
      );
      await again.locator('#stop').click();
      await until('the stopped state', async () => (await storyStatus(again)) === 'stopped');
    } finally {
      await j.streamRate(DEMO_STREAM_RATE);
    }
  });

  it('loses no typed character after a refused Generate, however fast the typing (#13)', async () => {
    const { wb } = j;
    const frame = await wb.storyFrame();
    const premise = frame.locator('#premise textarea');
    await premise.fill('x'.repeat(5000));
    await frame.locator('#generate').click();
    assert.equal(
      (await frame.locator('#premise-error').innerText()).trim(),
      'Premise is 5,000 characters long; the limit is 4,000.',
    );
    assert.equal(
      (await frame.locator('#premise-count').innerText()).trim(),
      '5,000 / 4,000',
      'the same number format in the error and the counter',
    );
    for (let round = 0; round < 2; round++) {
      await premise.fill('');
      await premise.pressSequentially(ROBOT, { delay: 5 });
      assert.equal(await premise.inputValue(), ROBOT, `round ${round}: every character kept`);
    }
  });

  it('names each model in the picker by its own short name, with the provider as detail (#13)', async () => {
    const { wb, signedInModels } = j;
    const frame = await wb.storyFrame();
    const options = await frame
      .locator('#model vscode-option')
      .evaluateAll((els: { getAttribute(n: string): string | null; textContent: string | null }[]) =>
        els.map((el) => ({
          id: el.getAttribute('value') ?? '',
          name: (el.textContent ?? '').trim(),
          provider: el.getAttribute('description') ?? '',
        })),
      );
    assert.ok(options.length >= 3, JSON.stringify(options));
    assert.equal(
      new Set(options.map((o) => o.name)).size,
      options.length,
      `every name differs: ${JSON.stringify(options)}`,
    );
    for (const o of options) {
      assert.doesNotMatch(o.name, /Local story engine|^[a-z]/, `a short, capitalised name: ${o.name}`);
      assert.ok(o.provider.length > 0, `a provider for ${o.id}`);
      signedInModels.set(o.id, o.name);
    }
    assert.equal(signedInModels.get('amazon.nova-lite-v1:0'), 'Nova Lite');
  });
}

function normalize(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
