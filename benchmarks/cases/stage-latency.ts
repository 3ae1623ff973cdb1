// stage-latency: from "here is a new function" to "its first call returned", for a one-function
// stage, on each tier, against the engine's floor (hand-encoded bytes) and JS's `new Function`.

import { Runtime } from '../../runtime/index.js';
import { accretePhases, floorPhases, noPhases, type Phases } from '../commit-phases.js';
import { floorModule } from '../floor.js';
import { ratio, timed, verdict, type Case, type Strategy } from '../harness.js';

const now = () => performance.now();

function accrete(name: string, tier: 'baseline' | 'optimizing'): Strategy<{ rt: Runtime; last: Phases }> {
  return {
    name,
    setup: async () => ({ rt: await Runtime.create({ tier }), last: noPhases() }),
    sample: (ctx, i) => {
      const t0 = now();
      const stage = ctx.rt.stage().func(`f${i}`, 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(i)));
      const t1 = now();
      const info = stage.commitSync();
      const t2 = now();
      const f = ctx.rt.fn(`f${i}`);
      const t3 = now();
      const r = f(1);
      const t4 = now();
      if (r !== i + 1) throw new Error(`wrong result ${String(r)}`);
      ctx.last = accretePhases(t0, t1, t2, t3, t4, info.stats);
      return (t4 - t0) * 1000;
    },
    idle: (ctx) => ctx.rt.settled(),
    breakdown: (ctx) => ({ ...ctx.last }),
  };
}

/** Bytes by a few direct writes, compile, instantiate, `table.set`, call: the engine's own cost. */
const floor: Strategy<{ table: WebAssembly.Table; next: number; last: Phases }> = {
  name: 'floor',
  setup: () => ({ table: new WebAssembly.Table({ initial: 1024, element: 'anyfunc' }), next: 0, last: noPhases() }),
  sample: (ctx, i) => {
    const t0 = now();
    const bytes = floorModule(i);
    const t1 = now();
    const module = new WebAssembly.Module(bytes as BufferSource);
    const t2 = now();
    const inst = new WebAssembly.Instance(module, {});
    const t3 = now();
    const slot = ctx.next++ % ctx.table.length;
    ctx.table.set(slot, inst.exports['0'] as never);
    const t4 = now();
    const f = ctx.table.get(slot) as (x: number) => number;
    const t5 = now();
    const r = f(1);
    const t6 = now();
    if (r !== i + 1) throw new Error(`wrong result ${String(r)}`);
    ctx.last = floorPhases([t0, t1, t2, t3, t4, t5, t6]);
    return (t6 - t0) * 1000;
  },
  breakdown: (ctx) => ({ ...ctx.last }),
};

const js: Strategy<null> = {
  name: 'js (new Function)',
  setup: () => null,
  sample: (_, i) => timed(() => (new Function('x', `return (x + ${i}) | 0;`) as (x: number) => number)(1), i + 1),
};

export const stageLatency: Case = {
  name: 'stage-latency',
  description: 'Request → callable for a one-function stage (define, build, compile, instantiate, wire, the rest of the commit, rt.fn, first call).',
  reference: 'floor',
  target: 'baseline tier p50 ≤ 1.5× floor, p99 ≤ 3× floor.',
  unit: 'µs',
  // V8 optimises the runtime's JavaScript over the first commits, V8 11 (Node 20) most of it
  // within 2,000 of them (docs/performance.md has the curve); the report's "first 50" column shows
  // the latency before that.
  warmup: { quick: 2000, full: 3000 },
  reps: { quick: 1000, full: 3000 },
  // The optimizing tier runs in a case of its own: binaryen's large heap brings GC pauses that
  // would land on every strategy's p99 in the same process.
  strategies: [floor, accrete('accrete baseline', 'baseline'), js] as never,
  verdicts: (r) => [
    verdict('baseline p50 ≤ 1.5× floor', ratio(r, 'accrete baseline'), ratio(r, 'accrete baseline') <= 1.5),
    verdict('baseline p99 ≤ 3× floor', ratio(r, 'accrete baseline', undefined, 'p99'), ratio(r, 'accrete baseline', undefined, 'p99') <= 3),
  ],
};

export const stageLatencyOptimizing: Case = {
  name: 'stage-latency-optimizing',
  description: 'The same with the optimizing tier (binaryen), against the floor measured in the same process.',
  reference: 'floor',
  target: 'none set; the optimizing tier is for hot code, re-tiered later (rt.retier).',
  unit: 'µs',
  warmup: { quick: 20, full: 100 },
  reps: { quick: 150, full: 1000 },
  strategies: [floor, accrete('accrete optimizing', 'optimizing')] as never,
};
