// A story project end to end (#26): `npm run demo` ships the sample project the-salt-road. A
// person signs up, opens chapter 2, puts the cursor at the end and runs Continue Writing from the
// command palette; the continuation streams into the editor with the codex's characters in it.
// Show Context lists the character entry that fired and its key; Summarize Chapter sets the
// chapter's summary in its front matter; the panel's history lists the Continue Writing with its
// project and chapter, and its Open Chapter goes back to chapter 2. Everything through the
// keyboard, the palette and the panel.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { useJourney } from './journey';
import type { JourneySetup } from './journey';
import { until } from './workbench';

const EMAIL = 'paul.project@example.com';
const PASSWORD = 'Salt-Road-Writer-42';
/** The demo's Continue Writing status item (`<publisher>.<name>.<item id>`). */
const WRITING_ITEM = 'bedrock-storyteller.bedrock-storyteller.storyteller.writing';
/** Chapter 2's last words as shipped: the continuation goes after them. */
const CHAPTER_END = 'Captain Bram Hale was coming up, slowly, counting';

/** Direct mode as the main journey has it, in a throwaway demo (--fresh). */
const PROJECT: JourneySetup = {
  name: 'project',
  args: () => ['--param', 'DailyTokensPerUser=0', '--param', 'AllowedEmailDomains=example.com'],
  timeoutMs: 150_000,
};

