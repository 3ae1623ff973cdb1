// stage-latency: from "here is a new function" to "its first call returned", for a one-function
// stage, on each tier, against the engine's floor (hand-encoded bytes) and JS's `new Function`.

import { Runtime } from '../../runtime/index.js';
import { floorModule } from '../floor.js';
import { ratio, timed, verdict, type Case, type Strategy } from '../harness.js';

const now = () => performance.now();

function accrete(name: string, tier: 'baseline' | 'optimizing'): Strategy<{ rt: Runtime; last: string }> {
  return {
    name,
    setup: async () => ({ rt: await Runtime.create({ tier }), last: '' }),
    sample: (ctx, i) => {
      const t0 = now();
      const info = ctx.rt
        .stage()
        .func(`f${i}`, 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(i)))
        .commitSync();
      const r = ctx.rt.fn(`f${i}`)(1);
      const t = (now() - t0) * 1000;
      if (r !== i + 1) throw new Error(`wrong result ${String(r)}`);
      ctx.last = info.name;
      return t;
    },
    idle: (ctx) => ctx.rt.settled(),
    breakdown: (ctx) => {
      const s = ctx.rt.stats(ctx.last);
      return { build: s.build * 1000, optimize: s.optimize * 1000, compile: s.compile * 1000, instantiate: s.instantiate * 1000, wire: s.wire * 1000 };
    },
  };
}

const floor: Strategy<{ table: WebAssembly.Table; next: number }> = {
  name: 'floor',
  setup: () => ({ table: new WebAssembly.Table({ initial: 1024, element: 'anyfunc' }), next: 0 }),
  sample: (ctx, i) =>
    timed(() => {
      const inst = new WebAssembly.Instance(new WebAssembly.Module(floorModule(i) as BufferSource), {});
      const slot = ctx.next++ % ctx.table.length;
      ctx.table.set(slot, inst.exports['0'] as never);
      return (ctx.table.get(slot) as (x: number) => number)(1);
    }, i + 1),
};

const js: Strategy<null> = {
  name: 'js (new Function)',
  setup: () => null,
  sample: (_, i) => timed(() => (new Function('x', `return (x + ${i}) | 0;`) as (x: number) => number)(1), i + 1),
};

export const stageLatency: Case = {
  name: 'stage-latency',
  description: 'Request → callable for a one-function stage (build, compile, instantiate, wire, first call).',
  reference: 'floor',
  target: 'baseline tier p50 ≤ 1.5× floor, p99 ≤ 3× floor.',
  unit: 'µs',
  // V8 optimises the runtime's JavaScript over the first commits, V8 11 (Node 20) for about
  // 2,000 of them (docs/performance.md has the curve); the report's "first 50" column shows the
  // latency before that.
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
