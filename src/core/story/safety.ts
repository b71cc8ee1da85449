// Content safety in the extension (#27): the guardrail every direct model call sends, and what a
// guardrail's intervention becomes: one sentence with the stack's own blocked message. Which part
// was blocked, and what the model wrote, come from the stream (generation/bedrock.ts).
import * as l10n from '@vscode/l10n';
import { MissingGuardrailError, blockedPart, chooseGuardrail } from '../../../infra/src/gateway/safety';
import type { BlockedPart, GuardrailChoice, StackGuardrails } from '../../../infra/src/gateway/safety';
import { notificationSafe } from '../notificationText';
import { StoryError } from './errors';
import type { StoryControls } from './protocol/controls';
import { LIMITS } from './protocol/limits';

/** What a guardrail blocked, and the message the stack's guardrail answered with. */
export interface Intervention {
  readonly part: BlockedPart;
  readonly message: string;
}

/** The guardrail for a story of these controls, or a StoryError when the settings lack the one it needs. */
export function guardrailFor(stack: StackGuardrails, controls: Pick<StoryControls, 'audience'>): GuardrailChoice {
  try {
    return chooseGuardrail(stack, controls.audience);
  } catch (e) {
    if (!(e instanceof MissingGuardrailError)) throw e;
    throw new StoryError(
      l10n.t(
        'The content policy is {0}, but the {1} guardrail is not set, so no story can be sent. Run "Configure from Stack Outputs" again.',
        stack.policy,
        e.level,
      ),
      'guardrailNotConfigured',
      ['configure', 'openSettings'],
    );
  }
}

/**
 * What the stream says a guardrail did. The stack's blocked message arrives as the model's text:
 * all of it when the premise was blocked (the model never ran), the last piece when the story was
 * (sync mode checks each piece before it is sent, so the message replaces the piece it stopped).
 */
export function interventionOf(
  text: string,
  lastDelta: string,
  trace: unknown,
  outputTokens: number | undefined,
): Intervention {
  const part = blockedPart(trace, outputTokens);
  return { part, message: (part === 'premise' ? text : lastDelta).trim() };
}

/** The stack's message, fit for a sentence: no markup or links, within the protocol's limit. */
function quoted(message: string): string {
  const clean = notificationSafe(message.replace(/\s+/g, ' ').trim());
  const max = Math.floor(LIMITS.messageMax / 2);
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/** The one sentence for a blocked story: which part, the stack's own message, and what to do. */
export function blockedError(intervention: Intervention): StoryError {
  const said = quoted(intervention.message);
  return intervention.part === 'premise'
    ? new StoryError(
        said
          ? l10n.t('The content policy blocked this premise: “{0}” Change the premise and try again.', said)
          : l10n.t('The content policy blocked this premise. Change the premise and try again.'),
        'premiseBlocked',
        [],
        false,
        'guardrail_intervened',
      )
    : new StoryError(
        said
          ? l10n.t(
              'The content policy stopped this story: “{0}” Nothing it held back was kept; try again, or change the premise.',
              said,
            )
          : l10n.t(
              'The content policy stopped this story. Nothing it held back was kept; try again, or change the premise.',
            ),
        'outputBlocked',
        ['retry'],
        false,
        'guardrail_intervened',
      );
}
