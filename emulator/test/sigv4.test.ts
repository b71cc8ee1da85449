// SigV4 as AWS verifies it, proven with three signers that share no code: the aws4 package and
// curl --aws-sigv4 over HTTP/1.1, and the JS SDK over h2c. Each one is accepted on GET and POST,
// and each is refused when one thing changes after signing.
import { BedrockClient, ListFoundationModelsCommand } from '@aws-sdk/client-bedrock';
import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
} from '@aws-sdk/client-bedrock-runtime';
import type { ServiceInputTypes, ServiceOutputTypes } from '@aws-sdk/client-bedrock-runtime';
import { AdminConfirmSignUpCommand, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { FinalizeRequestMiddleware } from '@smithy/types';
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import type { RunningEmulator } from '../src/emulator';
import { credentialsFor } from './bedrockHelpers';
import type { AwsCredentialIdentity } from './bedrockHelpers';
import { PASSWORD, idpClient, rejectsWith, start, uniqueEmail } from './helpers';
import { aws4Sign, curl, curlSign, errorType, send } from './sigv4Clients';
import type { WireRequest, WireResponse } from './sigv4Clients';
import { DIRECT_MODE_TEAM } from '../src/presets';

const PROMPT = 'A short story about a lighthouse keeper named Mara.';
const NOVA = '/model/amazon.nova-lite-v1%3A0';
// curl 7.88 signs the path as sent, without AWS's second encoding, so its model id has no ':'.
const TITAN = '/model/amazon.titan-text-express-v1';
const converseBody = JSON.stringify({
  messages: [{ role: 'user', content: [{ text: PROMPT }] }],
  inferenceConfig: { maxTokens: 20 },
});
const titanBody = JSON.stringify({ inputText: PROMPT, textGenerationConfig: { maxTokenCount: 20 } });
const JSON_TYPE = { 'content-type': 'application/json' };

function ok(res: WireResponse, what: string): void {
  assert.equal(res.status, 200, `${what}: ${res.status} ${res.body.slice(0, 300)}`);
}

function refused(res: WireResponse, name: string, message?: RegExp): void {
  assert.equal(res.status, 403, `expected 403 ${name}, got ${res.status} ${res.body.slice(0, 300)}`);
  assert.equal(errorType(res), name, res.body);
  if (message) assert.match(res.body, message);
}

/** Changes after signing that AWS must refuse, applied to any signer's wire request. */
const TAMPERS: [string, (r: WireRequest) => WireRequest][] = [
  [
    'a signed header changed',
    (r) => ({
      ...r,
      headers: Object.fromEntries(
        Object.entries(r.headers).map(([k, v]) => [k, k.toLowerCase() === 'content-type' ? `${v}; charset=utf-8` : v]),
      ),
    }),
  ],
  ['the body changed', (r) => ({ ...r, body: r.body.replace('Mara', 'Nora') })],
  ['the path changed', (r) => ({ ...r, path: r.path.replace('/converse', '/invoke') })],
];

describe('SigV4 as AWS verifies it (aws4, curl, the JS SDK)', () => {
  let emu: RunningEmulator;
  let creds: AwsCredentialIdentity;
  let port: number;
  const clearFaults = () => fetch(`${emu.endpoints.cognitoIdp}/_emulator/faults`, { method: 'DELETE' });
  const skew = (seconds: number) => emu.fault({ kind: 'clockSkew', seconds });

  before(async () => {
    execFileSync('curl', ['--version']);
    emu = await start({
      params: { ...DIRECT_MODE_TEAM, AllowedModelIds: 'amazon.nova-lite-v1:0,amazon.titan-text-express-v1' },
    });
    port = emu.port;
    creds = await credentialsFor(emu);
  });
  afterEach(() => clearFaults());
  after(() => emu.stop());

  describe('aws4 over HTTP/1.1', () => {
    it('GET ListFoundationModels and POST Converse, ConverseStream and InvokeModel', async () => {
      const list = await send(port, aws4Sign(port, { method: 'GET', path: '/foundation-models', body: '' }, creds));
      ok(list, 'ListFoundationModels');
      assert.ok((JSON.parse(list.body) as { modelSummaries: unknown[] }).modelSummaries.length > 0);
      const converse = await send(
        port,
        aws4Sign(port, { method: 'POST', path: `${NOVA}/converse`, headers: JSON_TYPE, body: converseBody }, creds),
      );
      ok(converse, 'Converse');
      assert.equal((JSON.parse(converse.body) as { usage: { outputTokens: number } }).usage.outputTokens, 20);
      const stream = await send(
        port,
        aws4Sign(
          port,
          { method: 'POST', path: `${NOVA}/converse-stream`, headers: JSON_TYPE, body: converseBody },
          creds,
        ),
      );
      ok(stream, 'ConverseStream');
      assert.equal(stream.headers['content-type'], 'application/vnd.amazon.eventstream');
      ok(
        await send(
          port,
          aws4Sign(port, { method: 'POST', path: `${TITAN}/invoke`, headers: JSON_TYPE, body: titanBody }, creds),
        ),
        'InvokeModel',
      );
    });

    it('accepts a presigned (query-string) request within X-Amz-Expires', async () => {
      const signed = aws4Sign(port, { method: 'GET', path: '/foundation-models?X-Amz-Expires=600', body: '' }, creds, {
        presign: true,
      });
      assert.match(signed.path, /X-Amz-Signature=/);
      assert.equal(signed.headers.Authorization, undefined);
      ok(await send(port, signed), 'presigned ListFoundationModels');
      // Eight minutes later it is still good (600 s), where a header signature would be too old.
      skew(480);
      ok(await send(port, signed), 'presigned, 8 minutes later');
      skew(660);
      refused(await send(port, signed), 'InvalidSignatureException', /Signature expired/);
      await clearFaults();
      const tampered = { ...signed, path: signed.path.replace('X-Amz-Expires=600', 'X-Amz-Expires=700') };
      refused(await send(port, tampered), 'InvalidSignatureException', /does not match/);
    });

    for (const [what, tamper] of TAMPERS) {
      it(`refuses ${what} after signing`, async () => {
        const signed = aws4Sign(
          port,
          { method: 'POST', path: `${NOVA}/converse`, headers: JSON_TYPE, body: converseBody },
          creds,
        );
        ok(await send(port, signed), 'the untampered request');
        refused(
          await send(port, tamper(signed)),
          'InvalidSignatureException',
          /signature we calculated does not match/,
        );
      });
    }

    it('refuses another region or service in the scope, a date 6 minutes off, unknown keys and a missing session token', async () => {
      const req = { method: 'POST', path: `${NOVA}/converse`, headers: JSON_TYPE, body: converseBody };
      refused(
        await send(port, aws4Sign(port, req, creds, { region: 'eu-west-1' })),
        'InvalidSignatureException',
        /scoped to a valid region/,
      );
      refused(
        await send(port, aws4Sign(port, req, creds, { service: 'cognito-idp' })),
        'InvalidSignatureException',
        /scoped to correct service: 'bedrock'/,
      );
      const signed = aws4Sign(port, req, creds);
      skew(360);
      refused(await send(port, signed), 'InvalidSignatureException', /Signature expired/);
      skew(-360);
      refused(await send(port, signed), 'InvalidSignatureException', /Signature not yet current/);
      await clearFaults();
      refused(
        await send(port, aws4Sign(port, req, { ...creds, accessKeyId: 'ASIAUNKNOWNKEY000000' })),
        'UnrecognizedClientException',
      );
      refused(
        await send(port, aws4Sign(port, req, { ...creds, secretAccessKey: 'x'.repeat(40) })),
        'InvalidSignatureException',
        /does not match/,
      );
      const { sessionToken: _dropped, ...noToken } = creds;
      refused(
        await send(port, aws4Sign(port, req, noToken)),
        'UnrecognizedClientException',
        /security token included in the request is invalid/,
      );
    });

    it('signs Cognito admin calls (any signed caller), and refuses them unsigned', async () => {
      const email = uniqueEmail('aws4');
      await idpClient(emu).send(new SignUpCommand({ ClientId: emu.clientId, Username: email, Password: PASSWORD }));
      const call = (target: string, body: unknown) => ({
        method: 'POST',
        path: '/',
        body: JSON.stringify(body),
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': `AWSCognitoIdentityProviderService.${target}`,
        },
      });
      const admin = call('AdminConfirmSignUp', { UserPoolId: emu.userPoolId, Username: email });
      const unsigned = await send(port, { ...admin, headers: { ...admin.headers, host: `127.0.0.1:${port}` } });
      assert.equal(unsigned.status, 400);
      assert.equal(errorType(unsigned), 'MissingAuthenticationTokenException');
      const res = await send(
        port,
        aws4Sign(
          port,
          admin,
          { accessKeyId: 'AKIDANYADMIN00000000', secretAccessKey: 'any' },
          { service: 'cognito-idp' },
        ),
      );
      assert.equal(res.status, 200, res.body);
      // Confirmed: a second confirmation is refused as Cognito refuses it.
      await rejectsWith(
        idpClient(emu).send(new AdminConfirmSignUpCommand({ UserPoolId: emu.userPoolId, Username: email })),
        'NotAuthorizedException',
        /Current status is CONFIRMED/,
      );
    });
  });

  describe('curl --aws-sigv4 over HTTP/1.1', () => {
    it('GET ListFoundationModels and POST Converse, ConverseStream and InvokeModel', async () => {
      const list = await curl(port, { method: 'GET', path: '/foundation-models', body: '' }, creds);
      ok(list, 'ListFoundationModels');
      assert.ok((JSON.parse(list.body) as { modelSummaries: unknown[] }).modelSummaries.length > 0);
      const converse = await curl(
        port,
        { method: 'POST', path: `${TITAN}/converse`, headers: JSON_TYPE, body: converseBody },
        creds,
      );
      ok(converse, 'Converse');
      assert.equal((JSON.parse(converse.body) as { usage: { outputTokens: number } }).usage.outputTokens, 20);
      ok(
        await curl(
          port,
          { method: 'POST', path: `${TITAN}/converse-stream`, headers: JSON_TYPE, body: converseBody },
          creds,
        ),
        'ConverseStream',
      );
      const invoke = await curl(
        port,
        { method: 'POST', path: `${TITAN}/invoke`, headers: JSON_TYPE, body: titanBody },
        creds,
      );
      ok(invoke, 'InvokeModel');
      assert.equal((JSON.parse(invoke.body) as { results: { tokenCount: number }[] }).results[0]?.tokenCount, 20);
    });

    it('reaches the identity pool (GetId, unsigned as in AWS) from a plain HTTP client', async () => {
      const res = await send(port, {
        method: 'POST',
        path: '/',
        body: JSON.stringify({ IdentityPoolId: emu.identityPoolId }),
        headers: {
          host: `127.0.0.1:${port}`,
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'AWSCognitoIdentityService.GetId',
        },
      });
      // The template refuses unauthenticated identities; the answer is Cognito's, not a signature error.
      assert.equal(res.status, 400);
      assert.equal(errorType(res), 'NotAuthorizedException');
    });

    for (const [what, tamper] of TAMPERS) {
      it(`refuses ${what} after signing`, async () => {
        const signed = await curlSign(
          port,
          { method: 'POST', path: `${TITAN}/converse`, headers: JSON_TYPE, body: converseBody },
          creds,
        );
        ok(await send(port, signed), 'the untampered request as curl sent it');
        refused(
          await send(port, tamper(signed)),
          'InvalidSignatureException',
          /signature we calculated does not match/,
        );
      });
    }

    it('refuses another region or service in the scope, a date 6 minutes off, unknown keys and a missing session token', async () => {
      const req = { method: 'POST', path: `${TITAN}/converse`, headers: JSON_TYPE, body: converseBody };
      refused(
        await curl(port, req, creds, { region: 'eu-west-1' }),
        'InvalidSignatureException',
        /scoped to a valid region/,
      );
      refused(
        await curl(port, req, creds, { service: 'execute-api' }),
        'InvalidSignatureException',
        /scoped to correct service: 'bedrock'/,
      );
      const signed = await curlSign(port, req, creds);
      skew(360);
      refused(await send(port, signed), 'InvalidSignatureException', /Signature expired/);
      await clearFaults();
      refused(await curl(port, req, { ...creds, accessKeyId: 'ASIAUNKNOWNKEY000000' }), 'UnrecognizedClientException');
      refused(
        await curl(port, req, { ...creds, secretAccessKey: 'x'.repeat(40) }),
        'InvalidSignatureException',
        /does not match/,
      );
      const { sessionToken: _dropped, ...noToken } = creds;
      refused(
        await curl(port, req, noToken),
        'UnrecognizedClientException',
        /security token included in the request is invalid/,
      );
    });
  });

  describe('the JS SDK over h2c', () => {
    const sdk = (c: AwsCredentialIdentity, region = emu.region) =>
      new BedrockRuntimeClient({ region, endpoint: emu.endpoints.bedrockRuntime, credentials: c, maxAttempts: 1 });
    const converse = () =>
      new ConverseCommand({
        modelId: 'amazon.nova-lite-v1:0',
        messages: [{ role: 'user', content: [{ text: PROMPT }] }],
        inferenceConfig: { maxTokens: 20 },
      });

    /** A client whose requests are changed after the SDK signed them. */
    function tampered(
      change: (req: { headers: Record<string, string>; body: unknown; path: string }) => void,
    ): BedrockRuntimeClient {
      const client = sdk(creds);
      const after: FinalizeRequestMiddleware<ServiceInputTypes, ServiceOutputTypes> = (next) => (args) => {
        change(args.request as { headers: Record<string, string>; body: unknown; path: string });
        return next(args);
      };
      client.middlewareStack.addRelativeTo(after, {
        name: 'tamperAfterSigning',
        relation: 'after',
        toMiddleware: 'httpSigningMiddleware',
      });
      return client;
    }

    it('ListFoundationModels, Converse, ConverseStream and InvokeModel', async () => {
      const list = await new BedrockClient({
        region: emu.region,
        endpoint: emu.endpoints.bedrock,
        credentials: creds,
      }).send(new ListFoundationModelsCommand({}));
      assert.ok((list.modelSummaries ?? []).length > 0);
      const client = sdk(creds);
      assert.equal((await client.send(converse())).usage?.outputTokens, 20);
      const stream = await client.send(
        new ConverseStreamCommand({
          modelId: 'amazon.nova-lite-v1:0',
          messages: [{ role: 'user', content: [{ text: PROMPT }] }],
          inferenceConfig: { maxTokens: 5 },
        }),
      );
      let deltas = 0;
      for await (const e of stream.stream ?? []) if (e.contentBlockDelta) deltas++;
      assert.equal(deltas, 5);
      const invoke = await client.send(
        new InvokeModelCommand({ modelId: 'amazon.titan-text-express-v1', body: titanBody }),
      );
      assert.equal(
        (JSON.parse(Buffer.from(invoke.body).toString('utf8')) as { results: { tokenCount: number }[] }).results[0]
          ?.tokenCount,
        20,
      );
    });

    it('refuses a header, the body or the path changed after signing', async () => {
      await rejectsWith(
        tampered((r) => {
          r.headers['content-type'] = 'application/json; charset=utf-8';
        }).send(converse()),
        'InvalidSignatureException',
        /does not match/,
      );
      await rejectsWith(
        tampered((r) => {
          r.body = Buffer.from(r.body as Uint8Array)
            .toString('utf8')
            .replace('Mara', 'Nora');
        }).send(converse()),
        'InvalidSignatureException',
        /x-amz-content-sha256/,
      );
      await rejectsWith(
        tampered((r) => {
          r.path = r.path.replace('/converse', '/invoke');
        }).send(converse()),
        'InvalidSignatureException',
        /does not match/,
      );
    });

    it('refuses another region or service in the scope, a date 6 minutes off, unknown keys and a missing session token', async () => {
      await rejectsWith(
        sdk(creds, 'eu-west-1').send(converse()),
        'InvalidSignatureException',
        /scoped to a valid region/,
      );
      await rejectsWith(
        tampered((r) => {
          r.headers.authorization = (r.headers.authorization ?? '').replace('/bedrock/', '/s3/');
        }).send(converse()),
        'InvalidSignatureException',
        /scoped to correct service/,
      );
      skew(360);
      await rejectsWith(sdk(creds).send(converse()), 'InvalidSignatureException', /Signature expired/);
      await clearFaults();
      await rejectsWith(
        sdk({ ...creds, accessKeyId: 'ASIAUNKNOWNKEY000000' }).send(converse()),
        'UnrecognizedClientException',
      );
      const { sessionToken: _dropped, ...noToken } = creds;
      await rejectsWith(sdk(noToken).send(converse()), 'UnrecognizedClientException');
    });
  });

  describe('expired keys (last: this expires every key issued so far)', () => {
    it('refuses an expired key from every signer', async () => {
      const mine = await credentialsFor(emu);
      emu.fault({ kind: 'expireCredentials' });
      const req = { method: 'POST', path: `${TITAN}/converse`, headers: JSON_TYPE, body: converseBody };
      refused(await send(port, aws4Sign(port, req, mine)), 'ExpiredTokenException');
      refused(await curl(port, req, mine), 'ExpiredTokenException');
      await rejectsWith(
        new BedrockRuntimeClient({
          region: emu.region,
          endpoint: emu.endpoints.bedrockRuntime,
          credentials: mine,
          maxAttempts: 1,
        }).send(
          new ConverseCommand({
            modelId: 'amazon.nova-lite-v1:0',
            messages: [{ role: 'user', content: [{ text: PROMPT }] }],
          }),
        ),
        'ExpiredTokenException',
      );
    });
  });
});
