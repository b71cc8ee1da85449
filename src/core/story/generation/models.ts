// A readable picker entry for a model known by its id, the same whether the list came from
// Bedrock or from the settings (signed out).
import { baseModelId } from './inferenceProfiles';
import type { ModelInfo } from '../protocol/wire';

const PROVIDERS: Readonly<Record<string, string>> = {
  ai21: 'AI21 Labs',
  amazon: 'Amazon',
  anthropic: 'Anthropic',
  cohere: 'Cohere',
  deepseek: 'DeepSeek',
  meta: 'Meta',
  mistral: 'Mistral AI',
  openai: 'OpenAI',
  qwen: 'Qwen',
  writer: 'Writer',
};

/**
 * `us.amazon.nova-lite-v1:0` → { name: 'Nova Lite', provider: 'Amazon' };
 * `anthropic.claude-haiku-4-5-20251001-v1:0` → { name: 'Claude Haiku 4.5', provider: 'Anthropic' }.
 */
export function modelInfoFromId(id: string): ModelInfo {
  const [vendor = '', model = id] = baseModelId(id).split('.');
  // The version (-v1:0) and a release date (-20251001) say nothing a person picks by.
  const words = model
    .replace(/(-v\d+)?(:\d+)?(:[\w-]+)?$/, '')
    .replace(/-\d{8}$/, '')
    .split('-')
    .filter(Boolean);
  const parts: string[] = [];
  for (const word of words) {
    const last = parts.at(-1);
    // "4-5" is a version: 4.5. "8b" is a size: 8B.
    if (/^\d+$/.test(word) && last !== undefined && /\d$/.test(last)) parts[parts.length - 1] = `${last}.${word}`;
    else if (/^\d+(\.\d+)?[bkm]$/i.test(word)) parts.push(word.toUpperCase());
    else parts.push(word.charAt(0).toUpperCase() + word.slice(1));
  }
  return {
    id,
    name: parts.join(' ') || id,
    provider: PROVIDERS[vendor] ?? vendor.charAt(0).toUpperCase() + vendor.slice(1),
  };
}
