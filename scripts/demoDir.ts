// The demo's folder (#23): the demo writes and deletes files there (tmp/, code-server.yaml, the
// .vsix, or all of a --fresh run), so it uses only a folder it made, marked by a file of its own.
// A folder of the person's is refused rather than borrowed: code-server would write into its
// tmp/ and home/, and the person could not tell the demo's files from theirs afterwards.
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { codeServerDirs } from '../test/host/codeServer';

/** The file that makes a folder the demo's. */
export const DEMO_MARKER = '.storyteller-demo';

const MARKER_TEXT =
  'Made by npm run demo (scripts/demo.ts). The demo deletes files only in a folder that holds this file.\n';

/** The demo's .vsix, built again each start. */
export const DEMO_VSIX = 'bedrock-storyteller.vsix';

/** Everything a start makes directly in its folder, before this marker existed too. */
const DEMO_ENTRIES = new Set([
  ...Object.values(codeServerDirs('/')).map((d) => basename(d)),
  'code-server.yaml',
  'emulator',
  DEMO_VSIX,
]);

export function isDemoDir(dir: string): boolean {
  try {
    return statSync(join(dir, DEMO_MARKER)).isFile();
  } catch {
    return false;
  }
}

/**
 * Makes `dir` the demo's, or throws one sentence and the next step: a new or empty folder gets
 * the marker, a marked one is used again. `adoptUnmarked` (the default .demo/ of the repository,
 * which earlier demos made without a marker) also takes a folder holding only the demo's own names.
 */
export function claimDemoDir(dir: string, { adoptUnmarked = false }: { adoptUnmarked?: boolean } = {}): void {
  if (existsSync(dir) && !statSync(dir).isDirectory())
    throw new Error(`${dir} is a file, not a folder. Give --dir a new or empty folder instead.`);
  if (isDemoDir(dir)) return;
  const entries = existsSync(dir) ? readdirSync(dir) : [];
  const foreign = adoptUnmarked ? entries.filter((e) => !DEMO_ENTRIES.has(e)) : entries;
  if (foreign.length > 0) {
    const shown = foreign.sort().slice(0, 3).join(', ') + (foreign.length > 3 ? ', …' : '');
    throw new Error(
      `${dir} holds files the demo did not make (${shown}), and the demo writes and deletes files in its folder, so it will not use this one. ` +
        `Give --dir a new or empty folder, for example --dir ${join(dir, 'storyteller-demo')}.`,
    );
  }
  mkdirSync(dir, { recursive: true });
  // 'wx': a marker someone else wrote meanwhile is not ours to overwrite.
  writeFileSync(join(dir, DEMO_MARKER), MARKER_TEXT, { flag: 'wx' });
}

/** Removes `names` inside `dir`, or all of `dir` without names, and only if `dir` is still the demo's. */
export function removeFromDemoDir(dir: string, names?: readonly string[]): void {
  if (!isDemoDir(dir)) return;
  const targets = names ? names.map((n) => join(dir, n)) : [dir];
  for (const target of targets) rmSync(target, { recursive: true, force: true, maxRetries: 3 });
}
