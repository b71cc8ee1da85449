// Runs inside the VS Code extension host as the "test module" of bench/leak.ts, with the
// extension signed up against the emulator: opens the story panel with 10,000 stories in the
// history (ready → history event), then streams 100 stories, each in a panel that is then
// closed, and reports the extension host's heap after a full GC before and after.
//   STORYTELLER_BENCH_OUT     where to write the JSON result (LeakProbeResult)
//   STORYTELLER_EMULATORS     the emulator, as for the integration suites
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HostEvent } from '../../src/core/story/protocol/messages';
import type { TestingApi } from '../../src/vscode/testing';
import { emulators, latestCode, useEmulator } from '../../test/integration/emulators';
import { activate, eventually, script } from '../../test/integration/prompter';
import { CONTROLS } from '../../test/integration/storyPanel';
import { benchStory } from '../history';

export const LEAK_STORIES = 100;
export const HISTORY_STORIES = 10_000;

export interface LeakProbeResult {
  readonly heapBeforeMb: number;
  readonly heapAfterMb: number;
  readonly stories: number;
  readonly secondsPerStory: number;
  /** Panel reopened (same window) with 10,000 stories: `ready` sent → `history` event received, each opening. */
  readonly historyMs: readonly number[];
  readonly historyItems: number;
  readonly historyTotal: number;
  readonly node: string;
}

const PASSWORD = 'Bench-Leak-2026';
const READY = { kind: 'event', type: 'ready', data: { protocolVersion: 1 } };

export async function run(): Promise<void> {
  const out = process.env.STORYTELLER_BENCH_OUT;
  if (!out) throw new Error('STORYTELLER_BENCH_OUT is not set: the benchmark passes it to the host.');
  try {
    await writeFile(out, `${JSON.stringify(await probe(), null, 2)}\n`);
  } catch (e) {
    await writeFile(
      out,
      `${JSON.stringify({ error: e instanceof Error ? (e.stack ?? e.message) : String(e) }, null, 2)}\n`,
    );
    throw e;
  }
}

async function probe(): Promise<LeakProbeResult> {
  const { testing } = await activate();
  const emu = emulators().public;
  await useEmulator(emu);
  const email = `bench.leak.${Date.now().toString(36)}@example.com`;
  await script(testing, [email, '', PASSWORD, PASSWORD, () => latestCode(emu, email)], 'storyteller.signUp');
  if (testing.sessionState().kind !== 'signedIn')
    throw new Error(`not signed in: ${JSON.stringify(testing.sessionState())}`);

  await oneStory(testing);
  // The user's history folder (named by the Cognito sub) now exists: fill it to 10,000 stories.
  const root = join(testing.storage().globalStorage, 'stories');
  const [sub] = (await readdir(root, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  if (!sub) throw new Error(`no history folder under ${root}`);
  const dir = join(root, sub);
  await mkdir(dir, { recursive: true });
  for (let i = 0; i < HISTORY_STORIES - 1; i += 250) {
    await Promise.all(
      Array.from({ length: Math.min(250, HISTORY_STORIES - 1 - i) }, (_, k) => {
        const s = benchStory(i + k, 1_500);
        return writeFile(join(dir, `${s.id}.json`), JSON.stringify(s, null, 1));
      }),
    );
  }
  // The first opening finds 9,999 stories the index does not know and reads them, once.
  await openForHistory(testing, 120_000);
  const historyMs: number[] = [];
  let last: HostEvent | undefined;
  for (let i = 0; i < 5; i++) {
    const { ms, event } = await openForHistory(testing, 30_000);
    historyMs.push(ms);
    last = event;
  }
  const page = last?.type === 'history' ? last.data : undefined;

  for (let i = 0; i < 5; i++) await oneStory(testing); // warm: everything loaded once
  const before = testing.heapAfterGc();
  const started = Date.now();
  for (let i = 0; i < LEAK_STORIES; i++) await oneStory(testing);
  const seconds = (Date.now() - started) / 1000;
  const after = testing.heapAfterGc();
  return {
    heapBeforeMb: before / 1024 / 1024,
    heapAfterMb: after / 1024 / 1024,
    stories: LEAK_STORIES,
    secondsPerStory: seconds / LEAK_STORIES,
    historyMs,
    historyItems: page?.items.length ?? 0,
    historyTotal: page?.total ?? 0,
    node: process.version,
  };
}

/** Opens the panel, says ready as the webview would, and times the host's history event. */
async function openForHistory(testing: TestingApi, timeoutMs: number): Promise<{ ms: number; event: HostEvent }> {
  testing.story.close();
  testing.story.clearEvents();
  await testing.story.open();
  const t0 = performance.now();
  await testing.story.send(READY);
  // Polled every 2 ms (eventually() polls every 50, too coarse for this).
  let event: HostEvent | undefined;
  while (!(event = testing.story.events().find((e) => e.type === 'history'))) {
    if (performance.now() - t0 > timeoutMs) throw new Error(`no history event within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 2));
  }
  const ms = performance.now() - t0;
  testing.story.close();
  testing.story.clearEvents();
  return { ms, event };
}

/** One story streamed in a new panel, which is then closed. */
async function oneStory(testing: TestingApi): Promise<void> {
  await testing.story.open();
  await testing.story.send(READY);
  const r = await testing.story.request('generate', { controls: CONTROLS, modelId: 'amazon.nova-lite-v1:0' });
  if (!r.ok) throw new Error(`generate refused: ${r.error.message}`);
  const { storyId } = r.result as { storyId: string };
  const ended = () =>
    testing.story
      .events()
      .some(
        (e) =>
          (e.type === 'story.done' || e.type === 'story.stopped' || e.type === 'story.error') &&
          e.data.storyId === storyId,
      );
  await eventually(`story ${storyId} ends`, ended, 60_000);
  const error = testing.story.events().find((e) => e.type === 'story.error');
  if (error) throw new Error(`the story failed: ${JSON.stringify(error.data)}`);
  testing.story.close();
  testing.story.clearEvents();
}
