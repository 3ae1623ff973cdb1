// The symbol table's name map: it behaves as a Map (lookups, insertion order, deletes) through
// growth, rebuilds and colliding probe sequences.

import assert from 'node:assert/strict';
import { NameTable, hashOf } from '../runtime/name-table.js';

describe('name table', () => {
  it('gets, sets, overwrites and deletes like a Map', () => {
    const t = new NameTable<number>();
    assert.equal(t.get('a'), undefined);
    assert.equal(t.has('a'), false);
    t.set('a', 1).set('b', 2).set('', 3);
    assert.equal(t.get('a'), 1);
    assert.equal(t.get(''), 3);
    assert.equal(t.size, 3);
    t.set('a', 10);
    assert.equal(t.get('a'), 10);
    assert.equal(t.size, 3);
    assert.equal(t.delete('a'), true);
    assert.equal(t.delete('a'), false);
    assert.equal(t.get('a'), undefined);
    assert.equal(t.has('b'), true);
    assert.equal(t.size, 2);
  });

  it('keeps insertion order: overwriting keeps the place, deleting and setting again appends', () => {
    const t = new NameTable<string>();
    for (const k of ['x', 'y', 'z']) t.set(k, k.toUpperCase());
    t.set('x', 'X2');
    t.delete('y');
    t.set('y', 'Y2');
    assert.deepEqual(t.keys(), ['x', 'z', 'y']);
    assert.deepEqual(t.values(), ['X2', 'Z', 'Y2']);
    // Entries and iteration, as a Map gives them (the runtime's stage and tombstone tables are iterated so).
    assert.deepEqual(t.entries(), [['x', 'X2'], ['z', 'Z'], ['y', 'Y2']]);
    assert.deepEqual([...t], [['x', 'X2'], ['z', 'Z'], ['y', 'Y2']]);
    assert.deepEqual(new Map(t), new Map([['x', 'X2'], ['z', 'Z'], ['y', 'Y2']]));
  });

  it('lists values as a snapshot that changes made afterwards leave alone, rebuilds included', () => {
    const t = new NameTable<number>();
    for (let i = 0; i < 200; i++) t.set(`k${i}`, i);
    const seen = t.values();
    for (let i = 10; i < 200; i++) t.delete(`k${i}`); // holes become the majority: a rebuild
    t.set('k0', -1);
    t.set('new', 1000);
    assert.equal(seen.length, 200);
    assert.deepEqual(seen.slice(0, 3), [0, 1, 2]);
    assert.deepEqual(t.values(), [-1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 1000]);
    assert.deepEqual(t.keys().slice(-2), ['k9', 'new']);
  });

  it('tells apart names that differ only late, in case or in non-ASCII code units', () => {
    const t = new NameTable<number>();
    const names = ['f', 'F', 'f1', 'f10', 'f01', 'ø', 'o\u0308', 'λ·x', '\u{1F600}', 'a'.repeat(300), `${'a'.repeat(299)}b`];
    names.forEach((n, i) => t.set(n, i));
    names.forEach((n, i) => assert.equal(t.get(n), i, n));
    assert.equal(t.get('a'.repeat(298)), undefined);
  });

  it('agrees with a Map through 20,000 random sets and deletes over a small key space', () => {
    // A small key space makes deletes, re-inserts and rebuilds frequent; checking every key
    // after each rebuild-sized batch catches entries lost or duplicated by a rebuild.
    const t = new NameTable<number>();
    const m = new Map<string, number>();
    let seed = 12345;
    const rnd = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n);
    for (let step = 0; step < 20000; step++) {
      const k = `s${rnd(step < 10000 ? 3000 : 200)}`;
      if (rnd(3) === 0) assert.equal(t.delete(k), m.delete(k), `delete ${k} at step ${step}`);
      else {
        t.set(k, step);
        m.set(k, step);
      }
      if (step % 997 === 0 || step === 19999) {
        assert.equal(t.size, m.size, `size at step ${step}`);
        for (let i = 0; i < 3000; i++) assert.equal(t.get(`s${i}`), m.get(`s${i}`), `s${i} at step ${step}`);
        assert.deepEqual(t.keys(), [...m.keys()], `order at step ${step}`);
      }
    }
  });

  it('finds and sets by a hash computed beforehand, as by name, and prefetching changes nothing', () => {
    const t = new NameTable<number>();
    const names = Array.from({ length: 300 }, (_, i) => `n${i}`);
    const hashes = names.map(hashOf);
    t.prefetch(hashes, hashes.length);
    names.forEach((n, i) => t.setHashed(n, hashes[i]!, i));
    names.forEach((n, i) => {
      assert.equal(t.getHashed(n, hashes[i]!), i);
      assert.equal(t.get(n), i);
    });
    // A name set by hash is the same entry as one set by name: overwriting keeps one entry.
    t.set('n7', 70);
    assert.equal(t.getHashed('n7', hashOf('n7')), 70);
    assert.equal(t.size, 300);
    assert.equal(t.getHashed('absent', hashOf('absent')), undefined);
    assert.equal(t.hasHashed('n7', hashOf('n7')), true);
    assert.equal(t.hasHashed('absent', hashOf('absent')), false);
    t.delete('n8');
    assert.equal(t.hasHashed('n8', hashes[8]!), false);
  });

  it('holds 200,000 names and finds each one', () => {
    const t = new NameTable<number>();
    for (let i = 0; i < 200000; i++) t.set(`f${i}`, i);
    assert.equal(t.size, 200000);
    for (let i = 0; i < 200000; i += 7) assert.equal(t.get(`f${i}`), i);
    assert.equal(t.get('f200000'), undefined);
  });
});
