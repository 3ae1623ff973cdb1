// The small stages' commit path (runtime/small.ts): which stages take it, that it leaves the runtime
// exactly as the general path does, and that a failure on it changes nothing.

import assert from 'node:assert/strict';
import type { Runtime } from '../runtime/index.js';
import type { Unit } from '../runtime/core.js';
import type { Stage } from '../runtime/stage.js';
import { isSmall, SMALL_MAX } from '../runtime/small.js';
import { assertUnchanged, LINKINGS, newRuntime, snapshot, throwsCode } from './helpers.js';

/** A library the stages below use: a function, a mutable global, a constant. */
function library(rt: Runtime): void {
  rt.stage('lib')
    .func('base', 'i32 -> i32', (b) => b.i32.mul(b.param(0), b.i32(3)))
    .global('G', 'i32', 5)
    .constant('K', 'i32', 40)
    .commitSync();
}

/** Stages of a few fresh functions, as data: each defines its functions on a stage, and says what to call. */
const STAGES: ReadonlyArray<{ name: string; define: (s: Stage) => void; call: [string, number[], number] }> = [
  { name: 'one function', define: (s) => s.func('one', 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(7))), call: ['one', [1], 8] },
  {
    name: 'calls within the stage and out of it, a global, a constant, a slot taken',
    define: (s) =>
      s
        .func('inner', 'i32 -> i32', (b) => b.i32.add(b.call('base', b.param(0)), b.constant('K')))
        .func('outer', 'i32 -> i32', (b) => [b.setGlobal('G', b.param(0)), b.drop(b.slotOf('inner')), b.i32.add(b.call('inner', b.global('G')), b.i32(1))]),
    call: ['outer', [2], 47],
  },
  {
    name: 'a loop with branches',
    define: (s) =>
      s.func('sum', 'i32 -> i32', (b) => {
        const i = b.local('i32');
        const acc = b.local('i32');
        return [
          b.loop('top', [b.set(acc, b.i32.add(b.get(acc), b.get(i))), b.set(i, b.i32.add(b.get(i), b.i32(1))), b.brIf('top', b.i32.le_s(b.get(i), b.param(0)))]),
          b.get(acc),
        ];
      }),
    call: ['sum', [10], 55],
  },
  {
    name: 'a body big enough to be kept packed',
    define: (s) =>
      s.func('big', 'i32 -> i32', (b) => {
        let acc = b.param(0);
        for (let i = 0; i < 3000; i++) acc = b.i32.add(acc, b.i32(1));
        return acc;
      }),
    call: ['big', [1], 3001],
  },
];

/** What the runtime keeps of a unit, with its module's bytes (the engine's objects aside). */
function unitFacts(u: Unit | undefined): unknown {
  if (!u) return undefined;
  return {
    kind: u.kind,
    bytes: [...u.bytes],
    funcs: u.funcs,
    frozen: Object.isFrozen(u.funcs),
    exportAt: u.exportAt,
    imports: u.imports,
    linkTable: u.linkTable !== undefined,
    shared: u.shared,
    slotRefs: u.slotRefs,
    cellRefs: u.cellRefs,
    deps: [...u.deps],
    directCalls: [...u.directCalls],
    tier: u.tier,
    layout: u.layout && { ...u.layout, spans: Array.from(u.layout.spans), relocs: Array.from(u.layout.relocs) },
    escaped: u.escaped,
  };
}

/** The stage record and its place in the runtime's tables, as far as the two paths must agree. */
function stageFacts(rt: Runtime, name: string): unknown {
  const core = rt.internals;
  const rec = core.stages.get(name)!;
  return {
    kind: rec.kind,
    tier: rec.tier,
    defined: rec.defined,
    code: unitFacts(rec.code),
    host: unitFacts(rec.host),
    relink: rec.relink,
    single: core.singles.get(name),
    stats: { ...rt.stats(name), build: 0, optimize: 0, compile: 0, instantiate: 0, wire: 0, total: 0 },
    symbols: rt.symbols(),
    slotsUsed: core.slots.used,
    dependents: [...core.dependents].map(([k, v]) => [k, [...v]]),
    generation: core.generation,
  };
}

