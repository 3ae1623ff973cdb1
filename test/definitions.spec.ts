// Each kind of stage definition: constants, globals, RTTs, tags, functions, host functions.

import assert from 'node:assert/strict';
import type { Sig, StageInfo } from '../runtime/index.js';
import { newRuntime, throwsCode } from './helpers.js';

describe('stage definitions', () => {
  it('defines each kind of symbol and describes it with lookup', async () => {
    const rt = await newRuntime();
    const info = rt
      .stage('defs')
      .constant('K', 'i32', 42)
      .global('g', 'f64', 1.5)
      .rtt('Point', { fields: { x: 'f64', y: 'f64' } })
      .tag('Oops', ['i32'])
      .func('id', 'i32 -> i32', (b) => b.param(0))
      .host('jsAdd', 'i32 i32 -> i32', (a: number, b: number) => a + b)
      .commitSync();
    assert.deepEqual([...info.symbols].sort(), ['K', 'Oops', 'Point', 'g', 'id', 'jsAdd']);
    const k = rt.lookup('K')!;
    assert.equal(k.kind, 'constant');
    assert.equal(k.kind === 'constant' && k.value, 42);
    const g = rt.lookup('g')!;
    assert.ok(g.kind === 'global' && g.address >= rt.layout.globalsBase && g.address < rt.layout.globalsEnd);
    const p = rt.lookup('Point')!;
    assert.ok(p.kind === 'rtt' && p.id >= rt.layout.rttBase && p.depth === 0);
    assert.deepEqual(p.kind === 'rtt' && p.fields.map((f) => [f.name, f.offset]), [['x', 8], ['y', 16]]);
    const t = rt.lookup('Oops')!;
    assert.ok(t.kind === 'tag' && t.id > 0);
    const f = rt.lookup('id')!;
    assert.ok(f.kind === 'func' && f.stage === 'defs' && f.signature === '(i32) -> i32' && typeof f.slot === 'number');
    const h = rt.lookup('jsAdd')!;
    assert.ok(h.kind === 'func' && h.host);
    assert.equal(rt.lookup('nothing'), undefined);
  });

  it("hands out signatures as frozen copies: changing one cannot reach the runtime's own", async () => {
    const rt = await newRuntime();
    let seen: Sig | undefined;
    rt.stage('s')
      .func('id', 'i32 -> i32', (b) => {
        seen = b.sig;
        return b.param(0);
      })
      .commitSync();
    const d = rt.lookup('id')!;
    assert.ok(d.kind === 'func');
    for (const sig of [seen!, d.sig]) {
      assert.deepEqual([sig.params, sig.results], [['i32'], ['i32']]);
      assert.ok(Object.isFrozen(sig) && Object.isFrozen(sig.params) && Object.isFrozen(sig.results));
      assert.throws(() => (sig.params as string[]).push('f64'), TypeError);
    }
    // The runtime's signature (shared by every function parsed from the same text) is intact.
    rt.stage('t')
      .func('inc', 'i32 -> i32', (b) => b.i32.add(b.call('id', b.param(0)), b.i32(1)))
      .commitSync();
    assert.equal(rt.fn('inc')(4), 5);
    assert.equal((rt.lookup('inc') as { signature: string }).signature, '(i32) -> i32');
  });

  it('gives every function its own slot holding it in the shared table', async () => {
    const rt = await newRuntime();
    rt.stage().func('a', '-> i32', (b) => b.i32(1)).func('b', '-> i32', (b) => b.i32(2)).commitSync();
    const a = rt.lookup('a')!;
    const b = rt.lookup('b')!;
    assert.ok(a.kind === 'func' && b.kind === 'func');
    assert.notEqual(a.slot, b.slot);
    assert.equal((rt.table.get(a.slot) as () => number)(), 1);
    assert.equal((rt.table.get(b.slot) as () => number)(), 2);
  });

  it('initialises globals at commit and reads/writes them from JS', async () => {
    const rt = await newRuntime();
    rt.stage().global('i', 'i32', -7).global('l', 'i64', 1n << 40n).global('f', 'f32', 0.5).global('c', 'i32', 3, { mutable: false }).commitSync();
    assert.equal(rt.getGlobal('i'), -7);
    assert.equal(rt.getGlobal('l'), 1n << 40n);
    assert.equal(rt.getGlobal('f'), 0.5);
    rt.setGlobal('i', 9);
    assert.equal(rt.getGlobal('i'), 9);
    throwsCode(() => rt.setGlobal('c', 1), 'TypeMismatch', /immutable/);
    // Values an i32 cannot hold are refused, not wrapped; the global keeps its value.
    for (const bad of [1.5, 2 ** 40, NaN, '3' as unknown as number]) throwsCode(() => rt.setGlobal('i', bad), 'TypeMismatch', /global 'i'/);
    assert.equal(rt.getGlobal('i'), 9);
    rt.setGlobal('l', 5);
    assert.equal(rt.getGlobal('l'), 5n, 'an i64 takes a safe integer');
    throwsCode(() => rt.setGlobal('l', 0.5), 'TypeMismatch');
    // A bigint of up to 64 bits, signed or unsigned, as b.i64 takes one; past that it is refused.
    rt.setGlobal('l', 2n ** 64n - 1n);
    assert.equal(rt.getGlobal('l'), -1n);
    for (const bad of [2n ** 64n + 7n, -(2n ** 63n) - 1n]) throwsCode(() => rt.setGlobal('l', bad), 'TypeMismatch', /is not an i64/);
    throwsCode(() => rt.stage().global('h', 'i64', 2n ** 64n), 'TypeMismatch', /initial value/);
    assert.equal(rt.getGlobal('l'), -1n);
  });

  it('names anonymous stages uniquely and rejects a duplicate stage name', async () => {
    const rt = await newRuntime();
    const a = rt.stage().func('x', '->', () => undefined).commitSync();
    const b = rt.stage().func('y', '->', () => undefined).commitSync();
    assert.notEqual(a.name, b.name);
    throwsCode(() => rt.stage(a.name), 'UnknownStage', /already named/);
  });

  it('rejects a second commit of the same stage', async () => {
    const rt = await newRuntime();
    const s = rt.stage('once').func('x', '->', () => undefined);
    s.commitSync();
    throwsCode(() => s.commitSync(), 'StageState');
    throwsCode(() => s.func('y', '->', () => undefined), 'StageState');
  });

  it('reports per-stage stats', async () => {
    const rt = await newRuntime();
    rt.stage('s').func('x', '-> i32', (b) => b.i32(1)).commitSync();
    const st = rt.stats('s');
    assert.ok(st.bytes > 8);
    assert.equal(st.functions, 1);
    assert.equal(st.tier, 'baseline');
    for (const k of ['build', 'compile', 'instantiate', 'wire', 'total'] as const) assert.ok(st[k] >= 0, k);
    assert.ok(st.total >= st.compile);
  });

  it("keeps each stage's stats as its commit reported them, through retirements", async () => {
    const rt = await newRuntime();
    await rt.loadOptimizer();
    const infos = new Map<string, StageInfo>();
    const commit = (name: string, n: number, tier?: 'optimizing') => {
      const s = rt.stage(name, tier ? { tier } : {});
      for (let i = 0; i < n; i++) s.func(`${name}_${i}`, '-> i32', (b) => b.i32(i));
      infos.set(name, s.commitSync());
    };
    for (let i = 0; i < 70; i++) commit(`s${i}`, 1 + (i % 3));
    for (let i = 0; i < 70; i += 2) {
      rt.retire(`s${i}`);
      infos.delete(`s${i}`);
    }
    // New stages take the rows the retired ones left.
    for (let i = 0; i < 40; i++) commit(`t${i}`, 4, i % 2 ? 'optimizing' : undefined);
    for (const [name, info] of infos) {
      assert.deepEqual(rt.stats(name), { ...info.stats }, name);
      assert.equal(rt.stats(name).total, info.stats.total, name);
    }
    const listed = new Map(rt.stages().map((s) => [s.name, s.stats]));
    for (const [name, info] of infos) assert.deepEqual({ ...listed.get(name) }, { ...info.stats }, name);
    assert.equal(rt.stats('t1').tier, 'optimizing');
    assert.equal(rt.stats('t2').functions, 4);
  });
});
