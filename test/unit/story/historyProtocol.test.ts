// The history's paging and search on the wire: both sides check offset, limit and query.
import * as assert from 'node:assert/strict';
import {
  LIMITS,
  hostEvent,
  parseHostMessage,
  parseParams,
  parseResult,
  parseWebviewMessage,
  request,
} from '../../../src/core/story/protocol';

const item = {
  id: 's-1',
  title: 'An otter',
  modelId: 'amazon.nova-lite-v1:0',
  createdAt: 1,
  status: 'done',
  outputTokens: 3,
} as const;

describe('history paging and search in the protocol', () => {
  it('accepts a page request, with or without a query, and refuses one out of bounds', () => {
    assert.deepEqual(parseParams('history.list', {}), {});
    assert.deepEqual(parseParams('history.list', { offset: 50, limit: 50, query: 'otter sail' }), {
      offset: 50,
      limit: 50,
      query: 'otter sail',
    });
    assert.ok(parseWebviewMessage(request(3, 'history.list', { offset: 0, limit: LIMITS.historyPageMax })));
    for (const bad of [
      { limit: 0 },
      { limit: LIMITS.historyPageMax + 1 },
      { limit: 2.5 },
      { offset: -1 },
      { offset: '5' },
      { query: 'x'.repeat(LIMITS.searchMax + 1) },
      { query: 7 },
      { sort: 'oldest' },
    ]) {
      assert.equal(parseParams('history.list', bad), undefined, JSON.stringify(bad));
      assert.equal(parseWebviewMessage({ kind: 'request', id: 1, method: 'history.list', params: bad }), undefined);
    }
  });

  it('accepts a page with its total, offset and query from the host, and refuses a bad one', () => {
    const page = { items: [item], total: 10_000, offset: 50, query: 'otter' };
    assert.deepEqual(parseResult('history.list', page), page);
    assert.ok(parseHostMessage(hostEvent('history', { items: [item], total: 10_000, offset: 0 })));
    for (const bad of [
      { ...page, total: -1 },
      { ...page, offset: 1.5 },
      { ...page, query: 'x'.repeat(LIMITS.searchMax + 1) },
      { ...page, next: 100 },
    ]) {
      assert.equal(parseResult('history.list', bad), undefined, JSON.stringify(bad));
      assert.equal(parseHostMessage({ kind: 'event', type: 'history', data: bad }), undefined);
    }
  });
});
