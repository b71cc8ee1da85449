// The manifest is translatable as VS Code's own extensions are: every user-facing string of
// package.json is a %key% of package.nls.json, and package.nls.json holds nothing unused.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { manifestStrings, readManifest } from '../support/manifest';

const raw = readFileSync(join(__dirname, '../../package.json'), 'utf8');
const manifest = JSON.parse(raw);
const used = new Set([...raw.matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]!));

describe('package.nls.json', () => {
  it('defines every %key% that package.json uses, and only those', () => {
    const defined = new Set(Object.keys(manifestStrings()));
    assert.deepEqual(
      [...used].filter((k) => !defined.has(k)),
      [],
      'used in package.json, missing in package.nls.json',
    );
    assert.deepEqual(
      [...defined].filter((k) => !used.has(k)),
      [],
      'defined in package.nls.json, unused',
    );
    assert.doesNotThrow(readManifest);
  });

  it('leaves no user-facing text of the manifest untranslatable', () => {
    const literal: string[] = [];
    const visit = (value: unknown, path: string): void => {
      if (typeof value === 'string') {
        if (
          /(^|\.)(displayName|description|title|shortTitle|category|label|markdownDescription|patternErrorMessage|altText)$|EnumDescriptions\[\d+\]$/.test(
            path,
          ) &&
          !/^%[^%]+%$/.test(value)
        )
          literal.push(`${path}: ${value.slice(0, 40)}`);
        return;
      }
      if (Array.isArray(value)) value.forEach((v, i) => visit(v, `${path}[${i}]`));
      else if (value && typeof value === 'object')
        for (const [k, v] of Object.entries(value)) visit(v, path ? `${path}.${k}` : k);
    };
    visit(
      {
        displayName: manifest.displayName,
        description: manifest.description,
        capabilities: manifest.capabilities,
        contributes: manifest.contributes,
      },
      '',
    );
    assert.deepEqual(literal, []);
  });

  it('resolves to the titles a user sees in the palette', () => {
    const commands: { command: string; title: string; category?: string }[] = readManifest().contributes.commands;
    const signUp = commands.find((c) => c.command === 'storyteller.signUp');
    assert.equal(signUp?.title, 'Sign Up…');
    assert.equal(signUp?.category, 'Storyteller');
  });
});
