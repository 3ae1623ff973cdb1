// kept-heap: what a committed stage keeps in the JS heap (its records and its kept body, which
// recompiling, re-tiering and inlining need) as its one body grows, beside its module's bytes.

import { Runtime } from '../../runtime/index.js';
import type { Case, Mode, Progress, Series } from '../harness.js';

const KS = [1, 10, 100, 1000];
const LIB = 1000;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

interface Kept {
  /** JS heap kept per stage, in KB, after a full collection. */
  heap: number;
  /** The stage's module, in KB. */
  bytes: number;
}

/** Commit `n` stages whose function calls K library functions and reads K globals; measure. */
async function measure(k: number, n: number): Promise<Kept> {
  const rt = await Runtime.create();
  const lib = rt.stage('lib');
  for (let i = 0; i < LIB; i++) lib.func(`f${i}`, 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(i))).global(`g${i}`, 'i32', 1);
  lib.commitSync();
  let bytes = 0;
  const commit = (r: number) =>
    rt
      .stage()
      .func(`run${r}`, '-> i32', (b) => {
        let acc = b.i32(r);
        for (let i = 0; i < k; i++) acc = b.i32.add(acc, b.call(`f${i}`, b.global(`g${i}`)));
        return acc;
      })
      .commitSync().stats.bytes;
  for (let r = 0; r < 50; r++) commit(r);
  await rt.settled();
  gc();
  const h0 = process.memoryUsage().heapUsed;
  for (let r = 50; r < 50 + n; r++) bytes += commit(r);
  await rt.settled();
  gc();
  const h1 = process.memoryUsage().heapUsed;
  // The runtime must stay reachable until the second reading.
  if (rt.stages().length < n) throw new Error('stages went missing');
  return { heap: (h1 - h0) / n / 1024, bytes: bytes / n / 1024 };
}

export const keptHeap: Case = {
  name: 'kept-heap',
  description:
    'JS heap kept per committed stage (after a full collection) whose one function calls K library functions and reads K globals, K = 1 … 1000, beside the size of the module the engine holds for it. (What the scavenges that copy kept bodies cost shows in the p99 of link-scaling.)',
  reference: 'module bytes',
  target: 'Accrete’s own budget (the issue sets none for big stages): ≤ 100 bytes of JS heap per referenced function-and-global pair at K = 1000.',
  unit: 'KB',
  warmup: { quick: 0, full: 0 },
  reps: { quick: 1, full: 1 },
  strategies: [],
  series: async (mode: Mode, progress?: Progress) => {
    // Enough stages that what they keep stands well above the heap's own drift (~100 KB).
    const n = (k: number) => (mode === 'smoke' ? 3 : (mode === 'quick' ? 1 : 3) * Math.max(100, Math.round(20000 / Math.max(k, 10))));
    const kept: Kept[] = [];
    for (const [i, k] of KS.entries()) {
      progress?.(i, KS.length, `K=${k}`);
      kept.push(await measure(k, n(k)));
    }
    progress?.(KS.length, KS.length, 'done');
    const series: Series[] = [
      { strategy: 'accrete baseline', x: KS, y: kept.map((m) => m.heap) },
      { strategy: 'module bytes', x: KS, y: kept.map((m) => m.bytes) },
    ];
    return { series, xLabel: 'K (functions and globals referenced)', yLabel: 'KB per stage' };
  },
  verdicts: (r) => {
    const s = r.series!.series.find((x) => x.strategy === 'accrete baseline')!;
    const bytesPerRef = ((s.y[s.y.length - 1] ?? NaN) * 1024) / 1000;
    return [{ what: 'K=1000: JS heap kept per reference pair ≤ 100 B', value: `${bytesPerRef.toFixed(0)} B`, met: bytesPerRef <= 100 }];
  },
};
