// package.json as VS Code shows it: every "%key%" replaced from package.nls.json (the English
// strings), so tests read the titles and descriptions a user sees.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '../..');

/** The English strings of the manifest, by key. */
export function manifestStrings(): Record<string, string> {
  return JSON.parse(readFileSync(join(root, 'package.nls.json'), 'utf8')) as Record<string, string>;
}

/** package.json with its %key% placeholders resolved; throws on a key package.nls.json lacks. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a manifest is free-form JSON; tests narrow it
export function readManifest(): any {
  const strings = manifestStrings();
  return JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'), (_key, value: unknown) => {
    if (typeof value !== 'string') return value;
    const match = /^%([^%]+)%$/.exec(value);
    if (!match) return value;
    const text = strings[match[1]!];
    if (text === undefined) throw new Error(`package.json uses "${value}", which package.nls.json does not define.`);
    return text;
  });
}
