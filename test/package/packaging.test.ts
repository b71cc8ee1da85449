import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import * as yauzl from 'yauzl';

const root = resolve(__dirname, '../..');
const vsce = join(root, 'node_modules/.bin/vsce');
const MAX_VSIX_BYTES = 1_048_576;

/** The file names in a zip, from its central directory. */
function zipEntries(file: string): Promise<string[]> {
  return new Promise((resolveNames, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      const names: string[] = [];
      zip.on('entry', (entry: yauzl.Entry) => {
        names.push(entry.fileName);
        zip.readEntry();
      });
      zip.on('end', () => resolveNames(names));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

/** The text of each `.js` entry of a zip, by name. */
function zipScripts(file: string): Promise<Map<string, string>> {
  return new Promise((resolveTexts, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      const texts = new Map<string, string>();
      zip.on('entry', (entry: yauzl.Entry) => {
        if (!entry.fileName.endsWith('.js')) return zip.readEntry();
        zip.openReadStream(entry, (e, stream) => {
          if (e) return reject(e);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            texts.set(entry.fileName, Buffer.concat(chunks).toString('utf8'));
            zip.readEntry();
          });
          stream.on('error', reject);
        });
      });
      zip.on('end', () => resolveTexts(texts));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

/**
 * What the integration suites' hooks (src/vscode/testing.ts) leave in a bundle: V8 flags and a
 * vm context (for gc), hook names, and one of their sentences. Minifying keeps all of these.
 */
const TESTING_MARKERS = [
  'setFlagsFromString',
  'runInNewContext',
  'require("node:v8")',
  'require("node:vm")',
  'heapAfterGc',
  'usePrompter',
  'useDialogs',
  'writeRawSession',
  'The story panel is not open.',
];

const markersIn = (text: string) => TESTING_MARKERS.filter((m) => text.includes(m));

/** Tracked and untracked-but-not-ignored files: what a fresh clone plus uncommitted work holds. */
function sourceTree(): string[] {
  return execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    encoding: 'utf8',
  })
    .split('\0')
    .filter((f) => f && existsSync(join(root, f)));
}

function walkthroughMedia(): string[] {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const steps: { media: { markdown?: string } }[] = (manifest.contributes.walkthroughs ?? []).flatMap(
    (w: { steps: unknown[] }) => w.steps,
  );
  return steps.map((s) => s.media.markdown).filter((m): m is string => !!m);
}

describe('packaging', function () {
  this.timeout(30_000);

  it('.vscodeignore ships only what runs: the bundles, media, manifest and its strings, README, CHANGELOG, LICENSE', () => {
    // Make sure files that must never ship exist, so the check is not vacuous.
    const planted = [join(root, 'dist/extension.js.map'), join(root, 'dist/should-not-ship.ts')];
    mkdirSync(join(root, 'dist'), { recursive: true });
    const created = planted.filter((f) => !existsSync(f));
    for (const f of created) writeFileSync(f, '');
    try {
      const files = execFileSync(vsce, ['ls', '--no-dependencies'], { cwd: root, encoding: 'utf8' })
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean);
      const allowed =
        /^(package\.json|package\.nls\.json|README\.md|CHANGELOG\.md|LICENSE|media\/[\w.-]+\.(png|svg|css|js)|media\/walkthrough\/[\w.-]+\.md|dist\/[\w.-]+\.js|dist\/webview\/[\w.-]+\.(js|css))$/;
      assert.deepEqual(
        files.filter((f) => !allowed.test(f)),
        [],
      );
      for (const required of [
        'package.json',
        'package.nls.json',
        'README.md',
        'CHANGELOG.md',
        'LICENSE',
        'media/icon.png',
      ]) {
        assert.ok(files.includes(required), `${required} is missing from the package`);
      }
    } finally {
      for (const f of created) rmSync(f, { force: true });
    }
  });

  describe('the .vsix that `vsce package` builds', function () {
    this.timeout(120_000);
    let tmp = '';
    let vsix = '';
    let entries: string[] = [];
    let vsixInRootBefore: string[] = [];
    const vsixInRoot = () =>
      readdirSync(root)
        .filter((f) => f.endsWith('.vsix'))
        .sort();

    before(function () {
      vsixInRootBefore = vsixInRoot();
      // Packaged from a copy of the source tree: vscode:prepublish deletes and rebuilds dist/,
      // which would pull the bundles from under a test host or watcher running in the repo.
      tmp = mkdtempSync(join(tmpdir(), 'storyteller-vsix-'));
      const tree = join(tmp, 'tree');
      for (const f of sourceTree()) {
        mkdirSync(dirname(join(tree, f)), { recursive: true });
        copyFileSync(join(root, f), join(tree, f));
      }
      // Things that must not ship, present in the copy so the exclusion checks are not vacuous.
      for (const f of ['scripts/should-not-ship.ts', 'should-not-ship.js.map']) {
        mkdirSync(dirname(join(tree, f)), { recursive: true });
        writeFileSync(join(tree, f), '// planted by packaging.test.ts\n');
      }
      symlinkSync(join(root, 'node_modules'), join(tree, 'node_modules'), 'dir');
      vsix = join(tmp, 'x.vsix');
      try {
        execFileSync(vsce, ['package', '--no-dependencies', '--out', vsix], {
          cwd: tree,
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
        });
      } catch (e) {
        const { stdout, stderr } = e as { stdout?: string; stderr?: string };
        throw new Error(`vsce package failed:\n${stdout ?? ''}\n${stderr ?? ''}`, { cause: e });
      }
      return zipEntries(vsix).then((names) => {
        entries = names;
      });
    });

    after(() => {
      if (tmp) rmSync(tmp, { recursive: true, force: true });
    });

    it('contains the manifest, the bundles, the webview, the icon, README, CHANGELOG, LICENSE and the walkthrough media', () => {
      const required = [
        'extension/package.json',
        'extension/package.nls.json',
        'extension/dist/extension.js',
        'extension/dist/signin.js',
        'extension/dist/story.js',
        'extension/dist/history.js',
        'extension/dist/configure.js',
        'extension/dist/project.js',
        'extension/dist/webview/story.js',
        'extension/dist/webview/story.css',
        'extension/media/icon.png',
        ...walkthroughMedia().map((m) => `extension/${m}`),
      ];
      assert.ok(walkthroughMedia().length >= 4, 'package.json lists no walkthrough media');
      assert.deepEqual(
        required.filter((f) => !entries.includes(f)),
        [],
        'missing from the vsix',
      );
      // vsce renames these three (readme.md, changelog.md, LICENSE.txt).
      for (const doc of [
        /^extension\/readme\.md$/i,
        /^extension\/changelog\.md$/i,
        /^extension\/license(\.txt|\.md)?$/i,
      ]) {
        assert.ok(
          entries.some((e) => doc.test(e)),
          `no entry matches ${doc}`,
        );
      }
    });

    it('contains no TypeScript, source maps, sources, tests, emulator, infra, bench, scripts or node_modules', () => {
      const forbidden = [
        /\.ts$/,
        /\.map$/,
        /(^|\/)node_modules\//,
        /^extension\/(src|test|emulator|infra|bench|scripts|webview|out|\.vscode|\.ci|\.bench)\//,
        /\.vsix$/,
      ];
      assert.deepEqual(
        entries.filter((e) => forbidden.some((re) => re.test(e))),
        [],
      );
      // And nothing beyond what runs: the same allowlist as `vsce ls`, under extension/.
      const allowed =
        /^(extension\.vsixmanifest|\[Content_Types\]\.xml|extension\/(package\.json|package\.nls\.json|readme\.md|changelog\.md|LICENSE\.txt|media\/[\w.-]+\.(png|svg|css|js)|media\/walkthrough\/[\w.-]+\.md|dist\/[\w.-]+\.js|dist\/webview\/[\w.-]+\.(js|css)))$/;
      assert.deepEqual(
        entries.filter((e) => !allowed.test(e)),
        [],
      );
      // The copy it was built from did hold all of these, so the checks above are not vacuous.
      const tree = sourceTree();
      for (const dir of ['src/', 'test/', 'emulator/', 'infra/', 'webview/']) {
        assert.ok(
          tree.some((f) => f.startsWith(dir) && f.endsWith('.ts')),
          `the source tree has no ${dir}*.ts`,
        );
      }
    });

    it('ships no testing code: the production bundles hold none of the testing hooks that a development build holds', async () => {
      const scripts = await zipScripts(vsix);
      assert.ok(scripts.has('extension/dist/extension.js'), 'no dist/extension.js in the vsix');
      assert.deepEqual(
        [...scripts].flatMap(([name, text]) => markersIn(text).map((m) => `${name}: ${m}`)),
        [],
      );
      // The markers are what the hooks compile to: a minified development build of the same entry has every one.
      const development = await esbuild.build({
        entryPoints: [join(root, 'src/extension.ts')],
        bundle: true,
        format: 'cjs',
        platform: 'node',
        target: 'node20',
        external: ['vscode'],
        minify: true,
        write: false,
        logLevel: 'error',
        define: { __TESTING__: 'true' },
      });
      assert.deepEqual(markersIn(development.outputFiles[0]!.text), TESTING_MARKERS);
    });

    it('is at most 1 MB', function () {
      const bytes = statSync(vsix).size;
      this.test!.title = `is at most 1 MB (${bytes.toLocaleString('en-US')} bytes, ${entries.length} files)`;
      assert.ok(bytes <= MAX_VSIX_BYTES, `${bytes} bytes > ${MAX_VSIX_BYTES}`);
    });

    it('leaves no .vsix behind in the repository root', () => {
      assert.deepEqual(vsixInRoot(), vsixInRootBefore);
    });
  });
});
