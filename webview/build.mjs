// esbuild options for the story panel's webview bundle, shared by esbuild.mjs and the
// Chromium tests (which build into a temp dir, so they need no prior build).

/**
 * @param {{ production: boolean, outdir: string }} options
 * @returns {import('esbuild').BuildOptions[]}
 */
export function webviewBuilds({ production, outdir }) {
  return [
    {
      // Browser code: one IIFE (the CSP allows only our nonce'd script, no modules to fetch).
      entryPoints: { story: 'webview/story/main.ts' },
      outdir,
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'chrome120',
      minify: production,
      sourcemap: !production,
      sourcesContent: false,
      metafile: true,
      logLevel: 'warning',
    },
    {
      entryPoints: { story: 'webview/story/styles.css' },
      outdir,
      bundle: true,
      minify: production,
      metafile: true,
      logLevel: 'warning',
    },
  ];
}
