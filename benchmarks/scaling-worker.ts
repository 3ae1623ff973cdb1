// One strategy of stage-count-scaling in a process of its own (run with --expose-gc): commits N
// one-function stages, timing each, and reports per-block medians and memory per live stage.

import { Runtime } from '../runtime/index.js';
import { floorModule } from './floor.js';
import { quantile } from './stats.js';

const [strategy, nArg, blockArg] = process.argv.slice(2);
const N = Number(nArg);
const BLOCK = Number(blockArg ?? 1000);
const now = () => performance.now();
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

async function main(): Promise<void> {
  const times = new Float64Array(N);
  let step: (i: number) => void;
  if (strategy === 'floor') {
    const table = new WebAssembly.Table({ initial: N + 16, element: 'anyfunc' });
    step = (i) => {
      const inst = new WebAssembly.Instance(new WebAssembly.Module(floorModule(i) as BufferSource), {});
      table.set(i, inst.exports['0'] as never);
      (table.get(i) as (x: number) => number)(1);
    };
  } else {
    const rt = await Runtime.create({ maxSlots: N + 1024, initialSlots: 1024 });
    step = (i) => {
      rt.stage().func(`f${i}`, 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(i))).commitSync();
      rt.fn(`f${i}`)(1);
    };
  }
  gc();
  const before = process.memoryUsage();
  let failed: string | undefined;
  let done = 0;
  try {
    for (let i = 0; i < N; i++) {
      const t0 = now();
      step(i);
      times[i] = (now() - t0) * 1000;
      done = i + 1;
      // The parent reads these to say how far a strategy got if the engine kills the process.
      if (done % 1000 === 0) process.stderr.write(`reached ${done}\n`);
    }
  } catch (e) {
    failed = `stopped after ${done} stages: ${(e as Error).message}`;
  }
  gc();
  const after = process.memoryUsage();
  const x: number[] = [];
  const y: number[] = [];
  for (let b = 0; b + BLOCK <= done; b += BLOCK) {
    x.push(b + BLOCK);
    y.push(quantile([...times.subarray(b, b + BLOCK)].sort((p, q) => p - q), 0.5));
  }
  process.stdout.write(
    JSON.stringify({
      strategy,
      x,
      y,
      extra: {
        stages: done,
        'RSS KB/stage': (after.rss - before.rss) / 1024 / Math.max(1, done),
        'heap KB/stage': (after.heapUsed - before.heapUsed) / 1024 / Math.max(1, done),
        'external KB/stage': (after.external - before.external) / 1024 / Math.max(1, done),
      },
      failed,
    }),
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
