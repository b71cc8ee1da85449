// Budget mode end to end (#16, #24): `npm run demo` with every default is in budget mode (the
// template's defaults: 50,000 tokens per user per day), with the story gateway in front of the
// emulator's Bedrock. A person signs up, writes a first story at the default length, then writes
// until the day's budget runs out, and sees the counter go down, what fits said before Generate
// (never a request sure to be refused), and a panel that still works.
import assert from 'node:assert/strict';
import type { Frame } from 'playwright-core';
import { titleFromPremise } from '../../src/core/story/protocol/titles';
import { storyStatus, useJourney } from './journey';
import { until } from './workbench';

const EMAIL = 'bea.budget@example.com';
const PASSWORD = 'Budget-Keeper-42';
const PREMISES = [
  'A baker counts the stars over a sleeping town',
  'A tortoise enters a paper-boat race',
  'A librarian finds a map inside a dictionary',
  'A lantern keeps a secret for a hundred years',
  'A kite refuses to come down',
];
/** The day's budget of the demo's defaults (the template's DailyTokensPerUser). */
const DAILY = 50_000;
/**
 * A long premise (near the form's 4,000 characters) makes each story spend more, so the budget
 * runs out in about a dozen stories; at 400 tokens a second they stay under the default rate of
 * 10 stories a minute (RequestsPerMinutePerUser) however fast the machine.
 */
const premise = (i: number): string =>
  `${PREMISES[i % PREMISES.length]!}, chapter ${i + 1}. ${'The wind remembers every name it has carried. '.repeat(75)}`.trim();

describe('Budget mode end to end (npm run demo, every default)', function () {
  this.timeout(240_000);
  const j = useJourney({ name: 'budget', timeoutMs: 200_000 });

  it('says in the terminal that stories go through the story gateway, with the budgets, and sets the setting', () => {
    const { demo } = j;
    assert.ok(demo.ready.emulator.storyGatewayUrl, 'the emulator serves the gateway');
    assert.ok(
      demo.lines.some((l) =>
        l.includes(
          'Budget mode: stories go through the story gateway at ' +
            `${demo.ready.emulator.storyGatewayUrl}, 50,000 tokens per user per day, 1,000,000 for everyone.`,
        ),
      ),
      demo.tail(20),
    );
  });

  const budgetLine = async (frame: Frame): Promise<string> => (await frame.locator('.budget-line').innerText()).trim();
  const leftIn = (line: string): number =>
    Number(/^([\d,]+) of 50,000 tokens left today$/.exec(line)?.[1]?.replace(/,/g, ''));

  it('writes a first story with every default, then counts down story by story, says before Generate what fits, never sends a sure refusal; the panel still works (#24)', async () => {
    const { wb } = j;
    await j.signUp(EMAIL, PASSWORD);
    await j.streamRate(400);
    await wb.runCommand('Storyteller: New Story');
    const frame = await wb.storyFrame(90_000);
    const first = await until('the budget line', async () => {
      const line = await budgetLine(frame).catch(() => '');
      return line !== '' ? line : undefined;
    });
    assert.equal(first, '50,000 of 50,000 tokens left today');
    const disabled = (id: string) =>
      frame.locator(`#${id}`).evaluate((b: { disabled?: boolean }) => b.disabled === true);
    const shortfall = async (): Promise<string> => (await frame.locator('#budget-shortfall').innerText()).trim();
    const chooseLength = async (label: string): Promise<void> => {
      await frame.locator('#length').click();
      await frame.locator('#length').getByRole('option', { name: label }).click();
      await until(
        `length ${label}`,
        async () =>
          (await frame.locator('#length').evaluate((el: { value?: string }) => el.value)) === label.toLowerCase(),
      );
    };
    /** Generates the form's story and waits for it to end; its status. */
    const write = async (text: string): Promise<string> => {
      await frame.locator('#generate').click();
      return until(
        `"${text}" to end`,
        async () => {
          if ((await frame.locator('#story-title').innerText()).trim() !== titleFromPremise(text)) return undefined;
          const status = await storyStatus(frame);
          return status === 'done' || status === 'failed' ? status : undefined;
        },
        60_000,
      );
    };
    const counted = async (before: number): Promise<number> =>
      until('the counter to go down', async () => {
        const left = leftIn(await budgetLine(frame));
        return left < before ? left : undefined;
      });

    // With every default, the default length (Medium) fits: a first story is written.
    await frame.locator('#premise textarea').fill(premise(0));
    await until('Generate to be enabled', async () => !(await disabled('generate')));
    assert.equal(await write(premise(0)), 'done');
    const seen = [DAILY, await counted(DAILY)];

    // Long stories until the budget runs low; the line says which shorter length still fits.
    await chooseLength('Long');
    let spent = '';
    for (let i = 1; i < 40 && !spent; i++) {
      await frame.locator('#premise textarea').fill(premise(i));
      const next = await until('Generate or the line under it', async () =>
        !(await disabled('generate')) ? 'generate' : (await shortfall()) !== '' ? await shortfall() : undefined,
      );
      if (next !== 'generate') {
        const fits = /^(\w+) needs [\d,]+ tokens; [\d,]+ are left today\. (\w+) fits\.$/.exec(next);
        if (!fits) {
          spent = next;
          break;
        }
        // "Long needs 5,553 tokens; 4,900 are left today. Medium fits.": take it.
        await chooseLength(fits[2]!);
        i--;
        continue;
      }
      assert.equal(await write(premise(i)), 'done', 'the panel offered only stories that fit');
      seen.push(await counted(seen.at(-1)!));
    }
    assert.ok(seen.length >= 3, `stories were written: ${seen.join(' → ')}`);
    assert.match(
      spent,
      new RegExp(
        `^${new Intl.NumberFormat('en-US').format(seen.at(-1)!)} tokens left today: not enough for a story\\. Your daily token budget starts again at \\d`,
      ),
    );
    assert.equal(await disabled('generate'), true);
    assert.equal(await frame.locator('#story-error').isHidden(), true, 'nothing was refused: no error');
    // Every row in the history is a story that was written: no "0 total tokens · failed" rows.
    assert.equal(await frame.locator('#history-list li').count(), seen.length - 1, 'one row per story');
    await wb.screenshot('budget-exhausted', 'budget.png');

    // Still usable: a story opens from the history, and the form keeps what was typed.
    const typed = await frame.locator('#premise textarea').inputValue();
    await frame.locator('.history-open').last().click();
    await until('a story to open', async () => (await storyStatus(frame)) === 'done');
    assert.equal(await frame.locator('#premise textarea').inputValue(), typed);
  });
});
