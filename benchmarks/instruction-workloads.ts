// The commit-path workloads `npm run bench -- --instructions` counts under callgrind, as a child
// process: `node instruction-workloads.js RUNTIME WORKLOAD STAGES [WARM]`, RUNTIME being the path
// of a build's runtime/index.js (this checkout's or another revision's: only the public API is used).

import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { floorModule } from './floor.js';

interface RuntimeApi {
  stage(name?: string): StageApi;
  fn(name: string): (...args: number[]) => number;
  settled(): Promise<void>;
}
interface StageApi {
  func(name: string, sig: string, body: (b: Builder) => unknown): StageApi;
  global(name: string, type: string, init: number): StageApi;
  commitSync(): unknown;
}
type Builder = {
  i32: ((v: number) => unknown) & { add(a: unknown, b: unknown): unknown; mul(a: unknown, b: unknown): unknown };
  param(i: number): unknown;
  call(name: string, ...args: unknown[]): unknown;
  global(name: string): unknown;
};

/**
 * A workload: its library stage, then `stage(rt, n)` for the n-th stage. Nothing waits for the
 * event loop: background compaction finishes when its compile does, a different point of the run
 * each time, so the workloads leave it to the synchronous compaction the runtime falls back to
 * (at four times its threshold), which happens at the same stage every run.
 */
export interface Workload {
  readonly name: string;
  readonly description: string;
  /** Stages run before the counted ones, and counted stages (instructions are per counted stage). */
  readonly warm: number;
  readonly counted: number;
  /**
   * Counted cold (instructions.ts, `countColdLines`): each counted stage runs with the caches
   * emptied, as batch-throughput's one-function sample runs after the 1,000-function groups, and is
   * counted alone, in cache lines fetched from beyond the L2 cache rather than in instructions.
   */
  readonly cold?: true;
  library(rt: RuntimeApi): void;
  stage(rt: RuntimeApi, n: number): void;
}

const K = 1000;

/** Bigger than the L2 cache callgrind simulates (instructions.ts): written over, it empties it. */
const EVICT_BYTES = 8 << 20;

/**
 * Set by the counter for cold workloads: callgrind runs them uninstrumented (their long warm-up
 * then takes seconds, not minutes), and the workload switches instrumentation on when its counted
 * stages begin.
 */
export const INSTRUMENT_ENV = 'ACCRETE_CALLGRIND_INSTRUMENT';

/** Write one byte per line of `b` (its own function: V8 optimises the loop alone, not `coldly`). */
function sweep(b: Uint8Array): void {
  for (let i = 0; i < b.length; i += 64) b[i]!++;
}

/**
 * Run counted stage `n` of a cold workload as batch-throughput's one-function sample meets it: the
 * caches emptied by an 8 MB sweep, then the engine's paths brought back by compiling,
 * instantiating and calling a floor module (the floor pays for its own, so what is left is the
 * runtime's), then the stage inside a `JSON.parse` reviver, the one place the counter collects
 * (`--toggle-collect` on V8's JsonParseInternalizer).
 */
function coldly(stage: () => void, evict: Uint8Array, n: number): void {
  sweep(evict);
  const floor = new WebAssembly.Instance(new WebAssembly.Module(floorModule(n) as BufferSource), {});
  (floor.exports['0'] as (x: number) => number)(1);
  JSON.parse('[0]', (key: string, v: unknown) => {
    if (key === '0') stage();
    return v;
  });
}

/** The small stages' library, and their function: it calls the library's and reads its global. */
const smallLibrary = (rt: RuntimeApi) => void rt.stage('lib').func('base', 'i32 -> i32', (b) => b.i32.mul(b.param(0), b.i32(3))).global('G', 'i32', 5).commitSync();
const small = (s: StageApi, name: string) => s.func(name, 'i32 i32 -> i32', (b) => b.i32.add(b.call('base', b.param(0)), b.i32.mul(b.param(1), b.global('G'))));

