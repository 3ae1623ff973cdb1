// batch-throughput: functions made callable per second when a stage holds 1, 10, 100 or 1000
// functions, against the engine's floor for the same batch and JS's `new Function`.

import { abandon, planStage } from '../../runtime/commit.js';
import { Runtime, type Tier } from '../../runtime/index.js';
import { accretePhases, floorPhases, noPhases, type Phases } from '../commit-phases.js';
import { floorModule } from '../floor.js';
import { primeCommitPath } from '../prime.js';
import { ratio, timed, verdict, type Case, type Strategy } from '../harness.js';

const SIZES = [1, 10, 100, 1000];
const now = () => performance.now();

/**
 * What Accrete's N=1 sample is preceded by, outside its timing: nothing (the case as it stands), or
 * work that brings part of what a commit touches back into cache: planning a stage on a second
 * runtime (the commit's JavaScript), compiling and instantiating a floor module (the engine's
 * compile path), a whole commit on a second runtime (both). cold-path runs the case each way, in a
 * process of its own, through ACCRETE_BENCH_WARM; nothing else sets it.
 */
export const WARMS = ['none', 'plan', 'engine', 'commit'] as const;
export type Warm = (typeof WARMS)[number];
export const WARM_ENV = 'ACCRETE_BENCH_WARM';

async function warmer(warm: Warm): Promise<() => void> {
  if (warm === 'none') return () => undefined;
  let k = 0;
  if (warm === 'engine') {
    const t = new WebAssembly.Table({ initial: 1, element: 'anyfunc' });
    return () => {
      const inst = new WebAssembly.Instance(new WebAssembly.Module(floorModule(1e6 + k++) as BufferSource), {});
      t.set(0, inst.exports['0'] as never);
      (t.get(0) as (x: number) => number)(1);
    };
  }
  const other = await Runtime.create();
  const stage = () => other.stage().func(`w${k}`, 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(0)));
  if (warm === 'plan') return () => void (abandon(planStage(other.internals, stage())), k++);
  return () => {
    stage().commitSync();
    other.fn(`w${k++}`)(1);
  };
}

/**
 * The warm-up reps make 40 to 100 commits per size: enough for the per-function code, not for the
 * per-commit code, so each size first primes the commit path (prime.ts) and measures the steady
 * state.
 */
function accrete(n: number, warm: Warm, tier: Tier = 'baseline'): Strategy<{ rt: Runtime; k: number; last: Phases; pre: () => void }> {
  return {
    name: `accrete ${tier}`,
    group: `N=${n}`,
    items: n,
    setup: async (mode) => {
      if (mode !== 'smoke') await primeCommitPath();
      return { rt: await Runtime.create({ tier }), k: 0, last: noPhases(), pre: await warmer(n === 1 ? warm : 'none') };
    },
    sample: (ctx) => {
      ctx.pre();
      const base = ctx.k;
      ctx.k += n;
      return timed(() => {
        const t0 = now();
        const s = ctx.rt.stage();
        for (let j = 0; j < n; j++) s.func(`f${base + j}`, 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(j)));
        const t1 = now();
        const st = s.commitSync().stats;
        const t2 = now();
        const f = ctx.rt.fn(`f${base + n - 1}`);
        const t3 = now();
        const r = f(1);
        const t4 = now();
        ctx.last = accretePhases(t0, t1, t2, t3, t4, st);
        return r;
      }, n);
    },
    // The runtime compacts its small stages here, between requests, as stage-latency's does.
    idle: (ctx) => ctx.rt.settled(),
    breakdown: (ctx) => ({ ...ctx.last }),
  };
}

function floor(n: number): Strategy<{ table: WebAssembly.Table; next: number; last: Phases }> {
  return {
    name: 'floor',
    group: `N=${n}`,
    items: n,
    setup: () => ({ table: new WebAssembly.Table({ initial: 4096, element: 'anyfunc' }), next: 0, last: noPhases() }),
    sample: (ctx, i) =>
      timed(() => {
        const t0 = now();
        const bytes = floorModule(i, n) as BufferSource;
        const t1 = now();
        const mod = new WebAssembly.Module(bytes);
        const t2 = now();
        const inst = new WebAssembly.Instance(mod, {});
        const t3 = now();
        let last = 0;
        for (let j = 0; j < n; j++) {
          last = ctx.next++ % ctx.table.length;
          ctx.table.set(last, inst.exports[String(j)] as never);
        }
        const t4 = now();
        const f = ctx.table.get(last) as (x: number) => number;
        const t5 = now();
        const r = f(1);
        const t6 = now();
        ctx.last = floorPhases([t0, t1, t2, t3, t4, t5, t6]);
        return r;
      }, i + n),
    breakdown: (ctx) => ({ ...ctx.last }),
  };
}

function js(n: number): Strategy<null> {
  return {
    name: 'js (new Function)',
    group: `N=${n}`,
    items: n,
    setup: () => null,
    sample: (_, i) =>
      timed(() => {
        const src = Array.from({ length: n }, (_, j) => `(x) => (x + ${i + j}) | 0`).join(',\n');
        return (new Function(`return [${src}];`)() as Array<(x: number) => number>)[n - 1]!(1);
      }, i + n),
  };
}

const WARM = (process.env[WARM_ENV] ?? 'none') as Warm;
if (!WARMS.includes(WARM)) throw new Error(`${WARM_ENV} must be one of ${WARMS.join(', ')}, got ${WARM}`);

export const batchThroughput: Case = {
  name: 'batch-throughput',
  description: `Make a stage of N functions callable (and call one), for N = 1, 10, 100, 1000.${WARM === 'none' ? '' : ` Accrete's N=1 sample follows a warming step (${WARM}): see cold-path.`}`,
  reference: 'floor',
  target: 'accrete baseline ≥ 0.7× the floor’s functions/s at every size (time ≤ 1.43× floor).',
  unit: 'µs',
  warmup: { quick: 40, full: 100 },
  reps: { quick: 200, full: 600 },
  strategies: SIZES.flatMap((n) => [floor(n), accrete(n, WARM), js(n)]) as never,
  verdicts: (r) => SIZES.map((n) => verdict(`N=${n}: baseline throughput ÷ floor ≥ 0.7`, 1 / ratio(r, 'accrete baseline', `N=${n}`), 1 / ratio(r, 'accrete baseline', `N=${n}`) >= 0.7)),
};

export const batchThroughputOptimizing: Case = {
  name: 'batch-throughput-optimizing',
  description: 'The same with the optimizing tier (binaryen), against the floor measured in the same process (a case of its own: binaryen\'s heap brings collections that would land on the baseline case\'s samples).',
  reference: 'floor',
  target: 'none set; the optimizing tier is for hot code, re-tiered later (rt.retier).',
  unit: 'µs',
  warmup: { quick: 5, full: 20 },
  reps: { quick: 30, full: 100 },
  strategies: SIZES.flatMap((n) => [floor(n), accrete(n, 'none', 'optimizing')]) as never,
};
