// The links a story may open: used by the markdown renderer's validateLink in the webview, by the
// `openLink` request's schema and by the host before it opens anything.
import { LIMITS } from './limits';

/** Only http, https and mailto. */
export function isSafeLink(url: string): boolean {
  return /^(https?:\/\/[^\s]+|mailto:[^\s]+)$/i.test(url.trim()) && url.length <= LIMITS.urlMax;
}

/**
 * The URL the host opens for a safe link: http(s) as is; mailto with only its address and the
 * `subject` and `body` fields, so a story cannot make the mail client attach a file
 * (`?attach=`), add recipients (`cc`, `bcc`, `to`) or set other headers. Undefined when unsafe.
 */
export function linkToOpen(url: string): string | undefined {
  if (!isSafeLink(url)) return undefined;
  const link = url.trim();
  if (!/^mailto:/i.test(link)) return link;
  const rest = link.slice('mailto:'.length).split('#')[0]!;
  const q = rest.indexOf('?');
  const to = q < 0 ? rest : rest.slice(0, q);
  const kept = new Map<string, string>();
  for (const field of q < 0 ? [] : rest.slice(q + 1).split('&')) {
    const eq = field.indexOf('=');
    const key = decodeKey(eq < 0 ? field : field.slice(0, eq));
    if ((key === 'subject' || key === 'body') && !kept.has(key)) kept.set(key, eq < 0 ? '' : field.slice(eq + 1));
  }
  const query = [...kept].map(([k, v]) => `${k}=${v}`).join('&');
  return `mailto:${to}${query ? `?${query}` : ''}`;
}

function decodeKey(key: string): string {
  try {
    return decodeURIComponent(key).toLowerCase();
  } catch {
    return '';
  }
}
