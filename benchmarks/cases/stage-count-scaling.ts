// stage-count-scaling: latency of the N-th stage and memory per live stage as a program grows to
// tens of thousands of stages. Each strategy runs in a process of its own.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Case, Mode, Series } from '../harness.js';
import { quantile } from '../stats.js';

const worker = fileURLToPath(new URL('../scaling-worker.js', import.meta.url));

function run(strategy: string, n: number, block: number): Series & { failed?: string } {
  const p = spawnSync(process.execPath, ['--expose-gc', worker, strategy, String(n), String(block)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 26 });
  if (p.status !== 0 || !p.stdout) {
    const reached = [...(p.stderr ?? '').matchAll(/reached (\d+)/g)].pop()?.[1] ?? '0';
    const why = (p.stderr ?? '').split('\n').find((l) => /fatal|error|failed/i.test(l))?.trim() ?? `exit ${p.status ?? p.signal}`;
    return { strategy, x: [], y: [], extra: { 'stages reached': Number(reached) }, failed: `the process died after about ${reached} stages: ${why}` };
  }
  return JSON.parse(p.stdout) as Series & { failed?: string };
}

export const stageCountScaling: Case = {
  name: 'stage-count-scaling',
  description: 'Latency of each new one-function stage (median per block of stages) and memory per live stage, as the program grows.',
  reference: 'floor',
  target: 'latency of the last 1,000 stages ≤ 1.2× the first 1,000, on Node 20 and 24; ≤ 20 KB per live stage.',
  unit: 'µs',
  warmup: { quick: 0, full: 0 },
  reps: { quick: 1, full: 1 },
  strategies: [],
  series: async (mode: Mode) => {
    const n = mode === 'smoke' ? 200 : mode === 'quick' ? 20000 : 100000;
    const block = mode === 'smoke' ? 100 : 1000;
    const series = ['floor', 'accrete baseline'].map((s) => run(s, n, block));

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
      const tail = quantile(s.y.slice(-10).sort((a, b) => a - b), 0.5) / (s.y[0] ?? NaN);
      out.push({ what: `${s.strategy}: median of the last 10 blocks ÷ first block ≤ 1.2`, value: `${tail.toFixed(2)}×`, met: tail <= 1.2 });
      const kb = s.extra?.['RSS KB/stage'] ?? NaN;
      out.push({ what: `${s.strategy}: RSS per live stage ≤ 20 KB`, value: `${kb.toFixed(1)} KB`, met: kb <= 20 });
    }
    return out;
  },
};
