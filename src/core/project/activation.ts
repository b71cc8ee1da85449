// Which codex entries fire for a scan window: `always` entries always; others when one of their
// keys occurs in the window (the last N tokens before the cursor, plus the instruction) and
// their secondary keys agree; then, to a bounded depth, when a key occurs in the text of an
// entry that fired (recursion). Deterministic: entries are visited in path order.
import { compileKey, scanText } from './keys';
import type { KeyMatcher, ScanText } from './keys';
import type { CodexEntry } from './model';

export interface Activated {
  readonly entry: CodexEntry;
  /** 'always', or the key whose mention fired it (the most recent one when several occur). */
  readonly reason: 'always' | 'key';
  readonly key?: string;
  /** The entry whose text held the key (recursion), by name. */
  readonly via?: string;
  /** Recursion depth: 0 for the window itself. */
  readonly depth: number;
  /** Where the mention is in the window (higher is more recent); -1 for recursion and always. */
  readonly at: number;
}

export interface ActivationOptions {
  readonly instruction?: string;
  readonly recursionDepth: number;
}

interface Compiled {
  readonly entry: CodexEntry;
  readonly keys: readonly KeyMatcher[];
  readonly secondary: readonly KeyMatcher[];
}

const compiledCache = new WeakMap<readonly CodexEntry[], readonly Compiled[]>();

/** The matchers of every enabled entry, made once per codex (a project load) and reused. */
export function compileCodex(codex: readonly CodexEntry[]): readonly Compiled[] {
  const cached = compiledCache.get(codex);
  if (cached) return cached;
  const matchers = (entry: CodexEntry, keys: readonly string[]) =>
    keys.flatMap((key) => {
      const m = compileKey(key, entry);
      return 'error' in m ? [] : [m];
    });
  const compiled = codex
    .filter((entry) => entry.enabled)
    .map((entry) => ({ entry, keys: matchers(entry, entry.keys), secondary: matchers(entry, entry.secondaryKeys) }));
  compiledCache.set(codex, compiled);
  return compiled;
}

/** The most recent mention of any of the keys: the key and where, or undefined. */
function lastMention(keys: readonly KeyMatcher[], texts: readonly ScanText[]): { key: string; at: number } | undefined {
  let best: { key: string; at: number } | undefined;
  for (const text of texts)
    for (const k of keys) {
      const at = k.lastIndexIn(text);
      if (at >= 0 && (!best || at > best.at)) best = { key: k.key, at };
    }
  return best;
}

function secondaryAgrees(c: Compiled, texts: readonly ScanText[]): boolean {
  if (c.secondary.length === 0) return true;
  const present = c.secondary.filter((k) => texts.some((t) => k.lastIndexIn(t) >= 0)).length;
  switch (c.entry.logic) {
    case 'any':
      return present > 0;
    case 'all':
      return present === c.secondary.length;
    case 'not any':
      return present === 0;
    case 'not all':
      return present < c.secondary.length;
  }
}

export function activate(codex: readonly CodexEntry[], window: string, options: ActivationOptions): Activated[] {
  const compiled = compileCodex(codex);
  const scan = scanText(options.instruction ? `${window}\n${options.instruction}` : window);
  const fired = new Map<string, Activated>();
  let latest: Activated[] = [];
  for (const c of compiled) {
    if (c.entry.always) {
      latest.push({ entry: c.entry, reason: 'always', depth: 0, at: -1 });
      continue;
    }
    const mention = lastMention(c.keys, [scan]);
    if (mention && secondaryAgrees(c, [scan]))
      latest.push({ entry: c.entry, reason: 'key', key: mention.key, depth: 0, at: mention.at });
  }
  for (const a of latest) fired.set(a.entry.file, a);
  for (let depth = 1; depth <= options.recursionDepth && latest.length > 0; depth++) {
    // The newly fired entries' texts, one after another; an offset says whose text a mention is in.
    const sources = latest.map((a) => a.entry);
    const starts: number[] = [];
    let joined = '';
    for (const s of sources) {
      starts.push(joined.length);
      joined += `${s.body}\n`;
    }
    const text = scanText(joined);
    const next: Activated[] = [];
    for (const c of compiled) {
      if (c.entry.always || fired.has(c.entry.file)) continue;
      const mention = lastMention(c.keys, [text]);
      if (!mention || !secondaryAgrees(c, [scan, text])) continue;
      let source = 0;
      while (source + 1 < starts.length && (starts[source + 1] as number) <= mention.at) source++;
      const a: Activated = {
        entry: c.entry,
        reason: 'key',
        key: mention.key,
        via: sources[source]!.name,
        depth,
        at: -1,
      };
      next.push(a);
      fired.set(c.entry.file, a);
    }
    latest = next;
  }
  return [...fired.values()];
}
