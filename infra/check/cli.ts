// `npm run check:infra -- [--template PATH] [--rules DIR]`: the schema check, the Rules section,
// the guard rules and cfn-lint.
// Prints one line per finding and exits 1 if there are any, 2 if the checks could not run.
import { resolve } from 'node:path';
import { formatFinding } from './finding';
import type { Finding } from './finding';
import { runCfnLint } from './cfnLint';
import { RULES_DIR, runGuardOnTemplate } from './guard';
import { checkRules } from './rules';
import { checkSchema } from './schema';
import { loadTemplate } from './template';

const USAGE = 'usage: npm run check:infra -- [--template infra/template.yaml] [--rules infra/rules]';

interface Options {
  readonly template: string;
  readonly rules: string;
}

export function parseArgs(args: readonly string[]): Options | string {
  let template = resolve(__dirname, '..', 'template.yaml');
  let rules = RULES_DIR;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [flag, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg, undefined];
    if (flag === '--help' || flag === '-h') return USAGE;
    if (flag !== '--template' && flag !== '--rules') return `unknown argument ${arg}\n${USAGE}`;
    const value = inline ?? args[++i];
    if (value === undefined || value === '') return `${flag} needs a value\n${USAGE}`;
    if (flag === '--template') template = resolve(value);
    else rules = resolve(value);
  }
  return { template, rules };
}

export function checkTemplate(options: Options): Finding[] {
  const template = loadTemplate(options.template);
  return [
    ...checkSchema(template),
    ...checkRules(template),
    ...runGuardOnTemplate(template, options.rules),
    ...(runCfnLint([options.template]).get(options.template) ?? []),
  ];
}

function main(): number {
  const options = parseArgs(process.argv.slice(2));
  if (typeof options === 'string') {
    console.error(options);
    return options === USAGE ? 0 : 2;
  }
  let findings: Finding[];
  try {
    findings = checkTemplate(options);
  } catch (e) {
    console.error(`check:infra could not check ${options.template}: ${e instanceof Error ? e.message : String(e)}`);
    return 2;
  }
  for (const finding of findings) console.log(formatFinding(finding));
  console.error(
    findings.length === 0 ? `${options.template}: no findings.` : `${options.template}: ${findings.length} finding(s).`,
  );
  return findings.length === 0 ? 0 : 1;
}

if (require.main === module) process.exitCode = main();
