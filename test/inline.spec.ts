// Functions declared inline are inlined into later stages; the backedge makes redefinition
// recompile exactly the stages that inlined them.

import assert from 'node:assert/strict';
import { LINKINGS, assertUnchanged, newRuntime, snapshot, throwsCode } from './helpers.js';
import type { FuncBuilder } from '../codegen/ir/builder.js';

for (const linking of LINKINGS) {
  describe(`inlining and backedges (${linking})`, () => {
    it('inlines the body: no call to the inline function remains', async () => {
      const rt = await newRuntime({ linking });
      rt.stage('lib').func('add1', 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(1)), { inline: true }).commitSync();
      rt.stage('user').func('add3', 'i32 -> i32', (b) => b.call('add1', b.call('add1', b.call('add1', b.param(0))))).commitSync();
      assert.equal(rt.fn('add3')(1), 4);
      const text = rt.toText('user');
      assert.doesNotMatch(text, /call_indirect|call /, `inlined code calls nothing:\n${text}`);
      assert.ok(rt.internals.dependents.get('add1')!.has('user'));
    });

    it('recompiles the stages that inlined a redefined function, and only those', async () => {
      const rt = await newRuntime({ linking });
      rt.stage('lib').func('k', '-> i32', (b) => b.i32(1), { inline: true }).commitSync();
      rt.stage('inliner').func('useK', '-> i32', (b) => b.i32.add(b.call('k'), b.i32(10))).commitSync();
      rt.stage('bystander').func('other', '-> i32', (b) => b.i32(5)).commitSync();
      const otherBefore = rt.internals.stages.get('bystander')!.code;
      assert.equal(rt.fn('useK')(), 11);
      const info = rt.stage('lib2').func('k', '-> i32', (b) => b.i32(2), { redefine: true, inline: true }).commitSync();
      assert.deepEqual(info.recompiled, ['inliner']);
      assert.equal(rt.fn('useK')(), 12);
      assert.equal(rt.internals.stages.get('bystander')!.code, otherBefore, 'an unrelated stage keeps its code');
    });

    it('follows backedges transitively through inline chains', async () => {
      const rt = await newRuntime({ linking });
      rt.stage('a').func('base', '-> i32', (b) => b.i32(1), { inline: true }).commitSync();
      rt.stage('b').func('mid', '-> i32', (b) => b.i32.mul(b.call('base'), b.i32(10)), { inline: true }).commitSync();
      rt.stage('c').func('top', '-> i32', (b) => b.i32.add(b.call('mid'), b.i32(3))).commitSync();
      assert.equal(rt.fn('top')(), 13);
      const info = rt.stage('a2').func('base', '-> i32', (b) => b.i32(2), { redefine: true, inline: true }).commitSync();
      assert.deepEqual([...info.recompiled].sort(), ['b', 'c']);
      assert.equal(rt.fn('top')(), 23);
      assert.equal(rt.fn('mid')(), 20);
    });

    it('does not inline recursion forever', async () => {
      const rt = await newRuntime({ linking });
      rt.stage().func('fact', 'i64 -> i64', (b) => b.if(b.i64.le_s(b.param(0), b.i64(1)), b.i64(1), b.i64.mul(b.param(0), b.call('fact', b.i64.sub(b.param(0), b.i64(1))))), { inline: true }).commitSync();
      rt.stage().func('f20', '-> i64', (b) => b.call('fact', b.i64(20))).commitSync();
      assert.equal(rt.fn('f20')(), 2432902008176640000n);
    });

    it('gives an inlined body fresh zeroed locals on every run, as a call would', async () => {
      const rt = await newRuntime({ linking });
      rt.stage('a').func('cnt', '-> i32', (b) => {
        const l = b.local('i32');
        return b.tee(l, b.i32.add(b.get(l), b.i32(1)));
      }, { inline: true }).commitSync();
      rt.stage('b').func('loop3', '-> i32', (b) => {
        const i = b.local('i32');
        const acc = b.local('i32');
        return [
          b.set(i, b.i32(3)),
          b.block([b.loop('l', [b.brIf('done', b.i32.eqz(b.get(i))), b.set(acc, b.i32.add(b.get(acc), b.call('cnt'))), b.set(i, b.i32.sub(b.get(i), b.i32(1))), b.br('l')])], { label: 'done' }),
          b.get(acc),
        ];
      }).commitSync();
      assert.equal(rt.fn('loop3')(), 3);
    });

    it('turns returns and tail calls of an inlined body into branches', async () => {
      const rt = await newRuntime({ linking });
      rt.stage().func('clamp', 'i32 -> i32', (b) => [b.if(b.i32.lt_s(b.param(0), b.i32(0)), b.return(b.i32(0))), b.param(0)], { inline: true }).func(
        'twice',
        'i32 -> i32',
        (b) => b.i32.mul(b.param(0), b.i32(2)),
      ).func('tailer', 'i32 -> i32', (b) => b.returnCall('twice', b.param(0)), { inline: true }).commitSync();
      rt.stage().func('use', 'i32 -> i32', (b) => b.i32.add(b.call('clamp', b.param(0)), b.call('tailer', b.i32(5)))).commitSync();
      assert.equal(rt.fn('use')(-5), 10);
      assert.equal(rt.fn('use')(7), 17);
    });

    it('runs a callee that returns nothing when a tail call to it is inlined', async () => {
      const rt = await newRuntime({ linking });
      const bump = (n: number) => (b: FuncBuilder) => b.setGlobal('hits', b.i32.add(b.global('hits'), b.i32(n)));
      rt.stage('lib')
        .global('hits', 'i32', 0)
        .func('bump', '->', bump(1), { inline: true })
        .func('plain', '->', bump(100))
        // Inlined bodies that end in a tail call of a function returning nothing, by name and by slot.
        .func('tailsPlain', '->', (b) => b.returnCall('plain'), { inline: true })
        .func('tailsSlot', '->', (b) => b.returnCallSlot('->', b.slotOf('plain')), { inline: true })
        .commitSync();
      rt.stage('app')
        .func('viaTail', '->', (b) => b.returnCall('bump'))
        .func('viaInner', '->', (b) => [b.call('tailsPlain'), b.call('tailsSlot')])
        .commitSync();
      await rt.loadOptimizer();
      for (const tier of ['baseline', 'optimizing'] as const) {
        rt.retierSync('app', tier);
        rt.setGlobal('hits', 0);
        rt.fn('viaTail')();
        assert.equal(rt.getGlobal('hits'), 1, `${tier}: the inlined callee's body ran`);
        rt.fn('viaInner')();
        assert.equal(rt.getGlobal('hits'), 201, `${tier}: the tail calls inside the inlined bodies ran`);
      }
      // The optimizing tier inlines a small callee of another stage on its own (autoInline).
      const opt = await newRuntime({ linking, tier: 'optimizing' });
      opt.stage('lib').global('hits', 'i32', 0).func('bump', '->', bump(1)).commitSync();
      opt.stage('app').func('viaTail', '->', (b) => b.returnCall('bump')).commitSync();
      opt.fn('viaTail')();
      assert.equal(opt.getGlobal('hits'), 1);
    });

    it("makes labels no caller label can capture, whatever the caller's labels are", async () => {
      const rt = await newRuntime({ linking });
      rt.stage('lib')
        .func('inc', 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(1)), { inline: true })
        .func('loopy', 'i32 -> i32', (b) => b.block([b.drop(b.brIf('l', b.param(0), b.param(0))), b.i32(7)], { label: 'l' }), { inline: true })
        .commitSync();
      // block <label> { inc(loopy(inc(br_if <label> 100 x))) + 1000 }: for x = 1 the branch leaves the caller's block with 100.
      const labels = ['out', '$inline0:inc', '$inline1:inc', 'l$1', 'l$2', '$inline0:loopy', '$inline2:loopy$3'];
      for (const [i, label] of labels.entries()) {
        rt.stage().func(`f${i}`, 'i32 -> i32', (b) =>
          b.block([b.i32.add(b.call('inc', b.call('loopy', b.call('inc', b.brIf(label, b.param(0), b.i32(100))))), b.i32(1000))], { label, type: 'i32' }),
        ).commitSync();
        assert.equal(rt.fn(`f${i}`)(1), 100, `label ${label}`);
        assert.equal(rt.fn(`f${i}`)(0), 1102, `label ${label}`);
      }
    });

    it('gives the locals of an inlined body that has ended to the next one', async () => {
      const rt = await newRuntime({ linking });
      rt.stage('lib').func('wide', 'i32 -> i32', (b) => {
        for (let i = 0; i < 998; i++) b.local('i32');
        return b.i32.add(b.param(0), b.get(b.local('i32')));
      }, { inline: true }).func('pair', 'i32 i32 -> i32', (b) => b.i32.add(b.i32.mul(b.param(0), b.i32(1000)), b.param(1)), { inline: true }).commitSync();
      // 60 calls one after another: 1,000 locals, not the 60,000 an engine would refuse.
      rt.stage('app').func('f', 'i32 -> i32', (b) => {
        let acc = b.call('wide', b.param(0));
        for (let i = 1; i < 60; i++) acc = b.i32.add(acc, b.call('wide', b.i32.add(b.param(0), b.i32(i))));
        return acc;
      }).commitSync();
      assert.equal(rt.fn('f')(1), 60 + (59 * 60) / 2);
      // One inlined in another's argument runs while the outer's parameter is bound: its own.
      rt.stage('app2').func('g', 'i32 i32 -> i32', (b) => b.call('pair', b.param(0), b.call('pair', b.param(1), b.i32(100)))).commitSync();
      assert.equal(rt.fn('g')(1, 2), 1 * 1000 + (2 * 1000 + 100));
    });

    it("refuses a function whose inlined bodies bring more locals than an engine compiles, with ResourceExhausted", async () => {
      const rt = await newRuntime({ linking });
      rt.stage('lib').func('wide', 'i32 -> i32', (b) => {
        for (let i = 0; i < 998; i++) b.local('i32');
        return b.i32.add(b.param(0), b.get(b.local('i32')));
      }, { inline: true }).commitSync();
      const before = snapshot(rt);
      // Each call in the argument of the one before: every body's locals are in use at once.
      const nested = (n: number) => (b: FuncBuilder) => {
        let e = b.i32(1);
        for (let i = 0; i < n; i++) e = b.call('wide', e);
        return e;
      };
      throwsCode(() => rt.stage('app').func('f', '-> i32', nested(60)).commitSync(), 'ResourceExhausted', /needs 60,000 locals .*inlined into it.*\(50,000\)/);
      assertUnchanged(before, rt);
      rt.stage('app').func('f', '-> i32', nested(45)).commitSync();
      assert.equal(rt.fn('f')(), 1);
    });

    it('keeps a tail call inside a try a tail call: what the callee throws leaves the try', async function () {
      const rt = await newRuntime({ linking });
      if (!rt.internals.features.tailCall) this.skip();
      await rt.loadOptimizer();
      const catching = (callee: string) => (b: Parameters<Parameters<ReturnType<typeof rt.stage>['func']>[2]>[0]) =>
        b.try(b.returnCall(callee), [{ tag: 'E', body: ([x]) => b.i32.add(x!, b.i32(100)) }], undefined, 'i32');
      rt.stage('t').tag('E', ['i32']).func('thrower', '-> i32', (b) => b.throw('E', b.i32(7))).commitSync();
      // The callee side: f tail-calls inside its own try; inlined, the call must not come under that try.
      rt.stage('A').func('f', '-> i32', catching('thrower'), { inline: true }).func('plainF', '-> i32', catching('thrower')).commitSync();
      // The caller side: g tail-calls an inline function inside its try.
      rt.stage('I').func('throwsInline', '-> i32', (b) => b.throw('E', b.i32(7)), { inline: true }).commitSync();
      rt.stage('B').func('callsF', '-> i32', (b) => b.call('f')).func('callsPlain', '-> i32', (b) => b.call('plainF')).func('g', '-> i32', catching('throwsInline')).commitSync();
      const thrown = (f: () => unknown) => {
        try {
          return f();
        } catch (e) {
          return (e as { tag?: string }).tag ?? String(e);
        }
      };
      for (const tier of ['baseline', 'optimizing'] as const) {
        rt.retierSync('B', tier);
        assert.equal(thrown(() => rt.fn('callsF')()), 'E', `${tier}: f inlined`);
        assert.equal(thrown(() => rt.fn('callsPlain')()), 'E', `${tier}: plainF (auto-inlined by the optimizing tier)`);
        assert.equal(thrown(() => rt.fn('g')()), 'E', `${tier}: g's tail call of an inline function`);
      }
    });
  });
}
