// cold-path: where a small stage's cost among other work comes from. batch-throughput runs four
// times, each in a process of its own, with Accrete's one-function sample preceded (untimed) by
// work that brings part of what a commit touches back into cache; its time against the floor's
// says how much of the gap is the commit path being out of cache rather than work it does.

import { runInChild } from '../child.js';
import type { Case, Mode, Series } from '../harness.js';
import { resultOf } from '../harness.js';
import { WARM_ENV, type Warm } from './batch-throughput.js';

const VARIANTS: ReadonlyArray<readonly [Warm, string]> = [
  ['none', 'as in batch-throughput'],
  ['plan', "after planning a stage on another runtime (the commit's JavaScript in cache)"],
  ['engine', "after compiling and instantiating a floor module (the engine's compile path in cache)"],
  ['commit', 'after a whole commit on another runtime (both)'],
];

/** Medians of Accrete's and the floor's N=1 samples in a run of batch-throughput warmed by `warm`. */
function run(warm: Warm, mode: Mode): { accrete: number; floor: number } | { failed: string } {
  try {
    const r = runInChild('batch-throughput', mode, undefined, { [WARM_ENV]: warm });
    return { accrete: resultOf(r, 'accrete baseline', 'N=1').summary.median, floor: resultOf(r, 'floor', 'N=1').summary.median };
  } catch (e) {
    return { failed: (e as Error).message };
  }
}

/**
 * Every way is judged against the floor of the unwarmed run: a warming step inside the N=1 group
 * changes the floor's surroundings too (a commit on another runtime just before it slows it).
 */
function series(mode: Mode): Series[] {
  const runs = VARIANTS.map(([warm]) => run(warm, mode));
  const base = runs[0]!;
  return VARIANTS.map(([, label], i) => {
    const r = runs[i]!;
    if ('failed' in r) return { strategy: label, x: [], y: [], failed: r.failed } as Series;
    const floor = 'failed' in base ? NaN : base.floor;
    return { strategy: label, x: [1], y: [floor / r.accrete], extra: { 'accrete µs': r.accrete, "this run's floor µs": r.floor } };
  });
}

export const coldPath: Case = {
  name: 'cold-path',
  description:
    "batch-throughput's one-function stages, with Accrete's sample preceded (untimed) by nothing, by planning a stage on a second runtime, by compiling and instantiating a floor module, or by a whole commit on a second runtime; each way in a process of its own. y: the unwarmed run's floor median ÷ Accrete's (batch-throughput's ratio).",
  reference: 'floor',
  target: 'none: it shows how much of the N=1 gap is the commit path (and the engine after it) being out of cache.',
  unit: 'µs',
  warmup: { quick: 0, full: 0 },
  reps: { quick: 1, full: 1 },
  strategies: [],
  series: async (mode: Mode) => ({
    series: series(mode),
    xLabel: 'N',
    yLabel: 'throughput ÷ floor at N=1',
  }),
};
