// The Converse request for an assembled context: the system part and the activated context as
// system blocks (the stable one first, then its cache point when the context planned one), and
// the excerpt as the one user message, so the text to continue is the last user message.
import { CACHE_POINT } from '../../../infra/src/gateway/promptCaching';
import type { ConverseRequest, SystemBlock } from '../story/prompt';
import type { AssembledContext } from './assemble';
import type { StorySettings } from './model';
import { OPENING_MESSAGE } from './promptText';

export function projectRequest(context: AssembledContext, modelId: string, settings: StorySettings): ConverseRequest {
  const system: SystemBlock[] = [{ text: context.system.text }];
  // Bedrock caches everything before the point: the bible and always-on entries, which stay the
  // same from one Continue to the next while the entries, summaries and excerpt after it change.
  if (context.cachePoint.placed) system.push(CACHE_POINT);
  if (context.contextText !== '') system.push({ text: context.contextText });
  const excerpt = context.excerpt.text.trimEnd();
  return {
    modelId,
    system,
    messages: [{ role: 'user', content: [{ text: excerpt.trim() === '' ? OPENING_MESSAGE : excerpt }] }],
    inferenceConfig: { maxTokens: settings.continueTokens, temperature: settings.temperature },
  };
}

/** What goes between the text before the cursor and the continuation, so words do not run together. */
export function joinerBefore(textBefore: string): string {
  if (textBefore === '' || /\s$/.test(textBefore)) return '';
  return ' ';
}

/**
 * The content-safety audience (#27) of a project's free-text `audience`: children's and young
 * adults' words choose theirs; anything else, or none, is an adult story.
 */
export function safetyAudience(audience: string | undefined): 'children' | 'young adult' | 'adult' {
  const a = (audience ?? '').toLowerCase();
  if (/\b(child|children|kids?|picture[- ]book|middle[- ]grade)\b/.test(a)) return 'children';
  if (/\b(young[- ]adults?|ya|teens?|teenagers?)\b/.test(a)) return 'young adult';
  return 'adult';
}
