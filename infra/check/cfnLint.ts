// cfn-lint, the CloudFormation linter (with AWS's SAM translator), as a third check beside the
// schema check and the guard rules. It is a Python tool: on PATH, or where .ci/run installs it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Finding } from './finding';

/** The version .ci/run installs when cfn-lint is missing. */
export const CFN_LINT_VERSION = '1.51.0';
/** Where .ci/run installs it (a virtual environment, so no system Python is touched). */
export const CFN_LINT_VENV = resolve(__dirname, '..', '..', '.vscode-test', 'cfn-lint');

export class CfnLintMissing extends Error {}

/** STORYTELLER_CFN_LINT, else `cfn-lint` on PATH, else the virtual environment .ci/run makes. */
export function findCfnLint(env: NodeJS.ProcessEnv = process.env, venvDir = CFN_LINT_VENV): string {
  if (env['STORYTELLER_CFN_LINT']) return env['STORYTELLER_CFN_LINT'];
  const onPath = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8', env });
  if (onPath.status === 0) return 'cfn-lint';
  const venv = join(venvDir, 'bin', 'cfn-lint');
  if (existsSync(venv)) return venv;
  throw new CfnLintMissing(
    `cfn-lint is not installed. Install it with: pip install cfn-lint==${CFN_LINT_VERSION} (or run bash .ci/run).`,
  );
}

interface CfnLintMatch {
  readonly Rule: { readonly Id: string };
  readonly Level: string;
  readonly Message: string;
  readonly Filename: string;
  readonly Location: {
    readonly Start: { readonly LineNumber: number };
    readonly Path?: readonly (string | number)[] | null;
  };
}

/**
 * Lints every template in one cfn-lint run (it takes seconds to start) and returns the findings
 * per file, errors, warnings and informational alike: a clean template has none.
 */
export function runCfnLint(templates: readonly string[], binary = findCfnLint()): Map<string, Finding[]> {
  const result = spawnSync(binary, ['--format', 'json', '--include-checks', 'I', '--', ...templates], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error)
    throw new CfnLintMissing(
      `cfn-lint could not run (${result.error.message}). Install it with: pip install cfn-lint==${CFN_LINT_VERSION} (or run bash .ci/run).`,
    );
  let matches: CfnLintMatch[];
  try {
    matches = JSON.parse(result.stdout) as CfnLintMatch[];
  } catch {
    throw new Error(
      `cfn-lint failed (exit ${result.status}): ${(result.stderr || result.stdout).trim().slice(0, 2000)}`,
    );
  }
  const byFile = new Map<string, Finding[]>(templates.map((t) => [resolve(t), []]));
  for (const m of matches) {
    const path = m.Location.Path ?? [];
    const [section, name, ...rest] = path;
    const resource =
      section === 'Resources' && typeof name === 'string'
        ? name
        : section === undefined
          ? 'Template'
          : [section, name].filter((p) => p !== undefined).join('.');
    const property =
      (section === 'Resources' ? rest.filter((p) => p !== 'Properties') : rest).map(String).join('.') || undefined;
    const finding: Finding = {
      resource,
      ...(property ? { property } : {}),
      message: `[cfn-lint ${m.Rule.Id} ${m.Level.toLowerCase()}, line ${m.Location.Start.LineNumber}] ${m.Message}`,
    };
    const file = resolve(m.Filename);
    byFile.set(file, [...(byFile.get(file) ?? []), finding]);
  }
  return byFile;
}
