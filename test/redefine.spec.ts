// Redefinition writes new code into the same slot: every caller and every rt.fn handle sees it.

import assert from 'node:assert/strict';
import { LINKINGS, assertUnchanged, newRuntime, snapshot, throwsCode } from './helpers.js';

for (const linking of LINKINGS) {
  describe(`redefinition (${linking})`, () => {
    it('keeps the slot and switches every caller at once', async () => {
      const rt = await newRuntime({ linking });
      rt.stage('v1').func('f', 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(1))).commitSync();
      rt.stage('caller').func('g', 'i32 -> i32', (b) => b.i32.mul(b.call('f', b.param(0)), b.i32(10))).commitSync();
      const slot = rt.lookup('f')!.kind === 'func' ? (rt.lookup('f') as { slot: number }).slot : -1;
      const f = rt.fn('f');
      assert.equal(rt.fn('g')(1), 20);
      rt.stage('v2').func('f', 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(100)), { redefine: true }).commitSync();
      assert.equal((rt.lookup('f') as { slot: number }).slot, slot);
      assert.equal(rt.lookup('f')!.stage, 'v2');
      assert.equal(rt.fn('g')(1), 1010);
      assert.equal(f(1), 101, 'an rt.fn handle taken before redefinition runs the new code');
      assert.equal(rt.fn('f'), f, 'asking again gives the same handle');
    });

    it('switches direct callers in the defining stage too', async () => {
      const rt = await newRuntime({ linking });
      rt.stage('s').func('leaf', '-> i32', (b) => b.i32(1)).func('user', '-> i32', (b) => b.i32.add(b.call('leaf'), b.i32(1))).commitSync();
      assert.equal(rt.fn('user')(), 2);
      const info = rt.stage('t').func('leaf', '-> i32', (b) => b.i32(41), { redefine: true }).commitSync();
      assert.deepEqual(info.recompiled, ['s']);
      assert.equal(rt.fn('user')(), 42);
    });

    it('redefines a function several times', async () => {
      const rt = await newRuntime({ linking });
      rt.stage().func('v', '-> i32', (b) => b.i32(0)).commitSync();
      rt.stage().func('read', '-> i32', (b) => b.call('v')).commitSync();
      for (let i = 1; i <= 5; i++) {
        rt.stage().func('v', '-> i32', (b) => b.i32(i), { redefine: true }).commitSync();
        assert.equal(rt.fn('read')(), i);
      }
    });

    it('refuses a redefinition without the flag, and a signature change, changing nothing', async () => {
      const rt = await newRuntime({ linking });
      rt.stage().func('f', 'i32 -> i32', (b) => b.param(0)).commitSync();
      const before = snapshot(rt);
      throwsCode(() => rt.stage().func('f', 'i32 -> i32', (b) => b.param(0)).commitSync(), 'DuplicateSymbol', /redefine: true/);
      assertUnchanged(before, rt);
      const e = throwsCode(() => rt.stage('bad').func('f', 'i64 -> i32', (b) => b.i32(0), { redefine: true }).commitSync(), 'BadRedefinition', /signature/);
      assert.equal(e.stage, 'bad');
      assert.equal(e.definition, 'f');
      assertUnchanged(before, rt);
      throwsCode(() => rt.stage().global('f', 'i32', 0).commitSync(), 'DuplicateSymbol');
      assertUnchanged(before, rt);
    });

    it('replaces a host function by a wasm one in the same slot', async () => {
      const rt = await newRuntime({ linking });
      rt.stage().host('h', 'i32 -> i32', (x: number) => x + 1).commitSync();
      rt.stage().func('call', 'i32 -> i32', (b) => b.call('h', b.param(0))).commitSync();
      assert.equal(rt.fn('call')(1), 2);
      rt.stage().func('h', 'i32 -> i32', (b) => b.i32.mul(b.param(0), b.i32(3)), { redefine: true }).commitSync();
      assert.equal(rt.fn('call')(2), 6);
    });
  });
}
