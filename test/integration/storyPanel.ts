// What the story panel's host tests share: the controls they write with, and readers of the
// events the host sent to the panel (recorded by the testing API).
import * as assert from 'node:assert/strict';
import type { StoryControls } from '../../src/core/story/protocol/controls';
import type { HostEvent, HostEvents, HostResponse } from '../../src/core/story/protocol/messages';
import type { TestingApi } from '../../src/vscode/testing';
import { eventually } from './prompter';

export const CONTROLS: StoryControls = {
  premise: 'A lighthouse keeper befriends a storm',
  genre: 'fantasy',
  audience: 'adult',
  tone: 'gentle',
  length: 'short',
  temperature: 0.7,
};

export type Data<T extends keyof HostEvents> = HostEvents[T];

/** The result of a request the panel made, asserting that it succeeded. */
export function ok<T>(r: HostResponse): T {
  assert.ok(r.ok, `request failed: ${JSON.stringify(r)}`);
  return r.result as T;
}

/** `testing` is a getter: suites activate the extension in `before`. */
export function panelEvents(testing: () => TestingApi) {
  /** The data of every event of `type` (of one story, when given) the host sent so far. */
  const events = <T extends keyof HostEvents>(type: T, storyId?: string): Data<T>[] =>
    testing()
      .story.events()
      .filter((e): e is Extract<HostEvent, { type: T }> => e.type === type)
      .map((e) => e.data as Data<T>)
      .filter((d) => storyId === undefined || (d as { storyId?: string } | null)?.storyId === storyId);
  const ended = (storyId: string) => () =>
    events('story.done', storyId).length +
      events('story.stopped', storyId).length +
      events('story.error', storyId).length >
    0;
  /** Starts a story as the panel would, and waits until it ends. */
  async function generate(controls: StoryControls = CONTROLS, modelId = 'amazon.nova-lite-v1:0'): Promise<string> {
    const { storyId } = ok<{ storyId: string }>(await testing().story.request('generate', { controls, modelId }));
    await eventually(`story ${storyId} ends`, ended(storyId), 30_000);
    return storyId;
  }
  return { events, ended, generate };
}
