// Under link-table linking a stage's functions stay in their module's own table until something
// needs them (a later stage's link table, rt.fn, a dynamic call, rt.table): every one of those
// must see the right function, and a commit must fetch none.

import assert from 'node:assert/strict';
import type { Runtime } from '../runtime/index.js';
import { assertUnchanged, newRuntime, snapshot, throwsCode } from './helpers.js';

const N = 12;

/** A runtime with one stage 'lib' of N functions f_i(x) = x + i, handed over in one table. */
async function withLib(): Promise<Runtime> {
  const rt = await newRuntime({ linking: 'link-table' });
  const s = rt.stage('lib');
  for (let i = 0; i < N; i++) s.func(`f${i}`, 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(i)));
  s.commitSync();
  return rt;
}

/** Calls of WebAssembly.Table.prototype.get made while `f` runs. */
function tableGets(f: () => void): number {
  const get = WebAssembly.Table.prototype.get;
  let n = 0;
  WebAssembly.Table.prototype.get = function (this: WebAssembly.Table, i: number) {
    n++;
    return get.call(this, i);
  };
  try {
    f();
  } finally {
    WebAssembly.Table.prototype.get = get;
  }
  return n;
}

const slotOf = (rt: Runtime, name: string) => (rt.lookup(name) as { slot: number }).slot;

describe('deferred slots (link-table linking)', () => {
  it('fetches none of a stage’s functions while committing it, and one when rt.fn asks', async () => {
    const rt = await newRuntime({ linking: 'link-table' });
    assert.ok(N >= rt.internals.installMin, 'the stage hands its functions over in a table');
    const s = rt.stage('lib');
    for (let i = 0; i < N; i++) s.func(`f${i}`, 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(i)));
    assert.equal(tableGets(() => s.commitSync()), 0);
    let f!: (x: number) => unknown;
    assert.equal(tableGets(() => (f = rt.fn('f5'))), 1);
    assert.equal(f(1), 6);
    assert.equal(rt.internals.slots.synced, false, 'nothing has read the shared table');
  });

  it('a later stage calls them through its link table, fetching only what it names', async () => {
    const rt = await withLib();
    const gets = tableGets(() => rt.stage('user').func('u', 'i32 -> i32', (b) => b.i32.add(b.call('f3', b.param(0)), b.call('f7', b.param(0)))).commitSync());
    assert.equal(gets, 2);
    assert.equal(rt.fn('u')(1), 12);
  });

  it('rt.table holds every function once asked for, and stays written after', async () => {
    const rt = await withLib();
    const t = rt.table;
    assert.equal(rt.internals.slots.synced, true);
    for (let i = 0; i < N; i++) assert.equal((t.get(slotOf(rt, `f${i}`)) as (x: number) => number)(1), 1 + i, `f${i}`);
    rt.stage('more').func('g', 'i32 -> i32', (b) => b.i32.mul(b.param(0), b.i32(3))).commitSync();
    assert.equal((t.get(slotOf(rt, 'g')) as (x: number) => number)(5), 15);
    assert.deepEqual(rt.internals.slots.mismatches(), []);
  });

  it('a dynamic call reaches a function never fetched (its dispatcher writes the shared table first)', async () => {
    const rt = await withLib();
    rt.stage('dyn').func('d', 'i32 -> i32', (b) => b.callSlot('i32 -> i32', b.slotOf('f9'), b.param(0))).commitSync();
    assert.equal(rt.internals.slots.synced, true);
    assert.equal(rt.fn('d')(1), 10);
    assert.deepEqual(rt.internals.slots.mismatches(), []);
  });

  it('redefining a function never fetched reaches its callers, and a later fetch sees the new code', async () => {
    const rt = await withLib();
    rt.stage('user').func('u', 'i32 -> i32', (b) => b.call('f4', b.param(0))).commitSync();
    rt.stage('new').func('f4', 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(100)), { redefine: true }).func('f8', 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(200)), { redefine: true }).commitSync();
    assert.equal(rt.fn('u')(1), 101, 'a caller linked before');
    assert.equal(rt.fn('f8')(1), 201, 'a function no one had fetched');
    assert.equal(rt.fn('f9')(1), 10, 'the rest of the stage');
    assert.deepEqual(rt.internals.slots.mismatches(), []);
  });

  it('a failed commit leaves functions never fetched as they were, and the table unwritten', async () => {
    const rt = await withLib();
    const before = snapshot(rt);
    const bad = rt.stage('bad').func('f2', 'i32 -> i32', (b) => b.param(0), { redefine: true }).func('oops', '-> i32', (b) => b.call('missing'));
    throwsCode(() => bad.commitSync(), 'UnknownSymbol');
    assertUnchanged(before, rt);
    assert.equal(rt.internals.slots.synced, false);
    assert.equal(rt.fn('f2')(1), 3);
    assert.equal(rt.fn('f11')(1), 12);
    assert.deepEqual(rt.internals.slots.mismatches(), []);
  });

  it('retiring the stage leaves stubs in its slots, fetched or not', async () => {
    const rt = await withLib();
    const f1 = rt.fn('f1');
    rt.retire('lib');
    throwsCode(() => f1(1), 'RetiredSymbol');
    rt.stage('user').func('u', '-> i32', (b) => b.i32(7)).commitSync();
    assert.equal(rt.fn('u')(), 7);
    assert.deepEqual(rt.internals.slots.mismatches(), []);
  });

  it('hands out the shared table only written: through rt.table and through the runtime internals alike', async () => {
    const rt = await withLib();
    const slot = slotOf(rt, 'f3');
    assert.equal(rt.internals.slots.peek(slot)!.call(null, 1), 4, 'peek sees the function without writing the table');
    assert.equal(rt.internals.slots.synced, false);
    assert.equal((rt.internals.slots.table.get(slot) as (x: number) => number)(1), 4);
    assert.equal(rt.internals.slots.synced, true);
  });

  it('shared-table linking writes the shared table from the start', async () => {
    const rt = await newRuntime({ linking: 'shared-table' });
    assert.equal(rt.internals.slots.synced, true);
  });
});
