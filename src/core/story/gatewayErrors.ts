// The story gateway's refusals (budget mode) as sentences and actions: its own rules table beside
// Bedrock's and the identity pool's (errors.ts), with the reading of a refusal's details.
import * as l10n from '@vscode/l10n';
import * as v from 'valibot';
import { GatewayErrorDetails } from '../../../infra/src/gateway/contract';
import { MODEL_PROBLEM, modelName, sentence } from './errorRules';
import type { RuleTable } from './errorRules';
import { resetsIn, seconds } from './usage/waits';

const TOKENS = new Intl.NumberFormat('en-US');

/** The story gateway's refusals (budget mode) by error name; the Bedrock rules cover the rest. */
export const GATEWAY_RULES: RuleTable = {
  BudgetExceededException: ({ details, ctx }) => {
    const left = TOKENS.format(details.tokensLeft ?? 0);
    const asked = details.tokensRequested;
    const when = resetsIn(details.resetsAt ?? '', ctx.now);
    const need = asked !== undefined ? TOKENS.format(asked) : undefined;
    const resetsAt = Date.parse(details.resetsAt ?? '');
    return {
      code: 'budgetExceeded',
      // Nothing to retry before the day resets: a shorter story may still fit.
      actions: [],
      ...(Number.isNaN(resetsAt) ? {} : { retryAt: resetsAt }),
      message: () =>
        details.limit === 'stack'
          ? need
            ? l10n.t(
                "The stack's daily token budget, shared by all its users, has {0} tokens left and this story may need {1}; it resets {2}. Choose a shorter length or wait until then.",
                left,
                need,
                when,
              )
            : l10n.t(
                "The stack's daily token budget, shared by all its users, has {0} tokens left; it resets {1}. Wait until then.",
                left,
                when,
              )
          : need
            ? l10n.t(
                'Your daily token budget has {0} tokens left and this story may need {1}; it resets {2}. Choose a shorter length or wait until then.',
                left,
                need,
                when,
              )
            : l10n.t('Your daily token budget has {0} tokens left; it resets {1}. Wait until then.', left, when),
    };
  },
  ThrottlingException: ({ retryAfterMs, ctx, awsMessage }) => {
    const after = seconds(retryAfterMs ?? 1000);
    const waited = ctx.gateway?.waitedMs ?? 0;
    // Which limit, from the gateway's own sentence ("…stories this minute…"); else its store was busy.
    const limit = /this minute/i.test(awsMessage)
      ? l10n.t('You have started as many stories this minute as the story gateway allows')
      : /this second/i.test(awsMessage)
        ? l10n.t('You are starting stories faster than the story gateway allows')
        : l10n.t('The story gateway is busy');
    return {
      code: 'rateLimited',
      actions: ['retry'],
      message: () =>
        waited > 0
          ? l10n.t(
              '{0}; Storyteller retried for {1} and it still refused. Try again in {2}.',
              limit,
              seconds(waited),
              after,
            )
          : l10n.t('{0}. Try again in {1}.', limit, after),
    };
  },
  AccessDeniedException: (f) =>
    /AllowedModelIds/i.test(f.awsMessage)
      ? {
          code: 'modelNotAllowed',
          actions: ['pickModel'],
          message: () =>
            l10n.t(
              "The story gateway does not allow {0} (the stack's AllowedModelIds). Pick another model.",
              modelName(f),
            ),
        }
      : /ID token/i.test(f.awsMessage)
        ? {
            code: 'sessionExpired',
            actions: ['signIn'],
            message: () =>
              l10n.t('The story gateway did not accept your sign-in: {0} Sign in again.', sentence(f.awsMessage)),
          }
        : {
            code: 'accessDenied',
            actions: ['openSettings'],
            message: () =>
              l10n.t(
                'The story gateway refused the request: {0} Check "storyteller.storyGatewayUrl" (run "Configure from Stack Outputs" again).',
                sentence(f.awsMessage),
              ),
          },
  ValidationException: ({ awsMessage }) =>
    /maxTokens/.test(awsMessage)
      ? {
          code: 'validation',
          actions: [],
          message: () =>
            l10n.t('The story gateway rejected the request: {0} Choose a shorter length.', sentence(awsMessage)),
        }
      : {
          code: 'validation',
          actions: MODEL_PROBLEM.test(awsMessage) ? ['pickModel'] : ['openSettings'],
          message: () => l10n.t('The story gateway rejected the request: {0}', sentence(awsMessage)),
        },
};

/**
 * A gateway refusal's details: the SDK copies its JSON body onto the error. Each field is checked
 * against the contract on its own, so one malformed field loses only itself.
 */
export function gatewayDetails(error: unknown): GatewayErrorDetails {
  const fields = typeof error === 'object' && error !== null ? (error as Record<string, unknown>) : {};
  const valid = Object.entries(GatewayErrorDetails.entries)
    .filter(([key, schema]) => fields[key] !== undefined && v.is(schema, fields[key]))
    .map(([key]) => [key, fields[key]]);
  return v.parse(GatewayErrorDetails, Object.fromEntries(valid));
}
