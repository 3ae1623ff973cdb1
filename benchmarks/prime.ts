// Bringing the runtime's per-commit JavaScript to its steady state before a case measures it.
// A case whose warm-up makes only tens of commits would otherwise measure code V8 has not
// optimised yet, which is not what a long-running language runtime sees.

import { Runtime } from '../runtime/index.js';

let primed = false;

/**
 * Commit `commits` one-function stages on a scratch runtime, once per process. V8 11 has optimised
 * most of the per-commit code by 2,000 commits; it goes on optimising the rest (the commit's outer
 * steps, publishing) until ~6,500, but priming 8,000 instead moved batch-throughput's N = 1 ratio
 * by +0.01, within the noise (docs/performance.md, "Warm-up long enough for V8 11"). The measured
 * runtimes start empty; the report's "first" column still shows the cold reps.
 */
export async function primeCommitPath(commits = 2000): Promise<void> {
  if (primed) return;
  primed = true;
  const rt = await Runtime.create();
  for (let i = 0; i < commits; i++) {
    rt.stage()
      .func(`p${i}`, 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(i)))
      .commitSync();
    rt.fn(`p${i}`)(1);
    if (i % 50 === 49) await rt.settled();
  }
}
