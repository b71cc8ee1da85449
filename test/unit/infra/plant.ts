// Helpers that plant one defect in a copy of infra/template.yaml, for tests that prove a check
// catches it. Each asserts that the text it replaces is really there, so a template edit that
// moves it makes the test fail loudly instead of passing vacuously.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatFinding } from '../../../infra/check/finding';
import type { Finding } from '../../../infra/check/finding';
import { parseTemplate } from '../../../infra/check/template';
import type { Template } from '../../../infra/check/template';

export const TEMPLATE_PATH = join(__dirname, '..', '..', '..', 'infra', 'template.yaml');
export const TEMPLATE_TEXT = readFileSync(TEMPLATE_PATH, 'utf8');

/** The template text with `from` replaced by `to`; `from` must occur exactly once. */
export function plantText(from: string, to: string): string {
  const count = TEMPLATE_TEXT.split(from).length - 1;
  assert.equal(count, 1, `expected exactly one ${JSON.stringify(from)} in template.yaml, found ${count}`);
  return TEMPLATE_TEXT.replace(from, to);
}

export function plantTemplate(from: string, to: string): Template {
  return parseTemplate(plantText(from, to));
}

/** A deep copy of the parsed template, changed by `mutate`. */
export function mutateTemplate(mutate: (template: Template) => void): Template {
  const copy = parseTemplate(TEMPLATE_TEXT);
  mutate(copy);
  return copy;
}

/** Temporary files that live until `cleanup()`. */
export class Scratch {
  private readonly dir = mkdtempSync(join(tmpdir(), 'storyteller-infra-test-'));
  private count = 0;

  write(text: string, extension = 'yaml'): string {
    const path = join(this.dir, `template-${++this.count}.${extension}`);
    writeFileSync(path, text);
    return path;
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Walks into a parsed template: path('Resources', 'UserPool', 'Properties'). */
export function at(template: Template, ...keys: (string | number)[]): Record<string, unknown> {
  let node: unknown = template;
  for (const key of keys) node = (node as Record<string | number, unknown>)[key];
  assert.ok(typeof node === 'object' && node !== null, `no mapping at ${keys.join('.')}`);
  return node as Record<string, unknown>;
}

/** Exactly one finding, from `rule`, on that resource and property, saying how to fix it. */
export function assertFinding(findings: Finding[], rule: string, resource: string, property: string | undefined): void {
  const lines = findings.map(formatFinding).join('\n');
  assert.equal(findings.length, 1, `expected one finding, got:\n${lines}`);
  const [finding] = findings as [Finding];
  assert.equal(finding.resource, resource, lines);
  assert.equal(finding.property, property, lines);
  assert.match(finding.message, new RegExp(`^\\[${rule}\\] `));
  assert.match(finding.message, /Fix: /, 'the rule explains how to fix it');
}
