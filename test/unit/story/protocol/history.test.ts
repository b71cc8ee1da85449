// The history's paging and search on the wire: both sides check offset, limit and query.
import * as assert from 'node:assert/strict';
import { LIMITS } from '../../../../src/core/story/protocol/limits';
import {
  hostEvent,
  parseHostMessage,
  parseResult,
  parseWebviewMessage,
  request,
} from '../../../../src/core/story/protocol/messages';
import { paramsOf, wire } from './fixtures';

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
    assert.deepEqual(paramsOf('history.list', {}), {});
    assert.deepEqual(paramsOf('history.list', { offset: 50, limit: 50, query: 'otter sail' }), {
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
      assert.equal(paramsOf('history.list', bad), undefined, JSON.stringify(bad));
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

  describe('history limits and the other-window flag, both ways', () => {
    const item = { id: 'h1', title: 'T', modelId: 'm', createdAt: 1, status: 'streaming' as const, outputTokens: 0 };
    it('accepts elsewhere: true and omitted counts', () => {
      const page = { items: [{ ...item, elsewhere: true as const }], omitted: 12 };
      assert.deepEqual(parseHostMessage(wire(hostEvent('history', page))), hostEvent('history', page));
      assert.deepEqual(parseResult('history.list', wire(page)), page);
      assert.deepEqual(parseResult('history.list', { items: [item] }), { items: [item] });
    });
    it('rejects anything else in those fields', () => {
      for (const page of [
        { items: [{ ...item, elsewhere: false }] },
        { items: [{ ...item, elsewhere: 'yes' }] },
        { items: [item], omitted: -1 },
        { items: [item], omitted: 1.5 },
        { items: [item], more: 1 },
      ]) {
        assert.equal(parseHostMessage({ kind: 'event', type: 'history', data: page }), undefined, JSON.stringify(page));
        assert.equal(parseResult('history.list', page), undefined, JSON.stringify(page));
      }
    });
  });
});
