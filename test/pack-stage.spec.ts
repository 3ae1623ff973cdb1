// A big stage's small bodies kept packed together (core.packMin): the engine choice, and that the
// packed bodies still serve what a kept body is for (rebuilds, inlining by the optimizing tier).

import assert from 'node:assert/strict';
import { isTree } from '../codegen/ir/packed.js';
import { choosePackMin, PACK_TOGETHER_MIN } from '../runtime/features.js';
import type { FuncRecord } from '../runtime/symbols.js';
import type { Runtime } from '../runtime/index.js';
import { LINKINGS, newRuntime } from './helpers.js';

const irOf = (rt: Runtime, n: string) => (rt.internals.symbols.get(n) as FuncRecord).ir!;
const engine = (v8Major: number) => ({ node: 'v0', v8: `${v8Major}.0`, v8Major });

describe('packing a stage’s bodies together: the engine choice', () => {
  it('packs from V8 13 on, never before', () => {
    assert.equal(choosePackMin(engine(11)), 0);
    assert.equal(choosePackMin(engine(12)), 0);
    assert.equal(choosePackMin(engine(13)), PACK_TOGETHER_MIN);
    assert.equal(choosePackMin(engine(14)), PACK_TOGETHER_MIN);
  });

  it('follows the engine the runtime runs on', async () => {
    const rt = await newRuntime();
    assert.equal(rt.internals.packMin, choosePackMin(rt.internals.engine));
  });
});

for (const linking of LINKINGS) {
  describe(`packing a stage’s bodies together (${linking})`, () => {
    async function packing(min: number): Promise<Runtime> {
      const rt = await newRuntime({ linking });
      rt.internals.packMin = min;
      return rt;
    }

    it('keeps the small bodies of a stage of at least packMin functions in one array', async () => {
      const rt = await packing(4);
      const s = rt.stage('big');
      for (let i = 0; i < 6; i++) s.func(`f${i}`, 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(i)));
      s.commitSync();
      const words = (irOf(rt, 'f0') as { words?: unknown }).words;
      assert.ok(words, 'f0 packed');
      for (let i = 0; i < 6; i++) {
        assert.ok(!isTree(irOf(rt, `f${i}`)), `f${i} packed`);
        assert.equal((irOf(rt, `f${i}`) as { words: unknown }).words, words, 'one array for all');
        assert.equal(rt.fn(`f${i}`)(10), 10 + i);
      }
    });

    it('leaves smaller stages, and packMin 0, as trees', async () => {
      const rt = await packing(4);
      const s = rt.stage('small');
      for (let i = 0; i < 3; i++) s.func(`f${i}`, 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(i)));
      s.commitSync();
      for (let i = 0; i < 3; i++) assert.ok(isTree(irOf(rt, `f${i}`)), `f${i} a tree`);
      const off = await packing(0);
      const t = off.stage('big');
      for (let i = 0; i < 20; i++) t.func(`g${i}`, 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(i)));
      t.commitSync();
      assert.ok(isTree(irOf(off, 'g0')));
    });

    it('keeps inline functions as trees (every inlining reads them)', async () => {
      const rt = await packing(2);
      const s = rt.stage('lib');
      for (let i = 0; i < 4; i++) s.func(`f${i}`, 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(i)));
      s.func('inc', 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(1)), { inline: true });
      s.commitSync();
      assert.ok(isTree(irOf(rt, 'inc')), 'inline body a tree');
      assert.ok(!isTree(irOf(rt, 'f1')), 'the others packed');
      rt.stage('use').func('u', 'i32 -> i32', (b) => b.call('inc', b.param(0))).commitSync();
      assert.equal(rt.fn('u')(1), 2);
      assert.doesNotMatch(rt.toText('use'), /call/, 'inlined');
    });

    it('rebuilds packed bodies when a constant they read is redefined; the optimizing tier inlines them', async () => {
      const rt = await packing(4);
      rt.stage('consts').constant('k', 'i32', 10).commitSync();
      const s = rt.stage('big');
      for (let i = 0; i < 8; i++) s.func(`f${i}`, 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32.add(b.constant('k'), b.i32(i))));
      s.commitSync();
      assert.ok(!isTree(irOf(rt, 'f3')));
      for (let i = 0; i < 8; i++) assert.equal(rt.fn(`f${i}`)(1), 11 + i);
      rt.stage('consts2').constant('k', 'i32', 100, { redefine: true }).commitSync();
      for (let i = 0; i < 8; i++) assert.equal(rt.fn(`f${i}`)(1), 101 + i, `f${i} rebuilt from its packed body`);
      // The optimizing tier inlines a small packed body from another stage.
      await rt.stage('hot', { tier: 'optimizing' }).func('h', 'i32 -> i32', (b) => b.call('f2', b.param(0))).commit();
      assert.equal(rt.fn('h')(5), 107);
      assert.doesNotMatch(rt.toText('hot'), /call/);
    });

    it('a big stage that fails to commit leaves the runtime as it was', async () => {
      const rt = await packing(4);
      const s = rt.stage('bad');
      for (let i = 0; i < 6; i++) s.func(`f${i}`, 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(i)));
      s.func('g', 'i32 -> i32', (b) => b.call('missing', b.param(0)));
      assert.throws(() => s.commitSync(), (e: Error & { code?: string }) => e.code !== undefined);
      assert.equal(rt.lookup('f0'), undefined);
      const t = rt.stage('good');
      for (let i = 0; i < 6; i++) t.func(`f${i}`, 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(2 * i)));
      t.commitSync();
      assert.equal(rt.fn('f5')(0), 10);
    });
  });
}
