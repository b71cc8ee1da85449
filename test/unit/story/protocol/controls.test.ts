// validateControls: the form's inline messages, the host's check before Bedrock, and `generate`'s params.
import * as assert from 'node:assert/strict';
import { LIMITS } from '../../../../src/core/story/protocol/limits';
import { validateControls } from '../../../../src/core/story/protocol/controls';
import { controls } from './fixtures';

describe('story protocol', () => {
  describe('validateControls', () => {
    it('accepts the defaults with a premise and trims text', () => {
      const r = validateControls({
        ...controls,
        premise: '  Hello  ',
        genre: ' sci-fi ',
        characters: '   ',
        setting: ' Mars ',
      });
      assert.ok(r.ok);
      assert.equal(r.value.premise, 'Hello');
      assert.equal(r.value.genre, 'sci-fi');
      assert.equal(r.value.setting, 'Mars');
      assert.equal('characters' in r.value, false, 'empty optional fields are dropped');
    });

    it('allows empty genre and tone (the model chooses) but not a missing one', () => {
      assert.ok(validateControls({ ...controls, genre: '', tone: '' }).ok);
      const { genre: _g, ...noGenre } = controls;
      const r = validateControls(noGenre);
      assert.ok(!r.ok);
      assert.deepEqual(
        r.errors.map((e) => e.field),
        ['genre'],
      );
    });

    it('reports an empty, blank or missing premise', () => {
      for (const premise of ['', '   \n\t', undefined]) {
        const r = validateControls({ ...controls, premise });
        assert.ok(!r.ok, `premise ${JSON.stringify(premise)}`);
        assert.deepEqual(r.errors, [{ field: 'premise', message: 'Premise is required.' }]);
      }
    });

    it('enforces the premise limit exactly', () => {
      assert.ok(validateControls({ ...controls, premise: 'x'.repeat(LIMITS.premiseMax) }).ok);
      const r = validateControls({ ...controls, premise: 'x'.repeat(LIMITS.premiseMax + 1) });
      assert.ok(!r.ok);
      assert.equal(r.errors[0]?.field, 'premise');
      assert.match(r.errors[0]!.message, /4,001 characters.*limit is 4,000/, 'numbers formatted as in the counter');
    });

    it('checks temperature is a finite number in 0..1', () => {
      for (const t of [0, 0.5, 1]) assert.ok(validateControls({ ...controls, temperature: t }).ok, String(t));
      for (const t of [-0.01, 1.01, NaN, Infinity, '0.5', null, undefined]) {
        const r = validateControls({ ...controls, temperature: t });
        assert.ok(!r.ok, String(t));
        assert.deepEqual(
          r.errors.map((e) => e.field),
          ['temperature'],
        );
      }
    });

    it('checks audience and length against their options', () => {
      const r = validateControls({ ...controls, audience: 'toddlers', length: 'epic' });
      assert.ok(!r.ok);
      assert.deepEqual(
        r.errors.map((e) => e.field),
        ['audience', 'length'],
      );
      assert.match(r.errors[0]!.message, /children, young adult, adult/);
    });

    it('reports every problem at once, in form order, and unknown fields', () => {
      const r = validateControls({
        premise: 5,
        genre: 'g'.repeat(101),
        audience: 'adult',
        tone: 't',
        length: 'short',
        temperature: 2,
        characters: 7,
        extra: 1,
      });
      assert.ok(!r.ok);
      assert.deepEqual(
        r.errors.map((e) => e.field),
        ['controls', 'premise', 'genre', 'temperature', 'characters'],
      );
    });

    it('rejects non-objects', () => {
      for (const x of [null, undefined, 'premise', 42, [controls]]) assert.ok(!validateControls(x).ok);
    });
  });
});
