// Turns story controls into a Converse request. "Continue" and "Refine" send the story so far as
// a conversation (user prompt → assistant story → user instruction), so the model sees its own
// text as its own turn instead of a quoted blob; "Regenerate" re-sends the original prompt.
import * as l10n from '@vscode/l10n';
import type { StoryControls, StoryLength } from './protocol/controls';
import { validateControls } from './protocol/controls';
import { LIMITS } from './protocol/limits';
import { maxTokensFor } from './protocol/lengths';
import type { PromptStep } from './protocol/controls';
import { guardrailConfigOf } from '../../../infra/src/gateway/safety';
import type { GuardrailChoice } from '../../../infra/src/gateway/safety';
import type { CachePointBlock } from '../../../infra/src/gateway/promptCaching';

/** A system block: text, or a prompt-cache point after the text before it (story projects). */
export type SystemBlock = { readonly text: string } | CachePointBlock;

/** The subset of ConverseStreamCommandInput this builds; structurally compatible with the SDK's. */
export interface ConverseRequest {
  readonly modelId: string;
  readonly system: readonly SystemBlock[];
  readonly messages: readonly {
    readonly role: 'user' | 'assistant';
    readonly content: readonly { readonly text: string }[];
  }[];
  readonly inferenceConfig: { readonly maxTokens: number; readonly temperature: number };
  /** The stack's guardrail for the story's audience (#27), sync; absent when the policy is Off. */
  readonly guardrailConfig?: NonNullable<ReturnType<typeof guardrailConfigOf>>;
}

const LENGTH_WORDS: Readonly<Record<StoryLength, string>> = {
  short: 'about 400 words',
  medium: 'about 1,000 words',
  long: 'about 2,500 words',
};

export const SYSTEM_PROMPT = [
  "You are a skilled storyteller. Write original fiction from the reader's brief.",
  'Write vivid, concrete prose with a clear beginning, middle and end, and keep characters consistent.',
  'Respect the audience: for children, nothing frightening, violent or unsuitable; for young adults, nothing explicit.',
  'Answer with the story only, in Markdown: a title as a level-1 heading, then the story. No preface, no notes afterwards.',
].join(' ');

/** The first user turn: the brief, one labelled line per control. */
export function briefText(controls: StoryControls): string {
  const lines = [
    `Write a ${controls.length} story (${LENGTH_WORDS[controls.length]}) for ${audienceLabel(controls.audience)}.`,
  ];
  if (controls.genre) lines.push(`Genre: ${controls.genre}`);
  if (controls.tone) lines.push(`Tone: ${controls.tone}`);
  if (controls.characters) lines.push(`Characters: ${controls.characters}`);
  if (controls.setting) lines.push(`Setting: ${controls.setting}`);
  lines.push('', `Premise: ${controls.premise}`);
  return lines.join('\n');
}

function audienceLabel(audience: StoryControls['audience']): string {
  return audience === 'children' ? 'children' : audience === 'young adult' ? 'young adult readers' : 'adult readers';
}

export const CONTINUE_INSTRUCTION =
  'Continue the story from exactly where it stops. Do not repeat or summarise what is already written, and do not add a new title.';

export function refineInstructionText(instruction: string): string {
  return `Rewrite the whole story with this change: ${instruction.trim()}\nKeep everything else that works. Answer with the complete revised story only, title included.`;
}

export class PromptError extends Error {
  override readonly name = 'PromptError';
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

/**
 * Validates the controls and builds the request. Throws PromptError naming the field for bad
 * controls, an empty story to continue or refine, or a bad refine instruction.
 */
export function buildConverseRequest(
  modelId: string,
  controls: StoryControls,
  step: PromptStep = { kind: 'new' },
  guardrail: GuardrailChoice = { level: 'none' },
): ConverseRequest {
  const checked = validateControls(controls);
  if (!checked.ok)
    throw new PromptError(checked.errors.map((e) => e.message).join(' '), checked.errors[0]?.field ?? 'controls');
  const valid = checked.value;
  if (modelId.trim() === '') throw new PromptError(l10n.t('Model is required: pick a model.'), 'modelId');
  type Message = ConverseRequest['messages'][number];
  const user = (text: string): Message => ({ role: 'user', content: [{ text }] });
  const assistant = (text: string): Message => ({ role: 'assistant', content: [{ text }] });
  const messages: Message[] = [user(briefText(valid))];
  if (step.kind === 'continue' || step.kind === 'refine') {
    // Bedrock rejects blank turns, and some models reject an assistant turn ending in whitespace.
    const story = step.story.trimEnd();
    if (story.trim() === '')
      throw new PromptError(
        step.kind === 'continue'
          ? l10n.t('There is no story text to continue. Write a story first.')
          : l10n.t('There is no story text to refine. Write a story first.'),
        'story',
      );
    messages.push(assistant(story));
    if (step.kind === 'continue') messages.push(user(CONTINUE_INSTRUCTION));
    else {
      const instruction = step.instruction.trim();
      if (instruction === '')
        throw new PromptError(l10n.t('Refine instruction is required: say what to change.'), 'instruction');
      if (instruction.length > LIMITS.refineInstructionMax) {
        throw new PromptError(
          l10n.t(
            'Refine instruction is {0} characters long; the limit is {1}.',
            instruction.length.toLocaleString('en-US'),
            LIMITS.refineInstructionMax.toLocaleString('en-US'),
          ),
          'instruction',
        );
      }
      messages.push(user(refineInstructionText(instruction)));
    }
  }
  const guardrailConfig = guardrailConfigOf(guardrail);
  return {
    modelId,
    system: [{ text: SYSTEM_PROMPT }],
    messages,
    inferenceConfig: { maxTokens: maxTokensFor(valid.length, modelId), temperature: valid.temperature },
    ...(guardrailConfig ? { guardrailConfig } : {}),
  };
}
