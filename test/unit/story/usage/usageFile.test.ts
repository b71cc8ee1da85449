import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { daySummary, recordUsage } from '../../../../src/core/story/usage/usage';
import { UsageLedgerFile } from '../../../../src/core/story/usage/usageFile';

const AT = new Date(2026, 0, 15, 12);
const USAGE = { inputTokens: 10, outputTokens: 90, totalTokens: 100 };
const COST = { amount: 0.001, currency: 'USD', estimated: true as const };

describe('usage totals shared by windows', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'usage-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('two windows adding at the same time lose nothing (no last writer wins)', async () => {
    const path = join(dir, 'usage', 'user.json');
    const windowA = new UsageLedgerFile(path);
    const windowB = new UsageLedgerFile(path);
    const add = (w: UsageLedgerFile) => w.update((state) => recordUsage(state, USAGE, COST, AT));
    await Promise.all(
      Array.from({ length: 25 }, (_, i) => add(i % 2 ? windowA : windowB)).concat(
        Array.from({ length: 25 }, (_, i) => add(i % 2 ? windowB : windowA)),
      ),
    );
    const day = daySummary(await windowA.read(), AT);
    assert.equal(day.requests, 50);
    assert.equal(day.totalTokens, 5000);
    assert.ok(Math.abs(day.costUsd - 0.05) < 1e-9);
  });

  it('two processes adding at the same time lose nothing', async function () {
    this.timeout(30_000);
    const path = join(dir, 'shared.json');
    const script = join(__dirname, 'fixtures', 'addUsage.ts');
    const run = () =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', script, path, '20'], {
        cwd: join(__dirname, '..', '..', '..'),
      });
    await Promise.all([run(), run(), run()]);
    assert.equal(daySummary(await new UsageLedgerFile(path).read(), new Date()).requests, 60);
  });

  it('starts from the seed (the totals an older version kept), and survives a corrupt file', async () => {
    const path = join(dir, 'u.json');
    const seed = recordUsage({ version: 1, days: {} }, USAGE, COST, AT);
    const file = new UsageLedgerFile(path, { seed: () => seed });
    assert.equal(daySummary(await file.read(), AT).requests, 1);
    await file.update((s) => recordUsage(s, USAGE, COST, AT));
    assert.equal(daySummary(JSON.parse(await readFile(path, 'utf8')), AT).requests, 2);
    await writeFile(path, '{"version":1,"days":');
    assert.equal(daySummary(await file.read(), AT).requests, 0);
  });

  it('takes over a lock a crashed window left, and gives up on a live one with a clear error', async () => {
    const path = join(dir, 'l.json');
    await writeFile(`${path}.lock`, '');
    const live = new UsageLedgerFile(path, { lockWaitMs: 100 });
    await assert.rejects(
      live.update((s) => s),
      /another window held the usage totals/,
    );
    const afterCrash = new UsageLedgerFile(path, { staleLockMs: 0 });
    await afterCrash.update((s) => recordUsage(s, USAGE, COST, AT));
    assert.equal(daySummary(await afterCrash.read(), AT).requests, 1);
  });
});
