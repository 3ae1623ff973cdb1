// Compaction: many small stages rebuilt as one module, each keeping its symbols, slots,
// redefinition semantics and backedges.

import assert from 'node:assert/strict';
import type { FuncBuilder } from '../codegen/ir/builder.js';
import { isTree } from '../codegen/ir/packed.js';
import { LAYOUT_MAX_RELOCS } from '../codegen/lower/body-layout.js';
import type { FuncRecord } from '../runtime/symbols.js';
import { FunctionSource } from '../runtime/slots.js';
import { FUNCS_EXPORT } from '../codegen/wasm/sections.js';
import type { Runtime } from '../runtime/index.js';
import { LINKINGS, newRuntime, throwsCode } from './helpers.js';

const modulesOf = (rt: Runtime, names: string[]) => new Set(names.map((n) => rt.internals.stages.get(n)!.code!.instance)).size;

for (const linking of LINKINGS) {
  describe(`compaction (${linking})`, () => {
    it('merges stages into one module once enough have accumulated, keeping every slot', async () => {
      const rt = await newRuntime({ linking, compactAfter: 4 });
      rt.stage('s0').func('f0', 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(1))).commitSync();
      for (let i = 1; i < 4; i++) rt.stage(`s${i}`).func(`f${i}`, 'i32 -> i32', (b) => b.i32.mul(b.call(`f${i - 1}`, b.param(0)), b.i32(2))).commitSync();
      const names = ['s0', 's1', 's2', 's3'];
      assert.equal(modulesOf(rt, names), 4, 'compaction waits for the event loop');
      await rt.settled();
      assert.equal(modulesOf(rt, names), 1, 'four stages, one module');
      assert.equal(rt.compactions.length, 1);
      assert.deepEqual(rt.compactions[0]!.stages, names);
      assert.equal(rt.fn('f3')(1), 16);
      assert.deepEqual(rt.stages().map((s) => s.name), ['root', ...names], 'stages keep their identity');
      const slot = (rt.lookup('f1') as { slot: number }).slot;
      assert.equal((rt.table.get(slot) as (x: number) => number)(1), 4, 'the slot holds the compacted code');
    });

    it('compacts synchronously when the program never yields', async () => {
      const rt = await newRuntime({ linking, compactAfter: 4 });
      const names: string[] = [];
      for (let i = 0; i < 16; i++) {
        names.push(`s${i}`);
        rt.stage(`s${i}`).func(`f${i}`, '-> i32', (b) => b.i32(i)).commitSync();
      }
      assert.equal(rt.compactions.length, 1, 'at four times the threshold');
      assert.equal(modulesOf(rt, names), 1);
      assert.deepEqual(names.map((n, i) => rt.fn(`f${i}`)()), names.map((_, i) => i));
    });

    it('keeps the small bodies of the stages it merges packed together, and rebuilds and inlines from them', async () => {
      const rt = await newRuntime({ linking, compactAfter: 4 });
      await rt.loadOptimizer();
      rt.stage('consts').constant('k', 'i32', 10).commitSync();
      const n = 6;
      for (let i = 0; i < n; i++) rt.stage(`s${i}`).func(`f${i}`, 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32.add(b.constant('k'), b.i32(i)))).commitSync();
      const irOf = (i: number) => (rt.internals.symbols.get(`f${i}`) as FuncRecord).ir!;
      assert.ok(isTree(irOf(0)), 'kept as a tree until compacted');
      await rt.settled();
      assert.equal(modulesOf(rt, Array.from({ length: n }, (_, i) => `s${i}`)), 1);
      for (let i = 0; i < n; i++) {
        const ir = irOf(i);
        assert.ok(!isTree(ir), `f${i} packed`);
        assert.equal((ir as { words: unknown }).words, (irOf(0) as { words: unknown }).words, 'one array for all');
        assert.equal(rt.fn(`f${i}`)(1), 11 + i);
      }
      // The optimizing tier inlines a packed body from another stage.
      rt.stage('hot', { tier: 'optimizing' }).func('h', 'i32 -> i32', (b) => b.call('f2', b.param(0))).commitSync();
      assert.equal(rt.fn('h')(5), 17);
      assert.doesNotMatch(rt.toText('hot'), /call/);
      // Redefining the constant rebuilds every merged stage from its packed body.
      rt.stage('consts2').constant('k', 'i32', 100, { redefine: true }).commitSync();
      for (let i = 0; i < n; i++) assert.equal(rt.fn(`f${i}`)(1), 101 + i, `f${i} rebuilt`);
      assert.equal(rt.fn('h')(5), 107);
    });

    if (linking === 'shared-table') {
      it('writes the slots with an element segment, exporting no function', async () => {
        const rt = await newRuntime({ linking, compactAfter: 0 });
        for (let i = 0; i < 6; i++) rt.stage(`s${i}`).func(`f${i}`, 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(i))).commitSync();
        const early = rt.fn('f1');
        rt.compact();
        const unit = rt.internals.stages.get('s0')!.code!;
        assert.ok(unit.shared, 'compacted');
        assert.deepEqual(Object.keys(unit.instance.exports), [], 'no function exported');
        for (let i = 0; i < 6; i++) {
          assert.equal(rt.fn(`f${i}`)(10), 10 + i);
          const slot = (rt.lookup(`f${i}`) as { slot: number }).slot;
          assert.equal((rt.table.get(slot) as (x: number) => number)(10), 10 + i, `slot of f${i}`);
        }
        assert.equal(early(1), 2, 'a handle made before compaction follows it');
        assert.deepEqual(rt.internals.slots.mismatches(), []);
      });

      it('does not write a slot that a commit redefined while the compaction compiled', async () => {
        const rt = await newRuntime({ linking, compactAfter: 4 });
        const real = WebAssembly.compile;
        let started = 0;
        // Hold every background compile for a moment, so the commit below lands while it waits.
        WebAssembly.compile = (bytes) => {
          started++;
          return new Promise((resolve, reject) => setTimeout(() => real(bytes).then(resolve, reject), 20));
        };
        try {
          for (let i = 0; i < 4; i++) rt.stage(`s${i}`).func(`f${i}`, '-> i32', (b) => b.i32(i)).commitSync();
          await new Promise((r) => setTimeout(r, 5));
          assert.equal(started, 1, 'the compaction is compiling');
          // A stage too big to be compacted itself, so no later compaction rewrites the slot.
          const again = rt.stage('again').func('f2', '-> i32', (b) => b.i32(200), { redefine: true });
          for (let i = 0; i < 32; i++) again.func(`pad${i}`, '-> i32', (b) => b.i32(i));
          again.commitSync();
          await rt.settled();
        } finally {
          WebAssembly.compile = real;
        }
        assert.equal(rt.fn('f2')(), 200);
        const slot = (rt.lookup('f2') as { slot: number }).slot;
        assert.equal((rt.table.get(slot) as () => number)(), 200, 'the slot keeps the redefinition');
        assert.deepEqual([0, 1, 3].map((i) => rt.fn(`f${i}`)()), [0, 1, 3]);
        assert.deepEqual(rt.internals.slots.mismatches(), []);
      });
    }

    if (linking === 'link-table') {
      it('hands the functions over in one table, exporting none, and takes one out only when needed', async () => {
        const rt = await newRuntime({ linking, compactAfter: 0 });
        for (let i = 0; i < 6; i++) rt.stage(`s${i}`).func(`f${i}`, 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(i))).commitSync();
        // A later stage's link table holds a copy of f4's slot.
        rt.stage('user').func('callsF4', 'i32 -> i32', (b) => b.call('f4', b.param(0))).commitSync();
        rt.compact(['s0', 's1', 's2', 's3', 's4', 's5']);
        const unit = rt.internals.stages.get('s0')!.code!;
        assert.ok(unit.shared, 'compacted');
        assert.deepEqual(Object.keys(unit.instance.exports).sort(), [FUNCS_EXPORT], 'no function exported');
        const mirror = (rt.internals.slots as unknown as { fns: unknown[] }).fns;
        const slotOf = (n: string) => (rt.lookup(n) as { slot: number }).slot;
        assert.ok(mirror[slotOf('f3')] instanceof FunctionSource, 'f3: taken out when first needed');
        assert.equal(typeof mirror[slotOf('f4')], 'function', 'f4: a link table holds it, so it is written');
        assert.equal(rt.fn('f3')(10), 13);
        assert.equal(typeof mirror[slotOf('f3')], 'function', 'f3 taken out for its handle');
        assert.equal(rt.fn('callsF4')(10), 14);
        rt.stage('again').func('f4', 'i32 -> i32', (b) => b.i32.mul(b.param(0), b.i32(100)), { redefine: true }).commitSync();
        assert.equal(rt.fn('callsF4')(10), 1000, 'the link table follows the redefinition');
        for (const i of [0, 1, 2, 5]) assert.equal(rt.fn(`f${i}`)(10), 10 + i);
        assert.deepEqual(rt.internals.slots.mismatches(), []);
      });
    }

    it('leaves stages of more than 32 functions in their own modules', async () => {
      const rt = await newRuntime({ linking, compactAfter: 0 });
      const sizes = { small: 1, edge: 32, big: 33 };
      for (const [name, n] of Object.entries(sizes)) {
        const s = rt.stage(name);
        for (let i = 0; i < n; i++) s.func(`${name}${i}`, '-> i32', (b) => b.i32(i));
        s.commitSync();
      }
      rt.stage('tiny').func('t', '-> i32', (b) => b.i32(7)).commitSync();
      const info = rt.compact()!;
      assert.deepEqual(info.stages, ['small', 'edge', 'tiny']);
      assert.equal(modulesOf(rt, ['small', 'edge', 'tiny']), 1);
      assert.notEqual(rt.internals.stages.get('big')!.code!.instance, rt.internals.stages.get('tiny')!.code!.instance);
      assert.equal(rt.fn('big32')(), 32);
      assert.equal(rt.fn('edge31')(), 31);
    });

    it('leaves a stage whose code has more references than a layout records in its own module', async () => {
      const rt = await newRuntime({ linking, compactAfter: 0 });
      rt.stage('lib').func('one', '-> i32', (b) => b.i32(1)).commitSync();
      // Each call through a slot takes 3 or 4 relocations (slot, type, table, link entry).
      const caller = (calls: number) => (b: FuncBuilder) => Array.from({ length: calls }, () => b.call('one')).reduce((x, y) => b.i32.add(x, y));
      rt.stage('few').func('few', '-> i32', caller(50)).commitSync();
      rt.stage('many').func('many', '-> i32', caller(LAYOUT_MAX_RELOCS / 2)).commitSync();
      rt.stage('tiny').func('t', '-> i32', (b) => b.i32(7)).commitSync();
      assert.equal(rt.internals.stages.get('many')!.code!.layout, undefined);
      assert.deepEqual(rt.compact()!.stages, ['lib', 'few', 'tiny']);
      assert.notEqual(rt.internals.stages.get('many')!.code!.instance, rt.internals.stages.get('few')!.code!.instance);
      assert.deepEqual([rt.fn('few')(), rt.fn('many')(), rt.fn('t')()], [50, LAYOUT_MAX_RELOCS / 2, 7]);
    });

    it('still sees a redefinition of a function it calls across stages', async () => {
      const rt = await newRuntime({ linking, compactAfter: 0 });
      rt.stage('a').func('leaf', '-> i32', (b) => b.i32(1)).commitSync();
      rt.stage('b').func('mid', '-> i32', (b) => b.i32.add(b.call('leaf'), b.i32(10))).commitSync();
      rt.stage('c').func('top', '-> i32', (b) => b.i32.add(b.call('mid'), b.i32(100))).commitSync();
      const info = rt.compact()!;
      assert.deepEqual(info.stages, ['a', 'b', 'c']);
      assert.equal(rt.fn('top')(), 111);
      rt.stage('a2').func('leaf', '-> i32', (b) => b.i32(2), { redefine: true }).commitSync();
      assert.equal(rt.fn('top')(), 112);
      assert.equal(rt.fn('mid')(), 12);
    });

    it('rebuilds a compacted stage on its own when a backedge fires, leaving the others shared', async () => {
      const rt = await newRuntime({ linking, compactAfter: 0 });
      rt.stage('k').constant('K', 'i32', 1).func('one', '-> i32', (b) => b.i32(1), { inline: true }).commitSync();
      rt.stage('u1').func('useK', '-> i32', (b) => b.i32.add(b.constant('K'), b.call('one'))).commitSync();
      rt.stage('u2').func('plain', '-> i32', (b) => b.i32(7)).commitSync();
      rt.compact(['u1', 'u2']);
      assert.equal(modulesOf(rt, ['u1', 'u2']), 1);
      const info = rt.stage('k2').constant('K', 'i32', 5, { redefine: true }).commitSync();
      assert.deepEqual(info.recompiled, ['u1']);
      assert.equal(rt.fn('useK')(), 6);
      assert.equal(rt.fn('plain')(), 7);
      assert.equal(modulesOf(rt, ['u1', 'u2']), 2);
      rt.stage('k3').func('one', '-> i32', (b) => b.i32(100), { redefine: true, inline: true }).commitSync();
      assert.equal(rt.fn('useK')(), 105);
    });

    it('redefines a function of a compacted stage whose other functions call it directly', async () => {
      const rt = await newRuntime({ linking, compactAfter: 0 });
      rt.stage('s').func('leaf', '-> i32', (b) => b.i32(1)).func('user', '-> i32', (b) => b.i32.add(b.call('leaf'), b.i32(1))).commitSync();
      rt.stage('t').func('other', '-> i32', (b) => b.call('user')).commitSync();
      rt.compact();
      rt.stage('s2').func('leaf', '-> i32', (b) => b.i32(41), { redefine: true }).commitSync();
      assert.equal(rt.fn('user')(), 42);
      assert.equal(rt.fn('other')(), 42);
    });

    it('retires one stage of a shared module; the others keep working', async () => {
      const rt = await newRuntime({ linking, compactAfter: 0 });
      rt.stage('a').func('fa', '-> i32', (b) => b.i32(1)).global('ga', 'i32', 5).commitSync();
      rt.stage('b').func('fb', '-> i32', (b) => b.i32.add(b.call('fa'), b.global('ga'))).commitSync();
      rt.stage('c').func('fc', '-> i32', (b) => b.i32(3)).commitSync();
      rt.compact();
      rt.retire('b');
      assert.equal(rt.fn('fa')(), 1);
      assert.equal(rt.fn('fc')(), 3);
      throwsCode(() => rt.fn('fb')(), 'RetiredSymbol');
      rt.retire('a');
      rt.retire('c');
      rt.stage('d').func('fd', '-> i32', (b) => b.i32(4)).commitSync();
      assert.equal(rt.fn('fd')(), 4);
    });

    it('compacts stages with globals, tags and exceptions', async () => {
      const rt = await newRuntime({ linking, compactAfter: 0 });
      rt.stage('t').tag('E', ['i32']).global('count', 'i32', 0).commitSync();
      rt.stage('thrower').func('boom', 'i32 ->', (b) => [b.setGlobal('count', b.i32.add(b.global('count'), b.i32(1))), b.throw('E', b.param(0))]).commitSync();
      rt.stage('catcher').func('safe', 'i32 -> i32', (b) => b.try([b.call('boom', b.param(0)), b.i32(0)], [{ tag: 'E', body: ([x]) => x! }])).commitSync();
      rt.compact(['thrower', 'catcher']);
      assert.equal(rt.fn('safe')(9), 9);
      assert.equal(rt.getGlobal('count'), 1);
      assert.match(rt.toText('catcher'), /\(func \$safe/);
    });

    it('copies every kind of call, the types they need and local names into the shared module', async () => {
      // Compaction copies bodies and rewrites what is specific to their module: direct-call
      // targets, type and table indices, link-table entries.
      const rt = await newRuntime({ linking, compactAfter: 0 });
      rt.stage('lib').func('inc', 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(1))).func('twice', 'f64 -> f64', (b) => b.f64.mul(b.param(0), b.f64(2))).commitSync();
      rt.stage('x')
        .func('sq', 'i64 -> i64', (b) => b.i64.mul(b.param(0), b.param(0)))
        .func('useAll', 'i32 -> i32', (b) => {
          const t = b.local('i32', 'tmp');
          return [
            b.set(t, b.callSlot({ params: ['i32'], results: ['i32'] }, b.slotOf('inc'), b.param(0))),
            b.i32.add(b.i32.add(b.get(t), b.call('inc', b.get(t))), b.i32.add(b.i32.wrap_i64(b.call('sq', b.i64(3))), b.i32.trunc_f64_s(b.call('twice', b.f64(2.5))))),
          ];
        }, { params: ['n'] })
        .commitSync();
      rt.stage('y').func('more', 'f64 -> f64', (b) => b.call('twice', b.call('twice', b.param(0)))).func('sq2', 'i64 -> i64', (b) => b.i64.add(b.param(0), b.i64(1))).commitSync();
      const info = rt.compact(['y', 'x'])!;
      assert.deepEqual(info.stages, ['y', 'x']);
      assert.equal(modulesOf(rt, ['x', 'y']), 1);
      // useAll(1): tmp = inc(1) = 2; 2 + inc(2) + sq(3) + twice(2.5) = 2 + 3 + 9 + 5
      assert.equal(rt.fn('useAll')(1), 19);
      assert.equal(rt.fn('more')(1.5), 6);
      assert.equal(rt.fn('sq2')(4n), 5n);
      const text = rt.toText('x');
      assert.match(text, /\$tmp/, 'local names survive');
      assert.match(text, /\$n\b/, 'parameter names survive');
      rt.stage('lib2').func('inc', 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(100)), { redefine: true }).commitSync();
      assert.equal(rt.fn('useAll')(1), 101 + 201 + 9 + 5, 'calls through slots see a redefinition');
    });

    it('takes each named stage once, and refuses an argument that is not a list of names', async () => {
      const rt = await newRuntime({ linking, compactAfter: 0 });
      rt.stage('s0').func('f0', '-> i32', (b) => b.i32(1)).commitSync();
      rt.stage('s1').func('f1', '-> i32', (b) => b.i32.add(b.call('f0'), b.i32(1))).commitSync();
      assert.throws(() => rt.compact('s0' as unknown as string[]), (e: unknown) => e instanceof TypeError && /array of stage names/.test(e.message));
      assert.throws(() => rt.compact([1] as unknown as string[]), TypeError);
      const info = rt.compact(['s0', 's0', 's1']);
      assert.deepEqual(info?.stages, ['s0', 's1']);
      assert.equal(modulesOf(rt, ['s0', 's1']), 1);
      assert.equal(rt.fn('f1')(), 2);
    });

    it('leaves optimizing-tier and linked stages alone', async () => {
      const rt = await newRuntime({ linking, compactAfter: 0 });
      await rt.loadOptimizer();
      rt.stage('opt', { tier: 'optimizing' }).func('o', '-> i32', (b) => b.i32(1)).commitSync();
      rt.stage('base').func('p', '-> i32', (b) => b.i32(2)).commitSync();
      assert.equal(rt.compact(), undefined, 'one candidate is nothing to merge');
    });
  });
}
