// batch-throughput: functions made callable per second when a stage holds 1, 10, 100 or 1000
// functions, against the engine's floor for the same batch and JS's `new Function`.

import { Runtime } from '../../runtime/index.js';
import { floorModule } from '../floor.js';
import { primeCommitPath } from '../prime.js';
import { ratio, timed, verdict, type Case, type Strategy } from '../harness.js';

const SIZES = [1, 10, 100, 1000];

/**
 * The warm-up reps make 40 to 100 commits per size: enough for the per-function code, not for the
 * per-commit code, so each size first primes the commit path (prime.ts) and measures the steady
 * state.
 */
function accrete(n: number): Strategy<{ rt: Runtime; k: number }> {
  return {
    name: 'accrete baseline',
    group: `N=${n}`,
    items: n,
    setup: async (mode) => {
      if (mode !== 'smoke') await primeCommitPath();
      return { rt: await Runtime.create(), k: 0 };
    },
    sample: (ctx) => {
      const base = ctx.k;
      ctx.k += n;
      return timed(() => {
        const s = ctx.rt.stage();
        for (let j = 0; j < n; j++) s.func(`f${base + j}`, 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(j)));
        s.commitSync();
        return ctx.rt.fn(`f${base + n - 1}`)(1);
      }, n);
    },
  };
}

function floor(n: number): Strategy<{ table: WebAssembly.Table; next: number }> {
  return {
    name: 'floor',
    group: `N=${n}`,
    items: n,
    setup: () => ({ table: new WebAssembly.Table({ initial: 4096, element: 'anyfunc' }), next: 0 }),
    sample: (ctx, i) =>
      timed(() => {
        const inst = new WebAssembly.Instance(new WebAssembly.Module(floorModule(i, n) as BufferSource), {});
        let last = 0;
        for (let j = 0; j < n; j++) {
          last = ctx.next++ % ctx.table.length;
          ctx.table.set(last, inst.exports[String(j)] as never);
        }
        return (ctx.table.get(last) as (x: number) => number)(1);
      }, i + n),
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

export const batchThroughput: Case = {
  name: 'batch-throughput',
  description: 'Make a stage of N functions callable (and call one), for N = 1, 10, 100, 1000.',
  reference: 'floor',
  target: 'accrete baseline ≥ 0.7× the floor’s functions/s at every size (time ≤ 1.43× floor).',
  unit: 'µs',
  warmup: { quick: 40, full: 100 },
  reps: { quick: 40, full: 200 },
  strategies: SIZES.flatMap((n) => [floor(n), accrete(n), js(n)]) as never,
  verdicts: (r) => SIZES.map((n) => verdict(`N=${n}: baseline throughput ÷ floor ≥ 0.7`, 1 / ratio(r, 'accrete baseline', `N=${n}`), 1 / ratio(r, 'accrete baseline', `N=${n}`) >= 0.7)),
};
