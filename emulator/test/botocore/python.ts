// The Python that runs the botocore checks: the emulator must give any AWS client AWS's answers,
// and botocore (boto3's and the AWS CLI's core) reads them with its own models and parsers. The
// machine image's python3 has it (cfn-lint's SAM translator needs boto3); elsewhere .ci/run's
// cfn-lint virtualenv does. STORYTELLER_PYTHON names another.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(__dirname, '..', '..', '..');

export function pythonWithBotocore(): string {
  const candidates = [
    process.env.STORYTELLER_PYTHON,
    'python3',
    join(ROOT, '.vscode-test', 'cfn-lint', 'bin', 'python'),
  ].filter((c): c is string => !!c && (!c.includes('/') || existsSync(c)));
  for (const python of candidates) {
    const probe = spawnSync(python, ['-c', 'import botocore'], { stdio: 'ignore' });
    if (probe.status === 0) return python;
  }
  throw new Error(
    `No Python with botocore (tried ${candidates.join(', ')}): run \`bash .ci/run\` once (it makes the cfn-lint virtualenv), or \`pip install botocore\`, or set STORYTELLER_PYTHON.`,
  );
}

/**
 * Runs emulator/test/botocore/<script> with only `env` (and PATH, HOME; no AWS profile of this
 * machine's user) and parses the one JSON object it prints.
 */
export async function runBotocore<T>(script: string, env: Record<string, string>): Promise<T> {
  const { stdout } = await promisify(execFile)(pythonWithBotocore(), [join(__dirname, script)], {
    timeout: 50_000,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      ...env,
    },
  });
  return JSON.parse(stdout) as T;
}
