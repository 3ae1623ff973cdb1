// Runtime options: documented defaults, TypeError at once for anything invalid.

import assert from 'node:assert/strict';
import { Runtime } from '../runtime/index.js';

describe('runtime options', () => {
  const bad: Array<[string, object]> = [
    ['unknown option', { colour: 'red' }],
    ['non-integer pages', { initialPages: 1.5 }],
    ['initial above maximum', { initialPages: 20, maximumPages: 10 }],
    ['bad tier', { tier: 'turbo' }],
    ['bad linking', { linking: 'magic' }],
    ['non-boolean shared', { shared: 'yes' }],
    ['globals not a multiple of 8', { globalsBytes: 12 }],
    ['host entry without fn', { host: { f: { sig: '->' } } }],
    ['slots above max', { initialSlots: 100, maxSlots: 10 }],
  ];
  for (const [what, opts] of bad) {
    it(`rejects ${what} with a TypeError`, async () => {
      await assert.rejects(Runtime.create(opts as never), TypeError);
    });
  }

  it('uses the documented defaults', async () => {
    const rt = await Runtime.create();
    const o = rt.internals.opts;
    assert.equal(o.tier, 'baseline');
    assert.equal(o.linking, 'auto');
    assert.equal(o.shared, false);
    assert.equal(o.globalsBytes, 65536);
    assert.equal(o.maxSlots, 1_000_000);
    assert.equal(rt.engine.linking, rt.engine.v8Major >= 13 ? 'shared-table' : 'link-table');
  });

  it('makes a SharedArrayBuffer-backed memory when asked and able', async () => {
    const rt = await Runtime.create({ shared: true });
    assert.ok(rt.memory.buffer instanceof SharedArrayBuffer);
    rt.stage().global('g', 'i32', 3).func('inc', '-> i32', (b) => [b.setGlobal('g', b.i32.add(b.global('g'), b.i32(1))), b.global('g')]).commitSync();
    assert.equal(rt.fn('inc')(), 4);
  });

  it('exposes detected features', async () => {
    const rt = await Runtime.create();
    assert.equal(typeof rt.features.tailCall, 'boolean');
    assert.equal(rt.features.bigInt, true);
  });
});
