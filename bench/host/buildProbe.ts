// Bundles a probe that runs inside the VS Code host (`vscode` comes from the host) into one file.
import { join } from 'node:path';
import * as esbuild from 'esbuild';

/** Builds bench/host/<name>.ts to <outDir>/<name>.js and returns that path. */
export async function buildProbe(name: string, outDir: string): Promise<string> {
  const outfile = join(outDir, `${name}.js`);
  await esbuild.build({
    entryPoints: [join(__dirname, `${name}.ts`)],
    outfile,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    external: ['vscode'],
    logLevel: 'error',
  });
  return outfile;
}
