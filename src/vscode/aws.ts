// Loads dist/aws.js on first use. A computed path keeps esbuild from inlining it into
// dist/extension.js, so the AWS SDK stays off the activation path.
import { join } from 'node:path';
import type * as Aws from '../aws';

let loaded: typeof Aws | undefined;

export function loadAws(): typeof Aws {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a runtime path, on purpose
  loaded ??= require(join(__dirname, 'aws.js')) as typeof Aws;
  return loaded;
}