export const WORKLOADS: readonly Workload[] = [
  {
    name: 'cold-one-function',
    description:
      "batch-throughput's N = 1 stage (a function adding a constant to its parameter, made callable and called once), each after the caches were emptied; V8 optimises the commit path over the first ~6,500 commits (performance.md), so the warm-up takes the longest",
    warm: 7000,
    counted: 40,
    cold: true,
    library: () => undefined,
    stage: (rt, n) => {
      rt.stage()
        .func(`c${n}`, 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(n)))
        .commitSync();
      rt.fn(`c${n}`)(1);
    },
  },
  {
    name: 'one-function',
    description: "one-function stages that call an earlier function and read a global, each called once (stage-latency's shape; V8 is still optimising the runtime's code over these stages, and its compiler is about a fifth of the count)",
    warm: 300,
    counted: 700,
    library: smallLibrary,
    stage: (rt, n) => {
      small(rt.stage(), `h${n}`).commitSync();
      rt.fn(`h${n}`)(1, 2);
    },
  },
  {
    name: 'batch-100',
    description: "stages of 100 such functions, one of them called (batch-throughput's N = 100)",
    warm: 30,
    counted: 60,
    library: smallLibrary,
    stage: (rt, n) => {
      const s = rt.stage();
      for (let j = 0; j < 100; j++) small(s, `h${n}_${j}`);
      s.commitSync();
      rt.fn(`h${n}_0`)(1, 2);
    },
  },
  {
    name: 'k1000',
    description: "a one-function stage that calls 1,000 earlier functions and reads 1,000 globals, not called (link-scaling's K = 1000 up to its link)",
    warm: 20,
    counted: 60,
    library: (rt) => {
      const s = rt.stage('lib');
      for (let i = 0; i < K; i++) s.func(`f${i}`, 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(i))).global(`g${i}`, 'i32', 1);
      s.commitSync();
    },
    stage: (rt, n) => {
      rt.stage()
        .func(`run${n}`, '-> i32', (b) => {
          let acc = b.i32(n);
          for (let i = 0; i < K; i++) acc = b.i32.add(acc, b.call(`f${i}`, b.global(`g${i}`)));
          return acc;
        })
        .commitSync();
    },
  },
];

async function main(): Promise<void> {
  const [runtimePath, name, count, warmArg] = process.argv.slice(2);
  const w = WORKLOADS.find((x) => x.name === name);
  const stages = Number(count);
  // A cold workload's stages past its warm-up are counted cold (a test gives a short warm-up).
  const warm = warmArg === undefined ? w?.warm : Number(warmArg);
  if (!runtimePath || !w || !Number.isInteger(stages) || stages < 0 || !Number.isInteger(warm) || warm! < 0) throw new Error(`usage: instruction-workloads.js RUNTIME (${WORKLOADS.map((x) => x.name).join('|')}) STAGES [WARM]`);
  const { Runtime } = (await import(pathToFileURL(runtimePath).href)) as { Runtime: { create(o: object): Promise<RuntimeApi> } };
  const rt = await Runtime.create({ tier: 'baseline' });
  w.library(rt);
  if (!w.cold) {
    for (let n = 0; n < stages; n++) w.stage(rt, n);
    return;
  }
  // A cold workload lets the runtime compact between stages, as batch-throughput's idle step does,
  // so that no compaction lands in what is counted. (It forces no collection: V8 11's forced full
  // collection here deoptimises ~25 functions of the commit path, "weak objects", which
  // batch-throughput's own collections do not.)
  const evict = new Uint8Array(EVICT_BYTES);
  for (let n = 0; n < Math.min(warm!, stages); n++) {
    w.stage(rt, n);
    if (n % 64 === 63) await rt.settled();
  }
  if (process.env[INSTRUMENT_ENV]) execFileSync('callgrind_control', ['-i', 'on', String(process.pid)], { stdio: 'ignore' });
  for (let n = warm!; n < stages; n++) {
    await rt.settled();
    coldly(() => w.stage(rt, n), evict, n);
  }
}

// Run as a script (the runner imports WORKLOADS only).
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
