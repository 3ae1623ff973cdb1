// batch-throughput: functions made callable per second when a stage holds 1, 10, 100 or 1000
// functions, against the engine's floor for the same batch and JS's `new Function`.

import { Runtime } from '../../runtime/index.js';
import { floorModule } from '../floor.js';
import { ratio, verdict, type Case, type Strategy } from '../harness.js';

const SIZES = [1, 10, 100, 1000];
const now = () => performance.now();

function accrete(n: number): Strategy<{ rt: Runtime; k: number }> {
  return {
    name: 'accrete baseline',
    group: `N=${n}`,
    items: n,
    setup: async () => ({ rt: await Runtime.create(), k: 0 }),
    sample: (ctx) => {
      const base = ctx.k;
      ctx.k += n;
      const t0 = now();
      const s = ctx.rt.stage();
      for (let j = 0; j < n; j++) s.func(`f${base + j}`, 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(j)));
      s.commitSync();
      const r = ctx.rt.fn(`f${base + n - 1}`)(1);
      const t = (now() - t0) * 1000;
      if (r !== n) throw new Error('wrong result');
      return t;
    },
  };
}

function floor(n: number): Strategy<{ table: WebAssembly.Table; next: number }> {
  return {
    name: 'floor',
    group: `N=${n}`,
    items: n,
    setup: () => ({ table: new WebAssembly.Table({ initial: 4096, element: 'anyfunc' }), next: 0 }),
    sample: (ctx, i) => {
      const t0 = now();
      const inst = new WebAssembly.Instance(new WebAssembly.Module(floorModule(i, n) as BufferSource), {});
      let last = 0;
      for (let j = 0; j < n; j++) {
        last = (ctx.next++ % ctx.table.length);
        ctx.table.set(last, inst.exports[String(j)] as never);
      }
      const r = (ctx.table.get(last) as (x: number) => number)(1);
      const t = (now() - t0) * 1000;
      if (r !== i + n) throw new Error('wrong result');
      return t;
    },
  };
}

function js(n: number): Strategy<null> {
  return {
    name: 'js (new Function)',
    group: `N=${n}`,
    items: n,
    setup: () => null,
    sample: (_, i) => {
      const t0 = now();
      const src = Array.from({ length: n }, (_, j) => `(x) => (x + ${i + j}) | 0`).join(',\n');
      const fs = new Function(`return [${src}];`)() as Array<(x: number) => number>;
      const r = fs[n - 1]!(1);
      const t = (now() - t0) * 1000;
      if (r !== i + n) throw new Error('wrong result');
      return t;
    },
  };
}

export const batchThroughput: Case = {
  name: 'batch-throughput',
  description: 'Make a stage of N functions callable (and call one), for N = 1, 10, 100, 1000.',
  reference: 'floor',
  target: 'accrete baseline ≥ 0.7× the floor’s functions/s at every size (time ≤ 1.43× floor).',
  unit: 'µs',
  warmup: { quick: 5, full: 20 },
  reps: { quick: 40, full: 200 },
  strategies: SIZES.flatMap((n) => [floor(n), accrete(n), js(n)]) as never,
  verdicts: (r) => SIZES.map((n) => verdict(`N=${n}: baseline throughput ÷ floor ≥ 0.7`, 1 / ratio(r, 'accrete baseline', `N=${n}`), 1 / ratio(r, 'accrete baseline', `N=${n}`) >= 0.7)),
};