describe('A story project end to end (npm run demo, the sample project)', function () {
  this.timeout(180_000);
  const j = useJourney(PROJECT);
  const chapterFile = (): string => join(j.demo.ready.workspace, 'the-salt-road/chapters/chapter-02.md');

  /** The text of the open editor that shows `marker` (the lines Monaco has rendered, wrapped lines joined). */
  async function editorShowing(marker: string): Promise<string | undefined> {
    const editors = await j.wb.page.locator('.editor-group-container .monaco-editor .view-lines').allInnerTexts();
    const text = editors.map((t) => t.replace(/\u00a0/g, ' ')).find((t) => t.includes(marker));
    return text?.replace(/\s+/g, ' ');
  }

  it('continues chapter 2 at the cursor from the palette: the codex characters stream into the editor', async () => {
    const { wb } = j;
    await j.signUp(EMAIL, PASSWORD);
    // Go to File (Ctrl+P), as a person opens a file. Right after start-up the file search may
    // answer with recent files only: then the name is typed again.
    const box = wb.page.locator('.quick-input-widget .quick-input-box input');
    const row = wb.quickPickRow('chapter-02.md').first();
    await until(
      'chapter-02.md in Go to File',
      async () => {
        if (!(await wb.quickInput.isVisible())) await wb.page.keyboard.press('Control+P');
        await box.fill('');
        await box.fill('chapter-02.md');
        await row.waitFor({ state: 'visible', timeout: 5_000 }).catch(() => undefined);
        return row.isVisible();
      },
      60_000,
    );
    await row.click();
    // The pointer off the breadcrumbs, so no hover covers the screenshot.
    await wb.page.mouse.move(640, 700);
    await until('chapter 2 in the editor', async () => (await wb.activeEditorText()).includes('The log was where'));
    await wb.page.keyboard.press('Control+End');
    await wb.runCommand('Storyteller: Continue Writing');
    await wb.waitForStatusBarText(WRITING_ITEM, /Writing…/, 30_000);
    // The sample's chapter 2 never says "Mira Vell": the emulator's model writes the codex names in full.
    await until(
      'the continuation in the editor',
      async () => (await wb.activeEditorText()).includes('Mira Vell'),
      60_000,
    );
    await wb.screenshot('project-continue', 'project-continue.png');
    await until(
      'the continuation to end',
      async () => !/Writing…/.test(await wb.statusBarText(WRITING_ITEM).catch(() => '')),
      90_000,
    );
    // All of it: auto-save may have written part of the continuation already, and a tab shows
    // clean while its save is still writing, so the file is read until two reads agree.
    await wb.saveActiveEditor();
    let previous: string | undefined;
    const saved = await until('the chapter saved with its continuation', async () => {
      const text = readFileSync(chapterFile(), 'utf8');
      const settled = text === previous && text.includes('Mira Vell');
      previous = text;
      return settled ? text : undefined;
    });
    const continuation = saved.slice(saved.indexOf(CHAPTER_END) + CHAPTER_END.length);
    assert.ok(saved.includes(CHAPTER_END), 'the chapter as written is kept');
    assert.match(continuation, /Mira Vell/);
    assert.match(continuation, /Bram Hale/);
  });

  it('shows the context: the character entry that fired, with its key', async () => {
    const { wb } = j;
    await wb.runCommand('Storyteller: Show Context');
    const text = await until('the context document', async () => {
      const shown = (await editorShowing('# Context at chapters/chapter-02.md')) ?? '';
      return shown.includes('Entries that fired') && shown.includes('**Captain Bram Hale**') ? shown : undefined;
    });
    assert.match(
      text,
      /\*\*Mira Vell\*\* \(character\): key "(Mira|Vell|the keeper's daughter)" · [\d,]+ tokens · `codex\/ ?people\/ ?mira-vell\.md`/,
    );
    assert.match(text, /\*\*Captain Bram Hale\*\* \(character\): key "(Bram|Hale|the captain)"/);
    await wb.screenshot('project-context', 'project-context.png');
  });

  it('summarizes the chapter: the summary is set in its front matter', async () => {
    const { wb } = j;
    const before = readFileSync(chapterFile(), 'utf8');
    assert.match(before, /^summary: ""$/m, 'chapter 2 starts without a summary');
    await wb.runCommand('Storyteller: Summarize Chapter');
    await wb.page.keyboard.press('Control+Home');
    await until(
      'the summary at the top of the editor',
      async () => {
        const shown = await wb.activeEditorText();
        return /summary: \S/.test(shown) && !shown.includes('summary: ""');
      },
      60_000,
    );
    await wb.screenshot('project-summary');
    await wb.page.keyboard.press('Control+S');
    const saved = await until('the summary in the chapter on disk', async () => {
      const text = readFileSync(chapterFile(), 'utf8');
      return text.includes('summary: ""') ? undefined : text;
    });
    const [, yaml = ''] = /^---\n([\s\S]*?)\n---\n/.exec(saved) ?? [];
    const front = parse(yaml) as { title?: unknown; summary?: unknown; beats?: unknown };
    assert.equal(front.title, 'The Log');
    assert.equal(typeof front.summary, 'string');
    // The emulator's summary quotes the chapter's opening sentence.
    assert.match(String(front.summary), /It opens: “The log was where her father had always kept it/);
    assert.equal((front.beats as unknown[]).length, 3);
    assert.ok(saved.endsWith(before.slice(before.indexOf('\n---\n'))), 'the prose is as it was');
  });

  it('says the content policy in the story panel (#27)', async () => {
    const { wb } = j;
    await wb.runCommand('Storyteller: New Story');
    const frame = await wb.storyFrame();
    const line = await until('the content policy line', async () => {
      const text = (await frame.locator('#policy-line').innerText()).trim();
      return text !== '' ? text : undefined;
    });
    assert.match(line, /^Content policy: (standard|strict \(children\))$/);
    await wb.screenshot('content-policy', 'content-policy.png');
  });

  it("lists the chapter's generations in the panel's history; Open Chapter goes back to chapter 2 at that text (#26)", async () => {
    const { wb } = j;
    const frame = await wb.storyFrame();
    const row = frame.locator('#history-list li', { hasText: 'Continue Writing' }).first();
    await until('the Continue Writing entry in the history', async () => (await row.count()) > 0);
    assert.equal(
      (await row.locator('.history-origin').innerText()).trim(),
      'The Salt Road · the-salt-road/chapters/chapter-02.md · Continue Writing',
    );
    await row.locator('.history-open').click();
    await frame.locator('#open-chapter').waitFor({ state: 'visible' });
    assert.equal(await frame.locator('#continue').isVisible(), false, 'no Continue for a chapter’s entry');
    const words = (await frame.locator('#story').innerText()).replace(/\s+/g, ' ').trim().slice(0, 30);
    await frame.locator('#open-chapter').click();
    await until('the panel says the chapter opened', async () =>
      (await frame.locator('#story-status').innerText()).includes('Opened the-salt-road/chapters/chapter-02.md'),
    );
    await until('chapter 2 in the editor, at what the entry wrote', async () =>
      (await wb.activeEditorText()).replace(/\s+/g, ' ').includes(words),
    );
  });
});
