// Shared values for the protocol tests: a story, its controls, usage and cost, and the JSON round trip.
import { DEFAULT_CONTROLS } from '../../../../src/core/story/protocol/controls';
import type { StoryControls } from '../../../../src/core/story/protocol/controls';
import { parseWebviewMessage } from '../../../../src/core/story/protocol/messages';
import type { StoryRecord } from '../../../../src/core/story/protocol/wire';

export const controls: StoryControls = { ...DEFAULT_CONTROLS, premise: 'A lighthouse keeper befriends a storm.' };
export const usage = { inputTokens: 120, outputTokens: 800, totalTokens: 920 };
export const cost = { amount: 0.0012, currency: 'USD', estimated: true as const };
export const story: StoryRecord = {
  id: 's-1',
  title: 'The Storm',
  modelId: 'amazon.nova-lite-v1:0',
  controls,
  text: '# The Storm\n\nOnce upon a time…',
  status: 'done',
  usage,
  cost,
  createdAt: 1_700_000_000_000,
};
export const item = {
  id: 's-1',
  title: 'The Storm',
  modelId: 'amazon.nova-lite-v1:0',
  createdAt: 1_700_000_000_000,
  status: 'done',
  outputTokens: 800,
};

/** Round trip through JSON, as postMessage does in VS Code. */
export const wire = <T>(x: T): unknown => JSON.parse(JSON.stringify(x));

/** The params the host accepts for a request to `method`, or undefined when it drops the request. */
export function paramsOf(method: string, params: unknown): unknown {
  const m = parseWebviewMessage({ kind: 'request', id: 1, method, params });
  return m?.kind === 'request' ? m.params : undefined;
}
