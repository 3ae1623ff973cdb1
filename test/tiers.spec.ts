// The optimising tier (binaryen) accepts the same IR, and any stage can be re-tiered later into
// the same slots.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { newRuntime, throwsCode } from './helpers.js';

describe('tiers', () => {
  it('compiles stages with the optimizing tier to the same behaviour', async () => {
    const rt = await newRuntime({ tier: 'optimizing' });
    rt.stage('a').constant('K', 'i32', 3).tag('E', ['i32']).func('k', 'i32 -> i32', (b) => b.i32.mul(b.param(0), b.constant('K')), { inline: true }).commitSync();
    rt.stage('b').func('f', 'i32 -> i32', (b) => b.try(b.if(b.i32.gt_s(b.param(0), b.i32(100)), b.throw('E', b.param(0)), b.i32.add(b.call('k', b.param(0)), b.i32(1))), [{ tag: 'E', body: ([x]) => b.i32.sub(b.i32(0), x!) }])).commitSync();
    assert.equal(rt.fn('f')(5), 16);
    assert.equal(rt.fn('f')(500), -500);
    assert.equal(rt.stats('b').tier, 'optimizing');
    assert.ok(rt.stats('b').optimize > 0);
  });

  it('mixes tiers per stage', async () => {
    const rt = await newRuntime();
    await rt.loadOptimizer();
    rt.stage('base').func('sq', 'f64 -> f64', (b) => b.f64.mul(b.param(0), b.param(0))).commitSync();
    rt.stage('opt', { tier: 'optimizing' }).func('hyp', 'f64 f64 -> f64', (b) => b.f64.sqrt(b.f64.add(b.call('sq', b.param(0)), b.call('sq', b.param(1))))).commitSync();
    assert.equal(rt.fn('hyp')(3, 4), 5);
    assert.equal(rt.stats('base').tier, 'baseline');
    assert.equal(rt.stats('opt').tier, 'optimizing');
  });

  it('re-tiers a stage into the same slots; handles and callers follow', async () => {
    const rt = await newRuntime();
    rt.stage('hot').func('loop', 'i32 -> i32', (b) => {
      const i = b.local('i32');
      const acc = b.local('i32');
      return [b.loop('L', [b.set(acc, b.i32.add(b.get(acc), b.get(i))), b.set(i, b.i32.add(b.get(i), b.i32(1))), b.brIf('L', b.i32.lt_s(b.get(i), b.param(0)))]), b.get(acc)];
    }).commitSync();
    rt.stage('caller').func('run', 'i32 -> i32', (b) => b.call('loop', b.param(0))).commitSync();
    const handle = rt.fn('loop');
    const slot = (rt.lookup('loop') as { slot: number }).slot;
    const before = rt.table.get(slot);
    await rt.retier('hot');
    assert.notEqual(rt.table.get(slot), before, 'the slot holds the new code');
    assert.equal((rt.lookup('loop') as { slot: number }).slot, slot);
    assert.equal(rt.stages().find((s) => s.name === 'hot')!.tier, 'optimizing');
    assert.equal(handle(10), 45);
    assert.equal(rt.fn('run')(100), 4950);
    rt.retierSync('hot', 'baseline');
    assert.equal(handle(10), 45);
  });

  it('inlines small functions of other stages by itself, with backedges', async () => {
    const rt = await newRuntime({ tier: 'optimizing' });
    rt.stage('lib').func('inc', 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(1))).commitSync();
    rt.stage('app').func('inc2', 'i32 -> i32', (b) => b.call('inc', b.call('inc', b.param(0)))).commitSync();
    assert.equal(rt.fn('inc2')(1), 3);
    assert.deepEqual(WebAssembly.Module.imports(rt.internals.stages.get('app')!.code!.module), [], 'no call through the table is left');
    const info = rt.stage('lib2').func('inc', 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(10)), { redefine: true }).commitSync();
    assert.deepEqual(info.recompiled, ['app']);
    assert.equal(rt.fn('inc2')(1), 21);
  });

  it('inlines on its own only while the caller has few locals, so what the baseline tier takes it takes too, in time', async () => {
    const rt = await newRuntime({ tier: 'baseline' });
    // A small function (within autoInline) with 20 locals, called 2,600 times: inlined at every
    // call, the caller would need 54,602 locals, more than an engine compiles (and binaryen took
    // 7 s over 10,000 of them, minutes over 50,000).
    rt.stage('lib').func('g', 'i32 -> i32', (b) => {
      const ls = Array.from({ length: 20 }, () => b.local('i32'));
      return [b.set(ls[0]!, b.param(0)), b.set(ls[19]!, b.i32.add(b.get(ls[0]!), b.i32(1))), b.get(ls[19]!)];
    }).commitSync();
    rt.stage('app').func('f', 'i32 -> i32', (b) => {
      const acc = b.local('i32');
      const out = [];
      for (let i = 0; i < 2600; i++) out.push(b.set(acc, b.i32.add(b.get(acc), b.call('g', b.param(0)))));
      return [...out, b.get(acc)];
    }).commitSync();
    await rt.loadOptimizer();
    rt.retierSync('app', 'optimizing');
    assert.equal(rt.fn('f')(1), 2600 * 2);
    // Not every call was inlined (binaryen took 7 s over all of them): some go through a table.
    const app = rt.internals.stages.get('app')!.code!.module;
    assert.equal([...WebAssembly.Module.imports(app), ...WebAssembly.Module.exports(app)].filter((e) => e.kind === 'table').length, 1);
    rt.stage('app2', { tier: 'optimizing' }).func('f2', 'i32 -> i32', (b) => b.call('f', b.param(0))).commitSync();
    assert.equal(rt.fn('f2')(2), 2600 * 3);
  });

  it('does not inline on its own when autoInline is 0, or in the baseline tier', async () => {
    for (const opts of [{ tier: 'optimizing' as const, autoInline: 0 }, { tier: 'baseline' as const }]) {
      const rt = await newRuntime(opts);
      rt.stage('lib').func('inc', 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(1))).commitSync();
      rt.stage('app').func('inc2', 'i32 -> i32', (b) => b.call('inc', b.param(0))).commitSync();
      // A call through a slot needs the shared table or a link table; an inlined call needs neither.
      const app = rt.internals.stages.get('app')!.code!.module;
      const tables = [...WebAssembly.Module.imports(app), ...WebAssembly.Module.exports(app)].filter((e) => e.kind === 'table');
      assert.equal(tables.length, 1, JSON.stringify(opts));
    }
  });

  it('says how to load binaryen when a sync call needs it first', async () => {
    // A fresh process may not have binaryen yet; the error must explain the fix. Here it may be
    // loaded by an earlier test, so only check the error when it is not.
    const { optimizerLoaded } = await import('../codegen/optimizer.js');
    const rt = await newRuntime();
    rt.stage('s').func('f', '-> i32', (b) => b.i32(1)).commitSync();
    if (!optimizerLoaded()) throwsCode(() => rt.retierSync('s'), 'NotLoaded', /loadOptimizer/);
    throwsCode(() => rt.retierSync('nope'), 'UnknownStage');
  });

  it('loads binaryen itself when an optimizing-tier stage is committed with the async API', () => {
    // In a fresh process, where binaryen is not loaded yet (here an earlier test may have loaded it).
    const runtime = new URL('../runtime/index.js', import.meta.url).href;
    const script = `const { Runtime } = await import(${JSON.stringify(runtime)});
      const rt = await Runtime.create();
      const info = await rt.stage('o', { tier: 'optimizing' }).func('f', '-> i32', (b) => b.i32(5)).commit();
      console.log(info.stats.tier, rt.fn('f')());`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.equal(out.trim(), 'optimizing 5');
  });

  it('compiles bulk memory operations in the optimizing tier', async () => {
    const rt = await newRuntime({ tier: 'optimizing' });
    await rt.loadOptimizer();
    const at = rt.layout.heapBase;
    rt.stage('m')
      .func('fillCopy', '-> i32', (b) => [b.memory.fill(b.i32(at), b.i32(7), b.i32(8)), b.memory.copy(b.i32(at + 8), b.i32(at), b.i32(8)), b.i32.load8_u(b.i32(at + 15))])
      .commitSync();
    assert.equal(rt.fn('fillCopy')(), 7);
  });
});
