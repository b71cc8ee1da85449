// Runs the policy rules in infra/rules with the cfn-guard binary that
// @cdklabs/cdk-validator-cfnguard ships, and turns its report into findings.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Finding } from './finding';
import { isRecord, loadTemplate } from './template';
import type { Template } from './template';

export const RULES_DIR = join(__dirname, '..', 'rules');

/** Exit codes of `cfn-guard validate`: 0 all rules pass or skip, 19 some rule fails. */
const GUARD_PASS = 0;
const GUARD_FAIL = 19;

export function guardBinaryPath(): string {
  const os = platform() === 'linux' ? 'ubuntu' : platform() === 'darwin' ? 'macos' : undefined;
  const cpu = arch() === 'x64' ? 'x86_64' : arch() === 'arm64' ? 'aarch64' : undefined;
  if (os === undefined || cpu === undefined) throw new Error(`cfn-guard is not shipped for ${platform()}/${arch()}.`);
  const packageDir = dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json'));
  const binary = join(packageDir, 'bin', os, cpu, 'cfn-guard');
  if (!existsSync(binary))
    throw new Error(`cfn-guard not found at ${binary}; reinstall @cdklabs/cdk-validator-cfnguard.`);
  return binary;
}

/** Checks the template file at `templatePath` against every rule file in `rulesDir`. */
export function runGuard(templatePath: string, rulesDir: string = RULES_DIR): Finding[] {
  return runGuardOnTemplate(loadTemplate(templatePath), rulesDir);
}

export function runGuardOnTemplate(template: Template, rulesDir: string = RULES_DIR): Finding[] {
  // Guard's YAML reader does not know CloudFormation's short tags, so it gets yaml-cfn's JSON.
  const dir = mkdtempSync(join(tmpdir(), 'storyteller-guard-'));
  try {
    const data = join(dir, 'template.json');
    writeFileSync(data, JSON.stringify(template, null, 1));
    const result = spawnSync(
      guardBinaryPath(),
      [
        'validate',
        '--rules',
        rulesDir,
        '--data',
        data,
        '--output-format',
        'json',
        '--structured',
        '--show-summary',
        'none',
      ],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    if (result.error) throw result.error;
    if (result.status !== GUARD_PASS && result.status !== GUARD_FAIL) {
      throw new Error(
        `cfn-guard failed (exit ${result.status ?? result.signal}): ${(result.stderr || result.stdout).trim()}`,
      );
    }
    return parseGuardReport(JSON.parse(result.stdout) as unknown);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Turns guard's structured JSON report into one finding per failing check and location. */
export function parseGuardReport(report: unknown): Finding[] {
  const findings = new Map<string, Finding>();
  for (const file of Array.isArray(report) ? report : [report]) {
    if (!isRecord(file) || !Array.isArray(file['not_compliant'])) continue;
    for (const entry of file['not_compliant']) {
      const rule = isRecord(entry) && isRecord(entry['Rule']) ? entry['Rule'] : undefined;
      if (rule === undefined) continue;
      const name = typeof rule['name'] === 'string' ? rule['name'] : 'guard rule';
      collect(rule, name, customMessage(rule), findings);
    }
  }
  return [...findings.values()];
}

/** Walks a rule's nested checks, carrying the nearest custom message down to each failing leaf. */
function collect(node: unknown, rule: string, message: string | undefined, findings: Map<string, Finding>): void {
  if (Array.isArray(node)) {
    for (const child of node) collect(child, rule, message, findings);
    return;
  }
  if (!isRecord(node)) return;
  const own = customMessage(node) ?? message;
  const path = leafPath(node);
  if (path !== undefined) {
    const finding = toFinding(path, missingProperty(node), `[${rule}] ${own ?? errorMessage(node) ?? 'rule failed'}`);
    findings.set(JSON.stringify(finding), finding);
    return;
  }
  for (const child of Object.values(node)) collect(child, rule, own, findings);
}

function customMessage(node: Record<string, unknown>): string | undefined {
  const messages = node['messages'];
  const text = isRecord(messages) ? messages['custom_message'] : undefined;
  if (typeof text !== 'string' || text.trim() === '') return undefined;
  // Rule messages span lines ("Violation: ..." / "Fix: ..."); a finding is one line.
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .join(' ')
    .replace(/^Violation:\s*/, '');
}

function errorMessage(node: Record<string, unknown>): string | undefined {
  const messages = node['messages'];
  const text = isRecord(messages) ? messages['error_message'] : undefined;
  return typeof text === 'string' ? text : undefined;
}

/** The data path a failing check points at: `from.path` of a comparison, or where a lookup stopped. */
function leafPath(node: Record<string, unknown>): string | undefined {
  const check = node['check'];
  if (!isRecord(check)) return undefined;
  for (const variant of Object.values(check)) {
    if (!isRecord(variant)) continue;
    const from = variant['from'];
    if (isRecord(from) && typeof from['path'] === 'string') return from['path'];
    const traversed = variant['traversed_to'];
    if (isRecord(traversed) && typeof traversed['path'] === 'string') return traversed['path'];
    const value = variant['value'];
    if (isRecord(value) && isRecord(value['traversed_to']) && typeof value['traversed_to']['path'] === 'string') {
      return value['traversed_to']['path'];
    }
    if (isRecord(value) && typeof value['path'] === 'string') return value['path'];
  }
  return undefined;
}

/** Guard reports a missing property at its parent, and names it only in the error text. */
function missingProperty(node: Record<string, unknown>): string | undefined {
  const match = /property \[([^\]]+)\] to compare from is missing/.exec(errorMessage(node) ?? '');
  return match?.[1];
}

/** "/Resources/UserPool/Properties/Policies/PasswordPolicy" + "MinimumLength" → UserPool,
 * Policies.PasswordPolicy.MinimumLength */
function toFinding(path: string, missing: string | undefined, message: string): Finding {
  const segments = path.split('/').filter(Boolean);
  if (missing !== undefined) segments.push(...missing.split('.'));
  const [section, id, ...rest] = segments;
  const resource = section === 'Resources' ? (id ?? 'Template') : `${section ?? 'Template'}.${id ?? ''}`;
  let inner = section === 'Resources' && rest[0] === 'Properties' ? rest.slice(1) : rest;
  // Stop at the first intrinsic so the path names the template property, not Fn::Sub internals.
  const intrinsic = inner.findIndex((s) => s === 'Ref' || s.startsWith('Fn::'));
  if (intrinsic >= 0) inner = inner.slice(0, intrinsic);
  const property = inner.reduce((acc, s) => (/^\d+$/.test(s) ? `${acc}[${s}]` : acc === '' ? s : `${acc}.${s}`), '');
  return property === '' ? { resource, message } : { resource, property, message };
}
