// stage-latency: from "here is a new function" to "its first call returned", for a one-function
// stage, on each tier, against the engine's floor (hand-encoded bytes) and JS's `new Function`.

import { Runtime } from '../../runtime/index.js';
import { floorModule } from '../floor.js';
import { ratio, timed, verdict, type Case, type Strategy } from '../harness.js';

const now = () => performance.now();

/** Phases of the last sample, in µs: the same names for every strategy, so they line up. */
type Phases = Record<'build' | 'optimize' | 'compile' | 'instantiate' | 'wire' | 'first call', number>;

function accrete(name: string, tier: 'baseline' | 'optimizing'): Strategy<{ rt: Runtime; last: string; firstCall: number }> {
  return {
    name,
    setup: async () => ({ rt: await Runtime.create({ tier }), last: '', firstCall: 0 }),
    sample: (ctx, i) => {
      const t0 = now();
      const info = ctx.rt
        .stage()
        .func(`f${i}`, 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(i)))
        .commitSync();
      const t1 = now();
      const r = ctx.rt.fn(`f${i}`)(1);
      const t2 = now();
      if (r !== i + 1) throw new Error(`wrong result ${String(r)}`);
      ctx.last = info.name;
      ctx.firstCall = (t2 - t1) * 1000;
      return (t2 - t0) * 1000;
    },
    idle: (ctx) => ctx.rt.settled(),
    breakdown: (ctx): Phases => {
      const s = ctx.rt.stats(ctx.last);
      return { build: s.build * 1000, optimize: s.optimize * 1000, compile: s.compile * 1000, instantiate: s.instantiate * 1000, wire: s.wire * 1000, 'first call': ctx.firstCall };
    },
  };
}

/** Bytes by a few direct writes, compile, instantiate, `table.set`, call: the engine's own cost. */
const floor: Strategy<{ table: WebAssembly.Table; next: number; last: Phases }> = {
  name: 'floor',
  setup: () => ({ table: new WebAssembly.Table({ initial: 1024, element: 'anyfunc' }), next: 0, last: { build: 0, optimize: 0, compile: 0, instantiate: 0, wire: 0, 'first call': 0 } }),
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
    const r = (ctx.table.get(slot) as (x: number) => number)(1);
    const t5 = now();
    if (r !== i + 1) throw new Error(`wrong result ${String(r)}`);
    const us = (a: number, b: number) => (b - a) * 1000;
    ctx.last = { build: us(t0, t1), optimize: 0, compile: us(t1, t2), instantiate: us(t2, t3), wire: us(t3, t4), 'first call': us(t4, t5) };
    return us(t0, t5);
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
