import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');

describe('packaging', function () {
  this.timeout(30_000);

  it('.vscodeignore ships only what runs: the bundles, media, manifest, README, CHANGELOG, LICENSE', () => {
    // Make sure files that must never ship exist, so the check is not vacuous.
    const planted = [join(root, 'dist/extension.js.map'), join(root, 'dist/should-not-ship.ts')];
    mkdirSync(join(root, 'dist'), { recursive: true });
    const created = planted.filter((f) => !existsSync(f));
    for (const f of created) writeFileSync(f, '');
    try {
      const files = execFileSync(join(root, 'node_modules/.bin/vsce'), ['ls', '--no-dependencies'], { cwd: root, encoding: 'utf8' })
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean);
      const allowed = /^(package\.json|README\.md|CHANGELOG\.md|LICENSE|media\/[\w.-]+\.(png|svg|css|js)|media\/walkthrough\/[\w.-]+\.md|dist\/[\w.-]+\.js|dist\/webview\/[\w.-]+\.(js|css))$/;
      assert.deepEqual(files.filter((f) => !allowed.test(f)), []);
      for (const required of ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', 'media/icon.png']) {
        assert.ok(files.includes(required), `${required} is missing from the package`);
      }
    } finally {
      for (const f of created) rmSync(f, { force: true });
    }
  });
});
