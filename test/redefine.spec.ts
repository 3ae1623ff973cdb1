// Redefinition writes new code into the same slot: every caller and every rt.fn handle sees it.

import assert from 'node:assert/strict';
import { encoderChecks } from '../codegen/lower/encode.js';
import { AccreteError, type FuncBuilder } from '../runtime/index.js';
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

    it('publishes every name of a big stage mixing new names, redefinitions and revived retired ones', async () => {
      // Big enough that the planner prefetches its names and the commit inserts them by the hashes
      // the stage computed (one per definition, in definition order, whatever its kind).
      const rt = await newRuntime({ linking });
      rt.stage('old').func('r0', '-> i32', (b) => b.i32(-1)).global('gone', 'i32', 5).commitSync();
      rt.stage('tmp').func('t0', '-> i32', (b) => b.i32(-2)).commitSync();
      rt.retire('tmp');
      const s = rt.stage('big');
      for (let i = 0; i < 24; i++) {
        if (i === 3) s.func('r0', '-> i32', (b) => b.i32(300), { redefine: true });
        else if (i === 9) s.func('t0', '-> i32', (b) => b.i32(900));
        else if (i % 5 === 0) s.global(`g${i}`, 'i32', i);
        else if (i % 7 === 0) s.constant(`c${i}`, 'i32', i);
        else s.func(`f${i}`, '-> i32', (b) => b.i32(i));
      }
      s.func('sum', '-> i32', (b) => b.i32.add(b.i32.add(b.call('r0'), b.call('t0')), b.i32.add(b.global('g20'), b.call('f23'))));
      s.commitSync();
      assert.equal(rt.fn('sum')(), 300 + 900 + 20 + 23);
      for (let i = 0; i < 24; i++) {
        const name = i === 3 ? 'r0' : i === 9 ? 't0' : i % 5 === 0 ? `g${i}` : i % 7 === 0 ? `c${i}` : `f${i}`;
        assert.equal(rt.lookup(name)?.stage, 'big', name);
      }
      assert.equal(rt.lookup('gone')?.stage, 'old');
      // Later stages find them all again by name.
      rt.stage('after').func('use', '-> i32', (b) => b.i32.add(b.call('f1'), b.i32.add(b.call('t0'), b.global('g15')))).commitSync();
      assert.equal(rt.fn('use')(), 1 + 900 + 15);
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

describe('redefinition: rebuilding a body nested too deep to walk', () => {
  it('rebuilds it from its words when what it folded changes, is retired, or its stage is re-tiered', async () => {
    const rt = await newRuntime({ compactAfter: 0 });
    rt.stage('lib').constant('K', 'i32', 1).func('one', '-> i32', (b) => b.i32(1)).commitSync();
    const N = 20_000;
    // The suite checks every packed body against the tree encoder, which recurses: not this one.
    encoderChecks.stream = false;
    try {
      rt.stage('big')
        .func('sum', 'i32 -> i32', (b) => {
          let e = b.param(0);
          for (let i = 0; i < N; i++) e = b.i32.add(e, i % 2 ? b.constant('K') : b.call('one'));
          return e;
        })
        .commitSync();
      assert.equal(rt.fn('sum')(0), N);
      rt.stage('fix').constant('K', 'i32', 3, { redefine: true }).commitSync();
      assert.equal(rt.fn('sum')(0), N / 2 + 3 * (N / 2));
      await rt.retier('big', 'optimizing');
      await rt.retier('big', 'baseline');
      assert.equal(rt.fn('sum')(0), 2 * N);
      rt.retire('fix');
      rt.retire('lib');
      throwsCode(() => rt.fn('sum')(0), 'RetiredSymbol', /'one' was retired/);
      // Defined anew, one takes its slot back (callers reach it) and K does not (K keeps its last value).
      rt.stage('lib2').constant('K', 'i32', 100).func('one', '-> i32', (b) => b.i32(-1)).commitSync();
      rt.retierSync('big', 'baseline');
      assert.equal(rt.fn('sum')(0), -(N / 2) + 3 * (N / 2));
    } finally {
      encoderChecks.stream = true;
    }
  });

  it('keeps a call of an inline function whose body is too deep to inline a call, and rebuilds its callers', async () => {
    for (const linking of LINKINGS) {
      const rt = await newRuntime({ linking });
      const deep = (b: FuncBuilder) => {
        let e = b.param(0);
        for (let i = 0; i < 2000; i++) e = b.i32.add(e, b.i32(1));
        return e;
      };
      encoderChecks.stream = false;
      try {
        rt.stage('lib').func('d', 'i32 -> i32', deep, { inline: true }).func('s', 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(1)), { inline: true }).commitSync();
        rt.stage('app').func('c', 'i32 -> i32', (b) => b.i32.add(b.call('d', b.param(0)), b.call('s', b.param(0)))).commitSync();
        assert.equal(rt.fn('c')(1), 2001 + 2, linking);
        // s's callers inlined its small body: rebuilt, they now call the deep one.
        rt.stage('v2').func('s', 'i32 -> i32', deep, { inline: true, redefine: true }).commitSync();
        assert.equal(rt.fn('c')(1), 2 * 2001, linking);
      } finally {
        encoderChecks.stream = true;
      }
    }
  });

  it('rebuilds it from its words in a module that throws or catches elsewhere', async () => {
    const rt = await newRuntime({ tier: 'optimizing' });
    const deep = (b: FuncBuilder) => {
      let e = b.param(0);
      for (let i = 0; i < 5000; i++) e = b.i32.add(e, b.i32(1));
      return e;
    };
    rt.stage('lib').constant('K', 'i32', 1).tag('E', ['i32']).func('g', 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(1)), { inline: true }).commitSync();
    encoderChecks.stream = false;
    try {
      rt.stage('A', { tier: 'baseline' })
        .func('d', 'i32 -> i32', deep)
        .func('t', 'i32 -> i32', (b) => b.try([b.i32.add(b.param(0), b.constant('K'))], [], [b.i32(0)], 'i32'))
        .func('f', 'i32 -> i32', (b) => b.call('g', b.param(0)))
        .commitSync();
      rt.retierSync('A', 'optimizing');
      rt.retierSync('A', 'baseline');
      rt.stage('K2').constant('K', 'i32', 2, { redefine: true }).commitSync();
      assert.equal(rt.fn('t')(1), 3);
      // g inlined into f now catches: the rebuilt module's other functions are written from their words too.
      rt.stage('G2').func('g', 'i32 -> i32', (b) => b.try([b.throw('E', b.param(0))], [{ tag: 'E', body: ([x]) => b.i32.mul(x!, b.i32(10)) }], undefined, 'i32'), { inline: true, redefine: true }).commitSync();
    } finally {
      encoderChecks.stream = true;
    }
    assert.deepEqual([rt.fn('d')(1), rt.fn('t')(1), rt.fn('f')(1)], [5001, 3, 10]);
  });

  it("names the commit's stage, and the stage and definition it was rebuilding, when a rebuild fails", async () => {
    const rt = await newRuntime();
    rt.stage('lib').func('h', 'i32 -> i32', (b) => b.param(0), { inline: true }).commitSync();
    rt.stage('user').func('u', 'i32 -> i32', (b) => b.call('h', b.call('h', b.call('h', b.param(0))))).commitSync();
    const before = snapshot(rt);
    // h with 20,000 locals is fine alone; inlined three times into u, each call in the argument of
    // the one before (all in use at once), it is more than an engine takes.
    const heavy = (b: Parameters<Parameters<ReturnType<typeof rt.stage>['func']>[2]>[0]) => {
      for (let i = 0; i < 20_000; i++) b.local('i32');
      return b.param(0);
    };
    let caught: unknown;
    try {
      rt.stage('v2').func('h', 'i32 -> i32', heavy, { inline: true, redefine: true }).commitSync();
    } catch (e) {
      caught = e;
    }
    assert.ok(caught instanceof AccreteError, String(caught));
    assert.match(caught.message, /stage 'v2': rebuilding stage 'user'(, 'u')?, which depends on what this commit changes: /);
    assert.equal(caught.stage, 'v2');
    assert.equal(caught.definition, undefined, "no definition of another stage is named as the commit's");
    assertUnchanged(before, rt);
  });
});
