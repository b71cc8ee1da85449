// How long until a limit lets the user go on, in words: "in 3 h 20 min (00:00 UTC)", "42 s".
import * as l10n from '@vscode/l10n';

/** "in 3 h 20 min (00:00 UTC)": when a daily budget starts again. */
export function resetsIn(resetsAt: string, now: number = Date.now()): string {
  const at = Date.parse(resetsAt);
  if (Number.isNaN(at)) return l10n.t('at the next UTC midnight');
  const minutes = Math.max(1, Math.ceil((at - now) / 60_000));
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  const span = h > 0 ? (m > 0 ? l10n.t('{0} h {1} min', h, m) : l10n.t('{0} h', h)) : l10n.t('{0} min', m);
  const clock = new Date(at).toISOString().slice(11, 16);
  return l10n.t('in {0} ({1} UTC)', span, clock);
}

/** "in 42 s" from a wait in milliseconds. */
export const seconds = (ms: number): string => l10n.t('{0} s', Math.max(1, Math.ceil(ms / 1000)));
