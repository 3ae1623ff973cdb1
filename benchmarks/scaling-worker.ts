// One strategy of stage-count-scaling in a process of its own (run with --expose-gc): commits N
// one-function stages, timing each, and reports per-block medians and means, every stage's time
// and memory per live stage.

import { Runtime } from '../runtime/index.js';
import { floorModule } from './floor.js';
import { primeCommitPath } from './prime.js';
import { quantile } from './stats.js';

const [strategy, nArg, blockArg, warmArg] = process.argv.slice(2);
const N = Number(nArg);
const BLOCK = Number(blockArg ?? 1000);
/** Stages between idle moments (the harness's IDLE_EVERY for interleaved cases). */
const IDLE_EVERY = 50;
/**
 * Stages each strategy makes on scratch state before it is timed: more than the 2,000 the other
 * cases prime with, because the first block is this case's reference (after 2,000, Node 20's first
 * 200 stages still ran ~1.2–1.5× the later ones in some runs).
 */
const WARMUP = 6000;
const now = () => performance.now();
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const tick = () => new Promise<void>((r) => setImmediate(r));

interface Growing {
  /** Make stage `i` callable and call it once. */
  step(i: number): void;
  /** Between requests: the runtime's background work (compaction) runs here, untimed. */
  idle(): Promise<void>;
  /** Call the first stage's function (f(1) = 1 + 0): the program is still live and correct when memory is read. */
  first(): number;
}

/** The engine alone: a module per stage, its function written into one table. */
function floor(): Growing {
  const table = new WebAssembly.Table({ initial: N + 16, element: 'anyfunc' });
  const call = (i: number) => (table.get(i) as (x: number) => number)(1);
  return {
    step: (i) => {
      const inst = new WebAssembly.Instance(new WebAssembly.Module(floorModule(i) as BufferSource), {});
      table.set(i, inst.exports['0'] as never);
      call(i);
    },
    idle: tick,
    first: () => call(0),
  };
}

async function accrete(): Promise<Growing> {
  const rt = await Runtime.create({ maxSlots: N + 1024, initialSlots: 1024 });
  return {
    step: (i) => {
      rt.stage().func(`f${i}`, 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(i))).commitSync();
      rt.fn(`f${i}`)(1);
    },
    idle: () => rt.settled(),
    first: () => rt.fn<(x: number) => number>('f0')(1),
  };
}

/**
 * The floor's engine paths warmed as the commit path is: the first block is then a steady state for
 * both, not a warm-up.
 */
function warmFloor(): void {
  const table = new WebAssembly.Table({ initial: 1, element: 'anyfunc' });
  for (let i = 0; i < WARMUP; i++) {
    table.set(0, new WebAssembly.Instance(new WebAssembly.Module(floorModule(N + i) as BufferSource), {}).exports['0'] as never);
    (table.get(0) as (x: number) => number)(1);
  }
}

/** A block's median and mean. */
function blockStats(block: Float64Array): [number, number] {
  return [quantile([...block].sort((p, q) => p - q), 0.5), block.reduce((s, t) => s + t, 0) / block.length];
}

async function main(): Promise<void> {
  const times = new Float64Array(N);
  // Memory is read before the warm-up, whose garbage the last collection takes. Reading it after
  // would need a collection there, which shapes the first block either way: right before the
  // timed loop it slowed Node 20's first ~1,200 stages 1.5× (V8 marks again soon after a
  // collection empties the heap); followed by 1,500 untimed stages on scratch state it made the
  // first ~1,000–1,400 stages 3× faster for both strategies (the engine reusing the code space
  // of modules just freed). So heap per stage is exact, and RSS per stage an upper bound (pages
  // the warm-up leaves in RSS count against it: ~0.3 KB per stage at 100,000 stages).
  gc();
  const before = process.memoryUsage();
  // (The smoke test skips the warm-up: it only checks that the case runs.)
  if (warmArg !== 'cold') {
    if (strategy === 'floor') warmFloor();
    else await primeCommitPath(WARMUP);
  }
  const g = strategy === 'floor' ? floor() : await accrete();
  let failed: string | undefined;
  let done = 0;
  try {
    for (let i = 0; i < N; i++) {
      const t0 = now();
      g.step(i);
      times[i] = (now() - t0) * 1000;
      done = i + 1;
      if (done % IDLE_EVERY === 0) await g.idle();
      // The parent reads these for its progress bar, and for the blocks made before the engine
      // killed the process if it does (the floor's live modules hit the process's mappings).
      if (done % BLOCK === 0) {
        const [median, mean] = blockStats(times.subarray(done - BLOCK, done));
        process.stderr.write(`reached ${done} ${median} ${mean}\n`);
      }
    }
  } catch (e) {
    failed = `stopped after ${done} stages: ${(e as Error).message}`;
  }
  await g.idle();
  gc();
  const after = process.memoryUsage();
  if (done > 0 && g.first() !== 1) failed ??= `the first stage's function returned ${g.first()}, expected 1`;
  const x: number[] = [];
  const median: number[] = [];
  const mean: number[] = [];
  for (let b = 0; b + BLOCK <= done; b += BLOCK) {
    const [m, a] = blockStats(times.subarray(b, b + BLOCK));
    x.push(b + BLOCK);
    median.push(m);
    mean.push(a);
  }
  process.stdout.write(
    JSON.stringify({
      strategy,
      x,
      y: median,
      mean,
      // Every stage's time (0.01 µs is below the clock's resolution).
      samples: Array.from(times.subarray(0, done), (t) => Math.round(t * 100) / 100),
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
