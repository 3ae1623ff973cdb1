// The index of link-table copies: every live copy of a slot is found after any mix of attaches,
// detaches and sweeps, and no detached one is.

import assert from 'node:assert/strict';
import { LinkIndex } from '../runtime/link-index.js';

const table = () => new WebAssembly.Table({ initial: 1, element: 'anyfunc' });

function copies(ix: LinkIndex, slot: number): Array<[WebAssembly.Table, number]> {
  const out: Array<[WebAssembly.Table, number]> = [];
  ix.forEach(slot, (t, i) => out.push([t, i]));
  return out;
}

describe('link index', () => {
  it('finds each copy of a slot with its index in the link table', () => {
    const ix = new LinkIndex();
    const a = table();
    const b = table();
    ix.attach(a, [5, 7, 5]);
    ix.attach(b, [7, 1000]);
    assert.deepEqual(new Set(copies(ix, 5).map(([t, i]) => [t === a, i].join())), new Set(['true,0', 'true,2']));
    assert.deepEqual(new Set(copies(ix, 7).map(([t, i]) => [t === a ? 'a' : 'b', i].join())), new Set(['a,1', 'b,0']));
    assert.deepEqual(copies(ix, 1000).map(([t, i]) => [t === b, i]), [[true, 1]]);
    assert.deepEqual(copies(ix, 6), []);
    assert.deepEqual(copies(ix, 1 << 20), []);
  });

  it('lists a table only once asked, skips entries that are no slot, and forgets a table detached before then', () => {
    const ix = new LinkIndex();
    const a = table();
    const b = table();
    ix.attach(a, [3, -1, 4]);
    ix.attach(b, [4]);
    ix.detach(b, [4]);
    assert.deepEqual(copies(ix, 4).map(([t, i]) => [t === a, i]), [[true, 2]]);
    assert.equal(ix.listed(4), 1, 'the table detached while pending took no entry');
    assert.deepEqual(copies(ix, 3).map(([, i]) => i), [0]);
    // Its id is free again: a new table takes it and is found under its own indices.
    const c = table();
    ix.attach(c, [9, 3]);
    assert.deepEqual(new Set(copies(ix, 3).map(([t, i]) => [t === a ? 'a' : t === c ? 'c' : '?', i].join())), new Set(['a,0', 'c,1']));
  });

  for (const every of [1, 7, 100]) it(`agrees with a plain model through random attaches, detaches and sweeps (asked every ${every} steps)`, () => {
    const ix = new LinkIndex();
    const model = new Map<WebAssembly.Table, number[]>();
    let seed = 7;
    const rnd = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n);
    for (let step = 0; step < 3000; step++) {
      if (model.size > 0 && rnd(2) === 0) {
        const list = [...model.keys()];
        const t = list[rnd(list.length)]!;
        ix.detach(t, model.get(t)!);
        ix.detach(t, model.get(t)!); // idempotent
        model.delete(t);
      } else {
        const t = table();
        // Negative entries stand for dispatchers, which are no slot.
        const slots = Array.from({ length: 1 + rnd(20) }, () => rnd(300) - 10);
        ix.attach(t, slots);
        model.set(t, slots);
      }
      if (step % every === every - 1) {
        for (let slot = 0; slot < 300; slot += every === 1 ? 13 : 1) {
          const want: string[] = [];
          let k = 0;
          for (const slots of model.values()) {
            slots.forEach((s, i) => s === slot && want.push(`${k}:${i}`));
            k++;
          }
          const ids = new Map([...model.keys()].map((t, j) => [t, j]));
          const got = copies(ix, slot).map(([t, i]) => `${ids.get(t)}:${i}`);
          assert.deepEqual(got.sort(), want.sort(), `slot ${slot} at step ${step}`);
          assert.ok(ix.listed(slot) >= got.length);
        }
      }
    }
  });
});