for (const linking of LINKINGS) {
  describe(`the small commit path (${linking})`, () => {
    it('takes stages of a few fresh functions of the baseline tier, and no others', async () => {
      const rt = await newRuntime({ linking });
      library(rt);
      const core = rt.internals;
      const small = (f: (s: Stage) => void, tier?: 'optimizing') => {
        const s = rt.stage(undefined, tier ? { tier } : {});
        f(s);
        return isSmall(core, s);
      };
      const plain = (s: Stage, n = 'x') => s.func(n, '-> i32', (b) => b.i32(1));
      assert.equal(small((s) => plain(s)), true);
      assert.equal(small((s) => { for (let i = 0; i < SMALL_MAX; i++) plain(s, `x${i}`); }), true);
      assert.equal(small((s) => { for (let i = 0; i <= SMALL_MAX; i++) plain(s, `x${i}`); }), false, 'too many functions');
      assert.equal(small(() => undefined), false, 'nothing to commit');
      assert.equal(small((s) => plain(s), 'optimizing'), false, 'the optimizing tier');
      assert.equal(small((s) => plain(s).global('g2', 'i32')), false, 'a global');
      assert.equal(small((s) => plain(s).host('h', '->', () => undefined)), false, 'a host function');
      assert.equal(small((s) => s.func('x', '-> i32', (b) => b.i32(1), { inline: true })), false, 'an inline function');
      assert.equal(small((s) => s.func('base', 'i32 -> i32', (b) => b.param(0), { redefine: true })), false, 'a redefinition');
      rt.stage('gone').func('gone', '-> i32', (b) => b.i32(1)).commitSync();
      rt.retire('gone');
      assert.equal(small((s) => s.func('gone', '-> i32', (b) => b.i32(2))), false, 'a retired name');
      core.installMin = 2;
      assert.equal(small((s) => plain(plain(s, 'a'), 'b')), false, 'as many as the runtime hands over in bulk');
      core.installMin = 8;
      core.packMin = 2;
      assert.equal(small((s) => plain(plain(s, 'a'), 'b')), false, 'as many as the runtime packs together');
    });

    for (const st of STAGES) {
      it(`leaves the runtime as the general path does: ${st.name}`, async () => {
        const viaSmall = await newRuntime({ linking });
        const viaGeneral = await newRuntime({ linking });
        library(viaSmall);
        library(viaGeneral);
        const s = viaSmall.stage('s');
        st.define(s);
        assert.equal(isSmall(viaSmall.internals, s), true);
        s.commitSync();
        // An asynchronous commit takes the general path.
        const g = viaGeneral.stage('s');
        st.define(g);
        await g.commit();
        assert.deepEqual(stageFacts(viaSmall, 's'), stageFacts(viaGeneral, 's'));
        const [f, args, want] = st.call;
        assert.equal(viaSmall.fn(f)(...args), want);
        assert.equal(viaGeneral.fn(f)(...args), want);
        assert.equal(viaSmall.toText('s'), viaGeneral.toText('s'));
      });
    }

    it('reports what the general path reports', async () => {
      const rt = await newRuntime({ linking });
      const info = rt.stage('s').func('a', '-> i32', (b) => b.i32(1)).func('b', '-> i32', (b) => b.call('a')).commitSync();
      assert.equal(info.name, 's');
      assert.deepEqual(info.symbols, ['a', 'b']);
      assert.deepEqual(info.recompiled, []);
      assert.ok(Object.isFrozen(info) && Object.isFrozen(info.symbols) && Object.isFrozen(info.stats));
      assert.equal(info.stats.functions, 2);
      assert.equal(info.stats.tier, 'baseline');
      assert.ok(info.stats.bytes > 8);
      const s = info.stats;
      assert.ok(Math.abs(s.total - (s.build + s.optimize + s.compile + s.instantiate + s.wire)) < 1e-9);
      assert.deepEqual(rt.stats('s'), { ...info.stats });
    });

    it('gives back what it took when a body fails', async () => {
      const rt = await newRuntime({ linking });
      library(rt);
      const before = snapshot(rt);
      const err = throwsCode(
        () =>
          rt
            .stage('bad')
            .func('ok', '-> i32', (b) => b.i32(1))
            .func('broken', '-> i32', (b) => b.call('nowhere'))
            .commitSync(),
        'UnknownSymbol',
      );
      assert.equal(err.stage, 'bad');
      assert.equal(err.definition, 'broken');
      assertUnchanged(before, rt);
      const slot = rt.internals.slots.used;
      rt.stage('bad').func('ok', '-> i32', (b) => b.i32(1)).commitSync();
      assert.equal(rt.internals.slots.used, slot + 1);
      assert.equal(rt.fn('ok')(), 1);
    });

    it('refuses a stage name in use, and changes nothing', async () => {
      const rt = await newRuntime({ linking });
      library(rt);
      const s = rt.stage('lib2');
      rt.stage('lib2').func('first', '-> i32', (b) => b.i32(1)).commitSync();
      s.func('x', '-> i32', (b) => b.i32(1));
      const before = snapshot(rt);
      throwsCode(() => s.commitSync(), 'UnknownStage', /already named 'lib2'/);
      assertUnchanged(before, rt);
      assert.equal(s.state, 'open');
    });

    it('keeps the slots and cells its code uses referenced once counting has begun', async () => {
      const rt = await newRuntime({ linking });
      library(rt);
      // A retirement starts reference counting.
      rt.stage('tmp').func('tmp', '-> i32', (b) => b.i32(0)).commitSync();
      rt.retire('tmp');
      rt.stage('user').func('user', '-> i32', (b) => b.i32.add(b.call('base', b.i32(1)), b.global('G'))).commitSync();
      const core = rt.internals;
      const base = core.symbols.get('base')!;
      const g = core.symbols.get('G')!;
      rt.retire('lib');
      // Retired, but still called and read by live code: neither slot nor cell goes back to the pool.
      throwsCode(() => rt.fn('user')(), 'RetiredSymbol', /'base' was retired/);
      rt.stage('again').func('fresh', '-> i32', (b) => b.i32(9)).global('H', 'i32', 1).commitSync();
      const fresh = core.symbols.get('fresh')!;
      const h = core.symbols.get('H')!;
      assert.ok(base.kind === 'func' && fresh.kind === 'func' && fresh.slot !== base.slot);
      assert.ok(g.kind === 'global' && h.kind === 'global' && h.address !== g.address);
      throwsCode(() => rt.fn('user')(), 'RetiredSymbol', /'base' was retired/);
    });

    it('makes stages that compaction merges, retirement removes and redefinition replaces', async () => {
      const rt = await newRuntime({ linking });
      for (let i = 0; i < 5; i++) rt.stage(`s${i}`).func(`f${i}`, '-> i32', (b) => b.i32(i)).commitSync();
      const info = rt.compact();
      assert.ok(info && info.stages.length >= 5, 'the small stages are compacted');
      for (let i = 0; i < 5; i++) assert.equal(rt.fn(`f${i}`)(), i);
      rt.retire('s1');
      throwsCode(() => rt.fn('f1')(), 'RetiredSymbol');
      rt.stage('r').func('f2', '-> i32', (b) => b.i32(20), { redefine: true }).commitSync();
      assert.equal(rt.fn('f2')(), 20);
      // Runs the small path again on a name retired before: the general path revives its slot.
      rt.stage('back').func('f1', '-> i32', (b) => b.i32(10)).commitSync();
      assert.equal(rt.fn('f1')(), 10);
    });
  });
}
