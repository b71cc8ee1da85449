// #26: a story project's generations are also counted under their project in the day's ledger;
// a ledger written before that (no `projects`) reads as it did.
import * as assert from 'node:assert/strict';
import {
  EMPTY_LEDGER,
  daySummary,
  parseLedger,
  projectSummaries,
  recordUsage,
} from '../../../../src/core/story/usage/usage';
import type { UsageOrigin } from '../../../../src/core/story/usage/usage';
import { formatOrigin } from '../../../../src/core/story/usage/totals';

const AT = new Date(2026, 11, 7, 10, 0);
const USD = (amount: number) => ({ amount, currency: 'USD' as const, estimated: true as const });
const tides: UsageOrigin = { project: 'Tides', chapter: 'tides/chapters/01.md', command: 'continue' };
const ember: UsageOrigin = { project: 'Ember <b>&', chapter: 'ember/chapters/02.md', command: 'summary' };
const use = (total: number) => ({ inputTokens: total / 2, outputTokens: total / 2, totalTokens: total });

describe('usage per story project (#26)', () => {
  it('counts each origin under its project, and the day as a whole; one-offs only in the day', () => {
    let ledger = recordUsage(EMPTY_LEDGER, use(100), USD(0.001), AT, tides);
    ledger = recordUsage(ledger, use(300), null, AT, ember);
    ledger = recordUsage(ledger, use(50), USD(0.002), AT, {
      ...tides,
      command: 'scene',
      chapter: 'tides/chapters/02.md',
    });
    ledger = recordUsage(ledger, use(1000), USD(0.01), AT);
    ledger = parseLedger(JSON.parse(JSON.stringify(ledger)));
    const day = daySummary(ledger, AT);
    assert.equal(day.totalTokens, 1450);
    assert.equal(day.requests, 4);
    assert.deepEqual(day.projects, {
      Tides: { requests: 2, totalTokens: 150, costUsd: 0.003, unpricedTokens: 0 },
      'Ember <b>&': { requests: 1, totalTokens: 300, costUsd: 0, unpricedTokens: 300 },
    });
    const lines = projectSummaries(day);
    assert.deepEqual(day.byProject, lines, 'the day carries its project lines for the panel');
    assert.deepEqual(
      lines.map((p) => [p.project, p.requests, p.label]),
      [
        ['Ember <b>&', 1, '300 tokens · no price set'],
        ['Tides', 2, '150 tokens · ≈ $0.003 (estimate)'],
      ],
    );
  });

  it('reads a ledger day written before #26 exactly as before', () => {
    const old = {
      version: 1,
      days: {
        '2026-12-07': {
          inputTokens: 10,
          outputTokens: 90,
          totalTokens: 100,
          requests: 1,
          costUsd: 0.001,
          unpricedTokens: 0,
        },
      },
    };
    const ledger = parseLedger(old);
    assert.deepEqual(ledger.days['2026-12-07'], {
      ...old.days['2026-12-07'],
      cacheReadInputTokens: 0,
      cacheWriteInputTokens: 0,
    });
    assert.deepEqual(projectSummaries(daySummary(ledger, AT)), []);
    // A later generation with an origin starts the day's project lines without touching the old totals.
    const next = daySummary(recordUsage(ledger, use(20), USD(0.0001), AT, tides), AT);
    assert.equal(next.totalTokens, 120);
    assert.deepEqual(next.projects, { Tides: { requests: 1, totalTokens: 20, costUsd: 0.0001, unpricedTokens: 0 } });
  });

  it('drops a malformed project line but keeps the day, and bounds names and counts', () => {
    const day = {
      inputTokens: 1,
      outputTokens: 1,
      totalTokens: 2,
      requests: 1,
      costUsd: 0,
      unpricedTokens: 2,
      projects: { Good: { requests: 1, totalTokens: 2, costUsd: 0, unpricedTokens: 2 }, Bad: { requests: -1 } },
    };
    const read = parseLedger({ version: 1, days: { '2026-12-07': day } }).days['2026-12-07'];
    assert.deepEqual(Object.keys(read?.projects ?? {}), ['Good']);
    assert.equal(read?.totalTokens, 2);
    assert.equal(
      parseLedger({ version: 1, days: { '2026-12-07': { ...day, projects: 'x' } } }).days['2026-12-07'],
      undefined,
    );

    let ledger = recordUsage(EMPTY_LEDGER, use(2), null, AT, { ...tides, project: `  ${'x'.repeat(300)} ` });
    assert.deepEqual(Object.keys(ledger.days['2026-12-07']?.projects ?? {}), ['x'.repeat(200)]);
    for (let i = 0; i < 120; i++) ledger = recordUsage(ledger, use(2), null, AT, { ...tides, project: `p${i}` });
    const kept = ledger.days['2026-12-07'];
    assert.equal(Object.keys(kept?.projects ?? {}).length, 100);
    assert.equal(kept?.requests, 121);
    assert.equal(
      Object.keys(parseLedger(JSON.parse(JSON.stringify(ledger))).days['2026-12-07']?.projects ?? {}).length,
      100,
    );
  });

  it('names the command, project and chapter in the log line, quoted', () => {
    assert.equal(formatOrigin(undefined), '');
    assert.equal(formatOrigin(ember), ' (summary, project "Ember <b>&", chapter "ember/chapters/02.md")');
    assert.equal(
      formatOrigin({ ...tides, project: 'a"\nb' }),
      ' (continue, project "a\\"\\nb", chapter "tides/chapters/01.md")',
    );
  });
});
