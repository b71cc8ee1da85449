// The Disposable base every adapter uses: each registered part is disposed once, last first; a
// part registered after dispose() is disposed at once; one failing part does not stop the rest.
import * as assert from 'node:assert/strict';
import { Disposable, disposeAll, toDisposable } from '../../src/vscode/lifecycle';

class Owner extends Disposable {
  register<T extends { dispose(): void }>(value: T): T {
    return this._register(value);
  }
  get ended(): boolean {
    return this.isDisposed;
  }
}

describe('Disposable', () => {
  it('disposes what it registered once, last first', () => {
    const order: string[] = [];
    const owner = new Owner();
    owner.register(toDisposable(() => order.push('first')));
    owner.register(toDisposable(() => order.push('second')));
    assert.equal(owner.ended, false);
    owner.dispose();
    owner.dispose();
    assert.deepEqual(order, ['second', 'first']);
    assert.equal(owner.ended, true);
  });

  it('disposes at once what is registered after dispose()', () => {
    const owner = new Owner();
    owner.dispose();
    let late = 0;
    const value = owner.register(toDisposable(() => late++));
    assert.equal(late, 1);
    assert.equal(typeof value.dispose, 'function');
  });

  it('disposes every part even when one throws, then rethrows', () => {
    const order: string[] = [];
    const parts = [
      toDisposable(() => order.push('a')),
      toDisposable(() => {
        throw new Error('boom');
      }),
      toDisposable(() => order.push('c')),
    ];
    assert.throws(() => disposeAll(parts), /boom/);
    assert.deepEqual(order, ['c', 'a']);
    assert.equal(parts.length, 0);
  });

  it('reports several failures together', () => {
    const fail = () =>
      toDisposable(() => {
        throw new Error('x');
      });
    assert.throws(
      () => disposeAll([fail(), fail()]),
      (e: unknown) => e instanceof AggregateError && e.errors.length === 2,
    );
  });
});
