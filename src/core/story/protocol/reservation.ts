// What the story gateway will reserve for a request the extension builds: its own rule
// (infra/src/gateway/reservation.ts) applied to the request buildConverseRequest makes, so the panel
// knows before asking whether a story fits in what is left today. Pure: host and panel share it.
import { reservedTokens } from '../../../../infra/src/gateway/reservation';
import { LENGTHS } from './controls';
import type { StoryControls, StoryLength } from './controls';
import { PromptError, buildConverseRequest } from '../prompt';
import type { PromptStep } from './controls';

/** Tokens the gateway reserves for this request, or undefined when the controls cannot make one. */
export function storyReservation(
  modelId: string,
  controls: StoryControls,
  step: PromptStep = { kind: 'new' },
): number | undefined {
  try {
    return reservedTokens(buildConverseRequest(modelId, controls, step));
  } catch (e) {
    if (e instanceof PromptError) return undefined;
    throw e;
  }
}

/** Each length's reservation for this story, shortest first. */
export function reservationsByLength(
  modelId: string,
  controls: StoryControls,
): readonly { readonly length: StoryLength; readonly need: number }[] {
  return LENGTHS.flatMap((length) => {
    const need = storyReservation(modelId, { ...controls, length });
    return need === undefined ? [] : [{ length, need }];
  });
}
