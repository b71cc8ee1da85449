// `npm run check:stack -- [outputs.json | - | --stack name] [--region r] [--endpoint url] [--json]
//  [--email-domain d] [--with-client-secret]`: proves a deployed stack works end to end as the
// extension uses it. Reads the outputs JSON from the file, or stdin when it is `-` or absent, or
// with DescribeStacks (`--stack`).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { isLoopbackHost } from '../../src/core/auth/endpoints';
import { allPassed, formatLine, summary } from './report';
import { runChecks } from './run';
import { Cleanup } from './throwawayUser';

const USAGE = `Usage: npm run check:stack -- [outputs.json | - | --stack <name>] [--region <region>] [--endpoint <url>] [--json]
                              [--email-domain <domain>] [--with-client-secret]
  outputs.json  the JSON of \`aws cloudformation describe-stacks --stack-name <name>\` or
                \`sam list stack-outputs --stack-name <name> --output json\` (stdin when - or absent)
  --stack       read the outputs of that stack with DescribeStacks instead (your default AWS credentials)
  --endpoint    send every AWS call there (npm run local prints its address)
  --email-domain  the throwaway user's domain, one AllowedEmailDomains admits (default example.com)
  --with-client-secret  the app client's secret is meant (GenerateClientSecret=true)
Admin calls (AdminCreateUser, AdminDeleteUser, DescribeUserPoolClient) use your default AWS credentials.`;

function args() {
  return parseArgs({
    allowPositionals: true,
    options: {
      region: { type: 'string' },
      endpoint: { type: 'string' },
      json: { type: 'boolean', default: false },
      'email-domain': { type: 'string' },
      'with-client-secret': { type: 'boolean', default: false },
      stack: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}

/** The default chain; against a local emulator (any signed caller is its admin), placeholders when it finds none. */
function adminCredentials(endpoint: string | undefined): AwsCredentialIdentityProvider {
  const chain = fromNodeProviderChain();
  if (!endpoint || !isLoopbackHost(new URL(endpoint).hostname)) return chain;
  return () => chain().catch(() => ({ accessKeyId: 'AKIDLOCALCHECKSTACK0', secretAccessKey: 'local' }));
}

async function main(): Promise<number> {
  const { values, positionals } = args();
  if (values.help) return (console.log(USAGE), 0);
  if (values.stack && positionals.length > 0) {
    console.error('Pass either the outputs JSON or --stack <name>, not both.');
    return 2;
  }
  const source = positionals[0] ?? '-';
  const outputs = values.stack
    ? { stackName: values.stack }
    : { outputsText: readFileSync(source === '-' ? 0 : source, 'utf8') };
  const cleanup = new Cleanup();
  // Ctrl-C: delete the throwaway user before leaving.
  process.once('SIGINT', () => {
    void cleanup.run().then((done) => {
      for (const r of done) console.error(formatLine(r));
      process.exit(130);
    });
  });
  const results = await runChecks(
    {
      ...outputs,
      adminCredentials: adminCredentials(values.endpoint),
      clientSecretMeant: values['with-client-secret'] ?? false,
      ...(values.endpoint ? { endpoint: values.endpoint } : {}),
      ...(values.region ? { region: values.region } : {}),
      ...(values['email-domain'] ? { emailDomain: values['email-domain'] } : {}),
      ...(values.json ? {} : { onResult: (r) => console.log(formatLine(r)) }),
    },
    cleanup,
  );
  if (values.json) console.log(JSON.stringify({ ok: allPassed(results), results }, null, 2));
  else console.log(summary(results));
  return allPassed(results) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(2);
  },
);
