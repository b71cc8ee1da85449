// Usage per story project (#26): a Continue Writing request, built as the extension builds it,
// through StoryService.streamRequest and the real Bedrock runtime client to the emulator, is
// counted under its project in the shared usage file and logged with its project and chapter;
// a request without an origin counts only in the day's totals.
import * as assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CognitoAuth } from '../../../src/core/auth/cognito';
import { createStoryService } from '../../../src/core/story/service';
import type { StoryService } from '../../../src/core/story/service';
import { localDateKey, parseLedger, projectSummaries } from '../../../src/core/story/usage/usage';
import { startEmulator } from '../../../emulator/src/emulator';
import type { RunningEmulator } from '../../../emulator/src/emulator';
import { DIRECT_MODE_TEAM } from '../../../emulator/src/presets';
import { authFor, configFor, signedIn } from '../../support/emulatorSession';
import { continueRequest } from '../../support/projectRequest';

const OPENING = 'Mira walked down to the harbour before dawn, counting the boats.';

describe('usage per story project through StoryService.streamRequest (emulator)', function () {
  this.timeout(30_000);
  let emu: RunningEmulator;
  let auth: CognitoAuth;
  let dir: string;
  let service: StoryService;
  const lines: string[] = [];

  before(async () => {
    emu = await startEmulator({ params: DIRECT_MODE_TEAM });
    auth = authFor(emu);
    dir = await mkdtemp(join(tmpdir(), 'storyteller-projusage-'));
    const { sessions } = await signedIn(emu, auth);
    service = createStoryService({
      config: configFor(emu),
      sessions,
      historyDir: join(dir, 'stories'),
      usage: { file: join(dir, 'usage.json') },
      log: (line) => lines.push(line),
    });
  });
  after(async () => {
    service.dispose();
    auth.dispose();
    await emu.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('counts a Continue Writing under its project, logs its chapter, and keeps one-offs out of the projects', async () => {
    const origin = { project: 'The <Tide> & Co', chapter: 'tide/chapters/01.md', command: 'continue' } as const;
    const a = await service.streamRequest(continueRequest(2_000, OPENING).request, 'adult', { origin });
    assert.equal(a.status, 'done', a.error?.message);
    const b = await service.streamRequest(continueRequest(2_000, OPENING).request, 'adult');
    assert.equal(b.status, 'done', b.error?.message);

    const onDisk = parseLedger(JSON.parse(await readFile(join(dir, 'usage.json'), 'utf8')));
    const day = onDisk.days[localDateKey(new Date())];
    assert.equal(day?.requests, 2);
    assert.equal(day?.totalTokens, a.usage!.totalTokens + b.usage!.totalTokens);
    assert.deepEqual(Object.keys(day?.projects ?? {}), [origin.project]);
    assert.equal(day?.projects?.[origin.project]?.requests, 1);
    assert.equal(day?.projects?.[origin.project]?.totalTokens, a.usage!.totalTokens);

    const today = projectSummaries(service.usageToday());
    assert.deepEqual(
      today.map((p) => [p.project, p.requests, p.totalTokens]),
      [[origin.project, 1, a.usage!.totalTokens]],
    );
    const logged = lines.filter((l) => l.startsWith('Project request'));
    assert.equal(logged.length, 2, lines.join('\n'));
    assert.match(
      logged[0]!,
      /^Project request \(continue, project "The <Tide> & Co", chapter "tide\/chapters\/01\.md"\): done, /,
    );
    assert.match(logged[1]!, /^Project request: done, /);
  });
});
