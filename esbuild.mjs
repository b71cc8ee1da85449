// Bundles the extension (and, for the test host, the integration suites) with esbuild.
// Flags: --production (minified, no source maps), --watch.
import * as esbuild from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { webviewBuilds } from './webview/build.mjs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Every `*.ts` below `dir`, for the test bundles that the host's mocha loads one by one. */
function tsFiles(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name));
}

/**
 * The AWS SDK's credential chain (SSO, INI files, IMDS, STS...), which every client's defaults
 * import. The extension never uses it: user pool calls are unsigned, identity pool calls too,
 * and Bedrock gets the identity pool's credentials. Left out, the sign-in bundle is half the size.
 */
const noCredentialChain = {
  name: 'no-credential-chain',
  setup(build) {
    build.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, () => ({
      path: 'credential-provider-node',
      namespace: 'no-credential-chain',
    }));
    build.onLoad({ filter: /.*/, namespace: 'no-credential-chain' }, () => ({
      contents:
        'export const defaultProvider = () => async () => { throw new Error("Storyteller passes its own AWS credentials; the SDK default chain is not bundled."); };',
      loader: 'js',
    }));
  },
};

/** The SDK bundles: ESM sources (`module`), which esbuild tree-shakes far better than the CommonJS builds. */
const sdk = {
  mainFields: ['module', 'main'],
  plugins: [noCredentialChain],
};

/** @type {esbuild.BuildOptions} */
const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: ['vscode'],
  logLevel: 'warning',
  // The gateway's contract (infra/src/gateway) is bundled here too: one valibot for both, even when
  // infra/src/gateway has its own node_modules.
  alias: { valibot: resolve('node_modules/valibot') },
  // The integration suites' hooks (src/vscode/testing.ts) exist only in development builds: in the
  // production build the branch that creates them is dead code, and esbuild leaves the module out.
  define: { __TESTING__: String(!production) },
};

const builds = [
  {
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    minify: production,
    sourcemap: !production,
    sourcesContent: false,
    metafile: true,
  },
  {
    // Sign-in: Cognito user pools and token verification, loaded on the first sign-in (src/vscode/bundles.ts).
    ...common,
    ...sdk,
    entryPoints: ['src/bundles/signIn.ts'],
    outfile: 'dist/signin.js',
    minify: production,
    sourcemap: !production,
    sourcesContent: false,
    metafile: true,
  },
  {
    // Story generation: identity pool credentials, Bedrock and the story gateway, loaded on the first story.
    ...common,
    ...sdk,
    entryPoints: ['src/bundles/story.ts'],
    outfile: 'dist/story.js',
    minify: production,
    sourcemap: !production,
    sourcesContent: false,
    metafile: true,
  },
  {
    // The story history (stories on disk, their index, Markdown), loaded when the panel first lists one.
    ...common,
    entryPoints: ['src/bundles/history.ts'],
    outfile: 'dist/history.js',
    minify: production,
    sourcemap: !production,
    sourcesContent: false,
    metafile: true,
  },
  {
    // Story projects (yaml, the codex, context assembly), loaded when a workspace has one or a project command runs.
    ...common,
    entryPoints: ['src/bundles/project.ts'],
    outfile: 'dist/project.js',
    minify: production,
    sourcemap: !production,
    sourcesContent: false,
    metafile: true,
  },
  {
    // Configure from Stack Outputs, loaded when the command runs.
    ...common,
    entryPoints: ['src/bundles/configure.ts'],
    outfile: 'dist/configure.js',
    minify: production,
    sourcemap: !production,
    sourcesContent: false,
    metafile: true,
  },
  // The story panel's webview (webview/story): dist/webview/story.js and story.css.
  ...webviewBuilds({ production, outdir: 'dist/webview' }),
];

if (!production) {
  // Integration suites run inside the extension host, which loads plain CommonJS.
  builds.push({
    ...common,
    entryPoints: [...tsFiles('test/integration')],
    outdir: 'out/test/integration',
    outbase: 'test/integration',
    external: ['vscode', 'mocha'],
    sourcemap: 'inline',
  });
}

/** Prints the markers that the "npm: watch" task's problem matcher waits for. */
const watchMarkers = {
  name: 'watch-markers',
  setup(build) {
    build.onStart(() => console.log('[watch] build started'));
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}${location ? ` (${location.file}:${location.line}:${location.column})` : ''}`);
      }
      console.log('[watch] build finished');
    });
  },
};

// A production build must not ship a stale source map from a development build.
if (production) rmSync('dist', { recursive: true, force: true });

if (watch) {
  const contexts = await Promise.all(
    builds.map((b) => esbuild.context({ ...b, plugins: [...(b.plugins ?? []), watchMarkers] })),
  );
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  for (const b of builds) {
    const result = await esbuild.build(b);
    if (result.metafile) {
      const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
      console.log(
        `${b.outfile ?? Object.keys(result.metafile.outputs).find((f) => !f.endsWith('.map'))}: ${(bytes / 1024).toFixed(1)} KB${production ? ' (production)' : ''}`,
      );
    }
  }
}
