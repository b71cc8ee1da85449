// The Python that runs the botocore checks: the emulator must give any AWS client AWS's answers,
// and botocore (boto3's and the AWS CLI's core) reads them with its own models and parsers. The
// machine image's python3 has it (cfn-lint's SAM translator needs boto3); elsewhere .ci/run's
// cfn-lint virtualenv does. STORYTELLER_PYTHON names another.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

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
