// A readable picker entry for a model known only by its id (from settings, not from Bedrock).
import type { ModelInfo } from './protocol';

/** `us.amazon.nova-lite-v1:0` → { name: 'nova lite', provider: 'Amazon' }. */
export function modelInfoFromId(id: string): ModelInfo {
  const [vendor = '', name = id] = id.replace(/^(us|eu|apac|global)\./, '').split('.');
  return { id, name: name.replace(/-v\d.*$/, '').replace(/-/g, ' '), provider: vendor.charAt(0).toUpperCase() + vendor.slice(1) };
}
