// Sync and async commit, commitSync from inside a host call made by running wasm (eval), and
// commits racing each other.

import assert from 'node:assert/strict';
import type { Runtime } from '../runtime/index.js';
import { LINKINGS, newRuntime, throwsCode } from './helpers.js';

for (const linking of LINKINGS) {
  describe(`commit (${linking})`, () => {
    it('commits asynchronously and synchronously with the same result', async () => {
      const rt = await newRuntime({ linking });
      const a = await rt.stage('async').func('a', '-> i32', (b) => b.i32(1)).commit();
      const s = rt.stage('sync').func('s', '-> i32', (b) => b.i32.add(b.call('a'), b.i32(1))).commitSync();
      assert.equal(a.name, 'async');
      assert.equal(s.name, 'sync');
      assert.equal(rt.fn('s')(), 2);
    });

    it("hands out what it reports as the caller's own: changing it changes nothing in the runtime", async () => {
      const rt = await newRuntime({ linking });
      const info = rt.stage('s').func('a', '-> i32', (b) => b.i32(1)).func('b', '-> i32', (b) => b.i32(2)).commitSync();
      assert.deepEqual(info.symbols, ['a', 'b']);
      // The names are the stage record's own list: frozen.
      assert.throws(() => (info.symbols as string[]).push('c'), TypeError);
      const kept = rt.stats('s');
      (info.stats as { bytes: number }).bytes = -1;
      (info as { name: string }).name = 'other';
      assert.deepEqual(rt.stats('s'), kept);
      assert.deepEqual(rt.stages().find((x) => x.name === 's')?.symbols, ['a', 'b']);
      assert.equal(rt.fn('b')(), 2);
    });

    it('commits a stage from inside a host call made by wasm, and calls the new code at once', async () => {
      let rt!: Runtime;
      let evals = 0;
      const evalHost = (n: number): number => {
        // "eval": compile a new function while wasm is on the stack, then call it.
        const name = `gen${evals++}`;
        rt.stage().func(name, 'i32 -> i32', (b) => b.i32.mul(b.param(0), b.i32(n))).commitSync();
        return rt.fn(name)(n) as number;
      };
      rt = await newRuntime({ linking, host: { evalSquare: { sig: 'i32 -> i32', fn: evalHost } } });
      rt.stage().func('driver', 'i32 -> i32', (b) => b.i32.add(b.call('evalSquare', b.param(0)), b.call('evalSquare', b.i32(2)))).commitSync();
      assert.equal(rt.fn('driver')(5), 29);
      assert.equal(evals, 2);
    });

    it('redefines the very function that is running, from inside it', async () => {
      let rt!: Runtime;
      const redefine = () => {
        rt.stage().func('self', '-> i32', (b) => b.i32(2), { redefine: true }).commitSync();
      };
      rt = await newRuntime({ linking, host: { redefine: { sig: '->', fn: redefine } } });
      rt.stage().func('self', '-> i32', (b) => [b.call('redefine'), b.i32(1)]).commitSync();
      assert.equal(rt.fn('self')(), 1, 'the running activation finishes with its own code');
      assert.equal(rt.fn('self')(), 2, 'the next call runs the new code');
    });

    it('serialises concurrent async commits and sees each earlier one', async () => {
      const rt = await newRuntime({ linking });
      const ps = [];
      ps.push(rt.stage('c0').func('c0', '-> i32', (b) => b.i32(1)).commit());
      for (let i = 1; i < 20; i++) ps.push(rt.stage(`c${i}`).func(`c${i}`, '-> i32', (b) => b.i32.add(b.call(`c${i - 1}`), b.i32(1))).commit());
      await Promise.all(ps);
      assert.equal(rt.fn('c19')(), 20);
    });

    it('re-plans an async commit overtaken by a sync one', async () => {
      const rt = await newRuntime({ linking });
      const pending = rt.stage('slow').func('v', '-> i32', (b) => b.i32(1)).commit();
      // A sync commit publishes first and defines the same name: the async one must notice.
      rt.stage('fast').func('v', '-> i32', (b) => b.i32(2)).commitSync();
      await assert.rejects(pending, /DuplicateSymbol/);
      assert.equal(rt.fn('v')(), 2);
      assert.equal(rt.lookup('v')!.stage, 'fast');
    });

    it('refuses a commit from inside a body callback, changing nothing', async () => {
      const rt = await newRuntime({ linking });
      const before = rt.stages().length;
      const e = throwsCode(() => rt.stage('outer').func('f', '-> i32', (b) => {
        rt.stage('inner').func('g', '-> i32', (bb) => bb.i32(1)).commitSync();
        return b.i32(0);
      }).commitSync(), 'StageState', /cannot change the runtime from inside a function body callback/);
      assert.equal(e.stage, 'inner', 'the error names the stage that could not be committed');
      assert.equal(e.definition, undefined, "and no definition of another stage as if it were inner's");
      assert.match(e.message, /\(in the body of stage 'outer', 'f'\)/, 'the body it was committed from');
      assert.equal(rt.stages().length, before);
      assert.equal(rt.lookup('g'), undefined);
      rt.stage('after').func('h', '-> i32', (b) => b.i32(2)).commitSync();
      assert.equal(rt.fn('h')(), 2);
    });

    it('lets a failed stage be fixed elsewhere and committed again', async () => {
      const rt = await newRuntime({ linking });
      const s = rt.stage('later').func('needsHelper', '-> i32', (b) => b.call('helper'));
      assert.throws(() => s.commitSync(), /UnknownSymbol/);
      rt.stage().func('helper', '-> i32', (b) => b.i32(3)).commitSync();
      s.commitSync();
      assert.equal(rt.fn('needsHelper')(), 3);
    });
  });
}

describe('planned units', () => {
  it('have one shape, whoever makes them', async () => {
    const { abandon, planStage } = await import('../runtime/commit.js');
    const { PendingUnit } = await import('../runtime/pending.js');
    const rt = await newRuntime();
    const stage = rt
      .stage('s')
      .func('f', 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(1)))
      .host('h', 'i32 -> i32', (x: number) => x);
    const plan = planStage(rt.internals, stage);
    try {
      const code = plan.code!;
      const host = plan.host!;
      assert.ok(code instanceof PendingUnit && host instanceof PendingUnit);
      // The same fields in the same order: one hidden class for the commit path's code to read.
      assert.deepEqual(Object.keys(host), Object.keys(code));
      assert.equal(code.kind, 'code');
      assert.equal(host.kind, 'host');
    } finally {
      abandon(plan);
    }
  });
});
