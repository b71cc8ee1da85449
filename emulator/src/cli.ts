// `npm run local`: the emulator in the foreground. The first stdout line is the JSON that
// scripts and tests read; everything after it is for people.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_TEMPLATE, startEmulator } from './emulator';
import type { EmulatorOptions, RunningEmulator } from './emulator';

const USAGE = `Usage: npm run local -- [--port N] [--template PATH] [--param Key=Value]... [--state DIR]
                        [--stream-rate N] [--credentials-lifetime SECONDS] [--stack-name NAME] [--verbose]
  --stack-name  the stack DescribeStacks answers for (default bedrock-storyteller-local); it also seeds the ids`;

function parseArgs(argv: string[]): EmulatorOptions & { port: number } {
  const options: EmulatorOptions & { port: number } = {
    port: 4566,
    templatePath: DEFAULT_TEMPLATE,
    params: {},
    streamRate: 40,
  };
  const params: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] =
      arg.includes('=') && arg.startsWith('--')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    const integer = (v: string): number => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} needs a non-negative integer, got ${v}`);
      return n;
    };
    switch (flag) {
      case '--port':
        options.port = integer(value());
        break;
      case '--template':
        options.templatePath = resolve(value());
        break;
      case '--state':
        options.stateDir = resolve(value());
        break;
      case '--stream-rate':
        options.streamRate = integer(value());
        break;
      case '--credentials-lifetime':
        options.credentialsLifetimeSeconds = integer(value());
        break;
      case '--stack-name':
        options.stackName = value();
        break;
      case '--verbose':
        options.verbose = true;
        break;
      case '--param': {
        const kv = value();
        const eq = kv.indexOf('=');
        if (eq <= 0) throw new Error(`--param needs Key=Value, got ${kv}`);
        params[kv.slice(0, eq)] = kv.slice(eq + 1);
        break;
      }
      case '--help':
      case '-h':
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        throw new Error(`Unknown option ${arg}\n${USAGE}`);
    }
  }
  options.params = params;
  return options;
}

/** The describe-stacks JSON, in the state directory when there is one, else in the temp directory. */
function writeOutputs(emulator: RunningEmulator, options: EmulatorOptions): string {
  const path = join(options.stateDir ?? tmpdir(), `${emulator.stackName}-${emulator.port}-outputs.json`);
  writeFileSync(path, emulator.stackOutputsJson() + '\n');
  return path;
}

async function main(): Promise<void> {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
  const started = Date.now();
  const emulator = await startEmulator({ ...options, log: (line) => console.log(line) }).catch((err: Error) => {
    console.error(`Cannot start the emulator: ${err.message}`);
    process.exit(1);
  });
  const info = emulator.info();
  console.log(JSON.stringify(info));
  console.log(
    `Local AWS emulator ready in ${Date.now() - started} ms on ${emulator.endpoints.cognitoIdp} (template ${options.templatePath})`,
  );
  console.log(
    `  user pool ${info.userPoolId}, app client ${info.clientId}${info.clientSecret ? ' (with secret)' : ''}, identity pool ${info.identityPoolId}`,
  );
  console.log(`  outbox ${info.outbox}; faults and counters under ${emulator.endpoints.cognitoIdp}/_emulator/`);
  if (info.storyGatewayUrl)
    console.log(`  budget mode: story gateway at ${info.storyGatewayUrl} (SigV4, service lambda)`);
  if (info.hostedUiDomain)
    console.log(
      `  managed login (hosted UI) at ${info.hostedUiDomain}/oauth2/authorize, local Login with Amazon and Google where configured`,
    );
  console.log(
    `  stack ${emulator.stackName}: outputs (for Configure from Stack Outputs) in ${writeOutputs(emulator, options)}`,
  );
  console.log(
    `  check it: npm run check:stack -- --stack ${emulator.stackName} --endpoint ${emulator.endpoints.cognitoIdp}`,
  );
  console.log('  The story engine is local: no model is called. Ctrl+C stops.');
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping`);
    emulator.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

void main();
