// link-scaling: the cost of a stage whose one function refers to K earlier functions and K
// globals, K = 1 … 1000: Accrete's slot/cell lowering against import matching by name.

import { Runtime } from '../../runtime/index.js';
import { floorModule, importingModule } from '../floor.js';
import { ratio, verdict, type Case, type Strategy } from '../harness.js';

const KS = [1, 10, 100, 1000];
const LIB = 1000;
const now = () => performance.now();

/** Σ f_k(g_k) for k < K, plus `salt`, where f_k(x) = x + k and every g_k = 1. */
const expected = (k: number, salt: number) => salt + k + (k * (k - 1)) / 2;

function accrete(k: number): Strategy<{ rt: Runtime; n: number }> {
  return {
    name: 'accrete baseline',
    group: `K=${k}`,
    setup: async () => {
      const rt = await Runtime.create();
      const s = rt.stage('lib');
      for (let i = 0; i < LIB; i++) s.func(`f${i}`, 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(i))).global(`g${i}`, 'i32', 1);
      s.commitSync();
      return { rt, n: 0 };
    },
    sample: (ctx, salt) => {
      const name = `run${ctx.n++}`;
      const t0 = now();
      ctx.rt
        .stage()
        .func(name, '-> i32', (b) => {
          let acc = b.i32(salt);
          for (let i = 0; i < k; i++) acc = b.i32.add(acc, b.call(`f${i}`, b.global(`g${i}`)));
          return acc;
        })
        .commitSync();
      const r = ctx.rt.fn(name)();
      const t = (now() - t0) * 1000;
      if (r !== expected(k, salt)) throw new Error(`wrong result ${String(r)}`);
      return t;
    },
  };
}

function importMatching(k: number): Strategy<{ lib: Record<string, unknown> }> {
  return {
    name: 'import matching',
    group: `K=${k}`,
    setup: () => {
      // The "earlier modules": LIB functions and LIB mutable globals, exported by name.
      const lib: Record<string, unknown> = {};
      for (let i = 0; i < LIB; i++) {
        const m = new WebAssembly.Instance(new WebAssembly.Module(floorModule(i) as BufferSource), {});
        lib[`f${i}`] = m.exports['0'];
        lib[`g${i}`] = new WebAssembly.Global({ value: 'i32', mutable: true }, 1);
      }
      return { lib };
    },
    sample: (ctx, salt) => {
      const t0 = now();
      const inst = new WebAssembly.Instance(new WebAssembly.Module(importingModule(k, salt) as BufferSource), { lib: ctx.lib as WebAssembly.ModuleImports });
      const r = (inst.exports.run as () => number)();
      const t = (now() - t0) * 1000;
      if (r !== expected(k, salt)) throw new Error(`wrong result ${r}`);
      return t;
    },
  };
}

export const linkScaling: Case = {
  name: 'link-scaling',
  description: `A one-function stage calling K earlier functions and reading K earlier globals (library of ${LIB} each), from request to first call.`,
  reference: 'import matching',
  target: 'accrete flat in K; ≥ 5× faster than import matching at K = 1000.',
  unit: 'µs',
  warmup: { quick: 5, full: 20 },
  reps: { quick: 40, full: 200 },
  strategies: KS.flatMap((k) => [importMatching(k), accrete(k)]) as never,
  verdicts: (r) => [verdict('K=1000: import matching ÷ accrete ≥ 5', 1 / ratio(r, 'accrete baseline', 'K=1000'), 1 / ratio(r, 'accrete baseline', 'K=1000') >= 5)],
};
