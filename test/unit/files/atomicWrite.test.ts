import * as assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tempPathFor, writeAtomically } from '../../../src/core/files/atomicWrite';

describe('writeAtomically', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'atomic-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  for (const durable of [true, false]) {
    it(`replaces a file, private to the user, and returns the stats of the file now in place (durable: ${durable})`, async () => {
      const path = join(dir, 'a.json');
      await writeFile(path, 'old', { mode: 0o644 });
      const stats = await writeAtomically(path, '{"new":true}', { durable });
      assert.equal(await readFile(path, 'utf8'), '{"new":true}');
      const now = await stat(path);
      assert.deepEqual([stats.ino, stats.size, stats.mtimeMs], [now.ino, now.size, now.mtimeMs]);
      if (process.platform !== 'win32') assert.equal(now.mode & 0o777, 0o600);
      assert.deepEqual(await readdir(dir), ['a.json'], 'no temp file left behind');
    });
  }

  it('writes bytes as they are', async () => {
    const path = join(dir, 'b.bin');
    await writeAtomically(path, Uint8Array.of(0, 255, 10));
    assert.deepEqual([...(await readFile(path))], [0, 255, 10]);
  });

  it('leaves the old file and no temp file when the rename fails', async () => {
    const path = join(dir, 'taken');
    // A non-empty directory where the file should go: the rename fails after the temp file was written.
    await mkdir(join(path, 'child'), { recursive: true });
    await assert.rejects(writeAtomically(path, 'data'));
    assert.deepEqual((await readdir(dir)).sort(), ['taken']);
    assert.deepEqual(await readdir(path), ['child']);
  });

  it('readers in the meantime see the old content or the new, never part of one', async () => {
    const path = join(dir, 'c.txt');
    const versions = ['a'.repeat(200_000), 'b'.repeat(300_000)];
    await writeAtomically(path, versions[0]!);
    let reading = true;
    const reads: string[] = [];
    const reader = (async () => {
      while (reading) reads.push(await readFile(path, 'utf8'));
    })();
    for (let i = 0; i < 20; i++) await writeAtomically(path, versions[i % 2]!, { durable: false });
    reading = false;
    await reader;
    assert.ok(reads.length > 0);
    for (const r of reads) assert.ok(versions.includes(r), `a read of ${r.length} characters was neither version`);
  });

  it('names its temp files after the file, so a scan of the folder can tell them from stories', () => {
    const a = tempPathFor('/x/story.json');
    const b = tempPathFor('/x/story.json');
    assert.match(a, /^\/x\/story\.json\.\d+\.\d+\.tmp$/);
    assert.notEqual(a, b);
  });
});
