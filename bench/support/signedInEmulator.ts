// The set-up the story benchmarks share: an emulator streaming at a reader's pace, a user signed
// up and in through Cognito, a config pointing at the emulator, story services writing their
// history to a temp dir, and a raw Bedrock client with that user's identity-pool credentials.
// Everything is disposed (and the emulator stopped) however the benchmark ends.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { CognitoAuth } from '../../src/core/auth/cognito';
import type { SettingKey, StorytellerConfig } from '../../src/core/config';
import { CognitoCredentials } from '../../src/core/story/generation/credentials';
import { createStoryService } from '../../src/core/story/service';
import type { StoryService } from '../../src/core/story/service';
import { startEmulator } from '../../emulator/src/emulator';
import type { RunningEmulator } from '../../emulator/src/emulator';
import { authFor, configFor, signedIn } from '../../test/support/emulatorSession';

/** Tokens per second the emulator streams: a reader's pace, as a model streams. */
export const STREAM_RATE = 40;

export interface SignedInEmulatorSetup {
  /** The template's parameters. */
  readonly params: Record<string, string>;
  /** The temp history dir's name, before mkdtemp's suffix. */
  readonly tempPrefix: string;
  /** Settings beyond the emulator's region, pools and endpoints. */
  readonly settings?: (emu: RunningEmulator) => Partial<Record<SettingKey, unknown>>;
}

export interface SignedInEmulator {
  readonly emu: RunningEmulator;
  readonly auth: CognitoAuth;
  readonly user: Awaited<ReturnType<typeof signedIn>>;
  readonly config: StorytellerConfig;
  /** A new StoryService for the user, its history in the temp dir; disposed at the end. */
  newService(saveIntervalMs?: number): StoryService;
  /**
   * A Bedrock runtime client straight to the emulator (HTTP/1.1, like the service's), signing with
   * credentials from the same identity pool, fetched once; destroyed at the end.
   */
  rawDirectClient(): Promise<BedrockRuntimeClient>;
  /** Run at the end, before the services are disposed. */
  defer(cleanup: () => void): void;
}

/** Runs `body` on a fresh emulator with a signed-in user, then disposes everything it made. */
export async function withSignedInEmulator<T>(
  setup: SignedInEmulatorSetup,
  body: (s: SignedInEmulator) => Promise<T>,
): Promise<T> {
  const emu = await startEmulator({ params: setup.params, streamRate: STREAM_RATE });
  const dir = await mkdtemp(join(tmpdir(), setup.tempPrefix));
  const auth = authFor(emu);
  const user = await signedIn(emu, auth);
  const config = configFor(emu, setup.settings?.(emu));
  const services: StoryService[] = [];
  const cleanups: (() => void)[] = [];
  const s: SignedInEmulator = {
    emu,
    auth,
    user,
    config,
    newService(saveIntervalMs) {
      const service = createStoryService({
        config,
        sessions: user.sessions,
        historyDir: dir,
        ...(saveIntervalMs === undefined ? {} : { saveIntervalMs }),
      });
      services.push(service);
      return service;
    },
    async rawDirectClient() {
      const credentials = await new CognitoCredentials({
        region: emu.region,
        identityPoolId: emu.identityPoolId,
        userPoolId: emu.userPoolId,
        endpoint: emu.endpoints.cognitoIdentity,
        sessions: user.sessions,
      }).get();
      const client = new BedrockRuntimeClient({
        region: emu.region,
        endpoint: emu.endpoints.bedrockRuntime,
        requestHandler: new NodeHttpHandler(),
        credentials,
      });
      cleanups.push(() => client.destroy());
      return client;
    },
    defer(cleanup) {
      cleanups.push(cleanup);
    },
  };
  try {
    return await body(s);
  } finally {
    emu.clearFaults();
    for (const cleanup of cleanups.reverse()) cleanup();
    for (const service of services) service.dispose();
    user.sessions.dispose();
    auth.dispose();
    await emu.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
