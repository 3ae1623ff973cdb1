// stage-count-scaling: latency of the N-th stage and memory per live stage as a program grows to
// tens of thousands of stages. Each strategy runs in a process of its own (scaling-worker.ts).

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Case, Mode, Progress, Series } from '../harness.js';
import { quantile } from '../stats.js';

const worker = fileURLToPath(new URL('../scaling-worker.js', import.meta.url));
const STRATEGIES = ['floor', 'accrete baseline'];

/** Run one strategy's worker, reporting its progress from the "reached N" lines it writes. */
function run(strategy: string, n: number, block: number, warm: boolean, progress: (done: number) => void): Promise<Series & { failed?: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--expose-gc', worker, strategy, String(n), String(block), warm ? 'warm' : 'cold'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const blocks = blockReader();
    // What the worker reported block by block: all there is if the engine kills it.
    const partial: Series & { mean: number[] } = { strategy, x: [], y: [], mean: [] };
    p.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    p.stderr.setEncoding('utf8').on('data', (s: string) => {
      err += s;
      for (const [stages, median, mean] of blocks(s)) {
        partial.x.push(stages);
        partial.y.push(median);
        partial.mean.push(mean);
        progress(stages);
      }
    });
    p.on('error', reject);
    p.on('close', (status, signal) => {
      if (status === 0 && out) return resolve(withGrowth(JSON.parse(out) as Series));
      const reached = partial.x[partial.x.length - 1] ?? 0;
      const why = err.split('\n').find((l) => /fatal|error|failed/i.test(l))?.trim() ?? `exit ${status ?? signal}`;
      const got = withGrowth(partial);
      resolve({ ...got, extra: { ...got.extra, 'stages reached': reached }, failed: `the process died after about ${reached} stages: ${why}` });
    });
  });
}

/**
 * What the worker reports block by block on stderr ("reached N median mean"), read by whole lines:
 * chunks may end inside one. Each call takes a chunk and gives the blocks it completed.
 */
export function blockReader(): (chunk: string) => Array<[stages: number, median: number, mean: number]> {
  let pending = '';
  return (chunk) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop()!;
    const out: Array<[number, number, number]> = [];
    for (const line of lines) {
      const m = /^reached (\d+) (\S+) (\S+)$/.exec(line);
      if (m) out.push([Number(m[1]), Number(m[2]), Number(m[3])]);
    }
    return out;
  };
}

/** The series with its last block's median ÷ its first's among its figures (the floor's says what the engine's own cost does). */
function withGrowth(s: Series): Series {
  return { ...s, extra: { ...s.extra, 'last ÷ first block': (s.y[s.y.length - 1] ?? NaN) / (s.y[0] ?? NaN) } };
}

/** Median of the last ten of `ys` ÷ the first (one block can fall on a major collection's marking). */
const tailRatio = (ys: readonly number[]) => quantile(ys.slice(-10).sort((a, b) => a - b), 0.5) / (ys[0] ?? NaN);

export const stageCountScaling: Case = {
  name: 'stage-count-scaling',
  description:
    'Latency of each new one-function stage (median and mean per block of 1,000 stages) and memory per live stage, as the program grows. Both strategies first warm up on scratch state (6,000 commits or floor stages), so the first block is a steady state, and wait for the next request every 50 stages (Accrete compacts then). Memory is read before the warm-up: heap per stage is exact, RSS per stage an upper bound.',
  reference: 'floor',
  target: 'latency of the last 1,000 stages ≤ 1.2× the first 1,000, on Node 20 and 24; ≤ 20 KB per live stage.',
  unit: 'µs',
  warmup: { quick: 0, full: 0 },
  reps: { quick: 1, full: 1 },
  strategies: [],
  series: async (mode: Mode, progress?: Progress) => {
    const n = mode === 'smoke' ? 200 : mode === 'quick' ? 20000 : 100000;
    const block = mode === 'smoke' ? 100 : 1000;
    const series: Series[] = [];
    for (const [k, s] of STRATEGIES.entries()) series.push(await run(s, n, block, mode !== 'smoke', (d) => progress?.(k * n + d, STRATEGIES.length * n, `${s}: ${d} stages`)));
    return { series, xLabel: 'live stages', yLabel: 'µs per stage (block median)' };
  },
  verdicts: (r) => {
    const out = [];
    for (const s of r.series!.series) {
      if (s.strategy !== 'accrete baseline') continue;
      const growth = (s.y[s.y.length - 1] ?? NaN) / (s.y[0] ?? NaN);
      out.push({ what: `${s.strategy}: last block ÷ first block ≤ 1.2 (${s.x[s.x.length - 1] ?? 0} stages)`, value: `${growth.toFixed(2)}×`, met: growth <= 1.2 });
      // One block's median depends on whether a major collection's marking overlaps it: near
      // 100,000 live stages (~120 MB of heap) V8 marks in steps on the main thread, 48–59 ms of
      // them every ~5,000 stages (Node 24, --trace-gc), and such a block runs 2.5–4× slower. The
      // median of the last ten blocks says whether latency grew; the line above, whether the last
      // block fell on a marking.
      const tail = tailRatio(s.y);
      out.push({ what: `${s.strategy}: median of the last 10 blocks ÷ first block ≤ 1.2`, value: `${tail.toFixed(2)}×`, met: tail <= 1.2 });
      // Means count what medians leave out: collections, compaction, the occasional slow stage.
      // (Always pushed, NaN without means: repeated runs pair their verdicts by position.)
      const m = tailRatio(s.mean ?? []);
      out.push({ what: `${s.strategy}: the same with block means (collections included) ≤ 1.2`, value: `${m.toFixed(2)}×`, met: m <= 1.2 });
      const kb = s.extra?.['RSS KB/stage'] ?? NaN;
      out.push({ what: `${s.strategy}: RSS per live stage ≤ 20 KB`, value: `${kb.toFixed(1)} KB`, met: kb <= 20 });
    }
    return out;
  },
};
