// Converse's body (messages, system, inferenceConfig): the same for every model family, checked
// against ConverseRequest's documented constraints.
import type { ResolvedModel } from '../models';
import type { Shape } from '../validate';
import { validate } from '../validate';
import { checkMaxTokens, readMessages, stopList, systemTexts, textBlock } from './families/adapter';
import { FAMILIES } from './families/table';
import type { StoryRequest } from './stories';
import { cachePointsOf } from './promptCache';
import { countTokens } from '../storyEngine';

export const CONVERSE_INPUT: Shape = {
  messages: { type: 'list' },
  system: { type: 'list' },
  inferenceConfig: {
    type: 'structure',
    fields: {
      maxTokens: { type: 'integer' },
      temperature: { type: 'number', min: 0, max: 1 },
      topP: { type: 'number', min: 0, max: 1 },
      stopSequences: { type: 'list', member: { type: 'string', min: 1 } },
    },
  },
};

export function converseRequest(body: Record<string, unknown>, model: ResolvedModel): StoryRequest {
  validate(body, CONVERSE_INPUT, 'ValidationException');
  const { points, system, messages } = cachePointsOf(body, (t) => countTokens([t]));
  const { texts, userText, lastUserText } = readMessages(messages, textBlock);
  const cfg = (body.inferenceConfig ?? {}) as Record<string, unknown>;
  return {
    inputTexts: [...systemTexts(system), ...texts],
    prompt: userText,
    lastUserText,
    maxTokens: checkMaxTokens(
      cfg.maxTokens,
      model,
      'inferenceConfig.maxTokens',
      FAMILIES[model.model.family].defaultMaxTokens,
    ),
    stopSequences: stopList(cfg.stopSequences, 'inferenceConfig.stopSequences'),
    temperature: cfg.temperature,
    cachePoints: points,
  };
}
